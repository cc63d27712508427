"""Real `manage.py worker` processes on a fresh database, sending to the local SMS gateway: the worker
outlives its database connections being terminated (PostgreSQL), a worker killed mid-batch is replaced by a
new one without anyone running `notify_start`, a sleeping periodic job does not delay a one-time code, and
`serve` starts a killed child again."""

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from fairdesk.testing.liveserver import REPO, fresh_database_url, live_server
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.browser  # slow, real processes: runs with the browser tests in `make test`
ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
MANAGE = [sys.executable, str(REPO / "manage.py")]

SCHEDULE = """
from fairdesk.notify.services import message_schedule
for n in range({start}, {start} + {count}):
    message_schedule(
        channel="sms", recipient=f"+86138{{n:08d}}", kind="test", body=f"消息 {{n}}", urgent=True
    )
"""


def environment(gateway, url, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
        "PYTHONUNBUFFERED": "1",
        "FAIRDESK_SMS_BACKEND": "webhook",
        "FAIRDESK_SMS_WEBHOOK_URL": gateway.url,
        "FAIRDESK_QUIET_HOURS": "off",
        "FAIRDESK_NOTIFY_LEASE_SECONDS": "3",
        "FAIRDESK_CHAIN_STALE_SECONDS": "3",
        "FAIRDESK_NOTIFY_BATCH": "20",
        "FAIRDESK_NOTIFY_THREADS": "4",
        **extra,
    }


def manage(env, *args) -> str:
    return subprocess.run([*MANAGE, *args], env=env, check=True, capture_output=True, text=True).stdout


def start_worker(env, log) -> subprocess.Popen:
    return subprocess.Popen(
        [*MANAGE, "worker", "--interval", "0.2", "--check-seconds", "1"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def wait_delivered(gateway, count: int, seconds: float) -> float:
    """Seconds it took until the gateway had `count` messages (fails after `seconds`)."""
    started = time.monotonic()
    while gateway.state.stats()["delivered"] < count:
        if time.monotonic() - started > seconds:
            pytest.fail(f"only {gateway.state.stats()['delivered']} of {count} delivered within {seconds} s")
        time.sleep(0.05)
    return time.monotonic() - started


def assert_never_twice(gateway, count: int) -> None:
    keys = [m["key"] for m in gateway.state.messages()]
    assert len(keys) == len(set(keys)) == count


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def log_text(log) -> str:
    log.seek(0)
    return log.read()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_terminate_backend needs PostgreSQL (DATABASE_URL)")
def test_messages_go_out_after_the_workers_connections_are_terminated():
    """50 ms a message, 4 at a time: the 300-message batch takes about 4 s, so the cuts land mid-tick."""
    import psycopg

    with (
        LocalSmsGateway(delay=0.05) as gateway,
        fresh_database_url() as url,
        tempfile.TemporaryFile("w+") as log,
    ):
        # The default lease (30 s): with it, messages must still go out within a minute.
        env = environment(gateway, url, FAIRDESK_CHAIN_STALE_SECONDS="30")
        admin_url, database = url.rsplit("/", 1)[0] + "/postgres", url.rsplit("/", 1)[1]

        def terminate_worker_connections() -> int:
            """Cut every connection the worker has (waiting for it to have reconnected, if need be)."""
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    rows = conn.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
                        " AND application_name = 'fairdesk-worker' AND pid <> pg_backend_pid()",
                        [database],
                    ).fetchall()
                if rows:
                    return len(rows)
                time.sleep(0.1)
            return 0

        manage(env, "migrate", "-v0")
        worker = start_worker(env, log)
        try:
            manage(env, "shell", "-c", SCHEDULE.format(start=0, count=20))
            wait_delivered(gateway, 20, 60)
            terminated = []
            # While a big batch is being sent (connections busy mid-tick) and while idle, three times each.
            manage(env, "shell", "-c", SCHEDULE.format(start=20, count=300))
            for _ in range(3):
                time.sleep(0.7)
                terminated.append(terminate_worker_connections())
            assert gateway.state.stats()["delivered"] < 320  # the cuts came while the batch was being sent
            wait_delivered(gateway, 320, 60)
            for round_ in range(3):
                terminated.append(terminate_worker_connections())
                time.sleep(0.5)
                manage(env, "shell", "-c", SCHEDULE.format(start=320 + 10 * round_, count=10))
                took = wait_delivered(gateway, 330 + 10 * round_, 60)
                assert took < 60
            assert all(terminated), terminated  # the worker's connections really were cut each time
            # The database refuses every connection for 6 s (as during a restart): the worker keeps trying.
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            try:
                terminate_worker_connections()
                time.sleep(6)
            finally:
                with psycopg.connect(admin_url, autocommit=True) as conn:
                    conn.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
            assert "reconnecting in" in log_text(log)
            manage(env, "shell", "-c", SCHEDULE.format(start=350, count=10))
            wait_delivered(gateway, 360, 60)
            assert worker.poll() is None, log_text(log)  # the worker never exited
        finally:
            stop(worker)
        assert_never_twice(gateway, 360)


def test_a_worker_killed_mid_batch_is_replaced_without_notify_start():
    with (
        LocalSmsGateway(delay=0.01) as gateway,
        fresh_database_url() as url,
        tempfile.TemporaryFile("w+") as log,
    ):
        env = environment(gateway, url)
        manage(env, "migrate", "-v0")
        manage(env, "shell", "-c", SCHEDULE.format(start=0, count=400))
        first = start_worker(env, log)  # a fresh database: the worker starts the chains itself
        try:
            wait_delivered(gateway, 60, 60)
        finally:
            first.send_signal(signal.SIGKILL)  # mid-batch: claims left in "sending", the tick task RUNNING
            first.wait()
        killed_at = gateway.state.stats()["delivered"]
        assert 0 < killed_at < 400
        second = start_worker(env, log)  # nobody runs notify_start
        try:
            wait_delivered(gateway, 400, 90)
            time.sleep(1)
        finally:
            stop(second)
        assert_never_twice(gateway, 400)
        assert "started background chain notify:0" in log_text(log)


def test_a_sleeping_periodic_job_does_not_delay_a_one_time_code():
    with (
        LocalSmsGateway() as gateway,
        fresh_database_url() as url,
        tempfile.TemporaryDirectory() as tmp,
        tempfile.TemporaryFile("w+") as log,
    ):
        marker = Path(tmp) / "slow-job-started"
        env = environment(
            gateway,
            url,
            DJANGO_SETTINGS_MODULE="fairdesk.core.tests.settings_slow_job",
            FAIRDESK_TEST_SLOW_JOB_MARKER=str(marker),
            FAIRDESK_TEST_SLOW_JOB_SECONDS="25",
            FAIRDESK_CHAIN_STALE_SECONDS="30",
        )
        manage(env, "migrate", "-v0")
        worker = start_worker(env, log)
        try:
            deadline = time.monotonic() + 60
            while not marker.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert marker.exists(), log_text(log)
            job_started = float(marker.read_text().split()[0])
            manage(
                env,
                "shell",
                "-c",
                "from fairdesk.accounts.verification import phone_code_send\n"
                "phone_code_send(phone='+8613800000001')",
            )
            scheduled = time.time()
            wait_delivered(gateway, 1, 10)
            delivered = gateway.state.messages()[0]["at"]
            assert re.search(r"\d{6}", gateway.state.messages()[0]["body"])
        finally:
            stop(worker)
        assert delivered - scheduled < 5  # sent within seconds ...
        assert delivered < job_started + 25  # ... while the periodic job was still asleep


def _children(pid: int) -> dict[int, str]:
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                child = int(stat.parent.name)
                found[child] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, ValueError, IndexError):
            continue
    return found


