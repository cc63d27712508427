from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fairdesk.core.errors import DomainError
from fairdesk.regions import maps, selectors, services


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _lookup(request) -> dict:
    context = _lookup_for(
        request.GET.get("address", ""), _float(request.GET.get("lat")), _float(request.GET.get("lng"))
    )
    context["demand_recorded"] = request.GET.get("demand") == "recorded"
    return context


def _lookup_for(address: str, lat: float | None = None, lng: float | None = None) -> dict:
    address = address.strip()
    context: dict = {"address": address, "asked": bool(address or lat is not None)}
    if not context["asked"]:
        return context
    try:
        coverage, resolution = services.coverage_lookup(address=address, lat=lat, lng=lng)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return context
    context.update(coverage=coverage, resolution=resolution, division=coverage.division)
    # An abolished division has no outline today: mark the current division that took it over.
    context["map_focus"] = (
        coverage.division if coverage.division.is_current else next(iter(coverage.served_via), None)
    )
    return context


@require_GET
def coverage_page(request):
    context = _lookup(request)
    context["stats"] = selectors.division_stats()
    context["map_svg"] = maps.coverage_map_svg(
        highlight=context.get("map_focus"), label=_("服务区域地图：阴影为已覆盖的区县")
    )
    return render(request, "regions/coverage.html", context)


@require_GET
def coverage_check(request):
    """htmx partial: the answer box and the map with the division marked."""
    context = _lookup(request)
    context["map_svg"] = maps.coverage_map_svg(
        highlight=context.get("map_focus"), label=_("服务区域地图：阴影为已覆盖的区县")
    )
    response = render(request, "regions/_coverage_result.html", context)
    # The address bar shows the full page's URL, so the answer can be reloaded or shared as a link.
    response["HX-Push-Url"] = reverse("regions:coverage") + (
        "?" + request.GET.urlencode() if request.GET else ""
    )
    return response


@require_POST
def coverage_demand(request):
    """A not-covered result's form: the demand is recorded (address, optional phone, time) for the business to
    see; the customer comes back to the result with a note saying so."""
    address = request.POST.get("address", "")
    try:
        services.coverage_demand_record(address=address, phone=request.POST.get("phone", ""))
    except DomainError as exc:
        context = _lookup_for(address)
        context.update(demand_error=str(exc.message), phone=request.POST.get("phone", "")[:20])
        context["stats"] = selectors.division_stats()
        context["map_svg"] = maps.coverage_map_svg(
            highlight=context.get("map_focus"), label=_("服务区域地图：阴影为已覆盖的区县")
        )
        return render(request, "regions/coverage.html", context, status=exc.status)
    return redirect(
        reverse("regions:coverage")
        + "?"
        + urlencode({"address": address.strip()[:200], "demand": "recorded"})
    )


@require_GET
def coverage_map(request):
    response = HttpResponse(maps.coverage_map_svg(label=_("服务区域地图")), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=300"
    return response
