"""One change rule for every direction: what each change does to the period, the money and the ledger."""

import datetime as dt

import pytest

from fairdesk.core import clock
from fairdesk.plans import selectors
from fairdesk.plans.errors import ChangeNotAllowed
from fairdesk.plans.models import (
    ChangeRule,
    EntryKind,
    MoneyStatus,
    Payment,
    Refund,
    SubscriptionStatus,
)
from fairdesk.plans.quotes import consumed_fen, period_end_for
from fairdesk.plans.services import (
    account_refund,
    subscription_change,
    subscription_create,
)

from .conftest import T0

pytestmark = pytest.mark.django_db


def test_periods_follow_the_calendar_in_local_time():
    jan31 = dt.datetime(2027, 1, 30, 16, 0, tzinfo=dt.UTC)  # 31 Jan 00:00 in Shanghai
    assert period_end_for(jan31, "month") == dt.datetime(2027, 2, 27, 16, 0, tzinfo=dt.UTC)  # 28 Feb
    assert period_end_for(jan31, "year") == dt.datetime(2028, 1, 30, 16, 0, tzinfo=dt.UTC)


def test_consumption_rounds_down_so_the_unused_part_rounds_up():
    start = T0
    end = start + dt.timedelta(seconds=3)
    assert consumed_fen(charge_fen=100, start=start, end=end, at=start + dt.timedelta(seconds=1)) == 33
    assert consumed_fen(charge_fen=100, start=start, end=end, at=start + dt.timedelta(seconds=2)) == 66
    assert consumed_fen(charge_fen=100, start=start, end=end, at=end) == 100
    assert consumed_fen(charge_fen=100, start=start, end=end, at=start - dt.timedelta(days=1)) == 0


def test_subscribing_charges_the_sandbox_and_keeps_auto_renew_off(catalog, customer, at_t0, payment_sandbox):
    sub, quote = subscription_create(
        customer=customer, plan=catalog["standard"], period="month", actor=customer
    )
    assert sub.auto_renew is False and sub.status == SubscriptionStatus.ACTIVE
    assert quote.amount_due_fen == 3_900 and sub.period_end == period_end_for(T0, "month")
    payment = Payment.objects.get()
    assert payment.status == MoneyStatus.SUCCEEDED and payment.external_id in payment_sandbox.state.charges
    assert selectors.ledger_violations() == []
    with pytest.raises(ChangeNotAllowed):
        subscription_create(customer=customer, plan=catalog["basic"], period="month", actor=customer)


def test_a_declined_card_changes_nothing(catalog, customer, at_t0):
    from fairdesk.plans.providers import PaymentFailed

    with pytest.raises(PaymentFailed):
        subscription_create(
            customer=customer,
            plan=catalog["basic"],
            period="month",
            payment_token="tok_declined",
            actor=customer,
        )
    assert selectors.subscription_active(customer=customer) is None and Payment.objects.count() == 0


@pytest.mark.parametrize("target", ["premium", "basic"])
def test_immediate_rule_up_and_down_take_effect_now_prorated_to_the_second(
    catalog, customer, target, django_capture_on_commit_callbacks
):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", actor=customer
        )
    later = T0 + dt.timedelta(days=10, seconds=7)
    with clock.frozen_at(later):
        preview = subscription_change(subscription=sub, to_plan=catalog[target], preview=True, actor=customer)
        with django_capture_on_commit_callbacks(execute=True):  # the provider is called after commit
            quote = subscription_change(
                subscription=sub, to_plan=catalog[target], refund_to="original", actor=customer
            )
    assert preview.as_dict() == quote.as_dict()  # the preview is exactly what happens
    assert quote.effective_at == later and quote.action == ("upgrade" if target == "premium" else "downgrade")
    total = (sub.period_end - T0).total_seconds()
    used = 3_900 * int((later - T0).total_seconds()) // int(total)
    unused = 3_900 - used
    price = catalog[target].prices.get(period="month").amount_fen
    assert quote.amount_due_fen == max(price - unused, 0)
    assert quote.amount_back_fen == max(unused - price, 0)
    sub.refresh_from_db()
    assert sub.plan.code == target and sub.period_start == later and sub.version == 2
    assert selectors.ledger_violations() == []
    if target == "basic":  # the money back went to the original payment, never silently to credit
        refund = Refund.objects.get()
        assert refund.amount_fen == unused - price and refund.status == MoneyStatus.SUCCEEDED


