"""The event kinds bookings records (declared for core.events; see `manage.py event_kinds`).

A booking's status changes carry the old and the new status (`old_status` null when it is created)."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

BOOKING_CREATED = declare(
    "booking.created",
    app="bookings",
    description="A visit was booked into a slot (by the customer, or by staff for them), with its price.",
    payload={
        "old_status": "code?",
        "new_status": "code",
        "slot": "int",
        "service_type": "code",
        "by_staff": "bool",
        "plan_benefit": "code",
        "price_fen": "int",
    },
    label=_("预约成功"),
)
BOOKING_RESCHEDULED = declare(
    "booking.rescheduled",
    app="bookings",
    description="A confirmed booking moved from one slot to another (slot ids).",
    payload={"from": "int", "to": "int"},
    label=_("已改约"),
)
BOOKING_CANCELLED = declare(
    "booking.cancelled",
    app="bookings",
    description=(
        "A confirmed booking was cancelled, its place given back; reason_code: customer_request|"
        "unable_to_serve|other; has_note: the person wrote why (the words stay on the booking, cancel_note)."
    ),
    payload={"old_status": "code", "new_status": "code", "reason_code": "code", "has_note": "bool"},
    label=_("已取消"),
    # Until issue 10 the typed reason was stored here as `reason` (the pages sent "customer" and "caller
    # asked"; every cancellation was the customer's); old rows read with a code and without the words.
    defaults={
        "reason_code": "customer_request",
        "has_note": lambda old: (old.get("reason") or "").strip() not in ("", "customer", "caller asked"),
    },
    dropped=("reason",),
)
BOOKING_COMPLETED = declare(
    "booking.completed",
    app="bookings",
    description="The visit of a confirmed booking was done.",
    payload={"old_status": "code", "new_status": "code"},
    label=_("服务完成"),
)
SLOTS_CREATED = declare(
    "slots.created",
    app="bookings",
    description="A station's slots ahead were made (how many, the first and last window's start).",
    payload={"slots": "int", "first": "datetime", "last": "datetime"},
)
SLOTS_CAPACITY_CHANGED = declare(
    "slots.capacity_changed",
    app="bookings",
    description="Future slots of a station got a new capacity from the technicians' shifts (how many slots).",
    payload={"slots": "int"},
)
CALL_NOTE_ADDED = declare(
    "call_note.added",
    app="bookings",
    description="A hotline agent noted a call on a customer (the note's id).",
    payload={"note": "int"},
)
