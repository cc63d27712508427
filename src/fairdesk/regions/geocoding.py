"""Addresses to points. A provider adapter (AMap Web Service geocoding is the first real one) answers a point
in its own coordinate system; this module converts it to WGS-84 (what fairdesk stores), names its precision
(`rooftop`, `street`, `town`, `district`) and source, and caches it per normalized address and provider.

Without a provider (no key), or when the provider fails or does not know the address, the answer is the
division's centre with precision `district`: `approximate`, and every page that shows or uses it says so.

Configuration: FAIRDESK_GEOCODER (`none` | `amap`), FAIRDESK_AMAP_KEY, FAIRDESK_AMAP_URL (the Web Service
base, `https://restapi.amap.com`; tests point it at `fairdesk.testing.amap`)."""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import prcoords
import urllib3
from django.conf import settings
from django.db import IntegrityError, transaction

from fairdesk.core.http import HTTP_ERRORS, http_pool
from fairdesk.regions.models import GeocodeCache, Precision

log = logging.getLogger(__name__)

SOURCE_DISTRICT = "district"  # the division's centre, no provider
SOURCE_CUSTOMER = "customer"  # the customer's pin on the map


@dataclass(frozen=True)
class GeoPoint:
    lat: float  # WGS-84
    lng: float
    precision: str
    source: str

    @property
    def approximate(self) -> bool:
        return self.precision == Precision.DISTRICT


class GeocoderUnavailable(Exception):
    """The provider could not be asked (network, quota, bad key): fall back, never fail the caller."""


class Geocoder(Protocol):
    name: str

    def geocode(self, address: str, *, city: str = "") -> GeoPoint | None:
        """The point in WGS-84, None if the provider does not know the address; raise GeocoderUnavailable."""


# ---- coordinate systems ---------------------------------------------------------------------------------


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """GCJ-02 (AMap, Tencent) → WGS-84, by prcoords' iterative inverse (error well under a metre)."""
    point = prcoords.gcj_wgs_bored(prcoords.Coords(lat, lng))
    return point.lat, point.lon


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    point = prcoords.wgs_gcj(prcoords.Coords(lat, lng), True)
    return point.lat, point.lon


def bd09_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """BD-09 (Baidu) → WGS-84."""
    point = prcoords.bd_wgs_bored(prcoords.Coords(lat, lng))
    return point.lat, point.lon


# ---- AMap -------------------------------------------------------------------------------------------------

# AMap's `level` (匹配级别) to ours.
AMAP_LEVELS = {
    "门牌号": Precision.ROOFTOP,
    "兴趣点": Precision.ROOFTOP,
    "单元号": Precision.ROOFTOP,
    "楼栋": Precision.ROOFTOP,
    "道路": Precision.STREET,
    "道路交叉路口": Precision.STREET,
    "村庄": Precision.STREET,
    "乡镇": Precision.TOWN,
    "开发区": Precision.TOWN,
    "热点商圈": Precision.TOWN,
}


def amap_lnglat(text: str) -> tuple[float, float]:
    """AMap's "lng,lat" → (lat, lng) in GCJ-02."""
    lng, lat = (float(part) for part in text.split(","))
    return lat, lng


class AmapGeocoder:
    name = "amap"

    def __init__(self, *, key: str, base_url: str = "https://restapi.amap.com", timeout: float = 3.0) -> None:
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def geocode(self, address: str, *, city: str = "") -> GeoPoint | None:
        query = {"key": self.key, "address": address, "output": "JSON"}
        if city:
            query["city"] = city
        data = amap_get(self.base_url + "/v3/geocode/geo?" + urlencode(query), timeout=self.timeout)
        geocodes = data.get("geocodes") or []
        if not geocodes or not geocodes[0].get("location"):
            return None
        first = geocodes[0]
        precision = AMAP_LEVELS.get(first.get("level", ""), Precision.DISTRICT)
        lat, lng = gcj02_to_wgs84(*amap_lnglat(first["location"]))
        return GeoPoint(lat=round(lat, 6), lng=round(lng, 6), precision=precision, source=self.name)


