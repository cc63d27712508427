from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F

from fairdesk.core import clock, events
from fairdesk.core.errors import DomainError
from fairdesk.core.events import EventKind
from fairdesk.core.models import Event, TestClock


def event_record(
    *,
    kind: str | EventKind,
    subject: models.Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    actor: Any = None,
    actor_label: str = "",
    payload: dict | None = None,
) -> Event:
    """Append one event. Call inside the service's transaction so the event and the change commit together.

    The one writer of events: the kind must be declared (core/events.py, each app's events.py) and the payload
    must match its declaration (every declared field, nothing else, each of its type), else EventError."""
    decl = events.get(kind)
    payload = decl.validate(payload)
    kind = decl.kind
    if subject is not None:
        # A model that moved between apps keeps the subject type its events were first written under
        # (`event_subject_type`: dispatch.UrgentRequest says "bookings.urgentrequest"), so old and new rows
        # read alike.
        subject_type = getattr(subject, "event_subject_type", "") or subject._meta.label_lower
        subject_id = subject.pk
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if actor is not None and not actor_label:
        actor_label = str(actor)
    return Event.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=str(subject_id),
        actor=actor,
        actor_label=actor_label or "system",
        payload=payload or {},
    )


def demo_clock_advance(*, seconds: int, actor=None) -> int:
    """Move the demo's test clock forward (never back: renewals and reminders already happened).
    Returns the new offset in seconds."""

    if not settings.FAIRDESK_TEST_CLOCK:
        raise DomainError("the test clock is off (FAIRDESK_TEST_CLOCK)", code="test_clock_off")
    if seconds <= 0:
        raise DomainError("the test clock only moves forward", code="test_clock_backwards")
    with transaction.atomic():
        TestClock.objects.get_or_create(pk=1)
        TestClock.objects.filter(pk=1).update(offset_seconds=F("offset_seconds") + seconds)
        offset = TestClock.objects.get(pk=1).offset_seconds
        event_record(
            kind="test_clock.advanced",
            subject_type="core.testclock",
            subject_id=1,
            actor=actor,
            payload={"seconds": seconds, "offset": offset},
        )
    clock.demo_clock_forget()
    return offset


def demo_clock_reset(*, actor=None) -> int:
    """Back to real time (offset 0). What ran during the jump (renewals, reminders, their events) stays
    recorded: this only stops "now" being moved. Returns the offset it had."""
    if not settings.FAIRDESK_TEST_CLOCK:
        raise DomainError("the test clock is off (FAIRDESK_TEST_CLOCK)", code="test_clock_off")
    with transaction.atomic():
        row = TestClock.objects.select_for_update().filter(pk=1).first()
        before = row.offset_seconds if row else 0
        if before:
            TestClock.objects.filter(pk=1).update(offset_seconds=0)
            event_record(
                kind="test_clock.reset",
                subject_type="core.testclock",
                subject_id=1,
                actor=actor,
                payload={"offset_before": before},
            )
    clock.demo_clock_forget()
    return before


def demo_clock_offset() -> int:
    """The demo clock's offset in seconds (0 when off or at real time)."""
    if not settings.FAIRDESK_TEST_CLOCK:
        return 0
    offset = clock._test_clock_offset()
    return int(offset.total_seconds()) if offset else 0
