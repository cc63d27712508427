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
