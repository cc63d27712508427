"""A customer who chose email is reached by email (and only there when they turned SMS off): `channels_for`
honours the choice, and the sender delivers what is scheduled on it. Making `channels_for` ignore email fails
here."""

import pytest
from django.core import mail

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.notify.models import Message, MessageStatus
from fairdesk.notify.selectors import channels_for
from fairdesk.notify.services import channel_preference_set, message_schedule, messages_dispatch_due

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer():
    user = customer_get_or_create(phone="13800000031")
    user.email = "wang@example.com"
    user.save(update_fields=["email"])
    return user


def test_email_only_reaches_the_customer_by_email_alone(customer):
    channel_preference_set(user=customer, sms=False, email=True, push=False)
    assert channels_for(user=customer) == [("email", "wang@example.com")]


def test_email_beside_sms_adds_the_email_channel(customer):
    channel_preference_set(user=customer, sms=True, email=True, push=False)
    assert channels_for(user=customer) == [("sms", customer.phone), ("email", "wang@example.com")]


def test_without_the_choice_there_is_no_email(customer):
    assert channels_for(user=customer) == [("sms", customer.phone)]
    channel_preference_set(user=customer, sms=True, email=False, push=False)
    assert channels_for(user=customer) == [("sms", customer.phone)]


def test_email_chosen_without_an_address_keeps_sms(customer):
    customer.email = ""
    customer.save(update_fields=["email"])
    channel_preference_set(user=customer, sms=False, email=True, push=False)
    assert channels_for(user=customer) == [("sms", customer.phone)]


def test_what_is_scheduled_on_the_chosen_channels_goes_out_by_email(customer):
    channel_preference_set(user=customer, sms=False, email=True, push=False)
    for channel, recipient in channels_for(user=customer):
        message_schedule(
            channel=channel, recipient=recipient, kind="reminder", body="明天上午上门", urgent=True
        )
    messages_dispatch_due()
    assert [(m.to, m.body) for m in mail.outbox] == [(["wang@example.com"], "明天上午上门")]
    assert list(Message.objects.values_list("channel", "status")) == [("email", MessageStatus.SENT)]
