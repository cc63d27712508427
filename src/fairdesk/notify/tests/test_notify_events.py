"""A customer's channel choices and push browsers are state changes: each is an event with codes and ids
(old and new channels, the subscription), recorded only when something changed."""

import json

import pytest

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core.models import Event
from fairdesk.notify.models import PushSubscription
from fairdesk.notify.services import channel_preference_set, message_schedule, messages_dispatch_due
from fairdesk.notify.tests.test_webpush import SUBSCRIBE, b64, browser_keys, push_service, vapid  # noqa: F401

pytestmark = pytest.mark.django_db


def recorded(kind):
    return [e for e in Event.objects.filter(kind=kind).order_by("id")]


def as_customer(client, phone):
    customer = customer_get_or_create(phone=phone)
    session = client.session
    session["verified_phone"] = customer.phone
    session.save()
    return customer


def subscribe(client, endpoint, key="k1"):
    _private, public, auth = browser_keys()
    body = {"endpoint": endpoint, "keys": {"p256dh": b64(public), "auth": b64(auth)}}
    response = client.post(
        SUBSCRIBE, json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 201, response.content
    return response


def test_a_channel_change_records_old_and_new_channels_once(client):
    customer = customer_get_or_create(phone="13800000011")
    customer.email = "liu@example.com"
    customer.save(update_fields=["email"])
    channel_preference_set(user=customer, sms=False, email=True, push=False)
    channel_preference_set(user=customer, sms=False, email=True, push=False)  # the same again: no change
    [event] = recorded("channel_preference.changed")
    assert event.payload == {"old_channels": ["sms"], "new_channels": ["email"], "channel": "system"}
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(customer.pk))


def test_the_preferences_page_records_the_change_as_self_service(client):
    customer = as_customer(client, "13800000012")
    customer.email = "wang@example.com"
    customer.save(update_fields=["email"])
    response = client.post("/notify/preferences/", {"sms": "on", "email": "on"})
    assert response.status_code in (302, 303), response.content.decode()[:300]
    [event] = recorded("channel_preference.changed")
    assert event.payload == {
        "old_channels": ["sms"],
        "new_channels": ["sms", "email"],
        "channel": "self_service",
    }


def test_subscribing_a_browser_records_it_and_the_push_channel_turned_on(client, vapid):  # noqa: F811
    customer = as_customer(client, "13800000013")
    subscribe(client, "https://push.example/one")
    subscription = PushSubscription.objects.get()
    [added] = recorded("push_subscription.added")
    assert added.payload == {"subscription": subscription.pk, "channel": "api"}
    assert added.subject_id == str(customer.pk)
    [changed] = recorded("channel_preference.changed")
    assert changed.payload["old_channels"] == ["sms"] and changed.payload["new_channels"] == ["sms", "push"]

    subscribe(client, "https://push.example/one", key="k2")  # new keys for the same browser
    [replaced] = recorded("push_subscription.replaced")
    assert replaced.payload == {
        "subscription": subscription.pk,
        "from_user": customer.pk,
        "was_active": True,
        "channel": "api",
    }
    assert len(recorded("channel_preference.changed")) == 1  # push was already on


def test_a_gone_browser_is_recorded_as_removed_once(vapid, push_service):  # noqa: F811
    endpoint, _received, replies = push_service
    replies.extend([410, 410])
    _private, public, auth = browser_keys()
    customer = customer_get_or_create(phone="13800000014")
    subscription = PushSubscription.objects.create(
        user=customer, endpoint=endpoint, p256dh=b64(public), auth=b64(auth)
    )
    for body in ("a", "b"):
        message_schedule(channel="push", recipient=str(subscription.pk), kind="x", body=body, urgent=True)
    messages_dispatch_due()
    [removed] = recorded("push_subscription.removed")
    assert removed.payload == {"subscription": subscription.pk, "reason": "gone"}
    assert removed.actor_label == "notify" and removed.subject_id == str(customer.pk)

