from django.contrib import admin

from fairdesk.core.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-only: the audit trail can be searched, never edited."""

    list_display = ("at", "kind", "subject_type", "subject_id", "actor_label")
    list_filter = ("kind", "subject_type")
    search_fields = ("subject_id", "actor_label", "kind")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
