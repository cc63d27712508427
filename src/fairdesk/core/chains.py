"""Self-renewing background chains with a lease: the message sending lanes and the scheduler lanes.

A chain is a task that, when it has done its work, enqueues itself again a moment later. The `TaskChain` row
says which generation is alive and when it last beat. A link of an older generation ends quietly, so a restart
never runs two chains. While a link runs, a small thread renews the lease every few seconds; a worker killed
mid-link (its task row stays RUNNING for ever) stops beating, and after `FAIRDESK_CHAIN_STALE_SECONDS` any
worker that looks (at start and every few seconds, see `manage.py worker`) starts a new generation with one
conditional UPDATE: only one of several workers wins.

Apps register their chain kinds here (notify in its AppConfig.ready, the scheduler in core); nothing in core
imports them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from fairdesk.core.env import env_int
from fairdesk.core.models import TaskChain

log = logging.getLogger("fairdesk.chains")


def setting_int(name: str, default: int) -> int:
    """A setting from Django settings when set there (tests), else strictly from the environment."""
    value = getattr(settings, name, None)
    return int(value) if value is not None else env_int(name, default)


def stale_seconds() -> int:
    return setting_int("FAIRDESK_CHAIN_STALE_SECONDS", 30)


@dataclass(frozen=True)
class ChainKind:
    """`task(generation, lane)` runs one link; `lanes()` are the lanes a fresh start runs."""

    kind: str
    task: Any  # a django_tasks Task
    lanes: Callable[[], list]
    queue: Callable[[Any], str]
    every_seconds: float = 1.0

    def name(self, lane) -> str:
        return f"{self.kind}:{lane}"


_kinds: dict[str, ChainKind] = {}


def register(
    kind: str,
    *,
    task,
    lanes: Callable[[], list],
    queue: Callable[[Any], str] = lambda lane: "default",
    every_seconds: float = 1.0,
) -> None:
    _kinds[kind] = ChainKind(kind=kind, task=task, lanes=lanes, queue=queue, every_seconds=every_seconds)


def kinds() -> list[ChainKind]:
    import fairdesk.core.scheduler  # noqa: F401 - core's own chain registers itself on import

    return list(_kinds.values())


def _kind(kind: str) -> ChainKind:
    kinds()
    return _kinds[kind]


def _lane_of(chain_kind: ChainKind, name: str):
    raw = name.split(":", 1)[1]
    return int(raw) if raw.isdigit() else raw


def _enqueue(chain_kind: ChainKind, lane, generation: int, *, delay: float = 0.0) -> None:
    task = chain_kind.task.using(queue_name=chain_kind.queue(lane))
    if delay and task.get_backend().supports_defer:
        # Machine time, not the business clock (the demo may move that one forward).
        task = task.using(run_after=timezone.now() + dt.timedelta(seconds=delay))
    task.enqueue(generation, lane)


def start(kind: str, lanes: list | None = None) -> int:
    """Start (or restart) a kind's chains, one per lane, as a new generation; returns that generation.
    Lanes of this kind not in `lanes` are retired (their links end at their next step)."""
    chain_kind = _kind(kind)
    lanes = list(chain_kind.lanes() if lanes is None else lanes)
    now = timezone.now()
    with transaction.atomic():
        rows = {c.name: c for c in TaskChain.objects.select_for_update().filter(name__startswith=f"{kind}:")}
        generation = max((c.generation for c in rows.values()), default=0) + 1
        for lane in lanes:
            TaskChain.objects.update_or_create(
                name=chain_kind.name(lane),
                defaults={"generation": generation, "beat_at": now, "started_at": now},
            )
        retired = set(rows) - {chain_kind.name(lane) for lane in lanes}
        TaskChain.objects.filter(name__in=retired).delete()
        for lane in lanes:
            transaction.on_commit(lambda lane=lane: _enqueue(chain_kind, lane, generation))
    return generation


def start_all() -> dict[str, int]:
    return {chain_kind.kind: start(chain_kind.kind) for chain_kind in kinds()}


def revive_stale() -> list[str]:
    """Start what is not running: kinds never started, and chains whose lease ran out. Safe to call from
    every worker at once (the conditional UPDATE lets one win). Returns the names started."""
    started = []
    now = timezone.now()
    for chain_kind in kinds():
        if not TaskChain.objects.filter(name__startswith=f"{chain_kind.kind}:").exists():
            for lane in chain_kind.lanes():
                try:
                    with transaction.atomic():
                        _row, created = TaskChain.objects.get_or_create(
                            name=chain_kind.name(lane),
                            defaults={"generation": 1, "beat_at": now, "started_at": now},
                        )
                except IntegrityError:  # another worker created it first
                    created = False
                if created:
                    _enqueue(chain_kind, lane, 1)
                    started.append(chain_kind.name(lane))
    cutoff = now - dt.timedelta(seconds=stale_seconds())
    for row in TaskChain.objects.filter(beat_at__lt=cutoff) | TaskChain.objects.filter(beat_at__isnull=True):
        chain_kind = _kinds.get(row.name.split(":", 1)[0])
        if chain_kind is None:
            continue
        won = TaskChain.objects.filter(pk=row.pk, generation=row.generation, beat_at=row.beat_at).update(
            generation=F("generation") + 1, beat_at=now, started_at=now
        )
        if won:
            # If this process dies before the enqueue, the beat just written goes stale again: retried.
            _enqueue(chain_kind, _lane_of(chain_kind, row.name), row.generation + 1)
            log.warning(
                "chain %s was silent since %s: restarted as generation %d",
                row.name,
                row.beat_at,
                row.generation + 1,
            )
            started.append(row.name)
    return started


def beat(name: str, generation: int) -> bool:
    """Renew the lease; False when this generation is no longer the live one."""
    return bool(TaskChain.objects.filter(name=name, generation=generation).update(beat_at=timezone.now()))


def state(name: str) -> dict:
    return TaskChain.objects.filter(name=name).values_list("state", flat=True).first() or {}


def state_save(name: str, generation: int, value: dict) -> None:
    TaskChain.objects.filter(name=name, generation=generation).update(state=value)


class _LeaseKeeper(threading.Thread):
    """Renews the lease while a long link runs (a slow provider, a big batch), from its own connection."""

    def __init__(self, name: str, generation: int, every: float) -> None:
        super().__init__(daemon=True, name=f"lease {name}")
        self.chain, self.generation, self.every = name, generation, every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    beat(self.chain, self.generation)
                except Exception:  # the link itself will meet the same database trouble and report it
                    log.warning("lease of %s not renewed", self.chain, exc_info=True)
        finally:
            connection.close()


def run_link(kind: str, lane, generation: int, work: Callable[[], Any]) -> Any:
    """One link of a chain: check it is the live generation, do the work under a renewed lease, enqueue the
    next link. A failing piece of work is logged and the chain goes on; when the database itself fails, the
    task fails and the lease runs out, so another worker restarts the chain."""
    chain_kind = _kind(kind)
    name = chain_kind.name(lane)
    if not beat(name, generation):
        return None  # an older chain: a newer one has taken over
    keeper = _LeaseKeeper(name, generation, every=max(stale_seconds() / 6, 0.5))
    keeper.start()
    try:
        result = work()
    except Exception:
        log.exception("chain %s: a link failed; the chain goes on", name)
        if not connection.is_usable():
            if connection.in_atomic_block:
                raise
            # The connection died under the work (a restart, a terminated backend): go on with a new one. If
            # the database is really down, the next step raises and the lease runs out instead.
            with contextlib.suppress(DatabaseError):
                connection.close()
        result = None
    finally:
        keeper.stopped.set()
        keeper.join()
    if beat(name, generation):
        _enqueue(chain_kind, lane, generation, delay=chain_kind.every_seconds)
    return result


def heartbeat_age_seconds() -> float | None:
    """Age of the stalest live chain's beat (None when no chain was ever started)."""
    beats = TaskChain.objects.filter(beat_at__isnull=False).order_by("beat_at")
    rows = list(beats.values_list("beat_at", flat=True)[:1])
    if not rows:
        return None
    return round(max((timezone.now() - rows[0]).total_seconds(), 0.0), 1)


def prune_finished() -> int:
    """Keep the task table small: finished chain links older than ten minutes go (database backend)."""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - another backend
        return 0
    cutoff = timezone.now() - dt.timedelta(minutes=10)
    deleted, _ = DBTaskResult.objects.filter(
        task_path__in=[chain_kind.task.module_path for chain_kind in kinds()],
        status="SUCCESSFUL",
        finished_at__lt=cutoff,
    ).delete()
    return deleted
