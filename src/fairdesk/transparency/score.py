"""The provider credit score, per station and per technician over a period, computed from the event log.

Inputs (each from declared events in the period [from 00:00, to 24:00) local time):
- emergencies: `job.on_site` arrivals; kept when `within_30_minutes` or `within_promise` (arrived within 30
  minutes of the request, or by the honest later time promised when nobody could come within 30 minutes);
- booked visits: `visit.on_site` arrivals; kept when `within_promise` (inside the window the customer was
  given);
- provider cancellations: `booking.cancelled` with `reason_code` unable_to_serve (the business could not
  come). Emergency offers declined or left unanswered (`job.declined`, `job.expired`) are shown but not
  scored: the next technician is offered at once and a late arrival already counts as a promise missed;
- upheld complaints: `complaint.responded` with outcome upheld (1) or partly_upheld (the formula's
  `partly_upheld` weight) on a complaint about a booking or an emergency of the station (the complaint's
  subject: the booking's station, the emergency's arriving technician's station);
- ratings: there is no rating of a job yet. What exists is the 1–5 rating of a support conversation
  (`support.rated`); it is shown for customers who booked with the station but weighs 0 in version 1, since
  it rates the support desk rather than the station.

jobs = emergency arrivals + visit arrivals + provider cancellations. The score (0–100) is shown only with at
least `min_jobs` (30) jobs; its weights and limits are the `params` of the published rule "provider_score",
the version in force when the period began (a new version never applies to an earlier period).

score = round(100 × Σ wᵢ·cᵢ ÷ Σ wᵢ), over the parts that have data (an emergency rate without emergencies is
left out, not counted as 0 or 1), with c = emergencies kept ÷ arrivals, visits kept ÷ visits,
max(0, 1 − upheld per 100 jobs ÷ complaints_zero_at), max(0, 1 − cancellations per 100 jobs ÷
cancellations_zero_at), (mean rating − 1) ÷ 4; halves round up. Exact fractions, so the same events always
give the same number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction

from django.db.models import Q

from fairdesk.bookings.models import Booking
from fairdesk.complaints.models import Complaint
from fairdesk.core import clock
from fairdesk.core.events import read
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Technician, UrgentRequest, VisitPlan
from fairdesk.support.models import Conversation
from fairdesk.transparency.report import period_bounds
from fairdesk.transparency.selectors import rule_version_at

RULE_CODE = "provider_score"
DEFAULT_DAYS = 90

# Version 1's parameters (also the demo document's `params`).
DEFAULT_PARAMS = {
    "weights": {
        "emergency_promise": 35,
        "visit_window": 30,
        "complaints": 20,
        "cancellations": 15,
        "ratings": 0,
    },
    "complaints_zero_at": 10,  # upheld complaints per 100 jobs at which that part is 0
    "cancellations_zero_at": 10,  # provider cancellations per 100 jobs at which that part is 0
    "partly_upheld": 0.5,
    "min_jobs": 30,
}
PARTS = ("emergency_promise", "visit_window", "complaints", "cancellations", "ratings")


@dataclass
class Inputs:
    emergencies: int = 0
    emergencies_kept: int = 0
    visits: int = 0
    visits_kept: int = 0
    cancellations: int = 0
    offers_declined: int = 0
    offers_expired: int = 0
    upheld: int = 0
    partly_upheld: int = 0
    ratings: list[int] = field(default_factory=list)

    @property
    def jobs(self) -> int:
        return self.emergencies + self.visits + self.cancellations

    @property
    def rating_mean(self) -> Fraction | None:
        return Fraction(sum(self.ratings), len(self.ratings)) if self.ratings else None


@dataclass
class Score:
    period_from: dt.date
    period_to: dt.date
    inputs: Inputs
    rule: object | None  # the RuleDocument used
    parts: dict[str, Fraction | None]
    value: int | None  # None: not enough jobs (or no formula in force)
    min_jobs: int

    @property
    def enough(self) -> bool:
        return self.inputs.jobs >= self.min_jobs

    def parts_percent(self) -> dict[str, int | None]:
        return {k: (None if v is None else _round(v * 100)) for k, v in self.parts.items()}


def _round(value: Fraction) -> int:
    """Halves up (74.5 → 75), exactly."""
    return int((value + Fraction(1, 2)).__floor__())


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or clock.local(clock.now()).date()
    return today - dt.timedelta(days=DEFAULT_DAYS - 1), today


def _events(kinds: tuple[str, ...], start: dt.datetime, end: dt.datetime):
    for event in Event.objects.filter(kind__in=kinds, at__gte=start, at__lt=end).order_by("at", "id"):
        _decl, payload = read(event.kind, event.payload)
        yield event, payload


def inputs_for(*, station=None, technician=None, start: dt.datetime, end: dt.datetime) -> Inputs:
    """The score's inputs for a station (its technicians' work, its bookings) or one technician."""
    if (station is None) == (technician is None):
        raise ValueError("a score is for a station or for a technician")
    if station is not None:
        techs = set(Technician.objects.filter(station=station).values_list("pk", flat=True))
    else:
        techs = {technician.pk}
    found = Inputs()
    for event, payload in _events(
        ("job.on_site", "visit.on_site", "job.declined", "job.expired"), start, end
    ):
        if payload.get("technician") not in techs:
            continue
        if event.kind == "job.on_site":
            found.emergencies += 1
            found.emergencies_kept += bool(payload.get("within_30_minutes") or payload.get("within_promise"))
        elif event.kind == "visit.on_site":
            found.visits += 1
            found.visits_kept += bool(payload.get("within_promise"))
        elif event.kind == "job.declined":
            found.offers_declined += 1
        else:
            found.offers_expired += 1

    cancelled = [
        int(event.subject_id)
        for event, payload in _events(("booking.cancelled",), start, end)
        if payload.get("reason_code") == "unable_to_serve" and event.subject_id.isdigit()
    ]
    if cancelled:
        found.cancellations = _bookings_of(cancelled, station, technician).count()

    upheld, partly = [], []
    for event, payload in _events(("complaint.responded",), start, end):
        if payload.get("outcome") == "upheld":
            upheld.append(event.subject_id)
        elif payload.get("outcome") == "partly_upheld":
            partly.append(event.subject_id)
    if upheld or partly:
        ours = _complaints_about(set(upheld) | set(partly), station, technician)
        found.upheld = sum(1 for c in upheld if c in ours)
        found.partly_upheld = sum(1 for c in partly if c in ours)

    rated = [
        (event.subject_id, payload.get("score")) for event, payload in _events(("support.rated",), start, end)
    ]
    if rated:
        customers = dict(
            Conversation.objects.filter(pk__in=[int(c) for c, _ in rated if c.isdigit()]).values_list(
                "pk", "customer_id"
            )
        )
        if station is not None:
            booked = set(Booking.objects.filter(station=station).values_list("customer_id", flat=True))
        else:
            booked = set(
                VisitPlan.objects.filter(technician=technician).values_list("booking__customer_id", flat=True)
            )
        found.ratings = [
            int(score)
            for conv, score in rated
            if isinstance(score, int) and conv.isdigit() and customers.get(int(conv)) in booked
        ]
    return found


def _bookings_of(ids: list[int], station, technician):
    if station is not None:
        return Booking.objects.filter(pk__in=ids, station=station)
    return Booking.objects.filter(pk__in=ids, visit_plan__technician=technician)


def _complaints_about(ids: set[str], station, technician) -> set[str]:
    """Of these complaints (ids as text), those whose subject is a booking or an emergency of the station
    (or of the technician)."""
    complaints = Complaint.objects.filter(
        pk__in=[int(i) for i in ids if i.isdigit()], subject_type__in=("booking", "emergency")
    ).values_list("pk", "subject_type", "subject_reference")
    by_ref: dict[tuple[str, str], set[str]] = {}
    for pk, kind, ref in complaints:
        by_ref.setdefault((kind, ref), set()).add(str(pk))
    refs_booking = [ref for kind, ref in by_ref if kind == "booking"]
    refs_urgent = [ref for kind, ref in by_ref if kind == "emergency"]
    ours: set[str] = set()
    if refs_booking:
        bookings = Booking.objects.filter(reference__in=refs_booking)
        if station is not None:
            bookings = bookings.filter(station=station)
        else:
            bookings = bookings.filter(visit_plan__technician=technician)
        for ref in bookings.values_list("reference", flat=True):
            ours |= by_ref[("booking", ref)]
    if refs_urgent:
        urgents = UrgentRequest.objects.filter(reference__in=refs_urgent)
        arrived = Q(jobs__arrived_at__isnull=False)
        if station is not None:
            urgents = urgents.filter(arrived & Q(jobs__technician__station=station))
        else:
            urgents = urgents.filter(arrived & Q(jobs__technician=technician))
        for ref in urgents.values_list("reference", flat=True).distinct():
            ours |= by_ref[("emergency", ref)]
    return ours


def formula(rule) -> dict:
    params = dict(DEFAULT_PARAMS)
    if rule is not None and rule.params:
        params.update(rule.params)
    return params


def compute(inputs: Inputs, params: dict) -> tuple[dict[str, Fraction | None], Fraction | None]:
    """The parts (each 0..1, None without data) and the weighted score 0..1 (None when no part has data)."""
    jobs = inputs.jobs
    parts: dict[str, Fraction | None] = dict.fromkeys(PARTS)
    if inputs.emergencies:
        parts["emergency_promise"] = Fraction(inputs.emergencies_kept, inputs.emergencies)
    if inputs.visits:
        parts["visit_window"] = Fraction(inputs.visits_kept, inputs.visits)
    if jobs:
        upheld = inputs.upheld + Fraction(str(params["partly_upheld"])) * inputs.partly_upheld
        per_100 = upheld * 100 / jobs
        parts["complaints"] = max(Fraction(0), 1 - per_100 / Fraction(str(params["complaints_zero_at"])))
        per_100 = Fraction(inputs.cancellations * 100, jobs)
        parts["cancellations"] = max(
            Fraction(0), 1 - per_100 / Fraction(str(params["cancellations_zero_at"]))
        )
    if inputs.rating_mean is not None:
        parts["ratings"] = (inputs.rating_mean - 1) / 4
    weights = {k: Fraction(str(v)) for k, v in params["weights"].items()}
    used = {k: v for k, v in parts.items() if v is not None and weights.get(k, 0) > 0}
    total = sum((weights[k] for k in used), Fraction(0))
    if not total:
        return parts, None
    return parts, sum((weights[k] * v for k, v in used.items()), Fraction(0)) / total


def provider_score(
    *, station=None, technician=None, period_from: dt.date | None = None, period_to: dt.date | None = None
) -> Score:
    """The score of a station (or a technician) for the period (default: the last 90 days, today included)."""
    if period_from is None or period_to is None:
        period_from, period_to = default_period()
    start, end = period_bounds(period_from, period_to)
    rule = rule_version_at(RULE_CODE, start)
    if rule is None:
        # No version in force when the period began: the first one applies from its own start only.
        first = rule_version_at(RULE_CODE, end - dt.timedelta(microseconds=1))
        if first is not None:
            rule = first
            start = max(start, first.effective_from)
    params = formula(rule)
    inputs = inputs_for(station=station, technician=technician, start=start, end=end)
    parts, weighted = compute(inputs, params)
    min_jobs = int(params["min_jobs"])
    value = None
    if rule is not None and weighted is not None and inputs.jobs >= min_jobs:
        value = _round(weighted * 100)
    return Score(period_from, period_to, inputs, rule, parts, value, min_jobs)
