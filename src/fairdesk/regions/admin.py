from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from fairdesk.core.admin_audit import AuditedAdmin, LabelledTabularInline
from fairdesk.regions.models import CoverageDemand, Division, GeocodeCache, ServiceArea, Station


class CurrentFilter(admin.SimpleListFilter):
    title = _("现行/历史")
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", _("现行")), ("no", _("已撤销或更名"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(valid_until__isnull=True)
        if self.value() == "no":
            return queryset.filter(valid_until__isnull=False)
        return queryset


@admin.register(Division)
class DivisionAdmin(AuditedAdmin):
    list_display = ("code", "name", "level", "province_name", "city_name", "valid_from", "valid_until")
    list_filter = ("level", CurrentFilter, "province_name")
    search_fields = ("code", "name", "short_name", "city_name")
    exclude = ("outline",)
    readonly_fields = ("code", "name", "level", "valid_from", "valid_until")


class ServiceAreaInline(LabelledTabularInline):
    model = ServiceArea
    raw_id_fields = ("division",)  # a plain input keeps its name in a table row; select2 does not
    extra = 1


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ("name", "division", "hotline", "opening_hours", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "address", "hotline")
    autocomplete_fields = ("division",)
    inlines = [ServiceAreaInline]


@admin.register(ServiceArea)
class ServiceAreaAdmin(AuditedAdmin):
    list_display = ("station", "division", "source_text")
    search_fields = ("station__name", "division__name", "source_text")
    autocomplete_fields = ("station", "division")


@admin.register(GeocodeCache)
class GeocodeCacheAdmin(AuditedAdmin):
    list_display = ["address", "provider", "precision", "lat", "lng", "created_at"]
    list_filter = ["provider", "precision"]
    search_fields = ["address"]


@admin.register(CoverageDemand)
class CoverageDemandAdmin(AuditedAdmin):
    """Demand where there is no coverage yet, newest first; filter by province to see where to open next."""

    list_display = ("created_at", "address", "division", "phone")
    list_filter = ("division__province_name",)
    search_fields = ("address", "phone", "division__name")
    readonly_fields = ("created_at", "address", "division", "phone")
    date_hierarchy = "created_at"
