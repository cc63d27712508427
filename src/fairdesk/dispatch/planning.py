"""The nightly plan: each station's booked visits for a day, routed with the planner over its technicians'
shifts and skills; technicians see the order, customers get a narrowed arrival window (±30 min, inside the
booked slot)."""

from __future__ import annotations

import datetime as dt
import math

from django.db import IntegrityError, transaction

from fairdesk.bookings.models import Booking, BookingStatus
from fairdesk.core import clock
from fairdesk.core.services import event_record
from fairdesk.dispatch import events, messages
from fairdesk.dispatch.models import PlanRun, Technician, VisitPlan, VisitStatus
from fairdesk.dispatch.planner import PlanningProblem, Visit, plan
from fairdesk.dispatch.planner import Technician as PlannerTechnician
from fairdesk.dispatch.tasks import plan_day
from fairdesk.dispatch.travel import DEFAULT_TRAVEL, STRAIGHT_LINE, travel_matrix
from fairdesk.regions.models import Station

WINDOW = dt.timedelta(minutes=30)
PLAN_HOUR = 20  # local time after which tomorrow is planned
STARTED = [VisitStatus.EN_ROUTE, VisitStatus.ON_SITE, VisitStatus.DONE]


def _km_xy(lat: float, lng: float, lat0: float) -> tuple[float, float]:
    """A local flat projection in km (good to a few per mille within a city)."""
    return (lng * 111.32 * math.cos(math.radians(lat0)), lat * 110.57)


def station_plan_day(*, station, day: dt.date, seconds: float = 2.0, actor=None) -> dict:
    zone = clock.local_zone()
    origin = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    bookings = list(
        Booking.objects.filter(
            station=station,
            status=BookingStatus.CONFIRMED,
            slot__start__gte=origin,
            slot__start__lt=origin + dt.timedelta(days=1),
        )
        .exclude(visit_plan__status__in=STARTED)  # a visit under way keeps its technician
        .select_related("slot", "service_type", "division", "customer")
        .order_by("slot__start", "pk")
    )
    technicians = list(
        Technician.objects.filter(station=station).select_related("user", "station").order_by("pk")
    )
    if not bookings or not technicians:
        return {
            "station": station.name,
            "visits": len(bookings),
            "technicians": len(technicians),
            "planned": 0,
        }
    lat0 = station.lat
    minutes = lambda moment: (moment - origin).total_seconds() / 60  # noqa: E731
    visits = [
        Visit(
            place=_km_xy(*b.point, lat0),  # the geocoded or pinned point (the division's centre if none)
            ready=minutes(b.slot.start),
            due=minutes(b.slot.end),
            service=b.service_type.duration_minutes,
            skills=frozenset({b.service_type.skill}),
            name=b.reference,
        )
        for b in bookings
    ]
    fleet = []
    for tech in technicians:
        shift = (
            tech.shifts.filter(start__lt=origin + dt.timedelta(days=1), end__gt=origin)
            .order_by("start")
            .first()
        )
        start, end = (
            (max(minutes(shift.start), 0), min(minutes(shift.end), 24 * 60)) if shift else (8 * 60, 20 * 60)
        )
        home = _km_xy(tech.station.lat, tech.station.lng, lat0)
        fleet.append(
            PlannerTechnician(
                start=home,
                end=home,
                shift_start=start,
                shift_end=end,
                skills=frozenset(tech.skills),
                name=tech.user.name,
            )
        )
    # Road travel times between every pair of places (the provider's, cached per pair and hour); the
    # straight-line model when there is no provider or it fails, and the summary says which.
    geo_points = [b.point for b in bookings] + [(t.station.lat, t.station.lng) for t in technicians]
    km_points = [v.place for v in visits] + [f.start for f in fleet]
    index = {}
    for position, km in enumerate(km_points):
        index.setdefault(km, position)
    matrix, travel_source = travel_matrix(geo_points, at=origin)
    speed = DEFAULT_TRAVEL.urban_kmh / 60.0

    def travel(a, b):  # minutes between two places
        if travel_source != STRAIGHT_LINE and a in index and b in index:
            return matrix[(index[a], index[b])]
        return DEFAULT_TRAVEL.setup_minutes + math.dist(a, b) * DEFAULT_TRAVEL.detour_factor / speed

    result = plan(PlanningProblem(visits=visits, technicians=fleet, travel=travel, scale=60), seconds=seconds)
    planned = 0
    with transaction.atomic():
        VisitPlan.objects.filter(booking__in=bookings).delete()
        for route in result.routes:
            tech = technicians[route.technician]
            previous = fleet[route.technician].start
            for sequence, (visit_index, start) in enumerate(zip(route.visits, route.starts, strict=True), 1):
                booking = bookings[visit_index]
                planned_start = origin + dt.timedelta(minutes=start)
                window_start = max(planned_start - WINDOW, booking.slot.start)
                window_end = min(planned_start + WINDOW, booking.slot.end)
                VisitPlan.objects.create(
                    booking=booking,
                    technician=tech,
                    day=day,
                    sequence=sequence,
                    planned_start=planned_start,
                    window_start=window_start,
                    window_end=window_end,
                    travel_km=route.distance,
                    travel_minutes=round(travel(previous, visits[visit_index].place), 1),
                )
                previous = visits[visit_index].place
                messages.visit_window(booking, start=window_start, end=window_end)
                planned += 1
        summary = {
            "station": station.name,
            "visits": len(bookings),
            "technicians": len(technicians),
            "planned": planned,
            "unassigned": [bookings[i].reference for i in result.unassigned],
            "travel_source": travel_source,
        }
        event_record(
            kind=events.STATION_PLANNED,
            subject=station,
            actor=actor,
            actor_label="planner",
            payload={
                "day": day,
                **{name: summary[name] for name in ("visits", "technicians", "planned", "unassigned")},
            },
        )
    return summary


def day_plan_all(*, day: dt.date, seconds: float = 2.0, actor=None) -> list[dict]:
    return [
        station_plan_day(station=s, day=day, seconds=seconds, actor=actor)
        for s in Station.objects.filter(is_active=True, technician__isnull=False).distinct().order_by("pk")
    ]


def nightly_plan_if_due() -> bool:
    """Run by the background tick: after 20:00 local time, plan tomorrow once (a PlanRun row)."""
    now = clock.now().astimezone(clock.local_zone())
    if now.hour < PLAN_HOUR:
        return False
    tomorrow = now.date() + dt.timedelta(days=1)
    try:
        with transaction.atomic():
            run = PlanRun.objects.create(day=tomorrow)
    except IntegrityError:
        return False  # already planned (or being planned by another worker)
    plan_day.enqueue(tomorrow.isoformat(), run.pk)
    return True
