"""Property: whatever customers do and however time jumps, the books balance —
payments − refunds − consumed value = account credit + prepaid current periods — and the ledger agrees with
the money the payment provider actually moved."""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock
from fairdesk.core.errors import DomainError
from fairdesk.plans import ledger, renewals, selectors, services
from fairdesk.plans.models import ChangeRule, EntryKind, LedgerEntry, Payment, Plan, Refund, Subscription

from .conftest import T0

pytestmark = pytest.mark.django_db

plans = st.sampled_from(["basic", "standard", "premium"])
periods = st.sampled_from(["month", "year"])
steps = st.one_of(
    st.tuples(st.just("subscribe"), plans, periods, st.booleans()),
    st.tuples(
        st.just("change"), st.one_of(st.none(), plans), periods, st.sampled_from(["original", "credit"])
    ),
    st.tuples(st.just("refund")),
    st.tuples(st.just("auto_renew"), st.booleans()),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=400 * 86_400)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rule=st.sampled_from(["immediate", "end_of_period"]), actions=st.lists(steps, min_size=1, max_size=14))
def test_the_books_always_balance(catalog, payment_sandbox, rule, actions):
    before = dict(charged=0, refunded=0)
    with transaction.atomic():
        ChangeRule.objects.update(effective=rule)
        customer = customer_get_or_create(phone="13900139000")
        by_code = {p.code: p for p in Plan.objects.all()}
        now = T0
        summary = payment_sandbox.state.totals()
        before.update(charged=summary["charged_fen"], refunded=summary["refunded_fen"])
        for action in actions:
            with clock.frozen_at(now):
                sub = selectors.subscription_active(customer=customer)
                try:
                    with transaction.atomic():
                        if action[0] == "subscribe":
                            services.subscription_create(
                                customer=customer,
                                plan=by_code[action[1]],
                                period=action[2],
                                auto_renew=action[3],
                                actor=customer,
                            )
                        elif action[0] == "change" and sub is not None:
                            target = by_code[action[1]] if action[1] else None
                            services.subscription_change(
                                subscription=sub,
                                to_plan=target,
                                period=action[2],
                                refund_to=action[3],
                                actor=customer,
                            )
                        elif action[0] == "refund":
                            services.account_refund(customer=customer, actor=customer)
                        elif action[0] == "auto_renew" and sub is not None:
                            services.subscription_auto_renew_set(
                                subscription=sub, on=action[1], actor=customer
                            )
                except DomainError:
                    pass  # refused as a whole: nothing may have changed (checked below)
                if action[0] == "wait":
                    now += dt.timedelta(seconds=action[1])
            with clock.frozen_at(now):
                renewals.renewal_reminders_send()
                renewals.renewals_run()
                ledger.refunds_send()
            assert selectors.ledger_violations() == []
            _no_renewal_without_notice(customer)
        # The provider's own books: what it charged and refunded is exactly what the ledger says.
        summary = payment_sandbox.state.totals()
        totals = selectors.ledger_totals(customer=customer)
        assert summary["charged_fen"] - before["charged"] == totals[EntryKind.PAYMENT]
        assert summary["refunded_fen"] - before["refunded"] == totals[EntryKind.REFUND]
        assert totals[EntryKind.REFUND_RETURNED] == 0  # the provider never refused a refund we sent
        # Nobody pays for more than they consumed plus what they still hold.
        from fairdesk.plans.models import PlanAccount

        account = PlanAccount.objects.filter(customer=customer).first() or PlanAccount(credit_fen=0)
        prepaid = sum(
            s.price.amount_fen for s in Subscription.objects.filter(customer=customer, status="active")
        )
        assert totals[EntryKind.PAYMENT] - totals[EntryKind.REFUND] == (
            totals[EntryKind.CONSUMPTION] + account.credit_fen + prepaid
        )
        assert all(p.refunded_fen <= p.amount_fen for p in Payment.objects.filter(customer=customer))
        assert Refund.objects.filter(payment__customer=customer, status="pending").count() == 0
        transaction.set_rollback(True)


def _no_renewal_without_notice(customer) -> None:
    """Every automatic renewal charge was preceded by a notice at least 5 days earlier (or by the
    customer's own explicit turn-on inside the window)."""
    from fairdesk.core.models import Event

    for event in Event.objects.filter(kind="subscription.renewed", subject_type="plans.subscription"):
        notices = Event.objects.filter(
            subject_type="plans.subscription",
            subject_id=event.subject_id,
            kind="subscription.renewal_notice",
            at__lte=event.at,
        )
        assert notices.exists()
    assert LedgerEntry.objects.filter(customer=customer, amount_fen__lte=0).count() == 0
