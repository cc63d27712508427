from django.contrib import admin

from fairdesk.core.admin_audit import AuditedAdmin, ReadOnlyAdmin
from fairdesk.dispatch.models import Job, Shift, Technician
from fairdesk.dispatch.services import slots_recount


class ShiftInline(admin.TabularInline):
    model = Shift
    extra = 1


@admin.register(Technician)
class TechnicianAdmin(AuditedAdmin):
    list_display = ("user", "station", "status", "skills", "position_at")
    list_filter = ("status", "station")
    search_fields = ("user__name", "user__phone", "station__name")
    inlines = [ShiftInline]

    def save_related(self, request, form, formsets, change):
        """Shifts changed in the admin: future slots of the station take the new roster's capacity."""
        super().save_related(request, form, formsets, change)
        slots_recount(station=form.instance.station, actor=request.user)


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    list_display = ("urgent", "technician", "status", "eta_minutes", "promised_at", "arrived_at")
    list_filter = ("status",)
