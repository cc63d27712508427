"""Concurrent change requests on one subscription are serialised: no double refund, no lost change.
Real threads, real connections, PostgreSQL (row locks); SQLite runs one writer at a time and is skipped."""

import threading

import pytest
from django.db import connection, connections

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core.errors import DomainError
from fairdesk.plans import selectors
from fairdesk.plans.ledger import refunds_send
from fairdesk.plans.models import EntryKind, Refund, Subscription
from fairdesk.plans.services import account_refund, subscription_change, subscription_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL"),
]


def race(jobs):
    """Run the callables at the same moment in threads; return (results, errors)."""
    barrier = threading.Barrier(len(jobs))
    results, errors = [], []

    def run(job):
        try:
            barrier.wait()
            results.append(job())
        except DomainError as exc:
            errors.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_cancels_and_upgrades_racing_on_one_subscription(catalog, payment_sandbox):
    customer = customer_get_or_create(phone="13800138100")
    sub, _q = subscription_create(customer=customer, plan=catalog["standard"], period="year", actor=customer)
    premium = catalog["premium"]
    jobs = [
        (lambda: subscription_change(subscription=sub, to_plan=None, refund_to="original", actor=customer))
        if n % 2
        else (lambda: subscription_change(subscription=sub, to_plan=premium, actor=customer))
        for n in range(16)
    ]
    results, errors = race(jobs)
    refunds_send()
    cancels = [q for q in results if q.action == "cancel"]
    assert len(cancels) == 1  # the first cancel ends it; every later request is refused, none half-done
    assert set(errors) <= {"subscription_ended", "no_change"} and len(results) + len(errors) == 16
    assert Subscription.objects.get(pk=sub.pk).status == "ended"
    assert selectors.ledger_violations() == []
    totals = selectors.ledger_totals(customer=customer)
    refunded = sum(r.amount_fen for r in Refund.objects.filter(payment__customer=customer))
    assert refunded == totals[EntryKind.REFUND] == cancels[0].amount_back_fen
    assert totals[EntryKind.PAYMENT] - totals[EntryKind.REFUND] == totals[EntryKind.CONSUMPTION]


def test_sixteen_refund_taps_refund_once(catalog, payment_sandbox):
    customer = customer_get_or_create(phone="13800138101")
    subscription_create(customer=customer, plan=catalog["premium"], period="year", actor=customer)
    results, errors = race([lambda: account_refund(customer=customer, actor=customer)] * 16)
    refunds_send()
    assert len(results) == 1 and errors == ["nothing_to_refund"] * 15
    assert (
        sum(r.amount_fen for r in Refund.objects.filter(payment__customer=customer))
        == results[0].amount_back_fen
    )
    assert selectors.ledger_violations() == []
