from __future__ import annotations

import datetime as dt

from django_tasks import task

from fairdesk.core import clock
from fairdesk.core.periodic import SLOW
from fairdesk.core.scheduler import queue_for
from fairdesk.dispatch.models import PlanRun


# Seconds of CPU per station: on the slow periodic lane's queue, never on `default` where messages (one-time
# codes, emergency offers) are sent.
@task(queue_name=queue_for(SLOW))
def plan_day(day: str, run_id: int) -> list[dict]:
    # planning queues this task (nightly_plan_if_due imports plan_day): a top-level import here is a cycle.
    from fairdesk.dispatch.planning import day_plan_all

    summary = day_plan_all(day=dt.date.fromisoformat(day), seconds=2.0)
    PlanRun.objects.filter(pk=run_id).update(finished_at=clock.now(), summary={"stations": summary})
    return summary
