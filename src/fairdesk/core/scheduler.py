"""The neutral clock: one task chain per lane of periodic jobs (core/periodic.py), on its own queue, beside
the message sending chains and never inside them."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from fairdesk.core import chains, periodic

log = logging.getLogger("fairdesk.scheduler")
KIND = "scheduler"


def queue_for(lane: str) -> str:
    return f"periodic_{lane}"


@task()
def scheduler_tick(generation: int, lane: str = periodic.FAST) -> list[str]:
    """One step of a lane: run its due jobs, then the chain goes on a second later."""
    name = f"{KIND}:{lane}"

    def work() -> list[str]:
        last_runs = chains.state(name)
        return periodic.run_due(
            lane=lane,
            last_runs=last_runs,
            now=timezone.now(),
            on_ran=lambda runs: chains.state_save(name, generation, runs),
        )

    return chains.run_link(KIND, lane, generation, work) or []


chains.register(KIND, task=scheduler_tick, lanes=lambda: list(periodic.LANES), queue=queue_for)
periodic.register("core.prune_finished_links", chains.prune_finished)
periodic.register("core.revive_stale_chains", chains.revive_stale)
