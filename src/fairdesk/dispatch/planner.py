"""Route planning for scheduled visits with PyVRP (VRP with time windows, shifts and skills).

One model builder serves the nightly station plan and `manage.py vrptw_bench`: a `PlanningProblem` holds
places (depot first), visits (time window, service time, demand, required skills) and technicians (start and
end place, shift, capacity, skills). Travel times and distances come from a callable, so a deployment can plug
in a road router. PyVRP works in integers: times and distances are multiplied by `scale` and rounded; the
reported cost is recomputed from the unscaled distances along the routes found.

Skills: a technician may only get visits whose skills they hold. Each distinct skill set becomes a PyVRP
profile in which arcs into a visit needing a missing skill cost more than any feasible route.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass(frozen=True)
class Visit:
    place: Point
    ready: float  # earliest start, minutes (or the instance's unit) from the planning origin
    due: float  # latest start
    service: float
    demand: int = 0
    skills: frozenset[str] = frozenset()
    name: str = ""


@dataclass(frozen=True)
class Technician:
    start: Point
    end: Point
    shift_start: float
    shift_end: float
    capacity: int = 10**9
    skills: frozenset[str] = frozenset()
    count: int = 1  # identical technicians (Solomon: the fleet size)
    name: str = ""


@dataclass
class PlanningProblem:
    visits: Sequence[Visit]
    technicians: Sequence[Technician]
    travel: Callable[[Point, Point], float] = field(default=lambda a, b: math.dist(a, b))
    scale: int = 1000


@dataclass
class PlannedRoute:
    technician: int  # index into PlanningProblem.technicians
    visits: list[int]  # indexes into PlanningProblem.visits, in order
    distance: float
    starts: list[float] = field(default_factory=list)  # service start of each visit, unscaled


@dataclass
class Plan:
    routes: list[PlannedRoute]
    cost: float  # total travel distance, unscaled
    feasible: bool
    unassigned: list[int]

    @property
    def vehicles(self) -> int:
        return len(self.routes)


def build_model(problem: PlanningProblem):
    # PyVRP (a compiled solver) is loaded by the planning run only, not by every web process.
    from pyvrp import Model

    model = Model()
    scale = problem.scale
    starts = []
    depot_for: dict[Point, object] = {}
    # Depots: every distinct start or end place of a technician.
    for tech in problem.technicians:
        for place in (tech.start, tech.end):
            if place not in depot_for:
                depot_for[place] = model.add_depot(model.add_location(x=place[0], y=place[1]))
                starts.append(place)
    clients = []
    for visit in problem.visits:
        location = model.add_location(x=visit.place[0], y=visit.place[1])
        clients.append(
            model.add_client(
                location=location,
                delivery=[visit.demand],
                service_duration=round(visit.service * scale),
                tw_early=round(visit.ready * scale),
                tw_late=round(visit.due * scale),
            )
        )
    skill_sets = sorted({tech.skills for tech in problem.technicians}, key=lambda s: sorted(s))
    needs_profiles = any(visit.skills for visit in problem.visits)
    profiles = {skills: model.add_profile() for skills in skill_sets} if needs_profiles else {}
    for tech in problem.technicians:
        model.add_vehicle_type(
            num_available=tech.count,
            capacity=[min(tech.capacity, 2**31)],
            start_depot=depot_for[tech.start],
            end_depot=depot_for[tech.end],
            tw_early=round(tech.shift_start * scale),
            tw_late=round(tech.shift_end * scale),
            profile=profiles.get(tech.skills),
        )
    places = [*starts, *(visit.place for visit in problem.visits)]
    locations = model.locations
    forbidden = 10**12
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            if i == j:
                continue
            travel = problem.travel(a, b)
            distance = round(travel * scale)
            duration = round(travel * scale)
            if not profiles:
                model.add_edge(locations[i], locations[j], distance=distance, duration=duration)
                continue
            target = j - len(starts)
            for skills, profile in profiles.items():
                allowed = target < 0 or problem.visits[target].skills <= skills
                cost = distance if allowed else forbidden
                model.add_edge(locations[i], locations[j], distance=cost, duration=duration, profile=profile)
    return model, clients, len(starts)


def plan(problem: PlanningProblem, *, seconds: float, seed: int = 1) -> Plan:
    from pyvrp.stop import MaxRuntime  # likewise only when planning

    model, _clients, _depots = build_model(problem)
    result = model.solve(stop=MaxRuntime(seconds), seed=seed, display=False)
    solution = result.best
    routes, cost, assigned = [], 0.0, set()
    for route in solution.routes():
        activities = [activity for activity in route if activity.is_client()]
        visit_ids = [activity.idx for activity in activities]  # client indexes, 0-based
        starts = [activity.start_time / problem.scale for activity in activities]
        tech = problem.technicians[route.vehicle_type()]
        path = [tech.start, *(problem.visits[v].place for v in visit_ids), tech.end]
        distance = sum(problem.travel(a, b) for a, b in itertools.pairwise(path))
        routes.append(
            PlannedRoute(technician=route.vehicle_type(), visits=visit_ids, distance=distance, starts=starts)
        )
        cost += distance
        assigned.update(visit_ids)
    unassigned = [i for i in range(len(problem.visits)) if i not in assigned]
    return Plan(routes=routes, cost=cost, feasible=solution.is_feasible(), unassigned=unassigned)
