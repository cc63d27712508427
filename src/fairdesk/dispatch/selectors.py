from __future__ import annotations

from fairdesk.dispatch.models import Job, JobStatus, Technician


def technician_for_user(*, user) -> Technician | None:
    return Technician.objects.select_related("station", "user").filter(user=user).first()


def jobs_for_technician(*, technician: Technician) -> list[Job]:
    active = [JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE]
    return list(
        Job.objects.filter(technician=technician, status__in=active)
        .select_related("urgent", "urgent__division")
        .order_by("offered_at")
    )


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
    from fairdesk.dispatch.models import VisitPlan

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


def urgent_waiting():
    from fairdesk.bookings.models import UrgentRequest, UrgentStatus

    return (
        UrgentRequest.objects.exclude(status=UrgentStatus.CLOSED)
        .select_related("station", "division")
        .order_by("created_at")
    )


def planned_visits_today(*, technician, day):
    from fairdesk.dispatch.models import VisitPlan

    return list(
        VisitPlan.objects.filter(technician=technician, day=day)
        .select_related("booking__service_type", "booking__division")
        .order_by("sequence")
    )
