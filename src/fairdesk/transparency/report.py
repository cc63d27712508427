"""The public transparency report, computed from the event log alone.

`compute(rows, date_from=, date_to=)` is a pure function over plain `EventRow`s (kind and payload as
`core.events.read()` gives them: today's names for every stored row); `report_for(date_from, date_to)`
reads `core.Event` ordered by (at, id) and calls it; `render_json()` gives the canonical bytes (sorted keys,
compact, UTF-8, one trailing newline), which are what the API, the command and the page's hash publish. The
same events always give the same bytes.

The rules, so anyone can check them:

- **Period**: business dates in the local zone (Asia/Shanghai), both inclusive: from `date_from` 00:00 to
  `date_to + 1 day` 00:00 local. An event belongs to the period when its `at` is inside. The report is
  computed from the events before the period's end (`events` says how many); later events never change it.
- **As of**: outcomes still open are judged at the earlier of the period's end and the last event read (so a
  running half-year's report depends only on its events, never on the wall clock).
- **Percentiles** are nearest-rank (the smallest value with at least p% of the values at or below it), so they
  are always one of the measured values; times are whole seconds (or minutes), shares are decimals rounded to
  4 places, `null` where there is nothing to measure.
- **plan_changes**: `subscription.*` events in the period by their `direction` (up, down, period, cancel,
  refund). `self_service_share`: channel `self_service` or `api` (the customer's own page or API) over all of
  that direction (`agent`: staff on the customer's behalf; `system`: commands and background jobs).
  `effect_delay_seconds`: `effective_at − requested_at`. `steps`: the customer's steps for the action (pages
  before the confirm + the confirm, as `GET /api/v1/plans/terms` publishes them in `steps_per_action`). The
  events do not carry them, so the report takes the terms published when it is computed and says so
  (`steps_source: "published_terms_now"`, or null when none were given).
- **support**: in the period: `support.human_requested` (by `how`), `support.first_human_reply`'s
  `wait_seconds` (p50, p90), `support.closed` without a human request over all closed, `support.rated`
  (count and mean score, 2 places).
- **complaints**: complaints received in the period (`complaint.received`), followed to the end. First
  contact on time: `complaint.contacted` with `timely`; never contacted and `first_contact_by` passed = late;
  otherwise not yet decided (left out). Final response on time: `complaint.responded` with `timely`; none
  and the final-response deadline (plus the paused seconds the customer's replies reported) passed = late;
  while paused for the customer, or before the deadline, not yet decided. Resolution: `responded.at −
  received.at` (median = p50). Upheld: outcome `upheld` or `partly_upheld` over responded. Escalated outside:
  referred to an outside body (`complaint.referred`) over received. Per 100,000 customers: received ×
  100,000 ÷ `customer.created` events before the period's end (2 places).
- **emergencies**: requests made in the period (`urgent.created`). Kept: a `job.*` event carries
  `within_30_minutes: true` (a technician on site within 30 minutes of the request). Missed: arrived later,
  closed without an arrival, or 30 minutes passed without one — whatever happened to its jobs (declined,
  expired, handed over, reassigned). Not yet decided (left out): under 30 minutes old at the "as of" time and
  nobody there yet. `arrival_minutes`: `arrived_at − requested_at` of the first arrival, rounded to the
  minute. `provider_cancellations`: the requests' `job.declined`, `job.expired` and `job.handed_over` events
  (a technician who did not take or did not finish the job).
- **bookings**: booked in the period (`booking.created`), followed to the end: `cancelled_by_customer`
  (reason `customer_request`), `cancelled_by_business` (`unable_to_serve`), `cancelled_other` (`other`).
  `kept_share`: completed over completed + cancelled.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fairdesk.core import clock
from fairdesk.core import events as catalogue
from fairdesk.core.models import Event
from fairdesk.plans import selectors as plan_selectors

DIRECTIONS = ("up", "down", "period", "cancel", "refund")
# The plans' action (PlanSettings.flows, `steps_per_action`) behind each direction.
ACTION_FOR_DIRECTION = {
    "up": "upgrade",
    "down": "downgrade",
    "period": "switch_period",
    "cancel": "cancel",
    "refund": "refund",
}
SELF_SERVICE_CHANNELS = ("self_service", "api")
HUMAN_HOWS = ("button", "keyword", "bot_failure", "always_human", "agent_opened", "callback")
UPHELD = ("upheld", "partly_upheld")
PROVIDER_DROPS = ("job.declined", "job.expired", "job.handed_over")
STEPS_SOURCE = "published_terms_now"
MAX_DAYS = 3653  # ten years


@dataclass(frozen=True)
class EventRow:
    """One stored event as today's vocabulary reads it (plain values; no database)."""

    id: int
    at: dt.datetime  # aware (UTC)
    kind: str
    subject_type: str = ""
    subject_id: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_stored(
        cls, *, id: int, at: dt.datetime, kind: str, subject_type: str, subject_id: str, payload: Any
    ) -> EventRow:
        decl, read = catalogue.read(kind, payload if isinstance(payload, dict) else {})
        return cls(
            id=id,
            at=at,
            kind=decl.kind if decl is not None else kind,
            subject_type=subject_type,
            subject_id=str(subject_id),
            payload=read,
        )


