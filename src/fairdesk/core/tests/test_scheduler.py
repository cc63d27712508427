"""The neutral clock: periodic jobs declared in one place, run by the core scheduler's own lanes (not inside
message sending), as chains with a lease that any worker restarts when their worker died."""

import datetime as dt

import pytest
from django.utils import timezone

from fairdesk.core import chains, periodic
from fairdesk.core.models import TaskChain
from fairdesk.core.scheduler import scheduler_tick

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(monkeypatch):
    """A clean job registry for the test (the apps' real jobs come back afterwards)."""
    monkeypatch.setattr(periodic, "_jobs", {})
    return periodic


def test_intervals_and_lanes_come_from_the_one_schedule(jobs):
    jobs.register("dispatch.offers_expire", lambda: None)
    jobs.register("plans.refunds", lambda: None, every_seconds=5, lane="fast")  # the schedule wins
    jobs.register("someapp.undeclared", lambda: None)
    jobs.register("someapp.declared_by_caller", lambda: None, every_seconds=300)
    got = {job.name: (job.every_seconds, job.lane) for job in jobs.jobs()}
    assert got == {
        "dispatch.offers_expire": (1, "fast"),
        "plans.refunds": (30, "slow"),
        "someapp.undeclared": (60, "slow"),
        "someapp.declared_by_caller": (300, "slow"),
    }
    with pytest.raises(ValueError):
        jobs.register("someapp.bad", lambda: None, lane="sometimes")


def test_the_apps_jobs_are_registered_and_message_sending_is_not_among_them():
    names = {job.name: job.lane for job in periodic.jobs()}
    assert names["dispatch.offers_expire"] == "fast"
    assert {"plans.refunds", "plans.renewals", "dispatch.nightly_plan"} <= {
        name for name, lane in names.items() if lane == "slow"
    }
    assert not any(name.startswith("notify") for name in names)


def test_a_lane_runs_only_its_due_jobs_and_remembers_when(jobs):
    ran = []
    jobs.register("dispatch.offers_expire", lambda: ran.append("offers"))
    jobs.register("plans.refunds", lambda: ran.append("refunds"))
    t0 = timezone.now()
    last_runs: dict = {}
    assert jobs.run_due(lane="fast", last_runs=last_runs, now=t0) == ["dispatch.offers_expire"]
    assert jobs.run_due(lane="fast", last_runs=last_runs, now=t0 + dt.timedelta(seconds=0.5)) == []
    assert jobs.run_due(lane="fast", last_runs=last_runs, now=t0 + dt.timedelta(seconds=1)) != []
    assert jobs.run_due(lane="slow", last_runs=last_runs, now=t0) == ["plans.refunds"]
    assert jobs.run_due(lane="slow", last_runs=last_runs, now=t0 + dt.timedelta(seconds=29)) == []
    assert jobs.run_due(lane="slow", last_runs=last_runs, now=t0 + dt.timedelta(seconds=30)) == [
        "plans.refunds"
    ]
    assert ran == ["offers", "offers", "refunds", "refunds"]


def test_a_failing_job_does_not_stop_the_lane(jobs):
    ran = []
    jobs.register("a.fails", lambda: 1 / 0, lane="fast")
    jobs.register("b.works", lambda: ran.append("b"), lane="fast")
    assert jobs.run_due(lane="fast", last_runs={}, now=timezone.now()) == ["a.fails", "b.works"]
    assert ran == ["b"]


def test_the_scheduler_tick_runs_its_lane_keeps_state_and_goes_on(jobs):
    ran = []
    jobs.register("dispatch.offers_expire", lambda: ran.append("fast"))
    jobs.register("plans.refunds", lambda: ran.append("slow"))
    TaskChain.objects.create(name="scheduler:fast", generation=3)
    assert scheduler_tick.call(3, "fast") == ["dispatch.offers_expire"]
    assert ran == ["fast"]  # the slow lane's job is not run by the fast lane
    chain = TaskChain.objects.get(name="scheduler:fast")
    assert "dispatch.offers_expire" in chain.state and chain.beat_at is not None
    assert scheduler_tick.call(2, "fast") == []  # an older generation ends quietly
    assert ran == ["fast"]


def test_start_begins_a_new_generation_and_retires_lanes_no_longer_wanted():
    first = chains.start("notify", lanes=[0, 1])
    assert set(TaskChain.objects.values_list("name", flat=True)) == {"notify:0", "notify:1"}
    second = chains.start("notify", lanes=[0])
    assert second == first + 1
    assert list(TaskChain.objects.values_list("name", "generation")) == [("notify:0", second)]


def test_a_silent_chain_is_restarted_once_by_whoever_notices(settings):
    settings.FAIRDESK_CHAIN_STALE_SECONDS = 30
    old = timezone.now() - dt.timedelta(seconds=31)
    TaskChain.objects.create(name="notify:0", generation=5, beat_at=old)
    TaskChain.objects.create(name="scheduler:fast", generation=2, beat_at=timezone.now())
    TaskChain.objects.create(name="scheduler:slow", generation=2, beat_at=timezone.now())
    assert chains.revive_stale() == ["notify:0"]
    assert TaskChain.objects.get(name="notify:0").generation == 6
    assert chains.revive_stale() == []  # the second worker to look finds it alive
    assert TaskChain.objects.get(name="notify:0").generation == 6


def test_chains_never_started_are_started_by_the_first_worker(settings):
    settings.FAIRDESK_NOTIFY_LANES = 2
    started = chains.revive_stale()
    assert sorted(started) == ["notify:0", "notify:1", "scheduler:fast", "scheduler:slow"]
    assert chains.revive_stale() == []


def test_a_link_that_fails_keeps_its_chain_going(jobs, settings):
    TaskChain.objects.create(name="scheduler:slow", generation=1)

    def broken():
        raise RuntimeError("provider down")

    jobs.register("plans.refunds", broken)
    assert scheduler_tick.call(1, "slow") == ["plans.refunds"]
    beat = TaskChain.objects.get(name="scheduler:slow").beat_at
    assert beat is not None and timezone.now() - beat < dt.timedelta(seconds=5)


def test_the_lease_is_renewed_while_a_long_link_runs(settings, transactional_db):
    """A slow job keeps its chain's lease (so no second chain starts beside it) from another connection."""
    import time

    settings.FAIRDESK_CHAIN_STALE_SECONDS = 3  # renewed every 0.5 s
    TaskChain.objects.create(name="scheduler:slow", generation=1, beat_at=timezone.now())
    beats = []

    def slow():
        start = TaskChain.objects.get(name="scheduler:slow").beat_at
        time.sleep(1.6)
        beats.append(TaskChain.objects.get(name="scheduler:slow").beat_at - start)

    chains.run_link("scheduler", "slow", 1, slow)
    assert beats and beats[0] >= dt.timedelta(seconds=0.9)
