"""A crash between the provider's charge and our commit (issue 9): the probe terminated the server's database
session while it held the payment locks, then retried with the same Idempotency-Key; the provider had
charged a new customer twice, and for an existing account the next, different operation got the old key
replayed.

Here the crash is real on PostgreSQL: right after the provider has charged, the use case's own backend is
terminated with `pg_terminate_backend` (its next statement finds the session gone, its transaction is lost).
The payment intent was committed before the provider was called, so the retry of the same request adopts it
and the provider replays: exactly one charge. On SQLite (one writer: the intent cannot be committed apart)
the simulated crash is an exception unwinding the transaction; the retry charges anew and
`reconcile_payments` gives the lost charge back, so the provider's books and ours agree there too."""

from __future__ import annotations

import time

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.test import Client

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.plans import selectors
from fairdesk.plans.models import EntryKind, MoneyStatus, Payment
from fairdesk.plans.providers import SandboxProvider
from fairdesk.testing.payment_sandbox import PaymentSandbox

pytestmark = pytest.mark.django_db(transaction=True)
POSTGRES = connection.vendor == "postgresql"
PHONE = "13800138300"


class Crash(Exception):
    """The process died (SQLite's stand-in for a terminated session)."""


@pytest.fixture
def sandbox(catalog, settings):
    """A provider of this test's own, so its books hold only this test's money."""
    with PaymentSandbox() as own:
        settings.FAIRDESK_PAYMENT_SANDBOX_URL = own.url
        yield own


@pytest.fixture
def staff_client():
    agent = staff_create(
        phone="13500000071", name="王客服", role=Role.AGENT, password="a-long-staff-password"
    )
    client = Client(raise_request_exception=True)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {api_token_create(user=agent)}"
    return client


@pytest.fixture
def crash_after_charge(monkeypatch):
    """`arm()`: the next charge reaches the provider and succeeds; then our session dies, uncommitted."""
    armed: list[bool] = []
    real_charge = SandboxProvider.charge

    def charge(self, **kwargs):
        result = real_charge(self, **kwargs)
        if armed:
            armed.clear()
            _die()
        return result

    monkeypatch.setattr(SandboxProvider, "charge", charge)
    return lambda: armed.append(True)


def _die() -> None:
    if not POSTGRES:
        raise Crash("the process died after the provider charged")
    import psycopg

    pid = connection.connection.info.backend_pid
    conf = connection.settings_dict
    with psycopg.connect(
        host=conf["HOST"] or "127.0.0.1",
        port=conf["PORT"] or 5432,
        user=conf["USER"],
        dbname=conf["NAME"],
        autocommit=True,
    ) as admin:
        locks = admin.execute(
            "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
            "WHERE l.pid = %s AND c.relname = 'plans_planaccount'",
            [pid],
        ).fetchone()[0]
        assert locks, "the use case holds the customer's account lock while the provider is called"
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if not admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                return
            time.sleep(0.05)


def post(client, path: str, body: dict, key: str):
    return client.post(
        path, {**body, "customer_phone": PHONE}, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )


def post_crashing(client, path: str, body: dict, key: str) -> None:
    try:
        response = post(client, path, body, key)
    except (Crash, DatabaseError):
        return
    assert response.status_code >= 500, response.content  # a crash, not an answer


def books(customer) -> dict:
    totals = selectors.ledger_totals(customer=customer)
    return {"paid": totals[EntryKind.PAYMENT], "refunded": totals[EntryKind.REFUND]}


def provider_net(sandbox) -> int:
    totals = sandbox.state.totals()
    return totals["charged_fen"] - totals["refunded_fen"]


def reconcile() -> None:
    call_command("reconcile_payments", "--grace-minutes", "0")  # SystemExit(1) if anything stays unsettled


def test_a_new_customer_retrying_after_a_crash_is_charged_once(sandbox, staff_client, crash_after_charge):
    customer = customer_get_or_create(phone=PHONE)  # verified earlier; no plan account yet
    crash_after_charge()
    post_crashing(staff_client, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}, key="join-1")
    assert sandbox.state.totals()["charges"] == 1  # the provider charged before we died
    assert not customer.subscriptions.exists()

    retry = post(staff_client, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}, key="join-1")
    assert retry.status_code == 201, retry.content
    if POSTGRES:  # the committed intent was adopted: the provider replayed, it did not charge again
        assert sandbox.state.totals() | {"requests": 0} == {
            "charged_fen": 1_900,
            "refunded_fen": 0,
            "charges": 1,
            "refunds": 0,
            "requests": 0,
        }
        assert Payment.objects.get(customer=customer).status == MoneyStatus.SUCCEEDED
    assert books(customer) == {"paid": 1_900, "refunded": 0}
    reconcile()
    assert provider_net(sandbox) == books(customer)["paid"] - books(customer)["refunded"] == 1_900
    assert selectors.ledger_violations() == []
    if POSTGRES:
        assert sandbox.state.totals()["refunds"] == 0  # nothing needed settling


def test_an_existing_account_never_replays_an_old_charge(sandbox, staff_client, crash_after_charge):
    customer = customer_get_or_create(phone=PHONE)
    joined = post(staff_client, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}, key="join-2")
    assert joined.status_code == 201, joined.content
    url = f"/api/v1/subscriptions/{joined.json()['subscription']['id']}/change"

    # The same request retried after a crash: one charge for it.
    crash_after_charge()
    post_crashing(staff_client, url, {"to_plan": "premium"}, key="up-1")
    charges_after_crash = sandbox.state.totals()["charges"]
    assert charges_after_crash == 2
    up = post(staff_client, url, {"to_plan": "premium"}, key="up-1")
    assert up.status_code == 200, up.content
    if POSTGRES:
        assert sandbox.state.totals()["charges"] == charges_after_crash  # replayed, not charged again
    assert provider_net(sandbox) >= books(customer)["paid"] - books(customer)["refunded"]

    # A crash, then a DIFFERENT operation: it gets its own key and its own charge, never the old one replayed.
    crash_after_charge()
    post_crashing(staff_client, url, {"to_plan": "premium", "period": "year"}, key="year-1")
    lost = sandbox.state.totals()
    other = post(staff_client, url, {"to_plan": "standard", "period": "year"}, key="std-1")
    assert other.status_code == 200, other.content
    due = other.json()["amount_due_fen"]
    assert due > 0
    now = sandbox.state.totals()
    assert now["charges"] == lost["charges"] + 1 and now["charged_fen"] == lost["charged_fen"] + due
    keys = list(Payment.objects.filter(customer=customer).values_list("idempotency_key", flat=True))
    assert len(keys) == len(set(keys))

    # The charge for the change that never happened goes back to the customer's card.
    reconcile()
    money = books(customer)
    assert provider_net(sandbox) == money["paid"] - money["refunded"]
    assert selectors.ledger_violations() == []
    if POSTGRES:
        voided = Payment.objects.get(customer=customer, status=MoneyStatus.VOIDED)
        assert voided.refunded_fen == voided.amount_fen == lost["charged_fen"] - charges_before(lost, sandbox)
    reconcile()  # a second run finds nothing left to do


def charges_before(lost: dict, sandbox) -> int:
    """What the provider had charged before the lost charge (its charges in order; the lost one is last)."""
    return sum(c["amount_fen"] for c in list(sandbox.state.charges.values())[: lost["charges"] - 1])
