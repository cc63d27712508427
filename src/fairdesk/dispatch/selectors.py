from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from fairdesk.bookings.models import BookingStatus
from fairdesk.core import clock
from fairdesk.dispatch.assignment import TechnicianIndex, TechState
from fairdesk.dispatch.models import (
    DEFAULT_RETENTION_DAYS,
    Job,
    JobStatus,
    OpeningRecord,
    ProvinceOpeningRule,
    Shift,
    Technician,
    TechStatus,
    UrgentRequest,
    UrgentStatus,
    VisitPlan,
)
from fairdesk.dispatch.travel import DEFAULT_TRAVEL

REACH_DEGREES = 1.5  # ~150 km: farther than any useful emergency ETA; widened once if nobody is inside
TYPICAL_JOB = dt.timedelta(minutes=45)
_ACTIVE = [JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE]


def technician_index(
    now: dt.datetime, lat: float, lng: float, degrees: float | None = REACH_DEGREES
) -> TechnicianIndex:
    """Technicians on shift now near a place (a bounding box on indexed columns, never the whole table),
    with when they become free, in the grid index of `assignment`."""
    index = TechnicianIndex(travel=DEFAULT_TRAVEL)
    on_shift = Technician.objects.filter(shifts__start__lte=now, shifts__end__gt=now).exclude(
        status=TechStatus.OFF
    )
    if degrees is not None:
        on_shift = on_shift.filter(
            lat__range=(lat - degrees, lat + degrees), lng__range=(lng - degrees, lng + degrees)
        )
    techs = list(on_shift.distinct())
    busy = {job.technician_id: job for job in Job.objects.filter(status__in=_ACTIVE, technician__in=techs)}
    for tech in techs:
        until = (tech.busy_until - now).total_seconds() / 60.0 if tech.busy_until else 0.0
        job = busy.get(tech.pk)
        if job is not None:  # free after arriving (or the promise) plus a typical emergency job
            until = max(
                until, ((job.arrived_at or job.promised_at) + TYPICAL_JOB - now).total_seconds() / 60.0
            )
        index.upsert(
            TechState(id=tech.pk, lat=tech.lat, lng=tech.lng, skills=frozenset(tech.skills), busy_until=until)
        )
    return index


def urgent_skill(urgent: UrgentRequest) -> str:
    return urgent.service_type.skill if urgent.service_type_id and urgent.service_type.skill else "locks"


def urgent_candidates(*, urgent: UrgentRequest, limit: int = 12) -> list[tuple[Technician, int]]:
    """Who the dispatcher can send to an emergency: technicians on shift now, with the skill it needs, within
    reach (REACH_DEGREES), sorted by ETA (minutes, counting the job they are finishing), nearest first."""
    division = urgent.division
    if division.lat is None:
        return []
    now = clock.now()
    index = technician_index(now, division.lat, division.lng)
    skill = urgent_skill(urgent)
    urban = division.name.endswith("区")
    etas = []
    for cell in index.cells.values():
        for state in cell.values():
            if skill not in state.skills:
                continue
            eta = max(state.busy_until, 0.0) + DEFAULT_TRAVEL.minutes(
                state.lat, state.lng, division.lat, division.lng, urban=urban
            )
            etas.append((eta, state.id))
    etas.sort()
    etas = etas[:limit]
    techs = Technician.objects.select_related("user", "station").in_bulk([pk for _eta, pk in etas])
    return [(techs[pk], max(round(eta), 1)) for eta, pk in etas if pk in techs]


def technician_for_user(*, user) -> Technician | None:
    return Technician.objects.select_related("station", "user").filter(user=user).first()


def jobs_for_technician(*, technician: Technician) -> list[Job]:
    active = [JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE]
    return list(
        Job.objects.filter(technician=technician, status__in=active)
        .select_related("urgent", "urgent__division", "urgent__service_type")
        .order_by("offered_at")
    )


# What a technician is doing, as people read it: the stored status says where they are (off, free, on the
# way, on site); a job they were offered or accepted but have not set out for is work too, not "空闲".
_WORK_LABELS = {
    JobStatus.OFFERED: _("有新工单待接"),
    JobStatus.ACCEPTED: _("已接单，待出发"),
}


def technician_status_labels(*, technicians) -> dict[int, str]:
    """Each technician's status label (one query for their active jobs): a free technician with an offered
    or accepted job shows that job's state instead of "空闲"."""
    ids = [t.pk for t in technicians]
    work = {}
    for tech_id, status in Job.objects.filter(
        technician_id__in=ids, status__in=[JobStatus.OFFERED, JobStatus.ACCEPTED]
    ).values_list("technician_id", "status"):
        if work.get(tech_id) != JobStatus.ACCEPTED:  # accepted outranks a new offer
            work[tech_id] = status
    labels = {}
    for tech in technicians:
        if tech.status == TechStatus.AVAILABLE and tech.pk in work:
            labels[tech.pk] = str(_WORK_LABELS[work[tech.pk]])
        else:
            labels[tech.pk] = tech.get_status_display()
    return labels


def live_eta(*, job: Job):
    """The arrival estimated from the technician's last reported position, when they reported it after the
    job was offered and are not there yet; otherwise None (the promise made at assignment stands).
    Returns (arrival, position time)."""
    tech = job.technician
    if job.status not in {JobStatus.ACCEPTED, JobStatus.EN_ROUTE} or tech.position_at < job.offered_at:
        return None
    division = job.urgent.division
    minutes = DEFAULT_TRAVEL.minutes(
        tech.lat, tech.lng, division.lat, division.lng, urban=division.name.endswith("区")
    )
    return max(tech.position_at + dt.timedelta(minutes=minutes), clock.now()), tech.position_at


