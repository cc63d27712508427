"""Intent → provider → confirm: a request retried after a crash adopts the pending payment its first attempt
committed (the provider replays under the same key), settling any difference in amount (the prorated part of
a second later) as its own charge or straight back; a different request never adopts it."""

import datetime as dt

import pytest

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock
from fairdesk.core.errors import DomainError
from fairdesk.core.idempotency import run_idempotent
from fairdesk.plans import ledger, selectors, services
from fairdesk.plans.models import EntryKind, MoneyStatus, Payment
from fairdesk.plans.providers import SANDBOX_CARD, SandboxProvider
from fairdesk.testing.payment_sandbox import PaymentSandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(catalog, settings):
    with PaymentSandbox() as own:
        settings.FAIRDESK_PAYMENT_SANDBOX_URL = own.url
        yield own


@pytest.fixture
def bo():
    return customer_get_or_create(phone="13800138600")


def left_by_a_crash(sandbox, customer, *, amount: int, key: str) -> Payment:
    """What a first attempt that died after the provider charged leaves: a committed pending intent for this
    request, and the provider's charge under its key."""
    payment = Payment.objects.create(
        customer=customer,
        provider="sandbox",
        amount_fen=amount,
        idempotency_key="pay-first-attempt",
        request_key=ledger._request_key(customer.pk, f"user:{customer.pk}|{key}"),
        created_at=clock.now() - dt.timedelta(seconds=5),
    )
    SandboxProvider(sandbox.url).charge(
        amount_fen=amount,
        token=SANDBOX_CARD,
        key=payment.idempotency_key,
        metadata={"customer": customer.pk, "payment": payment.pk},
    )
    return payment


def subscribe_as_request(customer, plan, key: str) -> tuple[int, dict]:
    def handler():
        _sub, quote = services.subscription_create(
            customer=customer, plan=plan, period="month", payment_token=SANDBOX_CARD, actor=customer
        )
        return 201, quote.as_dict()

    return run_idempotent(key=key, scope=f"user:{customer.pk}", payload={"plan": plan.code}, handler=handler)


def test_the_retry_adopts_its_intent_and_the_provider_replays(sandbox, bo, catalog):
    first = left_by_a_crash(sandbox, bo, amount=1_900, key="join")
    status, _body = subscribe_as_request(bo, catalog["basic"], "join")
    assert status == 201
    first.refresh_from_db()
    assert first.status == MoneyStatus.SUCCEEDED and Payment.objects.filter(customer=bo).count() == 1
    assert sandbox.state.totals()["charges"] == 1  # replayed, not charged again
    assert selectors.ledger_violations() == []


def test_a_different_request_never_adopts_it(sandbox, bo, catalog):
    first = left_by_a_crash(sandbox, bo, amount=1_900, key="join")
    status, _body = subscribe_as_request(bo, catalog["basic"], "another-request")
    assert status == 201
    first.refresh_from_db()
    assert first.status == MoneyStatus.PENDING  # the reconciler's, after the grace period
    assert sandbox.state.totals()["charges"] == 2
    assert selectors.ledger_violations()[0]["at_provider"] == [
        {"what": "pending_payment_charged", "id": first.pk, "amount_fen": 1_900, "provider_amount_fen": 1_900}
    ]


def test_a_smaller_first_charge_is_kept_and_the_rest_charged_on_its_own(sandbox, bo, catalog):
    left_by_a_crash(sandbox, bo, amount=1_000, key="join")
    assert subscribe_as_request(bo, catalog["basic"], "join")[0] == 201
    amounts = sorted(
        Payment.objects.filter(customer=bo, status="succeeded").values_list("amount_fen", flat=True)
    )
    assert amounts == [900, 1_000]
    assert sandbox.state.totals()["charged_fen"] == 1_900
    assert selectors.ledger_totals(customer=bo)[EntryKind.PAYMENT] == 1_900
    assert selectors.ledger_violations() == []


def test_a_larger_first_charge_is_kept_and_the_surplus_goes_straight_back(sandbox, bo, catalog):
    left_by_a_crash(sandbox, bo, amount=2_500, key="join")
    assert subscribe_as_request(bo, catalog["basic"], "join")[0] == 201
    ledger.refunds_send()
    totals = selectors.ledger_totals(customer=bo)
    assert (totals[EntryKind.PAYMENT], totals[EntryKind.REFUND]) == (2_500, 600)
    provider = sandbox.state.totals()
    assert (provider["charged_fen"], provider["refunded_fen"]) == (2_500, 600)
    assert selectors.ledger_violations() == []


def test_a_refused_card_changes_nothing_and_leaves_nothing_pending(sandbox, bo, catalog):
    with pytest.raises(DomainError) as refused:
        services.subscription_create(
            customer=bo, plan=catalog["basic"], period="month", payment_token="tok_declined", actor=bo
        )
    assert refused.value.code == "payment_failed"
    assert not Payment.objects.filter(customer=bo, status=MoneyStatus.PENDING).exists()
    assert sandbox.state.totals()["charges"] == 0


def test_an_unanswered_charge_is_not_confirmed_and_waits_for_the_reconciler(settings, bo, catalog):
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens
    with pytest.raises(DomainError) as unconfirmed:
        services.subscription_create(customer=bo, plan=catalog["basic"], period="month", actor=bo)
    assert unconfirmed.value.code == "payment_unconfirmed"
    assert not bo.subscriptions.exists()
