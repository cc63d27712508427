"""Back office for support. Managers edit the bot's answers, customers' "always a human" choice and agents'
duty (every save is an audited Event); conversations and their messages are read-only here (they change only
through the support services, so the queue's rules hold). The auditor's role gives view permission only;
times are shown in the business's local time."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock
from fairdesk.core.admin_audit import AuditedAdmin, LabelledTabularInline, ReadOnlyAdmin
from fairdesk.core.text_audit import TextAuditFormMixin
from fairdesk.support import bot  # noqa: F401  (every process loads the admin: bot's signals keep its index fresh)
from fairdesk.support.links import LINKS
from fairdesk.support.models import AgentDuty, BotAnswer, Conversation, Message, SupportPreference


class BotAnswerForm(TextAuditFormMixin, forms.ModelForm):
    audited_fields = ("answer", "answer_en")  # a forbidden format clause is refused, naming the article

    class Meta:
        model = BotAnswer
        fields = ("questions", "answer", "answer_en", "links", "active")
        help_texts = {
            "answer": _("回答里写 {hotline} 会显示为全国热线号码。"),
        }

    def clean_questions(self):
        lines = [line.strip() for line in self.cleaned_data["questions"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("请至少写一种问法。"))
        return "\n".join(lines)

    def clean_links(self):
        links = self.cleaned_data.get("links") or []
        if not isinstance(links, list) or not all(isinstance(code, str) for code in links):
            raise forms.ValidationError(_('请填写链接代码的列表，例如 ["book", "my_plan"]。'))
        unknown = [code for code in links if code not in LINKS]
        if unknown:
            raise forms.ValidationError(
                _("未知的链接代码：%(codes)s。可用：%(known)s")
                % {"codes": ", ".join(unknown), "known": ", ".join(LINKS)}
            )
        return list(dict.fromkeys(links))


@admin.register(BotAnswer)
class BotAnswerAdmin(AuditedAdmin):
    form = BotAnswerForm
    list_display = ("first_question", "variants", "links", "active", "updated_at")
    list_filter = ("active",)
    search_fields = ("questions", "answer", "answer_en")
    readonly_fields = ("updated_at",)
    ordering = ("id",)

    @admin.display(description=_("问题"))
    def first_question(self, obj: BotAnswer) -> str:
        return str(obj)

    @admin.display(description=_("问法数"))
    def variants(self, obj: BotAnswer) -> int:
        return len([line for line in obj.questions.splitlines() if line.strip()])

    def save_model(self, request, obj, form, change):
        obj.updated_at = clock.now()  # keys every process's bot index: the edit is used by the next reply
        super().save_model(request, obj, form, change)


class MessageInline(LabelledTabularInline):
    model = Message
    extra = 0
    can_delete = False
    fields = ("at", "author", "agent", "text", "links", "internal")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = (
        "id",
        "customer",
        "channel",
        "status",
        "safety_class",
        "human_requested_flag",
        "human_how",
        "assigned_to",
        "created_at",
        "human_requested_at",
        "closed_at",
        "resolution",
        "rating",
    )
    list_filter = ("status", "channel", "safety_class", "human_how", "resolution")
    search_fields = ("=id", "customer__phone", "customer__name", "assigned_to__phone", "assigned_to__name")
    date_hierarchy = "created_at"
    list_select_related = ("customer", "assigned_to")
    inlines = [MessageInline]

    @admin.display(description=_("请求人工"), boolean=True, ordering="human_requested_at")
    def human_requested_flag(self, obj: Conversation) -> bool:
        return obj.human_requested


@admin.register(SupportPreference)
class SupportPreferenceAdmin(AuditedAdmin):
    list_display = ("customer", "always_human", "updated_at")
    list_filter = ("always_human",)
    search_fields = ("customer__phone", "customer__name")
    raw_id_fields = ("customer",)
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        obj.updated_at = clock.now()
        super().save_model(request, obj, form, change)


class AgentDutyForm(forms.ModelForm):
    class Meta:
        model = AgentDuty
        fields = ("agent", "on_duty", "capacity")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from fairdesk.accounts.permissions import HOTLINE

        if "agent" in self.fields:
            self.fields["agent"].queryset = self.fields["agent"].queryset.filter(
                role__in=HOTLINE, is_active=True
            )

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError(_("同时接待上限至少为 1。"))
        return capacity


@admin.register(AgentDuty)
class AgentDutyAdmin(AuditedAdmin):
    form = AgentDutyForm
    list_display = ("agent", "on_duty", "capacity", "since", "last_assigned_at")
    list_filter = ("on_duty",)
    search_fields = ("agent__phone", "agent__name")
    readonly_fields = ("since", "last_assigned_at")

    def save_model(self, request, obj, form, change):
        if not change or "on_duty" in form.changed_data:
            obj.since = clock.now()
        super().save_model(request, obj, form, change)
