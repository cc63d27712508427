"""Renewals: never automatic unless the customer turned it on; a reminder with a one-tap off link at least
5 days before; a new price only after notice; a change scheduled for the period end happens then."""

import datetime as dt

import pytest

from fairdesk.core import clock
from fairdesk.notify.models import Message
from fairdesk.plans.models import ChangeRule, PlanPrice, SubscriptionStatus
from fairdesk.plans.renewals import auto_renew_off_token, renewal_reminders_send, renewals_run
from fairdesk.plans.services import (
    subscription_auto_renew_off_by_token,
    subscription_change,
    subscription_create,
)

from .conftest import T0

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def jump(moment):
    with clock.frozen_at(moment):
        renewal_reminders_send()
        renewals_run()


def test_without_auto_renew_the_plan_simply_ends(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["basic"], period="month", actor=customer
        )
    jump(sub.period_end + dt.timedelta(seconds=1))
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED and sub.ended_at == sub.period_end
    assert not Message.objects.filter(kind="renewal_notice").exists()
    assert Message.objects.filter(kind="plan_ended").count() == 1


def test_auto_renew_reminds_seven_days_before_with_a_one_tap_off_link(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", auto_renew=True, actor=customer
        )
    jump(sub.period_end - 8 * DAY)
    assert not Message.objects.filter(kind="renewal_notice").exists()
    jump(sub.period_end - 7 * DAY)
    jump(sub.period_end - 6 * DAY)  # once only
    notice = Message.objects.get(kind="renewal_notice")
    assert "¥39.00" in notice.body and "/plans/auto-renew-off/" in notice.body
    assert notice.due_at <= sub.period_end - 5 * DAY
    first_end = sub.period_end
    jump(first_end)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_start == first_end
    assert sub.price.amount_fen == 3_900 and sub.renewal_notice_at is None  # next period: a new notice
    from fairdesk.plans.models import Payment

    assert Payment.objects.count() == 2


def test_the_one_tap_link_stops_the_renewal(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", auto_renew=True, actor=customer
        )
    jump(sub.period_end - 7 * DAY)
    with clock.frozen_at(sub.period_end - 6 * DAY):
        subscription_auto_renew_off_by_token(token=auto_renew_off_token(sub))
    jump(sub.period_end + DAY)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ENDED
    from fairdesk.plans.models import Payment

    assert Payment.objects.count() == 1  # the first month only


def test_turning_auto_renew_on_late_sends_the_notice_at_once(catalog, customer):
    from fairdesk.plans.services import subscription_auto_renew_set

    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["basic"], period="month", actor=customer
        )
    with clock.frozen_at(sub.period_end - 2 * DAY):
        subscription_auto_renew_set(subscription=sub, on=True, actor=customer)
    assert Message.objects.filter(kind="renewal_notice").count() == 1
    jump(sub.period_end)
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.ACTIVE and sub.period_start == sub.period_end - (
        sub.period_end - sub.period_start
    )


def test_a_new_price_reaches_a_subscriber_only_after_notice(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", auto_renew=True, actor=customer
        )
    first_end = sub.period_end
    # announced 3 days before it takes effect at the first renewal: too late for this subscriber
    PlanPrice.objects.create(
        plan=catalog["standard"],
        period="month",
        version=2,
        amount_fen=4_900,
        announced_at=first_end - 3 * DAY,
        effective_from=first_end - DAY,
    )
    jump(first_end - 7 * DAY)
    jump(first_end)
    sub.refresh_from_db()
    assert sub.price.amount_fen == 3_900  # still the old price for this period
    jump(sub.period_end - 7 * DAY)
    jump(sub.period_end)
    sub.refresh_from_db()
    assert sub.price.amount_fen == 4_900  # now announced long enough ago


def test_an_end_of_period_downgrade_happens_at_the_renewal(catalog, customer):
    ChangeRule.objects.update(effective="end_of_period")
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["premium"], period="year", actor=customer
        )
    with clock.frozen_at(T0 + 100 * DAY):
        subscription_change(subscription=sub, to_plan=catalog["basic"], period="month", actor=customer)
    sub.refresh_from_db()
    assert sub.plan.code == "premium" and sub.pending_plan.code == "basic"
    jump(sub.period_end)
    sub.refresh_from_db()
    assert (sub.plan.code, sub.period, sub.price.amount_fen) == ("basic", "month", 1_900)


def test_a_jump_over_several_periods_renews_each_one(catalog, customer):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["basic"], period="month", auto_renew=True, actor=customer
        )
    moment = sub.period_end
    for _month in range(3):  # the reminder task runs daily in real life; here at each notice time
        with clock.frozen_at(moment - 7 * DAY):
            renewal_reminders_send()
        with clock.frozen_at(moment):
            renewals_run()
        sub.refresh_from_db()
        moment = sub.period_end
    assert (
        sub.status == SubscriptionStatus.ACTIVE and Message.objects.filter(kind="renewal_notice").count() == 3
    )
