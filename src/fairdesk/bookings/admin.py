from django.contrib import admin

from fairdesk.bookings.models import Booking, ServiceType, Slot, StationSchedule
from fairdesk.bookings.services import slots_ensure_ahead
from fairdesk.core.admin_audit import AuditedAdmin, ReadOnlyAdmin


@admin.register(ServiceType)
class ServiceTypeAdmin(AuditedAdmin):
    list_display = (
        "code",
        "name",
        "duration_minutes",
        "skill",
        "emergency",
        "price_estimate_fen",
        "is_active",
        "requires_opening_record",
    )
    list_filter = ("emergency", "is_active", "skill", "requires_opening_record")


@admin.register(StationSchedule)
class StationScheduleAdmin(AuditedAdmin):
    list_display = ("station", "opens_at", "closes_at", "window_minutes", "capacity_per_window", "days_ahead")
    autocomplete_fields = ("station",)
    search_fields = ("station__name",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        slots_ensure_ahead(station=obj.station)  # a longer horizon or new windows are bookable at once


@admin.register(Slot)
class SlotAdmin(AuditedAdmin):
    list_display = ("station", "start", "end", "capacity", "booked")
    list_filter = ("station",)
    date_hierarchy = "start"
    readonly_fields = ("booked",)  # changed only by bookings, under the capacity rule


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    """Read-only here: bookings change through the booking services (hotline console, API) so rules hold."""

    list_display = ("reference", "status", "service_type", "station", "slot", "contact_name", "created_at")
    list_filter = ("status", "service_type")
    search_fields = ("reference", "customer__phone", "contact_name", "address")