def period_bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of the business dates in UTC."""
    zone = clock.local_zone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone).astimezone(dt.UTC)
    return start, end


def percentile(values: list[int], p: int) -> int | None:
    """Nearest rank: the smallest value with at least p% of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[rank - 1]


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _when(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def _seconds(later: dt.datetime | None, earlier: dt.datetime | None) -> int | None:
    if later is None or earlier is None:
        return None
    return int((later - earlier).total_seconds() // 1)


def _plan_changes(rows: list[EventRow], steps: Mapping[str, int] | None) -> dict:
    by_direction: dict[str, list[EventRow]] = {d: [] for d in DIRECTIONS}
    for row in rows:
        if row.kind.startswith("subscription.") and row.payload.get("direction") in by_direction:
            by_direction[row.payload["direction"]].append(row)
    out = {}
    for direction, found in by_direction.items():
        delays = [
            s
            for s in (
                _seconds(_when(r.payload.get("effective_at")), _when(r.payload.get("requested_at")))
                for r in found
            )
            if s is not None
        ]
        action = ACTION_FOR_DIRECTION[direction]
        out[direction] = {
            "count": len(found),
            "self_service_share": share(
                sum(1 for r in found if r.payload.get("channel") in SELF_SERVICE_CHANNELS), len(found)
            ),
            "effect_delay_seconds": {"p50": percentile(delays, 50), "p95": percentile(delays, 95)},
            "steps": steps.get(action) if steps is not None else None,
            "steps_source": STEPS_SOURCE if steps is not None else None,
        }
    return out


def _support(rows: list[EventRow]) -> dict:
    by_how = dict.fromkeys(HUMAN_HOWS, 0)
    waits: list[int] = []
    closed = closed_by_bot = 0
    scores: list[int] = []
    for row in rows:
        if row.kind == "support.human_requested":
            how = str(row.payload.get("how") or "other")
            by_how[how] = by_how.get(how, 0) + 1
        elif row.kind == "support.first_human_reply" and row.payload.get("wait_seconds") is not None:
            waits.append(int(row.payload["wait_seconds"]))
        elif row.kind == "support.closed":
            closed += 1
            closed_by_bot += 0 if row.payload.get("human_requested") else 1
        elif row.kind == "support.rated" and row.payload.get("score") is not None:
            scores.append(int(row.payload["score"]))
    return {
        "human_requests": sum(by_how.values()),
        "by_how": by_how,
        "wait_to_first_human_reply_seconds": {"p50": percentile(waits, 50), "p90": percentile(waits, 90)},
        "closed_by_bot_alone_share": share(closed_by_bot, closed),
        "rated": len(scores),
        "rating_mean": round(sum(scores) / len(scores), 2) if scores else None,
    }


def _by_subject(rows: list[EventRow], prefixes: tuple[str, ...]) -> dict[tuple[str, str], list[EventRow]]:
    grouped: dict[tuple[str, str], list[EventRow]] = defaultdict(list)
    for row in rows:
        if row.kind.startswith(prefixes):
            grouped[(row.subject_type, row.subject_id)].append(row)
    return grouped


def _first(found: list[EventRow], kind: str) -> EventRow | None:
    return next((r for r in found if r.kind == kind), None)


def _complaints(
    in_period: list[EventRow], history: dict[tuple[str, str], list[EventRow]], customers: int, as_of
) -> dict:
    received = [r for r in in_period if r.kind == "complaint.received"]
    first_on_time = first_decided = final_on_time = final_decided = upheld = responded = outside = 0
    resolution: list[int] = []
    for rec in received:
        found = history.get((rec.subject_type, rec.subject_id), [])
        contacted = _first(found, "complaint.contacted")
        if contacted is not None:
            first_decided += 1
            first_on_time += 1 if contacted.payload.get("timely") else 0
        else:
            by = _when(rec.payload.get("first_contact_by"))
            if by is not None and by <= as_of:
                first_decided += 1
        answer = _first(found, "complaint.responded")
        if answer is not None:
            final_decided += 1
            final_on_time += 1 if answer.payload.get("timely") else 0
            responded += 1
            upheld += 1 if answer.payload.get("outcome") in UPHELD else 0
            seconds = _seconds(answer.at, rec.at)
            if seconds is not None:
                resolution.append(seconds)
        else:
            paused = False
            paused_seconds = 0
            for r in found:
                if r.kind == "complaint.info_requested":
                    paused = True
                elif r.kind == "complaint.customer_replied" and r.payload.get("resumed"):
                    paused = False
                    paused_seconds += int(r.payload.get("paused_seconds") or 0)
            by = _when(rec.payload.get("final_response_by"))
            if not paused and by is not None and by + dt.timedelta(seconds=paused_seconds) <= as_of:
                final_decided += 1
        outside += 1 if _first(found, "complaint.referred") is not None else 0
    return {
        "count": len(received),
        "per_100k_customers": round(len(received) * 100_000 / customers, 2) if customers else None,
        "green_channel": sum(1 for r in received if r.payload.get("green_channel")),
        "first_contact_on_time_share": share(first_on_time, first_decided),
        "final_response_on_time_share": share(final_on_time, final_decided),
        "resolution_seconds_median": percentile(resolution, 50),
        "upheld_share": share(upheld, responded),
        "escalated_outside_share": share(outside, len(received)),
    }


def _emergencies(in_period: list[EventRow], history: dict[tuple[str, str], list[EventRow]], as_of) -> dict:
    created = [r for r in in_period if r.kind == "urgent.created"]
    kept = decided = drops = 0
    minutes: list[int] = []
    for req in created:
        found = history.get((req.subject_type, req.subject_id), [])
        drops += sum(1 for r in found if r.kind in PROVIDER_DROPS)
        arrival = next((r for r in found if r.kind.startswith("job.") and r.payload.get("arrived_at")), None)
        if arrival is not None:
            decided += 1
            kept += 1 if arrival.payload.get("within_30_minutes") else 0
            requested = _when(arrival.payload.get("requested_at")) or req.at
            seconds = _seconds(_when(arrival.payload["arrived_at"]), requested)
            if seconds is not None:
                minutes.append((seconds + 30) // 60)
        elif _first(found, "urgent.closed") is not None or req.at + dt.timedelta(minutes=30) <= as_of:
            decided += 1
    return {
        "count": len(created),
        "on_site_within_30_min_share": share(kept, decided),
        "arrival_minutes": {"p50": percentile(minutes, 50), "p90": percentile(minutes, 90)},
        "provider_cancellations": drops,
    }


def _bookings(in_period: list[EventRow], history: dict[tuple[str, str], list[EventRow]]) -> dict:
    created = [r for r in in_period if r.kind == "booking.created"]
    completed = 0
    cancelled = {"customer_request": 0, "unable_to_serve": 0, "other": 0}
    for booking in created:
        found = history.get((booking.subject_type, booking.subject_id), [])
        cancel = _first(found, "booking.cancelled")
        if cancel is not None:
            reason = str(cancel.payload.get("reason_code") or "other")
            cancelled[reason if reason in cancelled else "other"] += 1
        elif _first(found, "booking.completed") is not None:
            completed += 1
    return {
        "count": len(created),
        "kept_share": share(completed, completed + sum(cancelled.values())),
        "cancelled_by_business": cancelled["unable_to_serve"],
        "cancelled_by_customer": cancelled["customer_request"],
        "cancelled_other": cancelled["other"],
    }


def compute(
    events: Iterable[EventRow],
    *,
    date_from: dt.date,
    date_to: dt.date,
    steps: Mapping[str, int] | None = None,
) -> dict:
    """The report for [date_from, date_to] from these events alone (rows after the period are ignored).
    `steps`: the published steps per plan action (`steps_per_action`), or None."""
    start, end = period_bounds(date_from, date_to)
    rows = sorted((r for r in events if r.at < end), key=lambda r: (r.at, r.id))
    in_period = [r for r in rows if r.at >= start]
    as_of = min(end, rows[-1].at) if rows else start
    customers = sum(1 for r in rows if r.kind == "customer.created")
    history = _by_subject(rows, ("complaint.", "urgent.", "job.", "booking."))
    report = {
        "period": {"from": date_from.isoformat(), "to": date_to.isoformat()},
        "events": len(rows),
        "plan_changes": _plan_changes(in_period, steps),
        "support": _support(in_period),
        "complaints": _complaints(in_period, history, customers, as_of),
        "emergencies": _emergencies(in_period, history, as_of),
        "bookings": _bookings(in_period, history),
    }
    report["sha256"] = sha256(canonical(report))
    return report


def canonical(data: Any) -> bytes:
    return (json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode()


def render_json(report: Mapping) -> bytes:
    """The published bytes (the `sha256` inside is that of the same object without it)."""
    return canonical(dict(report))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify(report: Mapping) -> bool:
    """True when the report's `sha256` is that of everything else in it."""
    rest = {k: v for k, v in report.items() if k != "sha256"}
    return report.get("sha256") == sha256(canonical(rest))


def published_steps() -> dict[str, int]:
    """What `GET /api/v1/plans/terms` publishes as `steps_per_action` today."""
    flows = plan_selectors.plan_settings().flows
    return {action: len(pages) + 1 for action, pages in flows.items() if isinstance(pages, list)}


def rows_from_db(*, before: dt.datetime | None = None) -> Iterator[EventRow]:
    """The stored events (before a moment), in (at, id) order, as today's vocabulary reads them."""
    query = Event.objects.order_by("at", "id")
    if before is not None:
        query = query.filter(at__lt=before)
    for values in query.values("id", "at", "kind", "subject_type", "subject_id", "payload").iterator(2000):
        yield EventRow.from_stored(**values)


def report_for(date_from: dt.date, date_to: dt.date) -> dict:
    """The report for these business dates from the event table."""
    _start, end = period_bounds(date_from, date_to)
    return compute(rows_from_db(before=end), date_from=date_from, date_to=date_to, steps=published_steps())


def report_bytes(date_from: dt.date, date_to: dt.date) -> bytes:
    return render_json(report_for(date_from, date_to))


def check_range(date_from: dt.date, date_to: dt.date) -> str | None:
    """Why a range is refused (a code), or None."""
    if date_to < date_from:
        return "range_invalid"
    if (date_to - date_from).days > MAX_DAYS:
        return "range_too_long"
    return None
