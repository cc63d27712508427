from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from fairdesk.core.admin_audit import AuditedAdmin, LabelledTabularInline, ReadOnlyAdmin
from fairdesk.dispatch.models import Job, OpeningRecord, ProvinceOpeningRule, Shift, Technician
from fairdesk.dispatch.services import slots_recount


class ShiftInline(LabelledTabularInline):
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


@admin.register(ProvinceOpeningRule)
class ProvinceOpeningRuleAdmin(AuditedAdmin):
    list_display = ("province_code", "witness_required", "retention_days")


@admin.register(OpeningRecord)
class OpeningRecordAdmin(ReadOnlyAdmin):
    """Read only for everyone (auditors read; nobody adds, changes or deletes: the purge deletes). The photo
    is shown only through its checked view, never as a /media/ link."""

    list_display = ("created_at", "station", "document_type", "document_last4", "recorded_by", "keep_until")
    list_filter = ("document_type", "province_code")
    exclude = ("proof_photo",)
    readonly_fields = ("photo_link",)

    @admin.display(description=_("证明照片"))
    def photo_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("opening_photo", args=[obj.pk]), _("查看照片"))