def test_serve_restarts_a_killed_child_and_says_so():
    with LocalSmsGateway() as gateway:
        extra = {
            "FAIRDESK_SMS_BACKEND": "webhook",
            "FAIRDESK_SMS_WEBHOOK_URL": gateway.url,
            "FAIRDESK_QUIET_HOURS": "off",
        }
        with live_server(demo=False, extra_env=extra) as server:
            serve_pid = next(
                int(path.parent.name)
                for path in Path("/proc").glob("[0-9]*/cmdline")
                if _safe_read(path).startswith(f"{sys.executable} {REPO / 'manage.py'} serve")
                and f"--port {server.url.rsplit(':', 1)[1]}" in _safe_read(path)
            )
            workers = [pid for pid, cmd in _children(serve_pid).items() if "default,periodic_fast" in cmd]
            web = [pid for pid, cmd in _children(serve_pid).items() if " runserver " in cmd]
            assert len(workers) == 1 and len(web) == 1
            os.kill(workers[0], signal.SIGKILL)
            os.kill(web[0], signal.SIGKILL)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                children = _children(serve_pid)
                new_workers = [p for p, cmd in children.items() if "default,periodic_fast" in cmd]
                new_web = [p for p, cmd in children.items() if " runserver " in cmd]
                if new_workers and new_web and new_workers[0] != workers[0] and new_web[0] != web[0]:
                    break
                time.sleep(0.2)
            else:
                pytest.fail(f"children were not restarted:\n{server.log_tail()}")
            tail = server.log_tail(80)
            assert re.search(r"serve: worker \(pid \d+\) exited with code -9; restarting", tail), tail
            assert "serve: web server restarted" in tail and "serve: worker restarted" in tail
            # The restarted web server answers and the restarted worker sends.
            for _ in range(100):
                try:
                    with urllib.request.urlopen(server.url + "/healthz", timeout=2) as response:  # noqa: S310
                        assert response.status == 200
                        break
                except OSError:
                    time.sleep(0.2)
            server.manage("shell", "-c", SCHEDULE.format(start=0, count=1))
            wait_delivered(gateway, 1, 30)


def _safe_read(path: Path) -> str:
    try:
        return path.read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_terminate_backend needs PostgreSQL (DATABASE_URL)")
def test_web_requests_after_the_servers_connections_are_terminated_are_not_errors():
    """gunicorn's threads keep their connections (CONN_MAX_AGE); a connection the server dropped is replaced
    before it is used (CONN_HEALTH_CHECKS), so no request fails for it."""
    import psycopg

    with live_server(demo=False, production=True) as server:
        admin_url, database = server.env["DATABASE_URL"].rsplit("/", 1)
        admin_url += "/postgres"

        def get_all(count: int = 40) -> list[int]:
            statuses = []
            for _ in range(count):
                try:
                    with urllib.request.urlopen(server.url + "/api/v1/service-types", timeout=10) as response:  # noqa: S310
                        statuses.append(response.status)
                except urllib.error.HTTPError as exc:
                    statuses.append(exc.code)
            return statuses

        assert set(get_all()) == {200}
        for _ in range(3):
            with psycopg.connect(admin_url, autocommit=True) as conn:
                cut = conn.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s"
                    " AND pid <> pg_backend_pid()",
                    [database],
                ).fetchall()
            assert cut  # the web server's kept connections were there to cut
            statuses = get_all()
            assert set(statuses) == {200}, (statuses, server.log_tail())
