from __future__ import annotations

import datetime as dt

from django_tasks import task

from fairdesk.core import clock
from fairdesk.dispatch.models import PlanRun


@task()
def plan_day(day: str, run_id: int) -> list[dict]:
    from fairdesk.dispatch.planning import day_plan_all

    summary = day_plan_all(day=dt.date.fromisoformat(day), seconds=2.0)
    PlanRun.objects.filter(pk=run_id).update(finished_at=clock.now(), summary={"stations": summary})
    return summary
