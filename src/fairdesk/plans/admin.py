"""Back office for plans. The change rule and the terms go through the model `clean` (the fairness rules), so
an unfair rule cannot be saved here; prices are versions (added, never edited); money rows are read-only,
except marking an offline refund paid out."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fairdesk.core.admin_audit import AuditedAdmin, LabelledTabularInline, ReadOnlyAdmin
from fairdesk.core.text_audit import TextAuditFormMixin
from fairdesk.plans.models import (
    ChangeRule,
    LedgerEntry,
    MoneyStatus,
    Payment,
    Plan,
    PlanPrice,
    PlanSettings,
    Refund,
    Subscription,
)
from fairdesk.plans.services import refund_mark_paid


class PlanPriceInline(LabelledTabularInline):
    model = PlanPrice
    extra = 0
    fields = ("period", "version", "amount_fen", "currency", "announced_at", "effective_from")

    def get_readonly_fields(self, request, obj=None):
        return self.fields if obj is not None else ()

    def has_change_permission(self, request, obj=None):
        return False  # a price change is a new version, announced ahead


class PlanForm(TextAuditFormMixin, forms.ModelForm):
    """What customers read about a plan is refused when it holds a forbidden format clause (the reason names
    the article of 《合同行政监督管理办法》)."""

    audited_fields = ("name", "name_en", "description", "description_en", "benefits")

    class Meta:
        model = Plan
        fields = ("code", "name", "name_en", "description", "description_en", "rank", "benefits", "is_active")


@admin.register(Plan)
class PlanAdmin(AuditedAdmin):
    form = PlanForm
    list_display = ("code", "name", "rank", "is_active")
    inlines = [PlanPriceInline]


@admin.register(PlanPrice)
class PlanPriceAdmin(AuditedAdmin):
    list_display = ("plan", "period", "version", "amount_fen", "announced_at", "effective_from")
    list_filter = ("plan", "period")

    def has_change_permission(self, request, obj=None):
        return obj is None


@admin.register(ChangeRule)
class ChangeRuleAdmin(AuditedAdmin):
    list_display = ("effective", "applies_to", "only_in_last_days", "is_active", "updated_at")


@admin.register(PlanSettings)
class PlanSettingsAdmin(AuditedAdmin):
    list_display = ("__str__", "auto_renew_default", "renewal_notice_days", "refund_methods")

    def has_add_permission(self, request):
        return not PlanSettings.objects.exists()


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("customer", "plan", "period", "status", "period_end", "auto_renew", "pending_plan")
    list_filter = ("status", "plan", "auto_renew")
    search_fields = ("customer__phone",)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "customer",
        "provider",
        "amount_fen",
        "refunded_fen",
        "status",
        "external_id",
        "idempotency_key",
        "created_at",
    )
    list_filter = ("provider", "status")  # pending ones older than 15 minutes are `reconcile_payments`' work
    search_fields = ("customer__phone", "external_id", "idempotency_key")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    list_display = ("payment", "amount_fen", "status", "attempts", "created_at", "settled_at")
    list_filter = ("status",)
    actions = ["mark_paid"]

    @admin.action(description=_("标记为已线下退款"))
    def mark_paid(self, request, queryset):
        for refund in queryset.filter(status=MoneyStatus.PENDING, payment__provider="offline"):
            refund_mark_paid(refund_id=refund.pk, actor=request.user)
        self.message_user(request, _("已更新。"), messages.SUCCESS)


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "customer", "kind", "amount_fen", "subscription", "description")
    list_filter = ("kind",)
    search_fields = ("customer__phone",)
