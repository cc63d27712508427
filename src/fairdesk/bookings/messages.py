"""What customers are told about their bookings, in their language and time zone, on the channels they
chose (through `notify.services.customer_messages_build`, like every app's messages.py).

Messages are written in the same transaction as the change (an outbox): if the booking commits, so do its
messages; the notify worker sends them.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.bookings.learning import learning_links, short_path
from fairdesk.bookings.models import Booking
from fairdesk.core import clock
from fairdesk.notify import services as notify
from fairdesk.notify.selectors import channels_for

SUBJECT = "bookings.booking"


def _when(booking: Booking) -> str:
    zone = zoneinfo.ZoneInfo(booking.customer.time_zone or settings.TIME_ZONE)
    start, end = booking.slot.start.astimezone(zone), booking.slot.end.astimezone(zone)
    return f"{start:%m-%d %H:%M}-{end:%H:%M}"


def _channels(booking: Booking) -> list[tuple[str, str]]:
    return channels_for(user=booking.customer)


def _send(booking: Booking, kind: str, text: str, *, due_at: dt.datetime | None = None) -> None:
    """Collect the message; `_flush` writes all of a change's messages in one INSERT."""
    channels = getattr(booking, "_notify_channels", None)
    if channels is None:  # looked up once per booking change, not once per message
        channels = booking._notify_channels = _channels(booking)
    pending = booking.__dict__.setdefault("_notify_pending", [])
    pending += notify.customer_messages_build(
        user=booking.customer,
        channels=channels,
        kind=kind,
        body=text,
        due_at=due_at,
        subject_type=SUBJECT,
        subject_id=booking.pk,
    )


def _flush(booking: Booking) -> None:
    pending = booking.__dict__.pop("_notify_pending", [])
    if pending:
        notify.messages_schedule_many(pending)


def _learning(booking: Booking) -> str:
    """The "了解更多：<title> <short link>" suffix naming the first article and course of the booked service
    (registered through bookings.learning; "" when none): SMS gets a short link, push and email the same."""
    links = learning_links(service_type_code=booking.service_type.code, language=booking.customer.language)
    picked = []
    for kind in ("article", "course"):
        link = next((x for x in links if x.kind == kind), None)
        if link is not None:
            url = settings.FAIRDESK_SITE_URL + (link.short_path or short_path(link.path))
            picked.append(f"{link.title} {url}")
    if not picked:
        return ""
    return _("了解更多：%(links)s") % {"links": "；".join(picked)}


def _with_learning(booking: Booking, text: str) -> str:
    extra = getattr(booking, "_learning_text", None)
    if extra is None:  # once per booking change, not once per message
        extra = booking._learning_text = _learning(booking)
    return f"{text} {extra}" if extra else text


def _schedule_reminders(booking: Booking) -> None:
    now = clock.now()
    for hours in settings.FAIRDESK_REMINDER_HOURS:
        due = booking.slot.start - dt.timedelta(hours=hours)
        if due <= now:
            continue  # booked closer than that: the confirmation is the reminder
        text = _(
            "【fairdesk】提醒：%(service)s 将于 %(when)s 上门，预约号 %(ref)s。改期或取消请打开“我的预约”。"
        ) % {"service": booking.service_type.display_name, "when": _when(booking), "ref": booking.reference}
        _send(booking, f"reminder_{hours}h", _with_learning(booking, text), due_at=due)


def booking_confirmed(booking: Booking) -> None:
    with translation.override(booking.customer.language):
        text = _(
            "【fairdesk】预约成功：%(service)s，%(when)s，%(station)s（热线 %(hotline)s）。预约号 %(ref)s。"
        ) % {
            "service": booking.service_type.display_name,
            "when": _when(booking),
            "station": booking.station.name,
            "hotline": booking.station.hotline,
            "ref": booking.reference,
        }
        _send(booking, "booking_confirmed", _with_learning(booking, text))
        _schedule_reminders(booking)
    _flush(booking)


def booking_rescheduled(booking: Booking) -> None:
    """Pending reminders are replaced by reminders for the new time (what is past is not re-sent)."""
    notify.messages_cancel(subject_type=SUBJECT, subject_id=booking.pk, kinds=_reminder_kinds())
    with translation.override(booking.customer.language):
        text = _("【fairdesk】预约已改到 %(when)s：%(service)s，预约号 %(ref)s。") % {
            "when": _when(booking),
            "service": booking.service_type.display_name,
            "ref": booking.reference,
        }
        _send(booking, "booking_rescheduled", text)
        _schedule_reminders(booking)
    _flush(booking)


def booking_cancelled(booking: Booking) -> None:
    notify.messages_cancel(subject_type=SUBJECT, subject_id=booking.pk, kinds=_reminder_kinds())
    with translation.override(booking.customer.language):
        text = _("【fairdesk】预约 %(ref)s（%(when)s）已取消。如需帮助请拨打 %(hotline)s。") % {
            "ref": booking.reference,
            "when": _when(booking),
            "hotline": booking.station.hotline,
        }
        _send(booking, "booking_cancelled", text)
    _flush(booking)


def _reminder_kinds() -> list[str]:
    return [f"reminder_{hours}h" for hours in settings.FAIRDESK_REMINDER_HOURS]
