"""The regulator export: one row per complaint received in a date range (business dates, inclusive), shaped
after the CFPB's public fields with the FCA's timeliness and upheld flags, without names or phone numbers.

Deterministic: rows ordered by (received_at, reference); fixed columns; times as UTC ISO 8601 with "Z"; CSV
with "\\n" line ends, JSON compact with keys in column order; the same data always gives the same bytes, and
their SHA-256 is published beside them (`X-Content-SHA256`). The flags come from recorded facts only (never
from the time the export runs): `timely_first_contact` is null while a complaint is neither contacted nor
recorded as late."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

from fairdesk.complaints.models import Complaint, Outcome
from fairdesk.core import clock

COLUMNS = (
    "complaint_id",
    "received_at",
    "category",
    "green_channel",
    "subject_type",
    "channel",
    "first_contact_at",
    "final_response_at",
    "timely_first_contact",
    "timely_final",
    "outcome",
    "upheld",
    "redress_fen",
    "escalation_level",
    "disputed",
    "referred_externally",
    "rule_version",
)
FORMATS = ("csv", "json")


def _utc(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _timely(done: dt.datetime | None, by: dt.datetime, missed: bool) -> bool | None:
    if done is not None:
        return done <= by
    return False if missed else None


def row(c: Complaint) -> dict:
    final_by = min(c.final_response_base_by + dt.timedelta(seconds=c.paused_seconds), c.hard_limit_by)
    return {
        "complaint_id": c.reference,
        "received_at": _utc(c.received_at),
        "category": c.category,
        "green_channel": c.green_channel,
        "subject_type": c.subject_type or None,
        "channel": c.channel,
        "first_contact_at": _utc(c.first_contact_at),
        "final_response_at": _utc(c.final_response_at),
        "timely_first_contact": _timely(
            c.first_contact_at, c.first_contact_by, "missed_first_contact" in c.alerts
        ),
        "timely_final": _timely(c.final_response_at, final_by, "missed_final" in c.alerts),
        "outcome": c.outcome or None,
        "upheld": None if not c.outcome else c.outcome in (Outcome.UPHELD, Outcome.PARTLY_UPHELD),
        "redress_fen": c.redress_fen,
        "escalation_level": c.escalation_level,
        "disputed": c.disputed_at is not None,
        "referred_externally": c.referred_at is not None,
        "rule_version": c.rule_version,
    }


def rows(*, date_from: dt.date, date_to: dt.date) -> list[dict]:
    zone = clock.local_zone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    found = Complaint.objects.filter(received_at__gte=start, received_at__lt=end).order_by(
        "received_at", "reference"
    )
    return [row(c) for c in found]


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def render(data: list[dict], fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for item in data:
        writer.writerow([_csv_value(item[c]) for c in COLUMNS])
    return out.getvalue().encode()


def export_bytes(*, date_from: dt.date, date_to: dt.date, fmt: str) -> tuple[bytes, str]:
    """The export and its SHA-256 (hex)."""
    body = render(rows(date_from=date_from, date_to=date_to), fmt)
    return body, hashlib.sha256(body).hexdigest()


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
