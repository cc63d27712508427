"""Travel time, calibrated in one place. The default is straight-line distance times a detour factor at a
speed that depends on whether the area is urban (a district, 区) or rural. A deployment can plug in a
road-network router by implementing `TravelModel.minutes`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from fairdesk.regions.geo import haversine_km


class TravelModel(Protocol):
    def minutes(self, lat1: float, lng1: float, lat2: float, lng2: float, *, urban: bool) -> float: ...


@dataclass(frozen=True)
class StraightLineTravel:
    detour_factor: float = 1.35  # road distance ÷ straight-line distance, typical for Chinese cities
    urban_kmh: float = 25.0  # a technician on an e-bike or car in city traffic
    rural_kmh: float = 45.0
    setup_minutes: float = 3.0  # leaving the current place, parking, finding the door

    def minutes(self, lat1: float, lng1: float, lat2: float, lng2: float, *, urban: bool) -> float:
        km = haversine_km(lat1, lng1, lat2, lng2) * self.detour_factor
        return self.setup_minutes + km / (self.urban_kmh if urban else self.rural_kmh) * 60.0

    def km_reachable(self, minutes: float, *, urban: bool) -> float:
        """Straight-line kilometres coverable in `minutes`: the search radius for a given ETA bound."""
        speed = self.urban_kmh if urban else self.rural_kmh
        return max(minutes - self.setup_minutes, 0.0) / 60.0 * speed / self.detour_factor


DEFAULT_TRAVEL = StraightLineTravel()


# ---- road travel times from a provider, with the straight line as the fallback ----------------------------

STRAIGHT_LINE = "straight_line"  # the source named when the fallback answered


@dataclass(frozen=True)
class TravelEstimate:
    minutes: float
    source: str  # a provider (`amap`) or STRAIGHT_LINE, the fallback

    @property
    def fallback(self) -> bool:
        return self.source == STRAIGHT_LINE


class TravelUnavailable(Exception):
    pass


class AmapTravel:
    """AMap Web Service distance matrix (`/v3/distance`, type=1 driving): many origins to one destination per
    call. Points in and out are WGS-84; AMap is asked in GCJ-02."""

    name = "amap"
    max_origins = 100

    def __init__(self, *, key: str, base_url: str = "https://restapi.amap.com", timeout: float = 3.0) -> None:
        self.key = key
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def seconds_to(
        self, origins: list[tuple[float, float]], destination: tuple[float, float]
    ) -> list[tuple[int, int]]:
        """(seconds, metres) from each origin to the destination."""
        from urllib.parse import urlencode

        from fairdesk.regions.geocoding import GeocoderUnavailable, amap_get, wgs84_to_gcj02

        def lnglat(point):
            lat, lng = wgs84_to_gcj02(*point)
            return f"{lng:.6f},{lat:.6f}"

        query = {
            "key": self.key,
            "origins": "|".join(lnglat(p) for p in origins),
            "destination": lnglat(destination),
            "type": "1",
            "output": "JSON",
        }
        try:
            data = amap_get(self.base_url + "/v3/distance?" + urlencode(query), timeout=self.timeout)
            results = sorted(data.get("results") or [], key=lambda r: int(r["origin_id"]))
            seconds = [(int(float(r["duration"])), int(float(r["distance"]))) for r in results]
        except (GeocoderUnavailable, KeyError, ValueError) as exc:
            raise TravelUnavailable(str(exc)) from exc
        if len(seconds) != len(origins):
            raise TravelUnavailable("amap answered a different number of results")
        return seconds


def travel_provider():
    from django.conf import settings

    if getattr(settings, "FAIRDESK_TRAVEL", "straight") == "amap" and settings.FAIRDESK_AMAP_KEY:
        return AmapTravel(key=settings.FAIRDESK_AMAP_KEY, base_url=settings.FAIRDESK_AMAP_URL)
    return None


def _key(point: tuple[float, float]) -> str:
    return f"{point[0]:.4f},{point[1]:.4f}"


def travel_matrix(
    points: list[tuple[float, float]], *, at=None, urban: bool = True, provider=None
) -> tuple[dict[tuple[int, int], float], str]:
    """Minutes between every ordered pair of `points` (WGS-84 (lat, lng)), and the source: the configured
    provider (cached per pair and hour), or STRAIGHT_LINE when there is none or it fails."""
    import datetime as dt
    import logging

    from django.db import IntegrityError, transaction

    from fairdesk.core import clock
    from fairdesk.dispatch.models import TravelTimeCache

    provider = provider or travel_provider()
    n = len(points)
    straight = {
        (i, j): 0.0 if i == j else DEFAULT_TRAVEL.minutes(*points[i], *points[j], urban=urban)
        for i in range(n)
        for j in range(n)
    }
    if provider is None or n < 2:
        return straight, STRAIGHT_LINE
    hour = (at or clock.now()).astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    keys = [_key(p) for p in points]
    cached = {
        (row.origin, row.destination): row.seconds
        for row in TravelTimeCache.objects.filter(
            provider=provider.name, hour=hour, origin__in=set(keys), destination__in=set(keys)
        )
    }
    result: dict[tuple[int, int], float] = {}
    try:
        for j in range(n):
            missing = [
                i for i in range(n) if i != j and keys[i] != keys[j] and (keys[i], keys[j]) not in cached
            ]
            for start in range(0, len(missing), provider.max_origins):
                chunk = missing[start : start + provider.max_origins]
                seconds = provider.seconds_to([points[i] for i in chunk], points[j])
                for i, (value, metres) in zip(chunk, seconds, strict=True):
                    cached[(keys[i], keys[j])] = value
                    try:
                        with transaction.atomic():
                            TravelTimeCache.objects.create(
                                provider=provider.name,
                                origin=keys[i],
                                destination=keys[j],
                                hour=hour,
                                seconds=value,
                                metres=metres,
                            )
                    except IntegrityError:
                        pass
            for i in range(n):
                same = i == j or keys[i] == keys[j]
                result[(i, j)] = 0.0 if same else cached[(keys[i], keys[j])] / 60.0
    except TravelUnavailable as exc:
        logging.getLogger(__name__).warning("travel times fell back to the straight line: %s", exc)
        return straight, STRAIGHT_LINE
    return result, provider.name


def travel_estimate(
    lat1: float, lng1: float, lat2: float, lng2: float, *, urban: bool, at=None, provider=None
) -> TravelEstimate:
    """One trip's minutes: the provider's (cached per pair and hour), else the straight line (it says so)."""
    matrix, source = travel_matrix([(lat1, lng1), (lat2, lng2)], at=at, urban=urban, provider=provider)
    return TravelEstimate(minutes=matrix[(0, 1)], source=source)
