"""The evening's planning run is queued on the slow periodic lane, not on `default` beside the messages."""

import datetime as dt

import pytest
from django_tasks import default_task_backend

from fairdesk.core import clock
from fairdesk.dispatch.models import PlanRun
from fairdesk.dispatch.planning import nightly_plan_if_due

pytestmark = pytest.mark.django_db
EVENING = dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)  # 21:00 in Asia/Shanghai


def test_the_nightly_plan_is_queued_on_the_slow_lane():
    default_task_backend.results.clear()
    with clock.frozen_at(EVENING):
        assert nightly_plan_if_due() is True
        assert nightly_plan_if_due() is False  # once an evening
    (queued,) = [r for r in default_task_backend.results if r.task.name == "plan_day"]
    assert queued.task.queue_name == "periodic_slow"
    run = PlanRun.objects.get()
    assert queued.args == [dt.date(2026, 12, 2).isoformat(), run.pk]
