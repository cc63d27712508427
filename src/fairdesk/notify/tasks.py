"""Background work on django-tasks (database backend, `manage.py db_worker`).

`notify_tick` sends what is due, releases stale claims, and enqueues the next tick a second later. Exactly one
tick chain lives: `ticker_start()` bumps the generation, and a tick of an older generation ends quietly.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from fairdesk.core import clock, periodic
from fairdesk.notify import services
from fairdesk.notify.models import Ticker

TICK_SECONDS = 1.0


@task()
def notify_tick(generation: int, lane: int = 0) -> int:
    """One lane of sending; several lanes (one per worker process) share the work through row claims."""
    if not Ticker.objects.filter(pk=1, generation=generation).exists():
        return 0  # an older chain: a newer one has taken over
    services.messages_release_stale()
    sent = services.messages_dispatch_due()
    if lane == 0:
        periodic.run_all()  # e.g. dispatch: unanswered emergency offers go to the next technician
    Ticker.objects.filter(pk=1, generation=generation).update(last_tick_at=clock.now())
    if notify_tick.get_backend().supports_defer:
        # The worker schedules by the machine's time, not the business clock (which the demo may move).
        notify_tick.using(run_after=timezone.now() + dt.timedelta(seconds=TICK_SECONDS)).enqueue(
            generation, lane
        )
    _prune_finished()
    return sent


def ticker_start(lanes: int = 1) -> int:
    """Start (or restart after a crash) the tick chains, one per lane; returns their generation."""
    with transaction.atomic():
        ticker, _created = Ticker.objects.select_for_update().get_or_create(pk=1)
        ticker.generation += 1
        ticker.save(update_fields=["generation"])
        generation = ticker.generation
        for lane in range(lanes):
            transaction.on_commit(lambda lane=lane: notify_tick.enqueue(generation, lane))
    return generation


def _prune_finished() -> None:
    """Keep the task table small: finished ticks older than ten minutes go."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return
    cutoff = timezone.now() - dt.timedelta(minutes=10)
    DBTaskResult.objects.filter(
        task_path=f"{__name__}.notify_tick", status="SUCCESSFUL", finished_at__lt=cutoff
    ).delete()