def test_end_of_period_rule_up_and_down_both_wait_for_the_period_end(catalog, customer):
    ChangeRule.objects.update(effective="end_of_period")
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", actor=customer
        )
    with clock.frozen_at(T0 + dt.timedelta(days=3)):
        up = subscription_change(subscription=sub, to_plan=catalog["premium"], preview=True, actor=customer)
        down = subscription_change(subscription=sub, to_plan=catalog["basic"], preview=True, actor=customer)
        cancel = subscription_change(subscription=sub, to_plan=None, preview=True, actor=customer)
    assert up.effective_at == down.effective_at == cancel.effective_at == sub.period_end
    assert up.amount_due_fen == down.amount_due_fen == cancel.amount_back_fen == 0


def test_cancel_now_refunds_to_the_original_method_or_to_credit_as_chosen(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["premium"], period="year", actor=customer
        )
    with clock.frozen_at(T0 + dt.timedelta(days=100)):
        quote = subscription_change(subscription=sub, to_plan=None, refund_to="credit", actor=customer)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED and quote.amount_back_fen > 0
    assert Refund.objects.count() == 0  # credit, as chosen
    assert sub.customer.plan_account.credit_fen == quote.amount_back_fen
    with clock.frozen_at(T0 + dt.timedelta(days=101)):
        refund = account_refund(customer=customer, actor=customer)  # and credit can always be cashed out
    assert refund.amount_back_fen == quote.amount_back_fen
    assert Refund.objects.get().amount_fen == quote.amount_back_fen
    customer.plan_account.refresh_from_db()
    assert customer.plan_account.credit_fen == 0 and selectors.ledger_violations() == []
    totals = selectors.ledger_totals(customer=customer)
    assert totals[EntryKind.PAYMENT] - totals[EntryKind.REFUND] == totals[EntryKind.CONSUMPTION]


def test_the_refund_choice_works_under_either_rule(catalog, customer):
    ChangeRule.objects.update(effective="end_of_period")
    with clock.frozen_at(T0):
        sub, _q = subscription_create(customer=customer, plan=catalog["basic"], period="year", actor=customer)
    with clock.frozen_at(T0 + dt.timedelta(days=30)):
        quote = account_refund(customer=customer, actor=customer)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED and quote.amount_back_fen > 19_000 * 11 // 12 - 100
    assert selectors.ledger_violations() == []


def test_no_change_to_the_same_plan_and_period(catalog, customer, at_t0):
    sub, _q = subscription_create(customer=customer, plan=catalog["basic"], period="month", actor=customer)
    with pytest.raises(ChangeNotAllowed):
        subscription_change(subscription=sub, to_plan=catalog["basic"], actor=customer)
    subscription_change(
        subscription=sub, to_plan=catalog["basic"], period="year", actor=customer
    )  # switching period is a change
    sub.refresh_from_db()
    assert sub.period == "year"


def test_plan_benefits_lower_the_booking_price_not_the_queue_place(catalog, customer, at_t0):
    from fairdesk.plans.selectors import price_with_benefits

    assert price_with_benefits(customer=customer, price_fen=15_099) == (15_099, "")
    subscription_create(customer=customer, plan=catalog["standard"], period="month", actor=customer)
    assert price_with_benefits(customer=customer, price_fen=15_099) == (
        13_589,
        "repair_discount_pct:10",
    )  # floor
    sub = selectors.subscription_active(customer=customer)
    subscription_change(subscription=sub, to_plan=catalog["premium"], actor=customer)
    assert price_with_benefits(customer=customer, price_fen=20_000, emergency=True) == (
        0,
        "emergency_callout_free",
    )


def test_a_refund_the_provider_cannot_take_yet_stays_owed_and_is_retried(
    catalog, customer, settings, django_capture_on_commit_callbacks
):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="year", actor=customer
        )
    sandbox_url = settings.FAIRDESK_PAYMENT_SANDBOX_URL
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = "http://127.0.0.1:9"  # nothing listens: the provider is down
    with clock.frozen_at(T0 + dt.timedelta(days=30)), django_capture_on_commit_callbacks(execute=True):
        quote = subscription_change(
            subscription=sub, to_plan=None, refund_to="original", actor=customer
        )  # no error for the customer
    refund = Refund.objects.get()
    assert refund.status == MoneyStatus.PENDING and refund.amount_fen == quote.amount_back_fen
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = sandbox_url
    from fairdesk.plans.ledger import refunds_send

    assert refunds_send() == 1
    refund.refresh_from_db()
    assert refund.status == MoneyStatus.SUCCEEDED and selectors.ledger_violations() == []
