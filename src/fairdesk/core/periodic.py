"""The system's clock in one place: every periodic job, how often it runs and on which lane.

Apps register the function behind a job in their AppConfig.ready() (`register(name, job)`; core never imports
them); the `core` scheduler (core/scheduler.py) runs each lane as its own task chain, separate from message
sending, so a slow payment provider delays neither one-time codes nor emergency offers.

Lanes: `fast` for jobs a customer or technician is waiting on within seconds, `slow` for jobs that call
outside providers or plan routes. Each lane is its own queue (`periodic_fast`, `periodic_slow`), served by its
own worker thread (`manage.py worker`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("fairdesk.periodic")

FAST, SLOW = "fast", "slow"
LANES = (FAST, SLOW)


@dataclass(frozen=True)
class Schedule:
    every_seconds: float
    lane: str


# Every periodic job of the system. A job registered under a name not listed here runs with the interval and
# lane given to `register` (default: every minute on the slow lane); list it here to make it visible.
SCHEDULE: dict[str, Schedule] = {
    # An emergency offer not accepted in time goes to the next best technician.
    "dispatch.offers_expire": Schedule(1, FAST),
    # An emergency waiting past FAIRDESK_URGENT_ESCALATE_MINUTES with no accepted job goes to the dispatcher
    # (top of the board, a sound and a notification).
    "dispatch.urgent_escalate": Schedule(15, FAST),
    # Waiting conversations go to agents on duty with room (done at once on every change; this is the net).
    "support.queue_dispatch": Schedule(5, FAST),
    # Complaints' escalation ladder (half-way alerts to the team lead, missed deadlines, the hard limit).
    "complaints.escalate": Schedule(60, FAST),
    # After 20:00 local time, plan tomorrow's routes once for every station (PyVRP: seconds of CPU).
    "dispatch.nightly_plan": Schedule(60, SLOW),
    # Opening records (开锁登记) past their province's retention period are deleted with their photos.
    "dispatch.opening_records_purge": Schedule(3600, SLOW),
    # Refunds the payment provider could not take yet (each call may wait on the provider).
    "plans.refunds": Schedule(30, SLOW),
    # Renewal notices 7 days ahead, then renewals at the period end (charges at the provider).
    "plans.renewal_reminders": Schedule(60, SLOW),
    "plans.renewals": Schedule(60, SLOW),
    # Payments and refunds the provider has but our books do not (a crash between the two): settled.
    "plans.reconcile_payments": Schedule(300, SLOW),
    # Booking slots made ahead for each station's days_ahead (reading a day never creates them; one query
    # when none is due).
    "bookings.slots_ahead": Schedule(60, SLOW),
    # Chains whose worker died are restarted (`manage.py worker` also does this itself; with RQ workers only
    # this job does): the scheduler watches the sending lanes.
    "core.revive_stale_chains": Schedule(5, FAST),
    # Finished links of the background chains leave the task table after ten minutes.
    "core.prune_finished_links": Schedule(60, SLOW),
}
DEFAULT = Schedule(60, SLOW)


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    every_seconds: float
    lane: str


_jobs: dict[str, Job] = {}


def register(
    name: str, job: Callable[[], object], *, every_seconds: float | None = None, lane: str | None = None
) -> None:
    """Attach the function that does job `name`. Its interval and lane come from SCHEDULE when it is listed
    there, else from the arguments."""
    declared = SCHEDULE.get(name)
    if declared is None:
        declared = Schedule(every_seconds or DEFAULT.every_seconds, lane or DEFAULT.lane)
    if declared.lane not in LANES:
        raise ValueError(f"periodic job {name}: lane must be one of {LANES}")
    _jobs[name] = Job(name=name, run=job, every_seconds=declared.every_seconds, lane=declared.lane)


def jobs(lane: str | None = None) -> list[Job]:
    return [job for job in _jobs.values() if lane is None or job.lane == lane]


def _run(job: Job) -> object:
    try:
        return job.run()
    except Exception:  # one failing job must not stop the others or the lane
        log.exception("periodic job %s failed", job.name)
        return None


def run_all() -> dict[str, object]:
    """Run every job once now (the demo's test clock after moving time forward)."""
    return {job.name: _run(job) for job in list(_jobs.values())}


def run_due(
    *, lane: str, last_runs: dict[str, str], now: dt.datetime, on_ran: Callable[[dict], None] | None = None
) -> list[str]:
    """Run this lane's jobs whose interval has passed since they last started (ISO times in `last_runs`,
    updated in place; `on_ran` is called after each job so a crash does not run finished jobs again)."""
    ran = []
    for job in jobs(lane):
        last = last_runs.get(job.name)
        if last and (now - dt.datetime.fromisoformat(last)).total_seconds() < job.every_seconds:
            continue
        last_runs[job.name] = now.isoformat()
        _run(job)
        ran.append(job.name)
        if on_ran is not None:
            on_ran(last_runs)
    return ran
