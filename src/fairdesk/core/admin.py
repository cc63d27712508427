from django.contrib import admin

from fairdesk.core.admin_audit import ReadOnlyAdmin
from fairdesk.core.models import Event


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """Read-only: the audit trail can be searched, never edited."""

    list_display = ("at", "kind", "subject_type", "subject_id", "actor_label")
    list_filter = ("kind", "subject_type")
    search_fields = ("subject_id", "actor_label", "kind")
    date_hierarchy = "at"
