"""Back office for complaints. Complaints and their messages are read-only for everyone, superusers included
(no add, change or delete: a record is only extended by events, through complaints.services); the working-day
overrides (days the `chinese-calendar` package does not know yet) are edited by managers, each save an
audited Event. Times are shown in the business's local time; the auditor's role gives view permission only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fairdesk.accounts import permissions
from fairdesk.complaints.models import Complaint, ComplaintMessage, WorkdayOverride
from fairdesk.core.admin_audit import AuditedAdmin, LabelledTabularInline, ReadOnlyAdmin


class ComplaintMessageInline(LabelledTabularInline):
    model = ComplaintMessage
    extra = 0
    can_delete = False
    fields = ("at", "author", "staff", "kind", "text")
    readonly_fields = fields
    ordering = ("at", "id")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "received_at",
        "category",
        "green_channel",
        "status",
        "first_contact_by",
        "first_contact_at",
        "final_response_at",
        "outcome",
        "redress_fen",
        "escalation_level",
        "rule_version",
    )
    list_filter = ("status", "category", "green_channel", "outcome", "escalation_level", "channel")
    search_fields = ("=reference", "customer__phone", "customer__name")
    date_hierarchy = "received_at"
    list_select_related = ("customer",)
    inlines = [ComplaintMessageInline]
    readonly_fields = ("final_response_by_now",)

    @admin.display(description=_("答复期限（含暂停）"))
    def final_response_by_now(self, obj: Complaint):
        return obj.final_response_by


@admin.register(ComplaintMessage)
class ComplaintMessageAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "at", "author", "kind", "staff")
    list_filter = ("author", "kind")
    search_fields = ("complaint__reference",)
    list_select_related = ("complaint", "staff")


@admin.register(WorkdayOverride)
class WorkdayOverrideAdmin(AuditedAdmin):
    list_display = ("day", "working", "note")
    list_filter = ("working",)
    date_hierarchy = "day"
    ordering = ("day",)

    def _manager(self, request) -> bool:
        return permissions.has(request.user, permissions.MANAGE)

    def has_add_permission(self, request):
        return self._manager(request) or super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return self._manager(request) or super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._manager(request) or super().has_delete_permission(request, obj)
