"""Emergency assignment. ETAs count what a technician is doing now; see `TechnicianIndex.choose`.

Technicians live in an in-memory grid index (cells of ~11 km). A query walks rings of cells outwards from the
request and stops as soon as the nearest unexplored ring cannot beat the best ETA found, so a decision looks
at a handful of cells, not at every technician.

ETA = max(now, busy_until) + travel from where they will be (the current job's place) to the request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fairdesk.dispatch.travel import DEFAULT_TRAVEL, StraightLineTravel

CELL_DEG = 0.1
# The published rule this module implements (/rules/emergency_allocation/, version 1), recorded on every offer
# (urgent.offered: `rule`).
RULE = "emergency_allocation:2"
# A request that has waited this long (re-offered after a decline or silence) gets the smallest ETA, whatever
# the keep-the-nearest-free rule says.
NEAREST_AFTER_MINUTES = 5.0


@dataclass
class TechState:
    id: int
    lat: float
    lng: float
    skills: frozenset[str]
    busy_until: float = 0.0  # minutes since the planning origin; free when <= now
    on_shift: bool = True


@dataclass
class Decision:
    technician: int | None
    eta_minutes: float | None  # from now
    examined: int = 0


@dataclass
class TechnicianIndex:
    travel: StraightLineTravel = DEFAULT_TRAVEL
    cells: dict[tuple[int, int], dict[int, TechState]] = field(default_factory=dict)
    where: dict[int, tuple[int, int]] = field(default_factory=dict)

    @staticmethod
    def cell_of(lat: float, lng: float) -> tuple[int, int]:
        return (math.floor(lat / CELL_DEG), math.floor(lng / CELL_DEG))

    def upsert(self, tech: TechState) -> None:
        cell = self.cell_of(tech.lat, tech.lng)
        old = self.where.get(tech.id)
        if old is not None and old != cell:
            self.cells[old].pop(tech.id, None)
        self.cells.setdefault(cell, {})[tech.id] = tech
        self.where[tech.id] = cell

    def get(self, tech_id: int) -> TechState:
        return self.cells[self.where[tech_id]][tech_id]

    def __len__(self) -> int:
        return len(self.where)

    def choose(
        self,
        *,
        lat: float,
        lng: float,
        skill: str,
        now: float,
        urban: bool,
        promise_minutes: float = 30.0,
        max_minutes: float = 24 * 60,
        exclude: frozenset[int] = frozenset(),
        waited_minutes: float = 0.0,
        nearest_after: float = NEAREST_AFTER_MINUTES,
    ) -> Decision:
        """fairdesk's policy. If some qualified technicians can keep the 30-minute promise, send the one of
        them who arrives *latest* within it: the nearest ones stay free for the next emergency close to them,
        and this customer is still reached in time. If nobody can keep it, say so and send the best ETA.

        Keeping the nearest free never abandons anyone: a request that has already waited `nearest_after`
        minutes gets the smallest ETA whatever the reserve rule says, and when nobody can arrive within
        `max_minutes` the request is still served, queued behind the technician within travelling reach
        (`max_minutes` of travel) who arrives first, as the nearest-idle baseline would serve it."""
        where = {"lat": lat, "lng": lng, "skill": skill, "now": now, "urban": urban, "exclude": exclude}
        examined = 0
        if waited_minutes < nearest_after:
            keepers = self.within(**where, minutes=promise_minutes)
            if keepers.technician is not None:
                return keepers
            examined = keepers.examined
            # The promise cannot be kept: an idle technician comes (smallest ETA among them), so nobody's
            # running chain of nearby jobs is broken; only if none is idle within reach, the smallest ETA.
            decision = self.best(**where, max_minutes=max_minutes, idle_only=True)
            examined += decision.examined
        else:
            decision = Decision(None, None)
        if decision.technician is None:
            decision = self.best(**where, max_minutes=max_minutes)
            examined += decision.examined
        if decision.technician is None:
            # Nobody arrives within max_minutes: queue behind whoever within travelling reach is first.
            decision = self.best(**where, max_minutes=max_minutes, reach_by_travel=True)
            examined += decision.examined
        decision.examined = examined
        return decision

    def within(
        self,
        *,
        lat: float,
        lng: float,
        skill: str,
        now: float,
        urban: bool,
        minutes: float,
        exclude: frozenset[int] = frozenset(),
    ) -> Decision:
        """Among technicians arriving within `minutes`, the one arriving latest (ties: lower id)."""
        center = self.cell_of(lat, lng)
        cell_km = 111.0 * CELL_DEG * max(math.cos(math.radians(lat)), 0.1)
        rings = int(self.travel.km_reachable(minutes, urban=urban) / cell_km) + 1
        chosen, chosen_eta, examined = None, -1.0, 0
        for ring in range(rings + 1):
            for cell in _ring(center, ring):
                for tech in self.cells.get(cell, {}).values():
                    examined += 1
                    if not tech.on_shift or skill not in tech.skills or tech.id in exclude:
                        continue
                    eta = max(tech.busy_until - now, 0.0) + self.travel.minutes(
                        tech.lat, tech.lng, lat, lng, urban=urban
                    )
                    if eta <= minutes and (eta > chosen_eta or (eta == chosen_eta and tech.id < chosen)):
                        chosen, chosen_eta = tech.id, eta
        return Decision(chosen, chosen_eta if chosen is not None else None, examined)

    def best(
        self,
        *,
        lat: float,
        lng: float,
        skill: str,
        now: float,
        urban: bool,
        max_minutes: float = 24 * 60,
        exclude: frozenset[int] = frozenset(),
        idle_only: bool = False,
        reach_by_travel: bool = False,
    ) -> Decision:
        """Smallest ETA among qualified technicians on shift (ties: the lower id, for reproducibility) that
        arrive within `max_minutes`; with `reach_by_travel`, among those whose *travel* is within it (the ETA,
        waiting for their current job included, may then be longer)."""
        center = self.cell_of(lat, lng)
        km_per_cell_lat = 111.0 * CELL_DEG
        km_per_cell_lng = km_per_cell_lat * max(math.cos(math.radians(lat)), 0.1)
        cell_km = min(km_per_cell_lat, km_per_cell_lng)
        best_eta, best_id, examined = math.inf, None, 0
        max_ring = int(self.travel.km_reachable(max_minutes, urban=urban) / cell_km) + 2
        for ring in range(max_ring + 1):
            # Anything in this ring is at least (ring - 1) cells away in straight line.
            lower_km = max(ring - 1, 0) * cell_km
            lower_eta = self.travel.minutes(0, 0, 0, 0, urban=urban) + (
                lower_km
                * self.travel.detour_factor
                / (self.travel.urban_kmh if urban else self.travel.rural_kmh)
                * 60
            )
            if lower_eta >= best_eta:
                break
            for cell in _ring(center, ring):
                bucket = self.cells.get(cell)
                if not bucket:
                    continue
                for tech in bucket.values():
                    examined += 1
                    if not tech.on_shift or skill not in tech.skills or tech.id in exclude:
                        continue
                    if idle_only and tech.busy_until > now:
                        continue
                    wait = max(tech.busy_until - now, 0.0)
                    travel = self.travel.minutes(tech.lat, tech.lng, lat, lng, urban=urban)
                    if reach_by_travel and travel > max_minutes:
                        continue
                    eta = wait + travel
                    if eta < best_eta or (eta == best_eta and best_id is not None and tech.id < best_id):
                        best_eta, best_id = eta, tech.id
        if best_id is None or (best_eta > max_minutes and not reach_by_travel):
            return Decision(None, None, examined)
        return Decision(best_id, best_eta, examined)


def _ring(center: tuple[int, int], ring: int):
    cy, cx = center
    if ring == 0:
        yield center
        return
    for dx in range(-ring, ring + 1):
        yield (cy - ring, cx + dx)
        yield (cy + ring, cx + dx)
    for dy in range(-ring + 1, ring):
        yield (cy + dy, cx - ring)
        yield (cy + dy, cx + ring)
