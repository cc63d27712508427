"""Reminder throughput: 100,000 reminders due within a short window, sent by real `db_worker` processes to the
local HTTP gateway.

    .venv/bin/python bench/reminders.py [--count 100000] [--window 20] [--workers 2]

Uses a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL (else postgres://postgres@127.0.0.1/),
falling back to SQLite with --sqlite. Prints messages/s, the share sent within 60 s of its due time, and
duplicates (deliveries of a key the gateway had already delivered: must be 0).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

CREATE = """
import datetime as dt
from fairdesk.core import clock
from fairdesk.notify.models import Message
start = clock.now() + dt.timedelta(seconds={lead})
rows = []
for n in range({count}):
    due = start + dt.timedelta(seconds={window} * n / {count})
    rows.append(Message(channel="sms", recipient=f"+86138{{n:08d}}", kind="reminder_2h", urgent=True,
                        body=f"提醒：门锁维修 2 小时后上门（{{n}}）", due_at=due, next_attempt_at=due))
Message.objects.bulk_create(rows, batch_size=5000)
print(start.timestamp())
"""
REPORT = """
from fairdesk.notify.models import Message
from django.db.models import Count
print(dict(Message.objects.values_list("status").annotate(n=Count("id"))))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--window", type=float, default=20.0, help="seconds over which reminders fall due")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    if not args.sqlite and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    if args.sqlite:
        os.environ.pop("DATABASE_URL", None)

    from fairdesk.testing.liveserver import fresh_database_url
    from fairdesk.testing.sms_gateway import LocalSmsGateway

    with LocalSmsGateway() as gateway, fresh_database_url() as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
            "FAIRDESK_SMS_BACKEND": "webhook",
            "FAIRDESK_SMS_WEBHOOK_URL": gateway.url,
            "FAIRDESK_NOTIFY_BATCH": "500",
            "FAIRDESK_NOTIFY_THREADS": "32",
            "FAIRDESK_QUIET_HOURS": "off",
        }
        manage = [sys.executable, str(REPO / "manage.py")]

        def run(*cmd: str) -> str:
            return subprocess.run([*manage, *cmd], env=env, check=True, capture_output=True, text=True).stdout

        run("migrate", "-v0")
        lead = 15.0
        started = time.perf_counter()
        first_due = float(
            run("shell", "-c", CREATE.format(count=args.count, window=args.window, lead=lead))
            .strip()
            .splitlines()[-1]
        )
        print(
            f"scheduled {args.count:,} reminders in {time.perf_counter() - started:.1f} s, due over "
            f"{args.window:.0f} s starting {first_due - time.time():.1f} s from now"
        )
        run("notify_start", "--lanes", str(args.workers))
        worker = [*manage, "db_worker", "--interval", "0.2", "--no-reload", "--no-startup-delay"]
        workers = [
            subprocess.Popen(worker, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for _ in range(args.workers)
        ]
        try:
            deadline = first_due + args.window + 600
            while gateway.state.stats()["delivered"] < args.count and time.time() < deadline:
                time.sleep(0.5)
        finally:
            for process in workers:
                process.terminate()
            for process in workers:
                process.wait(timeout=30)
        messages = gateway.state.messages()
        stats = gateway.state.stats()
        lateness = []
        for message in messages:
            n = int(message["to"][-8:])
            due = first_due + args.window * n / args.count
            lateness.append(message["at"] - due)
        sending = (max(m["at"] for m in messages) - min(m["at"] for m in messages)) if messages else 0
        on_time = sum(1 for late in lateness if late <= 60) / args.count
        print(f"delivered: {stats['delivered']:,} of {args.count:,}; gateway requests: {stats['requests']:,}")
        rate = stats["delivered"] / max(sending, 1e-9)
        print(f"messages/s: {rate:,.0f} (first to last delivery {sending:.1f} s, {args.workers} workers)")
        if lateness:
            print(
                f"lateness after due time: p50 {statistics.median(lateness):.1f} s, max {max(lateness):.1f} s"
            )
        print(f"sent within 60 s of due time: {on_time:.1%} (goal 100%)")
        print(
            f"duplicates: {stats['duplicates']} re-sends recognised by key, "
            f"{len(messages) - len({m['key'] for m in messages})} delivered twice (must be 0)"
        )
        print("database:", run("shell", "-c", REPORT).strip().splitlines()[-1])


if __name__ == "__main__":
    main()
