"""The background worker: django-tasks-db's worker loop, one thread per queue, that survives the database.

- A database error (the server restarted, the connection was terminated, a failover) does not end the worker:
  the thread closes its broken connections, waits (0.5 s, doubling up to 10 s) and carries on.
- Each queue has its own thread, so a slow periodic job (queue `periodic_slow`) never holds up sending
  (queue `default`) or emergency offers (queue `periodic_fast`).
- At start and every few seconds, the worker restarts background chains that never started or whose lease ran
  out (a worker killed mid-link): no `notify_start` by hand.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands.db_worker import Worker

from fairdesk.core import chains

log = logging.getLogger("fairdesk.worker")
DATABASE_TROUBLE = (OperationalError, InterfaceError)
MAX_BACKOFF = 10.0


def close_connections() -> None:
    """Drop this thread's connections, broken or not; the next query opens a fresh one."""
    for conn in connections.all(initialized_only=True):
        try:
            conn.close()
        except DatabaseError:
            conn.connection = None  # already gone on the server side


class ResilientWorker(Worker):
    """django_tasks_db's Worker; `run` starts over after a database error instead of ending."""

    def __init__(self, *, stop: threading.Event, **kwargs) -> None:
        super().__init__(**kwargs)
        self.stop = stop

    def run(self) -> None:
        backoff, last_error = 0.5, 0.0
        while self.running and not self.stop.is_set():
            try:
                super().run()
                return
            except DATABASE_TROUBLE as exc:
                if time.monotonic() - last_error > 60:
                    backoff = 0.5  # a new outage, not the same one going on
                last_error = time.monotonic()
                log.warning(
                    "worker %s: database error (%s); reconnecting in %.1f s",
                    self.worker_id,
                    str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
                    backoff,
                )
                close_connections()
                self.startup_delay = False
                if self.stop.wait(backoff):
                    return
                backoff = min(backoff * 2, MAX_BACKOFF)


class Command(BaseCommand):
    help = (
        "Run background tasks (one thread per queue) that survive database errors, and restart background "
        "chains whose worker died."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--queues",
            default=",".join(getattr(settings, "FAIRDESK_TASK_QUEUES", ["default"])),
            help="comma-separated queues, one thread each",
        )
        parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls when idle")
        parser.add_argument(
            "--check-seconds", type=float, default=5.0, help="how often to look for silent chains"
        )

    def handle(self, *args, **options):
        if options["verbosity"] < 2:  # a line per chain link, several a second: only when asked for
            for name in ("django_tasks", "django_tasks_db"):
                logging.getLogger(name).setLevel(logging.WARNING)
        _name_connections()
        stop = threading.Event()
        ident = f"{socket.gethostname()[:30]}:{os.getpid()}"
        workers = {
            queue: ResilientWorker(
                stop=stop,
                queue_names=[queue],
                interval=options["interval"],
                batch=False,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"{ident}:{queue}"[:64],
                excluded_queue_names=[],
            )
            for queue in options["queues"].split(",")
            if queue
        }

        def shutdown(signum, _frame):
            if stop.is_set():  # a second Ctrl-C: do not wait for running tasks
                os._exit(1)
            log.warning("worker: %s, stopping after the running tasks", signal.strsignal(signum))
            stop.set()
            for worker in workers.values():
                worker.running = False

        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, shutdown)
        threads = {queue: self._start(worker) for queue, worker in workers.items()}
        served = ", ".join(workers) or "none (only restarting silent chains)"
        self.stdout.write(f"worker {ident}: queues {served}")
        self.stdout.flush()
        while not stop.is_set():
            self._revive_chains()
            for queue, thread in list(threads.items()):
                if not thread.is_alive() and not stop.is_set():
                    log.error("worker thread for queue %s ended unexpectedly: restarted", queue)
                    workers[queue].running = True
                    threads[queue] = self._start(workers[queue])
            stop.wait(options["check_seconds"])
        for thread in threads.values():
            thread.join(timeout=60)
        close_connections()

    @staticmethod
    def _start(worker: ResilientWorker) -> threading.Thread:
        def run():
            try:
                worker.run()
            except Exception:
                log.exception("worker %s failed", worker.worker_id)
            finally:
                close_connections()

        thread = threading.Thread(target=run, name=worker.worker_id, daemon=True)
        thread.start()
        return thread

    def _revive_chains(self) -> None:
        try:
            started = chains.revive_stale()
        except DatabaseError as exc:
            log.warning("worker: cannot check the background chains now (%s)", exc)
            close_connections()
            return
        for name in started:
            self.stdout.write(f"started background chain {name}")
            self.stdout.flush()


def _name_connections() -> None:
    """PostgreSQL shows the worker's connections as `fairdesk-worker` (pg_stat_activity.application_name)."""
    for alias in connections:
        settings_dict = connections.settings[alias]
        if settings_dict["ENGINE"].endswith("postgresql"):
            settings_dict.setdefault("OPTIONS", {}).setdefault("application_name", "fairdesk-worker")
