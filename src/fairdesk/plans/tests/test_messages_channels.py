"""The plan messages (renewal notice, plan ended) honour the customer's channel choice like every other
customer message: a customer who chose email (or push) and turned SMS off gets them there, not by SMS.
Sending them SMS regardless, or making `channels_for` ignore email, fails here."""

import datetime as dt

import pytest
from django.core import mail

from fairdesk.core import clock
from fairdesk.notify.models import Message, MessageStatus, PushSubscription
from fairdesk.notify.services import channel_preference_set, messages_dispatch_due
from fairdesk.plans.renewals import renewal_reminders_send, renewals_run
from fairdesk.plans.services import subscription_auto_renew_set, subscription_create

from .conftest import T0

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def jump(moment):
    with clock.frozen_at(moment):
        renewal_reminders_send()
        renewals_run()


@pytest.fixture
def by_email(customer):
    customer.email = "li@example.com"
    customer.save(update_fields=["email"])
    channel_preference_set(user=customer, sms=False, email=True, push=False)
    return customer


@pytest.fixture
def by_push(customer):
    device = PushSubscription.objects.create(
        user=customer, endpoint="https://push.example.com/device-1", p256dh="k", auth="a"
    )
    channel_preference_set(user=customer, sms=False, email=False, push=True)
    return device


def sent(kind: str) -> list[tuple[str, str]]:
    return sorted(Message.objects.filter(kind=kind).values_list("channel", "recipient"))


def test_without_a_choice_plan_messages_go_by_sms(catalog, customer):
    """The default the other tests differ from: SMS to the customer's phone."""
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", auto_renew=True, actor=customer
        )
    jump(sub.period_end - 7 * DAY)
    assert sent("renewal_notice") == [("sms", customer.phone)]


def test_the_renewal_notice_goes_by_email_to_a_customer_who_chose_email(catalog, by_email):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=by_email, plan=catalog["standard"], period="month", auto_renew=True, actor=by_email
        )
    jump(sub.period_end - 7 * DAY)
    assert sent("renewal_notice") == [("email", "li@example.com")]
    with clock.frozen_at(sub.period_end - 7 * DAY + dt.timedelta(hours=1)):
        messages_dispatch_due()
    assert [m.to for m in mail.outbox] == [["li@example.com"]]
    assert "/plans/auto-renew-off/" in mail.outbox[0].body and "¥39.00" in mail.outbox[0].body
    assert Message.objects.get(kind="renewal_notice").status == MessageStatus.SENT


def test_the_plan_ended_message_goes_by_email_to_a_customer_who_chose_email(catalog, by_email):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=by_email, plan=catalog["basic"], period="month", actor=by_email
        )
    jump(sub.period_end + dt.timedelta(seconds=1))
    assert sent("plan_ended") == [("email", "li@example.com")]
    assert not Message.objects.filter(channel="sms").exists()


def test_plan_messages_go_by_push_to_a_customer_who_chose_push(catalog, customer, by_push):
    with clock.frozen_at(T0):
        sub, _q = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", auto_renew=True, actor=customer
        )
    jump(sub.period_end - 7 * DAY)
    with clock.frozen_at(sub.period_end - 6 * DAY):  # then turned off: the plan ends, and they are told
        subscription_auto_renew_set(subscription=sub, on=False, actor=customer)
    jump(sub.period_end + dt.timedelta(seconds=1))
    assert sent("renewal_notice") == [("push", str(by_push.pk))]
    assert sent("plan_ended") == [("push", str(by_push.pk))]
    assert not Message.objects.filter(channel="sms").exists()
