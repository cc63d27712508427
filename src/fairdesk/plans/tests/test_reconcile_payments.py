"""`reconcile_payments`: our payment books against the provider's, settled by the written rule in
`fairdesk.plans.reconcile` — the provider charged for a change that never committed → refunded in full; an old
intent the provider never charged → failed; a charge under our key form with no row → refunded; a refund the
provider made but we never recorded → confirmed; anything else is reported and the command exits 1."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.db import transaction

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock, periodic
from fairdesk.core.models import Event
from fairdesk.plans import selectors, services
from fairdesk.plans.models import MoneyStatus, Payment, PlanAccount, Refund
from fairdesk.plans.providers import SANDBOX_CARD, SandboxProvider
from fairdesk.plans.reconcile import reconcile_job
from fairdesk.testing.payment_sandbox import PaymentSandbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(catalog, settings):
    with PaymentSandbox() as own:
        settings.FAIRDESK_PAYMENT_SANDBOX_URL = own.url
        yield own


@pytest.fixture
def provider(sandbox):
    return SandboxProvider(sandbox.url)


@pytest.fixture
def anna():
    customer = customer_get_or_create(phone="13800138400")
    PlanAccount.objects.get_or_create(customer=customer)
    return customer


def intent(customer, key: str, amount: int = 1_900, minutes_ago: int = 20, status=MoneyStatus.PENDING):
    return Payment.objects.create(
        customer=customer,
        provider="sandbox",
        amount_fen=amount,
        status=status,
        idempotency_key=key,
        created_at=clock.now() - dt.timedelta(minutes=minutes_ago),
    )


def run(*args) -> tuple[list[str], int]:
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("reconcile_payments", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return out.getvalue().splitlines(), code


def test_an_old_intent_the_provider_charged_goes_back_in_full(sandbox, provider, anna):
    payment = intent(anna, "pay-crashed")
    charge = provider.charge(amount_fen=1_900, token=SANDBOX_CARD, key="pay-crashed")
    assert selectors.ledger_violations()[0]["at_provider"][0]["what"] == "pending_payment_charged"
    lines, code = run("--json")
    found = [json.loads(line) for line in lines]
    assert code == 0 and len(found) == 1
    assert found[0] | {"detail": {}, "refund": 0} == {
        "code": "charged_never_committed",
        "settled": True,
        "provider": "sandbox",
        "key": "pay-crashed",
        "payment": payment.pk,
        "refund": 0,
        "customer": anna.pk,
        "amount_fen": 1_900,
        "provider_amount_fen": 1_900,
        "external_id": charge.external_id,
        "action": "voided",
        "detail": {},
    }
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_fen, payment.external_id) == (
        "voided",
        1_900,
        charge.external_id,
    )
    refund = Refund.objects.get(payment=payment)
    assert refund.status == MoneyStatus.SUCCEEDED and refund.amount_fen == 1_900
    assert sandbox.state.totals()["refunded_fen"] == 1_900
    event = Event.objects.get(kind="payment.voided")
    assert event.payload["amount_fen"] == 1_900 and event.payload["charge"] == charge.external_id
    assert event.payload["old_status"] == "pending" and event.payload["new_status"] == "voided"
    assert selectors.ledger_violations() == []  # nothing of it ever reached the customer's ledger
    assert run() == ([], 0)  # settled once: a second run has nothing to do, refunds nothing again
    assert sandbox.state.totals()["refunds"] == 1


def test_an_old_intent_the_provider_never_charged_fails(sandbox, anna):
    payment = intent(anna, "pay-never-sent")
    lines, code = run()
    assert code == 0 and lines == [
        f"SETTLED [never_charged] sandbox payment #{payment.pk} key=pay-never-sent ours 1900 fen → failed"
    ]
    payment.refresh_from_db()
    assert payment.status == MoneyStatus.FAILED
    assert Event.objects.get(kind="payment.intent_failed").payload["payment"] == payment.pk
    assert sandbox.state.totals()["refunds"] == 0


def test_a_payment_in_flight_is_left_alone(sandbox, provider, anna):
    payment = intent(anna, "pay-in-flight", minutes_ago=1)
    provider.charge(amount_fen=1_900, token=SANDBOX_CARD, key="pay-in-flight")
    assert run() == ([], 0)
    payment.refresh_from_db()
    assert payment.status == MoneyStatus.PENDING and sandbox.state.totals()["refunds"] == 0


def test_disagreements_a_person_must_look_at_are_reported_and_exit_1(sandbox, provider, anna):
    missing = intent(anna, "pay-not-at-provider", status=MoneyStatus.SUCCEEDED)
    other = intent(anna, "pay-other-amount", amount=2_000, status=MoneyStatus.SUCCEEDED)
    provider.charge(amount_fen=1_000, token=SANDBOX_CARD, key="pay-other-amount")
    lines, code = run()
    assert code == 1
    assert lines == [
        f"UNSETTLED [charge_missing] sandbox payment #{missing.pk} key=pay-not-at-provider ours 1900 fen",
        f"UNSETTLED [amount_differs] sandbox payment #{other.pk} key=pay-other-amount ours 2000 fen "
        "provider 1000 fen ch_1",
    ]
    problem = selectors.ledger_violations()[0]
    assert problem["provider"] is False and len(problem["at_provider"]) == 2
    assert Payment.objects.filter(status=MoneyStatus.SUCCEEDED).count() == 2  # untouched


def test_a_charge_we_have_no_row_for_is_refunded(sandbox, provider, anna):
    lost = provider.charge(
        amount_fen=3_900, token=SANDBOX_CARD, key="pay-rolled-back", metadata={"customer": 7}
    )
    lines, code = run("--grace-minutes", "0")
    assert code == 0 and lines[0].startswith("SETTLED [orphan_charge]") and lines[0].endswith("→ refunded")
    assert sandbox.state.charges[lost.external_id]["refunded_fen"] == 3_900
    event = Event.objects.get(kind="payment.orphan_refunded")
    assert event.payload["customer"] == 7 and event.payload["amount_fen"] == 3_900
    assert run("--grace-minutes", "0") == ([], 0)  # the orphan's refund is known, nothing left


def test_a_refund_the_provider_made_but_we_never_recorded_is_confirmed(sandbox, provider, anna, catalog):
    services.subscription_create(customer=anna, plan=catalog["basic"], period="month", actor=anna)
    services.account_refund(customer=anna, actor=anna)  # its sending after commit was lost (a crash)
    refund = Refund.objects.get(payment__customer=anna)
    assert refund.status == MoneyStatus.PENDING
    provider.refund(
        external_id=refund.payment.external_id, amount_fen=refund.amount_fen, key=f"refund-{refund.uid.hex}"
    )
    lines, code = run()
    assert code == 0 and lines[0].startswith("SETTLED [refund_unrecorded]")
    refund.refresh_from_db()
    assert refund.status == MoneyStatus.SUCCEEDED
    assert sandbox.state.totals()["refunds"] == 1  # replayed, not refunded twice
    assert selectors.ledger_violations() == []


def test_a_different_operation_never_reuses_an_earlier_key(sandbox, anna, catalog):
    """The probe's existing-account case: a change rolled back after the provider charged must not hand its
    key to the next, different change (the provider would replay the old charge instead of taking the new)."""
    sub, _quote = services.subscription_create(
        customer=anna, plan=catalog["basic"], period="month", actor=anna
    )

    class Crash(Exception):
        pass

    with pytest.raises(Crash), transaction.atomic():
        services.subscription_change(subscription=sub, to_plan=catalog["premium"], actor=anna)
        raise Crash  # after the provider charged
    before = sandbox.state.totals()
    quote = services.subscription_change(
        subscription=sub, to_plan=catalog["standard"], period="year", actor=anna
    )
    after = sandbox.state.totals()
    assert after["charges"] == before["charges"] + 1
    assert after["charged_fen"] - before["charged_fen"] == quote.amount_due_fen > 0
    keys = [c["key"] for c in sandbox.state.charges.values()]
    assert len(keys) == len(set(keys)) == 3
    ours = set(Payment.objects.filter(customer=anna).values_list("idempotency_key", flat=True))
    assert len(ours) == 2 and ours < set(keys)


def test_the_background_job_runs_every_five_minutes_and_skips_unused_providers(settings):
    job = next(j for j in periodic.jobs() if j.name == "plans.reconcile_payments")
    assert job.every_seconds == 300
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens: never asked
    assert reconcile_job() == 0


def test_the_background_job_settles_and_counts_what_remains(sandbox, provider, anna):
    intent(anna, "pay-job-crashed")
    provider.charge(amount_fen=1_900, token=SANDBOX_CARD, key="pay-job-crashed")
    intent(anna, "pay-job-missing", status=MoneyStatus.SUCCEEDED)
    assert reconcile_job() == 1  # one voided, one left for a person
    assert Payment.objects.get(idempotency_key="pay-job-crashed").status == MoneyStatus.VOIDED


def test_a_provider_that_cannot_be_asked_is_reported_and_exits_1(settings, anna):
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens
    payment = intent(anna, "pay-unknown-yet")
    lines, code = run()
    assert code == 1 and lines[0].startswith("UNSETTLED [provider_unreachable] sandbox")
    payment.refresh_from_db()
    assert payment.status == MoneyStatus.PENDING  # nothing decided without the provider's answer