def amap_get(url: str, *, timeout: float = 3.0) -> dict:
    """One AMap Web Service call: its JSON when status is "1", else GeocoderUnavailable."""
    try:
        response = http_pool().request(
            "GET", url, timeout=urllib3.Timeout(connect=min(timeout, 2.0), read=timeout)
        )
    except HTTP_ERRORS as exc:
        raise GeocoderUnavailable(f"amap unreachable: {exc.__class__.__name__}") from exc
    if response.status != 200:
        raise GeocoderUnavailable(f"amap answered HTTP {response.status}")
    try:
        data = json.loads(response.data)
    except ValueError as exc:
        raise GeocoderUnavailable("amap answered something that is not JSON") from exc
    if str(data.get("status")) != "1":
        raise GeocoderUnavailable(f"amap refused: {data.get('infocode')} {data.get('info')}")
    return data


def geocoder_configured() -> Geocoder | None:
    kind = getattr(settings, "FAIRDESK_GEOCODER", "none")
    key = getattr(settings, "FAIRDESK_AMAP_KEY", "")
    if kind == "amap" and key:
        return AmapGeocoder(key=key, base_url=settings.FAIRDESK_AMAP_URL)
    return None


# ---- the service ------------------------------------------------------------------------------------------


def address_normalize(address: str) -> str:
    text = unicodedata.normalize("NFKC", address or "")
    return re.sub(r"\s+", "", text)[:200]


def district_point(division) -> GeoPoint:
    return GeoPoint(lat=division.lat, lng=division.lng, precision=Precision.DISTRICT, source=SOURCE_DISTRICT)


def address_geocode(*, address: str, division, geocoder: Geocoder | None = None) -> GeoPoint:
    """The address's point: cached, else asked of the configured provider, else (no key, provider down or
    address unknown) the division's centre, approximate. Never raises for the provider's sake."""
    geocoder = geocoder or geocoder_configured()
    if geocoder is None or not address.strip():
        return district_point(division)
    key = address_normalize(address)
    cached = GeocodeCache.objects.filter(address=key, provider=geocoder.name).first()
    if cached is not None:
        return GeoPoint(lat=cached.lat, lng=cached.lng, precision=cached.precision, source=geocoder.name)
    try:
        point = geocoder.geocode(key, city=getattr(division, "code", "") or "")
    except GeocoderUnavailable as exc:
        log.warning("geocoding fell back to the district centre: %s", exc)
        return district_point(division)
    if point is None:
        return district_point(division)
    try:
        with transaction.atomic():
            GeocodeCache.objects.create(
                address=key, provider=geocoder.name, lat=point.lat, lng=point.lng, precision=point.precision
            )
    except IntegrityError:  # another request cached it first
        pass
    return point


def customer_point(lat, lng) -> GeoPoint | None:
    """A pin the customer placed (hidden lat/lng inputs, WGS-84): rooftop precision, or None if not sane."""
    try:
        lat, lng = float(lat), float(lng)
    except (TypeError, ValueError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or (lat == 0 and lng == 0):
        return None
    return GeoPoint(lat=round(lat, 6), lng=round(lng, 6), precision=Precision.ROOFTOP, source=SOURCE_CUSTOMER)


# ---- navigation links -------------------------------------------------------------------------------------


def navigation_url(*, lat: float | None, lng: float | None, precision: str, address: str) -> str:
    """The AMap deep link for a technician: a marker at the point (GCJ-02, as AMap wants) named by the
    address; an approximate point (district centre) searches the address text instead."""
    if lat is None or lng is None or precision == Precision.DISTRICT:
        return "https://uri.amap.com/search?" + urlencode({"keyword": address, "src": "fairdesk"})
    glat, glng = wgs84_to_gcj02(lat, lng)
    return "https://uri.amap.com/marker?" + urlencode(
        {"position": f"{glng:.6f},{glat:.6f}", "name": address, "src": "fairdesk", "coordinate": "gaode"}
    )


# ---- the customer's pin -----------------------------------------------------------------------------------


def pin_map(*, point: GeoPoint | None, lat: str = "", lng: str = "") -> dict:
    """What `regions/_pin_map.html` needs: where the pin starts (a pin already placed on a re-shown form, else
    the geocoded point, else nothing: "use my location" places it), and the tile source."""
    placed = customer_point(lat, lng)
    start = placed or point
    return {
        "lat": f"{start.lat:.6f}" if start else "",
        "lng": f"{start.lng:.6f}" if start else "",
        "approximate": bool(start and start.approximate),
        "placed_lat": f"{placed.lat:.6f}" if placed else "",
        "placed_lng": f"{placed.lng:.6f}" if placed else "",
        "zoom": 12 if start is None or start.approximate else 17,
        "tiles": settings.FAIRDESK_TILE_URL,
        "attribution": settings.FAIRDESK_TILE_ATTRIBUTION,
    }
