"""Back office of the help centre. A version is written once (a change is a new version) and published only
by the "review and publish" action, which managers run on someone else's version; readers' feedback is
read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from fairdesk.core.admin_audit import AuditedAdmin
from fairdesk.core.errors import DomainError
from fairdesk.core.text_audit import TextAuditFormMixin
from fairdesk.knowledge import services
from fairdesk.knowledge.forbidden import forbidden_in
from fairdesk.knowledge.models import Article, ArticleFeedback, ArticleVersion


class ArticleVersionForm(TextAuditFormMixin, forms.ModelForm):
    """An article is customer-facing text: a forbidden format clause is refused with its article, and so is
    a forbidden topic (how to open or get round a lock)."""

    audited_fields = ("title", "body")

    class Meta:
        model = ArticleVersion
        fields = ("article", "language", "title", "body")

    def clean(self):
        cleaned = super().clean()
        found = forbidden_in(f"{cleaned.get('title', '')}\n{cleaned.get('body', '')}")
        if found:
            self.add_error(
                "body", _("帮助文章不能讲授开锁或绕过门锁的方法（%(words)s）。") % {"words": "、".join(found)}
            )
        return cleaned


@admin.register(Article)
class ArticleAdmin(AuditedAdmin):
    list_display = ("slug", "topic", "service_types", "created_at")
    list_filter = ("topic",)
    search_fields = ("slug",)
    fields = ("slug", "topic", "service_types")


@admin.register(ArticleVersion)
class ArticleVersionAdmin(admin.ModelAdmin):
    form = ArticleVersionForm
    list_display = ("article", "language", "version", "title", "published", "reviewer", "reviewed_at")
    list_filter = ("published", "language", "article__topic")
    search_fields = ("article__slug", "title")
    actions = ("review_and_publish",)
    add_fields = ("article", "language", "title", "body")

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.add_fields
        return (*self.add_fields, "version", "author", "created_at", "published", "reviewer", "reviewed_at")

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # the history is kept

    def save_model(self, request, obj, form, change):
        if change:
            return  # versions are never edited
        saved = services.article_version_submit(
            article=form.cleaned_data["article"],
            language=form.cleaned_data["language"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            author=request.user,
        )
        obj.pk, obj.version = saved.pk, saved.version

    @admin.action(description=_("审核通过并发布"), permissions=["view"])
    def review_and_publish(self, request, queryset):
        published = 0
        for version in queryset.order_by("version"):
            try:
                services.article_version_review(version_id=version.pk, reviewer=request.user)
                published += 1
            except DomainError as exc:
                self.message_user(request, f"{version}: {exc.message}", messages.ERROR)
        if published:
            self.message_user(request, _("已发布 %(n)d 个版本。") % {"n": published}, messages.SUCCESS)


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(admin.ModelAdmin):
    list_display = ("article", "language", "helpful", "comment", "at")
    list_filter = ("helpful", "language")
    readonly_fields = ("article", "version", "language", "helpful", "comment", "at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
