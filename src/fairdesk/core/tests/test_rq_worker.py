"""The `rq` tasks backend (FAIRDESK_TASKS_BACKEND=rq) against the Redis on 127.0.0.1:6379 and real
`manage.py rqworker` processes: a fairdesk task enqueued through django-tasks-rq runs in the worker, its next
link is deferred into RQ's scheduled registry, and with a worker started --with-scheduler and the chain
watchdog (`manage.py worker --queues=`) the message chain and the core scheduler's lanes go on by themselves,
so a message that falls due later is sent.

Without Redis the test is skipped locally and FAILS when `CI` is set (the CI must not pass without it)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager

import pytest

from fairdesk.testing.liveserver import REPO, fresh_database_url
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.browser  # slow, real processes: runs with the browser tests in `make test`

REDIS_BASE = os.environ.get("FAIRDESK_TEST_REDIS", "redis://127.0.0.1:6379").rstrip("/")

FIRST = """
from fairdesk.notify.services import message_schedule
message_schedule(channel="sms", recipient="+8613800000001", kind="rq_test", body="第一条", urgent=True)
"""
LATER = """
import datetime as dt
from django.utils import timezone
from fairdesk.notify.services import message_schedule
message_schedule(channel="sms", recipient="+8613800000002", kind="rq_test", body="第二条", urgent=True,
                 due_at=timezone.now() + dt.timedelta(seconds=3))
"""
INSPECT = """
import json
import django_rq
from django_tasks import task_backends
backend = task_backends["default"]
queue = django_rq.get_queue("default")
results = [backend.get_result(i) for i in queue.finished_job_registry.get_job_ids()]
print(json.dumps({
    "backend": type(backend).__name__,
    "finished": [[r.task.name, r.status, r.return_value] for r in results],
    "scheduled": queue.scheduled_job_registry.count,
    "queued": queue.count,
}))
"""
BEATS = """
import json
from fairdesk.core.models import TaskChain
print(json.dumps({c.name: c.beat_at.timestamp() for c in TaskChain.objects.all()}))
"""


@contextmanager
def empty_redis_database():
    """An empty Redis database (1–15), emptied again afterwards: nobody else's keys are touched."""
    import redis

    try:
        redis.Redis.from_url(REDIS_BASE + "/0", socket_connect_timeout=2).ping()
    except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError) as exc:
        message = f"Redis is not reachable at {REDIS_BASE}: {exc}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI is set: the RQ backend must be tested)")
        pytest.skip(message)
    candidates = list(range(1, 16))
    random.shuffle(candidates)
    for number in candidates:
        client = redis.Redis.from_url(f"{REDIS_BASE}/{number}")
        if client.dbsize() == 0:
            try:
                yield f"{REDIS_BASE}/{number}"
            finally:
                client.flushdb()
            return
    pytest.fail(f"no empty Redis database at {REDIS_BASE}/1..15")


def test_rq_workers_run_fairdesk_tasks_and_the_tick_chain():
    with empty_redis_database() as redis_url, LocalSmsGateway() as gateway, fresh_database_url() as db_url:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
            "FAIRDESK_TASKS_BACKEND": "rq",
            "REDIS_URL": redis_url,
            "FAIRDESK_SMS_BACKEND": "webhook",
            "FAIRDESK_SMS_WEBHOOK_URL": gateway.url,
            "FAIRDESK_QUIET_HOURS": "off",
        }
        manage = [sys.executable, str(REPO / "manage.py")]

        def run(*args: str) -> str:
            done = subprocess.run([*manage, *args], env=env, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, f"{args} failed:\n{done.stderr[-3000:]}"
            return done.stdout

        run("migrate", "-v0")
        run("shell", "-c", FIRST)
        run("notify_start")  # enqueues the first tick through the RQ backend

        # A burst worker without the scheduler runs what is queued and stops: the first tick sends the due
        # message and defers its successor, which waits in the scheduled registry (not in the queue).
        run("rqworker", "default", "--burst")
        assert [m["to"] for m in gateway.state.messages()] == ["+8613800000001"]
        state = json.loads(run("shell", "-c", INSPECT).strip().splitlines()[-1])
        assert state["backend"] == "RQBackend"
        assert state["finished"] == [["notify_tick", "SUCCESSFUL", 1]]
        assert state["scheduled"] == 1
        assert state["queued"] == 0

        # Production: a chain watchdog (`manage.py worker --queues=`: no queues of its own, it only starts
        # chains that never started or went silent, here the core scheduler's lanes) and a worker on every
        # queue with the scheduler. The chains go on every second and send what falls due.
        run("shell", "-c", LATER)
        started = time.time()
        processes = [
            start(manage, env, "worker", "--queues=", "--check-seconds", "1"),
            start(manage, env, "rqworker", "default", "periodic_fast", "periodic_slow", "--with-scheduler"),
        ]
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                for process, log in processes:
                    assert process.poll() is None, tail(log)
                beats = json.loads(run("shell", "-c", BEATS).strip().splitlines()[-1])
                if len(gateway.state.messages()) >= 2 and beats.get("scheduler:fast", 0) > started + 1:
                    break
                time.sleep(0.5)
        finally:
            for process, _log in processes:
                os.killpg(process.pid, signal.SIGTERM)  # warm shutdown (the worker's scheduler too)
            for process, _log in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
        delivered = gateway.state.messages()
        assert [m["to"] for m in delivered] == ["+8613800000001", "+8613800000002"], delivered
        assert gateway.state.stats()["duplicates"] == 0
        assert set(beats) == {"notify:0", "scheduler:fast", "scheduler:slow"}, beats
        assert beats["scheduler:fast"] > started + 1, (beats, started)  # the scheduler lane beat repeatedly
        finished = json.loads(run("shell", "-c", INSPECT).strip().splitlines()[-1])["finished"]
        assert len(finished) >= 3  # several ticks ran, each deferred through RQ's scheduler
        assert all(status == "SUCCESSFUL" for _name, status, _sent in finished), finished


def start(manage: list[str], env: dict[str, str], *args: str):
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed with the process by the test's end
    process = subprocess.Popen(
        [*manage, *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return process, log


def tail(log) -> str:
    log.seek(0)
    return log.read()[-3000:]