def current_job_for_urgent(*, urgent) -> Job | None:
    return (
        Job.objects.filter(urgent=urgent)
        .exclude(status__in=[JobStatus.DECLINED, JobStatus.EXPIRED])
        .select_related("technician__user")
        .order_by("-offered_at")
        .first()
    )


def station_day(*, station, day):
    """Technicians of a station with their planned visits for a day (for the dispatcher board)."""
    technicians = list(Technician.objects.filter(station=station).select_related("user").order_by("pk"))
    plans = (
        VisitPlan.objects.filter(technician__station=station, day=day)
        .select_related("booking__service_type", "booking__slot")
        .order_by("technician", "sequence")
    )
    by_tech: dict[int, list] = {t.pk: [] for t in technicians}
    for plan in plans:
        by_tech.setdefault(plan.technician_id, []).append(plan)
    return [(t, by_tech.get(t.pk, [])) for t in technicians]


def urgent_by_reference(*, reference: str) -> UrgentRequest | None:
    return (
        UrgentRequest.objects.select_related("station", "division")
        .filter(reference=reference.upper())
        .first()
    )


def urgent_for_phone(*, phone: str, limit: int = 10) -> list[UrgentRequest]:
    """A caller's emergencies, newest first (the hotline console shows them beside their bookings)."""
    return list(
        UrgentRequest.objects.filter(phone=phone).select_related("station").order_by("-created_at")[:limit]
    )


def urgent_open() -> QuerySet[UrgentRequest]:
    """Emergencies waiting on the hotline console: those held for an agent to confirm first, then queued."""
    held_first = Case(
        When(status=UrgentStatus.HELD, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        UrgentRequest.objects.filter(status__in=[UrgentStatus.HELD, UrgentStatus.QUEUED])
        .select_related("station")
        .order_by(held_first, "created_at")
    )


def urgent_waiting() -> QuerySet[UrgentRequest]:
    """Open emergencies for the dispatcher: escalated ones first (waited too long), then oldest first."""
    escalated_first = Case(
        When(escalated_at__isnull=False, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (
        UrgentRequest.objects.exclude(status=UrgentStatus.CLOSED)
        .select_related("station", "division", "service_type")
        .order_by(escalated_first, "created_at")
    )


def planned_visits_today(*, technician, day):
    return list(
        VisitPlan.objects.filter(technician=technician, day=day)
        .exclude(booking__status=BookingStatus.CANCELLED)
        .select_related("booking__service_type", "booking__division", "booking__customer")
        .order_by("sequence")
    )


def colleagues_of(*, technician: Technician) -> list[Technician]:
    """Who a job can be handed over to: the other technicians of the same station."""
    return list(
        Technician.objects.filter(station_id=technician.station_id)
        .exclude(pk=technician.pk)
        .select_related("user")
        .order_by("pk")
    )


def visit_capacity(*, station, windows: list[tuple]) -> list[int] | None:
    """How many booked visits each (start, end) window of a station can take from its technicians' shifts:
    each technician contributes the minutes their shifts overlap the window ÷ FAIRDESK_MINUTES_PER_VISIT.
    None when the station has no shifts at all (the schedule's fixed capacity applies). Registered as
    bookings' capacity provider (DispatchConfig.ready), so new slots take it without bookings importing us."""
    if not windows:
        return []
    if not Shift.objects.filter(technician__station=station).exists():
        return None
    first, last = min(w[0] for w in windows), max(w[1] for w in windows)
    shifts = list(
        Shift.objects.filter(technician__station=station, start__lt=last, end__gt=first).values_list(
            "technician_id", "start", "end"
        )
    )
    per_visit = max(settings.FAIRDESK_MINUTES_PER_VISIT, 1)
    result = []
    for start, end in windows:
        minutes: dict[int, float] = {}
        for tech, shift_start, shift_end in shifts:
            overlap = (min(end, shift_end) - max(start, shift_start)).total_seconds() / 60
            if overlap > 0:
                minutes[tech] = minutes.get(tech, 0) + overlap
        result.append(sum(int(m // per_visit) for m in minutes.values()))
    return result


# ------------------------------------------------------------------------------ lawful opening (开锁登记)


def opening_rule_for(*, province_code: str):
    """The province's opening rule, or the default (no witness, kept 90 days) where it has none."""
    rule = ProvinceOpeningRule.objects.filter(province_code=province_code).first()
    return rule or ProvinceOpeningRule(
        province_code=province_code, witness_required=False, retention_days=DEFAULT_RETENTION_DAYS
    )


def job_requires_opening_record(*, job: Job) -> bool:
    service_type = job.urgent.service_type
    return bool(service_type and service_type.requires_opening_record)


def visit_requires_opening_record(*, visit: VisitPlan) -> bool:
    return bool(visit.booking.service_type.requires_opening_record)


def opening_record_exists(*, job: Job | None = None, visit: VisitPlan | None = None) -> bool:
    """A job's record may have been written on an earlier job of the same request (before a hand-over)."""
    if job is not None:
        return OpeningRecord.objects.filter(job__urgent_id=job.urgent_id).exists()
    return OpeningRecord.objects.filter(visit=visit).exists()


def opening_records_list(*, limit: int = 200):
    return list(
        OpeningRecord.objects.select_related(
            "station", "recorded_by", "job__urgent", "visit__booking"
        ).order_by("-created_at")[:limit]
    )
