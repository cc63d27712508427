"""Back office for the published rules and the score appeals.

A rule version is editable only while it is not in force yet (managers); once its `effective_from` has
passed it is read-only for everyone and never deleted: a change is a new version. Appeals are recorded and
answered on the station's page (`/providers/<id>/`), so the admin only shows them."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import transaction

from fairdesk.accounts import permissions
from fairdesk.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from fairdesk.core.services import event_record
from fairdesk.core.text_audit import TextAuditFormMixin
from fairdesk.transparency import events
from fairdesk.transparency.models import RuleDocument, ScoreAppeal


class RuleDocumentForm(TextAuditFormMixin, forms.ModelForm):
    """A published rule is customer-facing text: a forbidden format clause is refused with its article."""

    audited_fields = ("title", "title_en", "body", "body_en")

    class Meta:
        model = RuleDocument
        fields = (
            "code",
            "version",
            "title",
            "title_en",
            "body",
            "body_en",
            "effective_from",
            "stats_anchor",
            "recorded_in",
            "params",
        )


@admin.register(RuleDocument)
class RuleDocumentAdmin(AuditedAdmin):
    form = RuleDocumentForm
    list_display = ("code", "version", "title", "effective_from", "stats_anchor")
    list_filter = ("code",)
    search_fields = ("code", "title", "title_en")
    ordering = ("code", "-version")
    fields = (
        "code",
        "version",
        "title",
        "title_en",
        "body",
        "body_en",
        "effective_from",
        "stats_anchor",
        "recorded_in",
        "params",
        "created_at",
    )
    readonly_fields = ("created_at",)

    def _manager(self, request) -> bool:
        return permissions.has(request.user, permissions.MANAGE)

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # admin.created|changed
            if not change:
                event_record(
                    kind=events.RULE_PUBLISHED,
                    subject=obj,
                    actor=request.user,
                    payload={"code": obj.code, "version": obj.version, "effective_from": obj.effective_from},
                )

    def has_add_permission(self, request):
        return self._manager(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.in_force():
            return False  # in force: never edited (publish a new version)
        return self._manager(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.in_force():
            return False
        return self._manager(request) or super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # a bulk delete would reach versions in force
        return actions


@admin.register(ScoreAppeal)
class ScoreAppealAdmin(ReadOnlyAdmin):
    list_display = ("station", "period_from", "period_to", "rule_version", "score", "created_at", "outcome")
    list_filter = ("outcome",)
    list_select_related = ("station",)
