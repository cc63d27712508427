"""Booking use cases. Capacity is taken and given back with conditional UPDATEs, so two requests can never
both take the last place, on SQLite or PostgreSQL, with any number of web processes."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from fairdesk.accounts import permissions
from fairdesk.accounts.models import Role, User
from fairdesk.bookings import capacity, events, messages
from fairdesk.bookings.errors import (
    BookingNotFound,
    IllegalTransition,
    InvalidInput,
    NotCovered,
    SlotFull,
    SlotUnavailable,
)
from fairdesk.bookings.models import (
    Booking,
    BookingStatus,
    CallNote,
    CancelReason,
    ServiceType,
    Slot,
    StationSchedule,
)
from fairdesk.bookings.selectors import booking_days
from fairdesk.core import clock
from fairdesk.core.services import event_record
from fairdesk.plans.selectors import price_with_benefits
from fairdesk.regions.models import ServiceArea, Station
from fairdesk.regions.services import coverage_lookup

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread on the phone


def reference_new() -> str:
    """A fresh 8-character reference (bookings, and dispatch's emergencies, draw theirs here)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


@transaction.atomic
def schedule_get_or_create(*, station: Station) -> StationSchedule:
    schedule, _created = StationSchedule.objects.get_or_create(station=station)
    return schedule


def _windows(schedule: StationSchedule, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    zone = clock.local_zone()
    cursor = dt.datetime.combine(day, schedule.opens_at, tzinfo=zone)
    closing = dt.datetime.combine(day, schedule.closes_at, tzinfo=zone)
    step = dt.timedelta(minutes=schedule.window_minutes)
    windows = []
    while cursor + step <= closing:
        windows.append((cursor.astimezone(dt.UTC), (cursor + step).astimezone(dt.UTC)))
        cursor += step
    return windows


@transaction.atomic
def slots_ensure(*, station: Station, days: list[dt.date]) -> int:
    """Create the windows of these days from the station's schedule (idempotent; existing slots are never
    changed here) and return how many were created. Capacity comes from a registered provider (dispatch:
    the technicians' shifts; see bookings.capacity), or the schedule's fixed number when none answers."""
    schedule = schedule_get_or_create(station=station)
    wanted = [window for day in days for window in _windows(schedule, day)]
    if not wanted:
        return 0
    existing = set(
        Slot.objects.filter(station=station, start__gte=wanted[0][0], start__lte=wanted[-1][0]).values_list(
            "start", flat=True
        )
    )
    wanted = [(start, end) for start, end in wanted if start not in existing]
    capacities = capacity.capacities_for(station=station, windows=wanted)
    missing = [
        Slot(
            station=station,
            start=start,
            end=end,
            capacity=schedule.capacity_per_window if capacities is None else capacities[n],
        )
        for n, (start, end) in enumerate(wanted)
    ]
    if not missing:
        return 0
    # ignore_conflicts: another process running the same job may have made some of them.
    Slot.objects.bulk_create(missing, ignore_conflicts=True)
    event_record(
        kind=events.SLOTS_CREATED,
        subject=station,
        actor_label="system",
        payload={
            "slots": len(missing),
            "first": missing[0].start,
            "last": missing[-1].start,
        },
    )
    return len(missing)


def slots_ensure_for_day(*, station: Station, day: dt.date) -> int:
    return slots_ensure(station=station, days=[day])


def slots_ensure_ahead(*, station: Station | None = None) -> int:
    """Slots ahead, made by the periodic job (and by load_demo and a schedule's save) so that reading a
    day never writes: for each station, today and the next `days_ahead` days of its schedule. With
    `station`, that station alone and every day checked (its schedule may have changed); without, only
    stations whose furthest slot falls short of their horizon are visited, so the job is one query when
    nothing is due."""
    if station is not None:
        return slots_ensure(station=station, days=booking_days(station=station))
    today = clock.now().astimezone(clock.local_zone()).date()
    default_ahead = StationSchedule._meta.get_field("days_ahead").default
    created = 0
    rows = Station.objects.annotate(last=Max("slots__start"))
    for station_id, last, days_ahead in rows.values_list("pk", "last", "schedule__days_ahead"):
        horizon = today + dt.timedelta(days=days_ahead or default_ahead)
        if last is not None and last.astimezone(clock.local_zone()).date() >= horizon:
            continue
        target = Station.objects.get(pk=station_id)
        created += slots_ensure(station=target, days=booking_days(station=target))
    return created


@transaction.atomic
def slot_capacities_set(*, station: Station, capacities: dict[int, int], actor=None) -> int:
    """Set future slots' capacity (after shifts changed). A slot never drops below what is already booked:
    nobody's booking is taken away by a roster change; the dispatcher sees the slot as full instead."""
    changed = 0
    for slot_id, wanted in capacities.items():
        changed += (
            Slot.objects.filter(pk=slot_id, station=station, start__gt=clock.now())
            .exclude(capacity=wanted)
            .update(capacity=Greatest(F("booked"), wanted))
        )
    if changed:
        event_record(
            kind=events.SLOTS_CAPACITY_CHANGED,
            subject=station,
            actor=actor,
            actor_label="dispatch",
            payload={"slots": changed},
        )
    return changed


def service_type_get(code: str) -> ServiceType:
    service_type = ServiceType.objects.filter(code=code, is_active=True).first()
    if service_type is None:
        raise InvalidInput(_("没有这个服务类型：%(code)s") % {"code": code}, code="unknown_service_type")
    return service_type


def _take_place(slot_id: int) -> None:
    taken = Slot.objects.filter(pk=slot_id, booked__lt=F("capacity"), start__gt=clock.now()).update(
        booked=F("booked") + 1
    )
    if taken != 1:
        if not Slot.objects.filter(pk=slot_id, start__gt=clock.now()).exists():
            raise SlotUnavailable(_("这个时段已经过去或不存在，请选择其他时段。"))
        raise SlotFull(_("这个时段已约满，请选择其他时段。"))


def _give_back_place(slot_id: int) -> None:
    Slot.objects.filter(pk=slot_id, booked__gt=0).update(booked=F("booked") - 1)


def _check_owner(booking: Booking, actor: User) -> None:
    """Its customer, or staff who act for customers; never reveal that someone else's booking exists."""
    permissions.check_customer_record(
        actor, booking.customer_id, write=True, not_found=BookingNotFound(_("没有找到这个预约。"))
    )


@transaction.atomic
def booking_create(
    *, customer: User, slot_id: int, service_type_code: str, address: str, contact_name: str, actor: User
) -> Booking:
    service_type = service_type_get(service_type_code)
    coverage, _resolution = coverage_lookup(address=address)
    if not coverage.covered:
        raise NotCovered(_("这个地址暂不在服务范围内，请拨打 24 小时热线。"))
    slot = Slot.objects.select_related("station").filter(pk=slot_id).first()
    if slot is None:
        raise SlotUnavailable(_("这个时段已经过去或不存在，请选择其他时段。"))
    if not _station_serves(slot.station, coverage):
        raise SlotUnavailable(
            _("这个时段所属网点不服务您的地址，请重新选择时段。"), code="slot_wrong_station"
        )
    price_fen, benefit = price_with_benefits(
        customer=customer, price_fen=service_type.price_estimate_fen, emergency=service_type.emergency
    )
    _take_place(slot.pk)
    slot.refresh_from_db(fields=["booked"])
    for _attempt in range(5):
        try:
            with transaction.atomic():
                booking = Booking.objects.create(
                    reference=reference_new(),
                    customer=customer,
                    contact_name=contact_name.strip()[:64] or customer.name or "",
                    service_type=service_type,
                    slot=slot,
                    station=slot.station,
                    division=coverage.division,
                    address=address.strip()[:200],
                    price_estimate_fen=price_fen,
                )
            break
        except IntegrityError:  # reference collision (1 in 10^12): draw again
            continue
    else:  # pragma: no cover
        raise RuntimeError("could not draw a unique booking reference")
    messages.booking_confirmed(booking)
    event_record(
        kind=events.BOOKING_CREATED,
        subject=booking,
        actor=actor,
        payload={
            "old_status": None,
            "new_status": booking.status,
            "price_fen": booking.price_estimate_fen,
            "slot": slot.pk,
            "service_type": service_type.code,
            "by_staff": actor.pk != customer.pk,
            "plan_benefit": benefit,
        },
    )
    return booking


def _station_serves(station: Station, coverage) -> bool:
    """The slot's station must cover the address (the nearest one, or any other that also covers it)."""
    if coverage.station is not None and coverage.station.pk == station.pk:
        return True
    targets = coverage.served_via
    return ServiceArea.objects.filter(
        Q(division__in=targets)
        | Q(
            division__level="city",
            division__valid_until=None,
            division__code__in=[d.city_code for d in targets],
        ),
        station=station,
    ).exists()


def _locked_booking(reference: str, actor: User) -> Booking:
    booking = Booking.objects.select_for_update().filter(reference=reference.strip().upper()).first()
    if booking is None:
        raise BookingNotFound(_("没有找到这个预约。"))
    _check_owner(booking, actor)
    return booking


@transaction.atomic
def booking_cancel(
    *, reference: str, actor: User, reason_code: str = CancelReason.CUSTOMER_REQUEST, note: str = ""
) -> Booking:
    """Cancel a confirmed booking and give its place back. `reason_code` is one of CancelReason; `note`,
    what the person typed, is kept on the booking (cancel_note), and the event only says there is one."""
    if reason_code not in CancelReason.values:
        raise InvalidInput(
            _("取消原因须为以下之一：%(codes)s。") % {"codes": ", ".join(CancelReason.values)},
            code="invalid_reason_code",
        )
    if reason_code == CancelReason.UNABLE_TO_SERVE and getattr(actor, "role", None) == Role.CUSTOMER:
        # The business's own reason: a customer cannot put it into the statistics.
        raise InvalidInput(_("只有服务方可以选择“无法上门服务”。"), code="invalid_reason_code")
    booking = _locked_booking(reference, actor)
    if booking.status != BookingStatus.CONFIRMED:
        raise IllegalTransition(
            _("这个预约已经是“%(status)s”，不能取消。") % {"status": booking.get_status_display()}
        )
    old_status, booking.status = booking.status, BookingStatus.CANCELLED
    booking.cancel_reason, booking.cancel_note = reason_code, note.strip()[:200]
    booking.updated_at = clock.now()
    booking.save(update_fields=["status", "cancel_reason", "cancel_note", "updated_at"])
    _give_back_place(booking.slot_id)
    messages.booking_cancelled(booking)
    event_record(
        kind=events.BOOKING_CANCELLED,
        subject=booking,
        actor=actor,
        payload={
            "old_status": old_status,
            "new_status": booking.status,
            "reason_code": booking.cancel_reason,
            "has_note": bool(booking.cancel_note),
        },
    )
    return booking


@transaction.atomic
def booking_complete(*, booking_id: int, actor: User) -> Booking:
    """The technician finished the visit (called by dispatch); a cancelled booking cannot be completed."""
    booking = Booking.objects.select_for_update().filter(pk=booking_id).first()
    if booking is None:
        raise BookingNotFound(_("没有找到这个预约。"))
    if booking.status != BookingStatus.CONFIRMED:
        raise IllegalTransition(
            _("这个预约已经是“%(status)s”，不能这样操作。") % {"status": booking.get_status_display()}
        )
    old_status, booking.status = booking.status, BookingStatus.COMPLETED
    booking.updated_at = clock.now()
    booking.save(update_fields=["status", "updated_at"])
    event_record(
        kind=events.BOOKING_COMPLETED,
        subject=booking,
        actor=actor,
        payload={"old_status": old_status, "new_status": booking.status},
    )
    return booking


@transaction.atomic
def booking_reschedule(*, reference: str, slot_id: int, actor: User) -> Booking:
    booking = _locked_booking(reference, actor)
    if booking.status != BookingStatus.CONFIRMED:
        raise IllegalTransition(
            _("这个预约已经是“%(status)s”，不能改期。") % {"status": booking.get_status_display()}
        )
    if slot_id == booking.slot_id:
        return booking
    new_slot = Slot.objects.filter(pk=slot_id, station_id=booking.station_id).first()
    if new_slot is None:
        raise SlotUnavailable(_("只能改到同一网点的其他时段。"), code="slot_wrong_station")
    _take_place(new_slot.pk)
    _give_back_place(booking.slot_id)
    new_slot.refresh_from_db(fields=["booked"])
    old_slot_id = booking.slot_id
    booking.slot = new_slot
    booking.updated_at = clock.now()
    booking.save(update_fields=["slot", "updated_at"])
    messages.booking_rescheduled(booking)
    event_record(
        kind=events.BOOKING_RESCHEDULED,
        subject=booking,
        actor=actor,
        payload={"from": old_slot_id, "to": booking.slot_id},
    )
    return booking


# Opening a lock or a safe for someone needs the opening record (开锁登记) before the job is done.
OPENING_SERVICE_TYPES = frozenset({"lockout-emergency", "safe-opening"})

DEMO_SERVICE_TYPES = [
    # code, 名称, English, minutes, skill, emergency, estimate (fen)
    ("lockout-emergency", "紧急开锁", "Emergency lock-out opening", 45, "locks", True, 15000),
    ("safe-opening", "保险柜开启", "Safe opening", 90, "safes", True, 38000),
    ("lock-repair", "门锁维修", "Lock repair", 60, "locks", False, 12000),
    ("password-reset", "密码重置", "Password reset", 30, "safes", False, 8000),
    ("lock-install", "新锁安装", "New lock installation", 90, "locks", False, 20000),
    ("safe-maintenance", "保险柜年度保养", "Annual safe maintenance", 60, "safes", False, 16000),
]


@transaction.atomic
def service_types_load_demo() -> int:
    created = 0
    for code, name, name_en, minutes, skill, emergency, fen in DEMO_SERVICE_TYPES:
        _obj, was_created = ServiceType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "duration_minutes": minutes,
                "skill": skill,
                "emergency": emergency,
                "price_estimate_fen": fen,
                "requires_opening_record": code in OPENING_SERVICE_TYPES,
            },
        )
        created += was_created
    return created


@transaction.atomic
def call_note_add(*, customer: User, agent: User, text: str) -> CallNote:
    if not text.strip():
        raise InvalidInput(_("请填写通话记录。"), code="note_empty")
    note = CallNote.objects.create(customer=customer, agent=agent, text=text.strip()[:2000])
    event_record(kind=events.CALL_NOTE_ADDED, subject=customer, actor=agent, payload={"note": note.pk})
    return note
