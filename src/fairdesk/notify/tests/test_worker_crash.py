"""Real `db_worker` processes against a real database and the local gateway: a worker killed mid-batch loses
nothing and doubles nothing; two workers never send the same message."""

import os
import signal
import subprocess
import sys
import time

import pytest

from fairdesk.testing.liveserver import REPO, fresh_database_url
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.browser  # slow, real processes: runs with the browser tests in `make test`
COUNT = 400

CREATE = f"""
from fairdesk.notify.services import message_schedule
for n in range({COUNT}):
    message_schedule(channel="sms", recipient=f"+86138{{n:08d}}", kind="reminder_test", body=f"提醒 {{n}}",
                     urgent=True)
"""
STATUS = """
from django.db.models import Count
from fairdesk.notify.models import Message
print(dict(Message.objects.values_list("status").annotate(n=Count("id"))))
"""


def test_a_killed_worker_loses_and_doubles_nothing():
    with LocalSmsGateway(delay=0.01) as gateway, fresh_database_url() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
            "FAIRDESK_SMS_BACKEND": "webhook",
            "FAIRDESK_SMS_WEBHOOK_URL": gateway.url,
            "FAIRDESK_NOTIFY_LEASE_SECONDS": "3",
            "FAIRDESK_NOTIFY_BATCH": "20",
            "FAIRDESK_NOTIFY_THREADS": "4",
        }
        manage = [sys.executable, str(REPO / "manage.py")]

        def run(*args):
            return subprocess.run([*manage, *args], env=env, check=True, capture_output=True, text=True)

        run("migrate", "-v0")
        run("shell", "-c", CREATE)
        run("notify_start")
        worker_args = [*manage, "db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay"]
        first = subprocess.Popen(worker_args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while gateway.state.stats()["delivered"] < 60 and time.monotonic() < deadline:
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)  # mid-batch: claims are left in "sending"
        first.wait()
        killed_at = gateway.state.stats()["delivered"]
        assert 0 < killed_at < COUNT

        run("notify_start")  # what `serve` does when it starts: a new tick chain
        workers = [
            subprocess.Popen(worker_args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(2)
        ]
        try:
            deadline = time.monotonic() + 90
            while gateway.state.stats()["delivered"] < COUNT and time.monotonic() < deadline:
                time.sleep(0.1)
            time.sleep(1)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=20)
        stats = gateway.state.stats()
        assert stats["delivered"] == COUNT, stats  # nothing lost
        keys = [m["key"] for m in gateway.state.messages()]
        assert len(keys) == len(set(keys)) == COUNT  # nothing reached a phone twice
        assert "'sent': 400" in run("shell", "-c", STATUS).stdout
