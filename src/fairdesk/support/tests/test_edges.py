"""Edges found in review: a call-back time without a zone, a call-back in the past, taking a waiting customer
out of order from the hotline console, the "human" button before writing, a customer's end while an agent
serves them, an SMS whose handling failed being retried."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.notify.models import InboundSms
from fairdesk.support import services
from fairdesk.support.models import Conversation, Status
from fairdesk.support.tests.conftest import post


def test_a_callback_time_without_a_zone_is_local_time_not_a_500(support_world):
    conv = services.conversation_start(customer=support_world["a"], text="发票")
    at = clock.local(clock.now() + dt.timedelta(hours=2)).replace(tzinfo=None, microsecond=0)
    response = post(
        support_world["client_a"],
        f"/api/v1/support/conversations/{conv.pk}/human",
        {"callback_at": at.isoformat()},
    )
    assert response.status_code == 200
    conv.refresh_from_db()
    assert abs((conv.callback_at - (clock.now() + dt.timedelta(hours=2))).total_seconds()) < 5


def test_a_callback_in_the_last_minute_does_not_jump_the_queue(support_world):
    conv = services.conversation_start(customer=support_world["a"], text="发票")
    before = clock.now()
    services.human_request(conversation=conv, callback_at=before - dt.timedelta(seconds=50))
    conv.refresh_from_db()
    assert conv.human_requested_at >= before


def test_the_console_cannot_take_a_waiting_customer_out_of_order(support_world):
    first = services.conversation_start(customer=support_world["a"], text="转人工")
    second = services.conversation_start(customer=support_world["b"], text="转人工")
    agent = support_world["agents"][0]
    client = Client()
    client.force_login(agent)
    refused = client.post("/support/desk/open/", {"phone": support_world["b"].phone})
    assert refused.status_code == 409
    assert Conversation.objects.get(pk=second.pk).status == Status.WAITING_HUMAN
    taken = client.post("/support/desk/open/", {"phone": support_world["a"].phone})
    assert taken.status_code == 302
    assert Conversation.objects.get(pk=first.pk).assigned_to_id == agent.pk


def test_a_conversation_opened_for_a_caller_records_the_human_request(support_world):
    conv = services.conversation_open_for_caller(
        agent=support_world["agents"][0], customer=support_world["a"]
    )
    how = Event.objects.get(kind="support.human_requested", subject_id=str(conv.pk)).payload["how"]
    assert how == "agent_opened" and conv.status == Status.WITH_AGENT


def test_the_human_button_before_writing_is_recorded_as_the_button(support_world):
    support_world["client_a"].post("/support/human/")
    conv = Conversation.objects.get()
    assert conv.status == Status.WAITING_HUMAN
    assert Event.objects.get(kind="support.human_requested").payload["how"] == "button"


def test_the_customer_cannot_end_a_conversation_an_agent_is_serving(support_world):
    conv = services.conversation_start(customer=support_world["a"], text="转人工")
    services.queue_take_next(agent=support_world["agents"][0])
    response = support_world["client_a"].post("/support/end/", {"conversation": conv.pk})
    assert response.status_code in (409, 422)
    assert Conversation.objects.get(pk=conv.pk).status == Status.WITH_AGENT


def test_an_sms_whose_handling_failed_is_handled_on_the_gateways_retry(support_world, settings, monkeypatch):
    from fairdesk.notify import inbound

    settings.FAIRDESK_SMS_INBOUND_TOKEN = "tok-0123456789"
    headers = {"Authorization": "Bearer tok-0123456789"}
    body = {"from": "13800000011", "text": "你好", "id": "g-retry"}
    real = inbound._handlers["support"]
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setitem(inbound._handlers, "support", flaky)
    client = Client(raise_request_exception=False)
    first = client.post("/notify/sms/inbound/", body, content_type="application/json", headers=headers)
    assert first.status_code == 500 and InboundSms.objects.count() == 0
    second = client.post("/notify/sms/inbound/", body, content_type="application/json", headers=headers)
    assert second.status_code == 200 and second.json()["handled_by"] == "support"
    assert Conversation.objects.get().messages.filter(author="customer", text="你好").exists()


@pytest.mark.parametrize("n", [2])
def test_one_open_conversation_per_customer(support_world, n):
    for _ in range(n):
        services.conversation_start(customer=support_world["a"], text="发票")
    assert Conversation.objects.filter(customer=support_world["a"]).count() == 1
