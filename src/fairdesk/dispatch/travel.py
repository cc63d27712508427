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
