"""Booking throughput over HTTP: the app under gunicorn on PostgreSQL, many concurrent clients booking.

    .venv/bin/python bench/bookings.py [--requests 4000] [--concurrency 32] [--web-workers 2]

Prints bookings/s (201s), p50/p99 latency of all booking calls, the 409s, and overbookings (slots whose
confirmed bookings exceed capacity, counted in the database: must be 0). The load generator runs on the same
2-core machine, so it competes with the server for CPU.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

ADDRESSES = [
    "江苏省泰州市姜堰区人民路1号",
    "上海市闵行区莘庄镇1号",
    "广州市白云区机场路2号",
    "西安市未央区凤城路3号",
    "合肥市蜀山区长江西路4号",
    "郑州市中原区建设路5号",
    "济南市历下区泉城路6号",
    "无锡市滨湖区太湖大道7号",
]
OVERBOOKED = """
from django.db.models import Count, F, Q
from fairdesk.bookings.models import Slot
rows = Slot.objects.annotate(n=Count("bookings", filter=Q(bookings__status="confirmed")))
print(rows.filter(n__gt=F("capacity")).count(), rows.filter(booked__gt=F("capacity")).count(),
      sum(rows.values_list("n", flat=True)))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--capacity", type=int, default=40, help="places per slot (some requests get 409)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    os.environ.setdefault("WEB_WORKERS", str(args.web_workers))
    os.environ.setdefault("WEB_THREADS", "8")

    import json

    import urllib3

    from fairdesk.testing.liveserver import live_server

    with live_server(production=True) as site:
        token = site.manage("create_api_token", "--role", "agent").stdout.strip()
        headers = {"Authorization": f"Bearer {token}"}
        # urllib3 rather than httpx: about half the client CPU per request on this shared 2-core machine.
        http = urllib3.PoolManager(maxsize=args.concurrency, retries=False, timeout=30)
        day = time.strftime("%Y-%m-%d", time.localtime(time.time() + 3 * 86400))
        targets = []
        for address in ADDRESSES:
            fields = {"address": address, "service_type": "lock-repair", "date": day}
            slots = json.loads(http.request("GET", site.url + "/api/v1/slots", fields=fields).data)
            targets += [(address, slot["id"]) for slot in slots]
        ids = [slot_id for _a, slot_id in targets]
        site.manage(
            "shell",
            "-c",
            "from fairdesk.bookings.models import Slot; "
            f"Slot.objects.filter(pk__in={ids}).update(capacity={args.capacity})",
        )
        print(
            f"{len(targets)} slots at {len(ADDRESSES)} stations, capacity {args.capacity} each "
            f"({len(targets) * args.capacity} places) for {args.requests} requests"
        )

        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def book(n: int) -> None:
            address, slot_id = targets[n % len(targets)]
            body = {
                "slot_id": slot_id,
                "service_type": "lock-repair",
                "address": address,
                "phone": f"139{n:08d}",
                "name": "压测",
            }
            started = time.perf_counter()
            response = http.request(
                "POST",
                site.url + "/api/v1/bookings",
                body=json.dumps(body).encode(),
                headers={**headers, "Content-Type": "application/json", "Idempotency-Key": f"bench-{n}"},
            )
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

        for n in range(20):  # warm up connections and caches (not counted)
            book(args.requests + n)
        latencies.clear()
        statuses.clear()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(book, range(args.requests)))
        wall = time.perf_counter() - started
        report = site.manage("shell", "-c", OVERBOOKED).stdout.strip().splitlines()[-1]
        over_bookings, over_counter, confirmed = report.split()[-3:]
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        rate = len(latencies) / wall
        print(f"requests: {len(latencies)} in {wall:.1f} s → {rate:,.0f} requests/s; statuses {statuses}")
        print(f"bookings/s: {statuses.get(201, 0) / wall:,.0f} (201 Created)")
        mean = statistics.mean(latencies) * 1000
        print(f"latency p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, mean {mean:.1f} ms")
        print(
            f"overbookings: {int(over_bookings) + int(over_counter)} (confirmed bookings in DB: {confirmed})"
        )


if __name__ == "__main__":
    main()
