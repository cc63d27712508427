from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from fairdesk.bookings.models import Booking, CallNote, ServiceType, Slot, StationSchedule
from fairdesk.core import clock


def service_types_active() -> QuerySet[ServiceType]:
    return ServiceType.objects.filter(is_active=True).order_by("-emergency", "code")


def slots_open(*, station_id: int, start: dt.datetime, end: dt.datetime) -> list[Slot]:
    """Slots a customer may book: in the future, not full."""
    now = clock.now()
    return list(
        Slot.objects.filter(station_id=station_id, start__gte=start, start__lt=end, start__gt=now)
        .filter(booked__lt=F("capacity"))
        .select_related("station")
        .order_by("start")
    )


def booking_days(*, station) -> list[dt.date]:
    """The days a customer may book at this station: today and the next `days_ahead` of its schedule (the
    periodic job has made their slots; later days have none and are never made on reading)."""
    days_ahead = (
        StationSchedule.objects.filter(station=station).values_list("days_ahead", flat=True).first()
        or StationSchedule._meta.get_field("days_ahead").default
    )
    today = clock.now().astimezone(clock.local_zone()).date()
    return [today + dt.timedelta(days=n) for n in range(days_ahead + 1)]


def slots_open_for_day(*, station, day: dt.date) -> list[Slot]:
    """The day's bookable slots (future, not full). Reads only: a day outside the station's horizon (past,
    or beyond `days_ahead`) is an empty list."""
    days = booking_days(station=station)
    if not days[0] <= day <= days[-1]:
        return []
    start = dt.datetime.combine(day, dt.time.min, tzinfo=clock.local_zone())
    return slots_open(station_id=station.pk, start=start, end=start + dt.timedelta(days=1))


def next_open_day(*, station, after: dt.date) -> dt.date | None:
    """The next day (local) with a bookable slot after `after`, else the first one from now (an earlier day
    in the window); None when nothing is bookable at all (e.g. after the demo clock jumped)."""
    zone = clock.local_zone()
    start = dt.datetime.combine(after + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    free = Slot.objects.filter(station=station, booked__lt=F("capacity"), start__gt=clock.now())
    slot = free.filter(start__gte=start).order_by("start").first() or free.order_by("start").first()
    return slot.start.astimezone(zone).date() if slot else None


def slots_future(*, station_id: int) -> list[Slot]:
    return list(Slot.objects.filter(station_id=station_id, start__gt=clock.now()).order_by("start"))


def booking_by_reference(*, reference: str) -> Booking | None:
    return (
        Booking.objects.select_related("slot", "station", "service_type", "customer")
        .filter(reference=reference.strip().upper())
        .first()
    )


def bookings_for_customer(*, customer_id: int) -> QuerySet[Booking]:
    return Booking.objects.filter(customer_id=customer_id).select_related("slot", "station", "service_type")


def call_notes_for(*, customer_id: int) -> QuerySet[CallNote]:
    return CallNote.objects.filter(customer_id=customer_id).select_related("agent")
