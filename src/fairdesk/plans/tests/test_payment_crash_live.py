"""The probe's crash, reproduced against the production stack: gunicorn (threaded workers, DEBUG off) on its
own database, the local payment sandbox answering slowly, and the server's database session killed while it
holds the customer's locks and waits for the provider (PostgreSQL: `pg_terminate_backend` of the backend
holding the `plans_planaccount` lock, as the probe did; SQLite: kill -9 of the gunicorn workers — the whole
process dies). Then the client retries with the same Idempotency-Key, and a different change follows a
second crash.

PostgreSQL: the retry is replayed by the provider — one charge. SQLite (one writer, no intent committed
apart): the retry charges again and `reconcile_payments` refunds the lost charge. Either way the provider's
books and ours agree after `reconcile_payments`, and `ledger_violations()` is empty."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from fairdesk.testing.liveserver import live_server
from fairdesk.testing.payment_sandbox import PaymentSandbox

pytestmark = pytest.mark.browser  # a live server, like the browser tests (make test, CI)
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
PHONE = "13800138500"


@pytest.fixture(scope="module")
def sandbox():
    with PaymentSandbox() as own:
        yield own


@pytest.fixture(scope="module")
def site(sandbox):
    env = {"FAIRDESK_PAYMENT_SANDBOX_URL": sandbox.url}
    with live_server(demo=False, production=True, extra_env=env) as server:  # no map: the catalog is enough
        server.manage(
            "shell",
            "-c",
            "from fairdesk.accounts.models import Role; from fairdesk.accounts.services import "
            "customer_get_or_create, staff_create; from fairdesk.plans.demo import plans_load_demo; "
            "plans_load_demo(); staff_create(phone='13500000081', name='A', role=Role.AGENT, "
            f"password='a-long-staff-password'); customer_get_or_create(phone='{PHONE}')",
        )
        server.token = server.manage("create_api_token", "--role", "agent").stdout.strip()
        yield server


def call(site, path: str, body: dict, key: str, timeout: float = 30, phone: str = PHONE) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 - local test server
        site.url + path,
        data=json.dumps({**body, "customer_phone": phone}).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {site.token}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            return error.code, json.loads(raw)
        except ValueError:
            return error.code, {"raw": raw[:200].decode(errors="replace")}


def crashing_call(site, sandbox, path: str, body: dict, key: str) -> None:
    """Send the request; while the server waits for the (slow) provider holding the customer's locks, kill
    its database session (or its processes); the provider then charges, the server cannot commit."""
    sandbox.state.delay_seconds = 2.0
    arrived, answered = sandbox.state.delayed, sandbox.state.requests
    outcome: list = []
    thread = threading.Thread(target=lambda: outcome.append(_try(call, site, path, body, key)))
    thread.start()
    try:
        for _ in range(500):  # until the server is waiting at the provider
            if sandbox.state.delayed > arrived:
                break
            time.sleep(0.01)
        if POSTGRES:
            _terminate_lock_holder(site)
        else:
            _kill_workers(site)
        thread.join(30)
        # The provider finishes the charge after its delay, whatever became of our side: wait for it (a
        # restarted SQLite worker can be up again before the slow provider has answered).
        for _ in range(1000):
            if sandbox.state.requests > answered:
                break
            time.sleep(0.01)
    finally:
        sandbox.state.delay_seconds = 0
    assert outcome and (isinstance(outcome[0], Exception) or outcome[0][0] >= 500), outcome
    _wait_until_up(site)


def _try(fn, *args):
    try:
        return fn(*args)
    except Exception as exc:  # the connection reset of a killed worker is the expected outcome
        return exc


def _terminate_lock_holder(site) -> None:
    import psycopg

    with psycopg.connect(site.env["DATABASE_URL"], autocommit=True) as admin:
        for _ in range(100):
            holders = admin.execute(
                "SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'plans_planaccount' AND l.pid <> pg_backend_pid()"
            ).fetchall()
            if holders:
                for (pid,) in holders:
                    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                return
            time.sleep(0.02)
    raise AssertionError("no session held the customer's account lock while the provider was called")


def _kill_workers(site) -> None:
    """kill -9 every gunicorn worker of this server (the master, started by the test, starts new ones)."""
    port = site.url.rsplit(":", 1)[1]
    ours = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if "gunicorn" in cmdline and f"127.0.0.1:{port}" in cmdline:
            ours[int(proc.name)] = ppid
    workers = [pid for pid, ppid in ours.items() if ppid in ours]
    assert workers, ours
    for pid in workers:
        os.kill(pid, signal.SIGKILL)


def _wait_until_up(site) -> None:
    for _ in range(200):
        try:
            with urllib.request.urlopen(site.url + "/api/v1/plans", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise AssertionError("the server did not come back")


def books(site) -> dict:
    script = (
        "import json; from fairdesk.accounts.models import User; from fairdesk.plans import selectors; "
        f"u = User.objects.get(phone='+86{PHONE}'); t = selectors.ledger_totals(customer=u); "
        "print(json.dumps({'paid': t['payment'], 'refunded': t['refund'], "
        "'violations': selectors.ledger_violations()}))"
    )
    return json.loads(site.manage("shell", "-c", script).stdout.strip().splitlines()[-1])


def test_a_crash_between_charge_and_commit_charges_once_and_the_books_agree(site, sandbox):
    # A customer without a plan account: the request dies after the provider charged, then is retried.
    crashing_call(site, sandbox, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}, "live-join")
    assert sandbox.state.totals()["charges"] == 1
    status, joined = call(site, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}, "live-join")
    assert status == 201, joined
    if POSTGRES:
        assert sandbox.state.totals()["charges"] == 1  # replayed under the committed intent's key
    url = f"/api/v1/subscriptions/{joined['subscription']['id']}/change"

    # An existing account: a change dies after the charge; the next, DIFFERENT change is charged on its own.
    crashing_call(site, sandbox, url, {"to_plan": "premium"}, "live-up")
    lost = sandbox.state.totals()
    status, other = call(site, url, {"to_plan": "standard", "period": "year"}, "live-std")
    assert status == 200, other
    now = sandbox.state.totals()
    assert now["charges"] == lost["charges"] + 1
    assert now["charged_fen"] - lost["charged_fen"] == other["amount_due_fen"] > 0

    result = site.manage("reconcile_payments", "--grace-minutes", "0", "--json")  # exit 1 would raise
    settled = [json.loads(line) for line in result.stdout.splitlines()]
    assert settled and all(f["settled"] for f in settled)
    money = books(site)
    totals = sandbox.state.totals()
    assert totals["charged_fen"] - totals["refunded_fen"] == money["paid"] - money["refunded"]
    assert money["violations"] == []
    if POSTGRES:  # exactly one refund: the charge of the change that never happened
        assert [f["code"] for f in settled] == ["charged_never_committed"]
        assert totals["charges"] == 3 and totals["refunds"] == 1
    site.manage("reconcile_payments", "--grace-minutes", "0")  # nothing left: exit 0


def test_a_fault_load_leaves_no_difference_after_reconciling(site, sandbox):
    """Runs after the test above (same server and provider). 16 customers each subscribe, upgrade, switch to
    a year and downgrade, 8 at a time, while a killer ends the session of whoever holds an account lock (or
    kills the workers on SQLite); every failed request is retried with its key, as a client would."""
    phones = [f"1371234{n:04d}" for n in range(16)]
    site.manage(
        "shell",
        "-c",
        "from fairdesk.accounts.services import customer_get_or_create as c; "
        f"[c(phone=p) for p in {phones!r}]",
    )
    steps = [
        ("/api/v1/subscriptions", {"plan": "basic", "period": "month"}),
        ("change", {"to_plan": "premium"}),
        ("change", {"to_plan": "premium", "period": "year"}),
        ("change", {"to_plan": "standard", "period": "year"}),
    ]
    figures = {"requests": 0, "crashed": 0, "kills": 0}
    done = threading.Event()

    def customer(phone: str) -> list:
        statuses, sub_id = [], None
        for path, body in steps:
            path = f"/api/v1/subscriptions/{sub_id}/change" if path == "change" else path
            key = uuid.uuid4().hex
            for _attempt in range(20):
                figures["requests"] += 1
                answer = _try(call, site, path, body, key, 30, phone)
                if isinstance(answer, Exception) or answer[0] >= 500:
                    figures["crashed"] += 1
                    time.sleep(0.3)
                    continue
                statuses.append(answer[0] if answer[0] < 400 else (answer[0], answer[1].get("code")))
                sub_id = sub_id or (answer[1].get("subscription") or {}).get("id")
                break
            else:
                return [*statuses, "no answer after 20 attempts"]
        return statuses

    def killer() -> None:
        # PostgreSQL: a lock holder's session every quarter second. SQLite: the workers three times, two
        # seconds apart (a respawned gunicorn worker needs a moment to load Django).
        while not done.wait(0.25 if POSTGRES else 2.0):
            try:
                if POSTGRES:
                    figures["kills"] += _terminate_some_lock_holder(site)
                elif figures["kills"] < 3:
                    _kill_workers(site)
                    figures["kills"] += 1
            except (AssertionError, OSError):
                pass

    sandbox.state.delay_seconds = 0.05
    assassin = threading.Thread(target=killer)
    assassin.start()
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(customer, phones))
    finally:
        done.set()
        assassin.join()
        sandbox.state.delay_seconds = 0
    _wait_until_up(site)
    assert [r for r in results if r != [201, 200, 200, 200]] == []
    assert figures["kills"] > 0

    site.manage("shell", "-c", "from fairdesk.plans.ledger import refunds_send; refunds_send()")
    before = sandbox.state.totals()
    result = site.manage("reconcile_payments", "--grace-minutes", "0", "--json")  # exit 1 would raise
    findings = [json.loads(line) for line in result.stdout.splitlines()]
    after = sandbox.state.totals()
    script = (
        "import json; from fairdesk.plans import selectors; from fairdesk.plans.models import Payment; "
        "t = selectors.ledger_totals(); "
        "print(json.dumps({'net': t['payment'] - t['refund'], 'violations': selectors.ledger_violations(), "
        "'payments': Payment.objects.filter(status='succeeded').count(), "
        "'voided': Payment.objects.filter(status='voided').count()}))"
    )
    ours = json.loads(site.manage("shell", "-c", script).stdout.strip().splitlines()[-1])
    figures.update(
        charges=after["charges"],
        refunds=after["refunds"],
        difference_before_reconcile_fen=(before["charged_fen"] - before["refunded_fen"]) - ours["net"],
        settled=len(findings),
        confirmed_payments=ours["payments"],
        voided=ours["voided"],
    )
    print("fault load:", json.dumps(figures))
    assert after["charged_fen"] - after["refunded_fen"] == ours["net"]
    assert ours["violations"] == []
    assert all(f["settled"] for f in findings)
    if POSTGRES:  # every retry adopted its intent: each charge is a confirmed payment or one given back
        assert after["charges"] == ours["payments"] + ours["voided"]


def _terminate_some_lock_holder(site) -> int:
    import psycopg

    with psycopg.connect(site.env["DATABASE_URL"], autocommit=True) as admin:
        holders = admin.execute(
            "SELECT DISTINCT l.pid FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE c.relname = 'plans_planaccount' AND l.pid <> pg_backend_pid() LIMIT 1"
        ).fetchall()
        for (pid,) in holders:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return len(holders)
