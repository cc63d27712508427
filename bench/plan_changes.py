"""Plan changes over HTTP: the app under gunicorn on PostgreSQL, many concurrent customers changing plans.

    .venv/bin/python bench/plan_changes.py [--changes 3000] [--customers 300] [--concurrency 32]

Customers are subscribed first (not timed). Then each request is one confirmed change — upgrade, downgrade or
switch period, in turn — through POST /api/v1/subscriptions/{id}/change with a staff token and the customer's
phone; what is owed is charged at the local payment sandbox, what comes back is refunded there or kept as
credit (alternately). Prints changes/s, p50/p99 latency, the status codes, and ledger invariant violations
counted in the database afterwards (must be 0). The load generator and the sandbox share the 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

SEQUENCE = [("premium", "month"), ("basic", "month"), ("standard", "year"), ("standard", "month")]
CHECK = """
from fairdesk.plans.selectors import ledger_violations
from fairdesk.plans.models import LedgerEntry, Refund
from fairdesk.core.models import Event
print(len(ledger_violations()), LedgerEntry.objects.count(), Refund.objects.count(),
      Event.objects.filter(kind__startswith="subscription.").count())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=3000)
    parser.add_argument("--customers", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--web-workers", type=int, default=2)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/postgres"
    os.environ.setdefault("WEB_WORKERS", str(args.web_workers))
    os.environ.setdefault("WEB_THREADS", "8")

    import urllib3

    from fairdesk.core.money import format_fen
    from fairdesk.testing.liveserver import live_server
    from fairdesk.testing.payment_sandbox import PaymentSandbox

    with (
        PaymentSandbox() as sandbox,
        live_server(production=True, extra_env={"FAIRDESK_PAYMENT_SANDBOX_URL": sandbox.url}) as site,
    ):
        token = site.manage("create_api_token", "--role", "agent").stdout.strip()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        http = urllib3.PoolManager(maxsize=args.concurrency, retries=False, timeout=30)

        def post(path: str, body: dict, key: str):
            started = time.perf_counter()
            response = http.request(
                "POST",
                site.url + path,
                body=json.dumps(body).encode(),
                headers={**headers, "Idempotency-Key": key},
            )
            return response, time.perf_counter() - started

        phones = [f"136{n:08d}" for n in range(args.customers)]

        def join(n: int) -> int:
            body = {"plan": "standard", "period": "month", "customer_phone": phones[n]}
            response, _elapsed = post("/api/v1/subscriptions", body, f"join-{n}")
            assert response.status == 201, response.data
            return json.loads(response.data)["subscription"]["id"]

        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            subscriptions = list(pool.map(join, range(args.customers)))
        print(f"{args.customers} customers subscribed (standard, monthly) through the sandbox")

        latencies: list[float] = []
        statuses: dict[int, int] = {}
        lock = threading.Lock()
        # Each customer's changes go in order through one lane (a customer does one thing at a time);
        # different customers change concurrently.
        per_customer = [0] * args.customers
        lanes = [list(range(lane, args.customers, args.concurrency)) for lane in range(args.concurrency)]

        def lane_work(lane: int, count: int) -> None:
            owned = lanes[lane]
            for step in range(count):
                n = owned[step % len(owned)]
                plan, period = SEQUENCE[per_customer[n] % len(SEQUENCE)]
                per_customer[n] += 1
                body = {
                    "to_plan": plan,
                    "period": period,
                    "customer_phone": phones[n],
                    "refund_to": "original" if per_customer[n] % 2 else "credit",
                }
                response, elapsed = post(
                    f"/api/v1/subscriptions/{subscriptions[n]}/change", body, f"c-{n}-{per_customer[n]}"
                )
                with lock:
                    latencies.append(elapsed)
                    statuses[response.status] = statuses.get(response.status, 0) + 1

        per_lane = args.changes // args.concurrency
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            list(pool.map(lambda lane: lane_work(lane, per_lane), range(args.concurrency)))
        wall = time.perf_counter() - started
        time.sleep(1)  # refunds are sent right after each commit; let the last ones land
        report = site.manage("shell", "-c", CHECK).stdout.strip().splitlines()[-1]
        violations, entries, refunds, events = (int(x) for x in report.split())
        latencies.sort()
        p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000  # noqa: E731
        print(
            f"changes: {len(latencies)} in {wall:.1f} s → {statuses.get(200, 0) / wall:,.0f} changes/s; "
            f"statuses {statuses}"
        )
        print(
            f"latency p50 {p(0.50):.1f} ms, p99 {p(0.99):.1f} ms, "
            f"mean {statistics.mean(latencies) * 1000:.1f} ms"
        )
        books = sandbox.state.totals()
        print(
            f"sandbox: {books['charges']} charges {format_fen(books['charged_fen'])}, "
            f"{books['refunds']} refunds {format_fen(books['refunded_fen'])}; ledger entries {entries}, "
            f"refund rows {refunds}, subscription events {events}"
        )
        print(f"ledger invariant violations: {violations}")
        if statuses.get(500):
            print("server errors (last lines of the server log):\n" + site.log_tail(30))


if __name__ == "__main__":
    main()
