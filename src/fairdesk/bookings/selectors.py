from __future__ import annotations

import datetime as dt

from django.db.models import F, QuerySet

from fairdesk.bookings.models import Booking, ServiceType, Slot
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


def slots_future(*, station_id: int) -> list[Slot]:
    from fairdesk.core import clock

    return list(Slot.objects.filter(station_id=station_id, start__gt=clock.now()).order_by("start"))


def booking_by_reference(*, reference: str) -> Booking | None:
    return (
        Booking.objects.select_related("slot", "station", "service_type", "customer")
        .filter(reference=reference.strip().upper())
        .first()
    )


def bookings_for_customer(*, customer_id: int) -> QuerySet[Booking]:
    return Booking.objects.filter(customer_id=customer_id).select_related("slot", "station", "service_type")


def urgent_by_reference(*, reference: str):
    from fairdesk.bookings.models import UrgentRequest

    return (
        UrgentRequest.objects.select_related("station", "division")
        .filter(reference=reference.upper())
        .first()
    )


def urgent_open():
    from fairdesk.bookings.models import UrgentRequest, UrgentStatus

    return (
        UrgentRequest.objects.filter(status=UrgentStatus.QUEUED)
        .select_related("station")
        .order_by("created_at")
    )


def call_notes_for(*, customer_id: int):
    from fairdesk.bookings.models import CallNote

    return CallNote.objects.filter(customer_id=customer_id).select_related("agent")
