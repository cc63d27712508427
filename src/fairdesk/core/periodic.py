"""Small periodic jobs of other apps, run by the background tick (notify.tasks.notify_tick, lane 0) every
second. Apps register in their AppConfig.ready(); the tick does not import them (no dependency on them)."""

from __future__ import annotations

import logging
from collections.abc import Callable

log = logging.getLogger("fairdesk.periodic")
_jobs: dict[str, Callable[[], object]] = {}


def register(name: str, job: Callable[[], object]) -> None:
    _jobs[name] = job


def run_all() -> dict[str, object]:
    results = {}
    for name, job in list(_jobs.items()):
        try:
            results[name] = job()
        except Exception:  # one failing job must not stop the others or the tick
            log.exception("periodic job %s failed", name)
            results[name] = None
    return results
