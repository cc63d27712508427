from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Q

from fairdesk.regions.geo import haversine_km
from fairdesk.regions.models import Division, Level, ServiceArea, Station


def division_rows_for_resolver() -> list[dict]:
    return list(
        Division.objects.values(
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "province_code",
            "province_name",
            "city_code",
            "city_name",
            "valid_until",
            "has_counties",
            "successor_codes",
        ).order_by("id")
    )


def division_current_by_code(*, code: str) -> Division | None:
    return Division.objects.filter(code=code, valid_until__isnull=True).exclude(level=Level.PROVINCE).first()


def divisions_current_by_codes(*, codes: list[str]) -> list[Division]:
    return list(
        Division.objects.filter(code__in=codes, valid_until__isnull=True).exclude(level=Level.PROVINCE)
    )


@dataclass(frozen=True)
class Coverage:
    division: Division
    covered: bool
    station: Station | None
    distance_km: float | None
    served_via: list[
        Division
    ]  # the current divisions whose service areas apply (successors of an abolished one)


def coverage_for_division(
    *, division: Division, lat: float | None = None, lng: float | None = None
) -> Coverage:
    """Is a division covered, and by which station?

    An abolished division is covered where its successors are. A station that covers a whole prefecture-level
    city covers every county in it. Among several covering stations the nearest one to the customer's point
    (or to the division's centre) serves.
    """
    targets = (
        [division] if division.is_current else divisions_current_by_codes(codes=division.successor_codes)
    )
    if not targets:
        return Coverage(division, False, None, None, [])
    match = Q()
    for target in targets:
        match |= Q(division=target)
        if target.level == Level.COUNTY and target.city_code:
            match |= Q(
                division__code=target.city_code, division__level=Level.CITY, division__valid_until=None
            )
    areas = list(
        ServiceArea.objects.filter(match, station__is_active=True)
        .select_related("station")
        .order_by("station_id")
    )
    if not areas:
        return Coverage(division, False, None, None, targets)
    origin_lat = lat if lat is not None else (targets[0].lat if targets[0].lat is not None else None)
    origin_lng = lng if lng is not None else (targets[0].lng if targets[0].lng is not None else None)
    stations = list({area.station_id: area.station for area in areas}.values())
    if origin_lat is None or origin_lng is None:
        return Coverage(division, True, stations[0], None, targets)
    ranked = sorted(stations, key=lambda s: (haversine_km(origin_lat, origin_lng, s.lat, s.lng), s.id))
    best = ranked[0]
    return Coverage(division, True, best, haversine_km(origin_lat, origin_lng, best.lat, best.lng), targets)


def covered_division_codes() -> set[str]:
    """Codes of current divisions with service (counties, plus the counties of fully covered cities)."""
    codes = set(
        ServiceArea.objects.filter(station__is_active=True)
        .values_list("division__code", flat=True)
        .distinct()
    )
    city_codes = {code for code in codes if code.endswith("00")}
    if city_codes:
        codes |= set(
            Division.objects.filter(
                city_code__in=city_codes, level=Level.COUNTY, valid_until=None
            ).values_list("code", flat=True)
        )
    return codes


def coverage_fingerprint() -> tuple:
    """Changes whenever service areas or station activity change (one cheap aggregate query)."""
    areas = ServiceArea.objects.aggregate(n=Count("id"), top=Max("id"))
    active = Station.objects.filter(is_active=True).aggregate(n=Count("id"), top=Max("id"))
    return (areas["n"], areas["top"], active["n"], active["top"])


def division_stats() -> dict[str, int]:
    return {
        "current": Division.objects.filter(valid_until=None).count(),
        "historical": Division.objects.exclude(valid_until=None).count(),
        "stations": Station.objects.count(),
        "areas": ServiceArea.objects.count(),
    }
