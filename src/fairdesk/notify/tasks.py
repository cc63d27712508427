"""Background work on django-tasks (database backend, `manage.py worker`).

`notify_tick` sends what is due and releases stale claims; as a chain (core/chains.py) it enqueues its next
link a second later, and a chain whose worker died is restarted by the next worker that looks. Periodic jobs
of other apps do not run here: the core scheduler has its own lanes (core/scheduler.py).
"""

from __future__ import annotations

from django_tasks import task

from fairdesk.core import chains
from fairdesk.notify import services

KIND = "notify"


@task()
def notify_tick(generation: int, lane: int = 0) -> int:
    """One lane of sending; several lanes (one per worker process) share the work through row claims."""

    def work() -> int:
        services.messages_release_stale()
        return services.messages_dispatch_due()

    return chains.run_link(KIND, lane, generation, work) or 0


def ticker_start(lanes: int = 1) -> int:
    """Start (or restart) the sending chains, one per lane; returns their generation."""
    return chains.start(KIND, lanes=list(range(max(1, lanes))))

