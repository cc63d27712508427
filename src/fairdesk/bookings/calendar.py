"""An .ics file for one booking (RFC 5545), times in UTC so every calendar shows them in its own zone."""

from __future__ import annotations

from fairdesk.bookings.models import Booking
from fairdesk.core import clock


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def booking_ics(booking: Booking) -> str:
    fmt = "%Y%m%dT%H%M%SZ"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//fairdesk//bookings//ZH",
        "CALSCALE:GREGORIAN",
        "BEGIN:VEVENT",
        f"UID:{booking.reference}@fairdesk",
        f"DTSTAMP:{clock.now():{fmt}}",
        f"DTSTART:{booking.slot.start:{fmt}}",
        f"DTEND:{booking.slot.end:{fmt}}",
        f"SUMMARY:{_escape(booking.service_type.display_name + ' · ' + booking.reference)}",
        f"LOCATION:{_escape(booking.address)}",
        f"DESCRIPTION:{_escape(booking.station.name + ' ' + booking.station.hotline)}",
        "STATUS:" + ("CANCELLED" if booking.status == "cancelled" else "CONFIRMED"),
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
