"""An SMS reply from a customer's phone joins their open conversation (the gateway's inbound webhook), and
the answers go back by SMS to that number."""

from __future__ import annotations

import pytest
from django.test import Client

from fairdesk.core.models import Event
from fairdesk.notify.models import InboundSms
from fairdesk.notify.models import Message as Outgoing
from fairdesk.support import services
from fairdesk.support.models import Channel, Conversation, Status

URL = "/notify/sms/inbound/"
TOKEN = "inbound-test-token-0123456789"


@pytest.fixture
def gateway(settings):
    settings.FAIRDESK_SMS_INBOUND_TOKEN = TOKEN
    return Client()


def deliver(client, *, sender, text, gid, token=TOKEN, as_json=True):
    body = {"from": sender, "text": text, "id": gid}
    headers = {"Authorization": f"Bearer {token}"}
    if as_json:
        return client.post(URL, body, content_type="application/json", headers=headers)
    return client.post(URL, body, headers=headers)


def test_an_sms_reply_joins_the_open_conversation(support_world, gateway):
    web = services.conversation_start(customer=support_world["a"], text="发票怎么开")
    response = deliver(gateway, sender="13800000011", text="转人工", gid="g-1")
    assert response.status_code == 200 and response.json()["handled_by"] == "support"
    web.refresh_from_db()
    assert web.status == Status.WAITING_HUMAN
    assert web.messages.filter(author="customer", text="转人工").exists()
    assert Conversation.objects.count() == 1
    assert Event.objects.filter(kind="sms.received").count() == 1


def test_an_sms_from_a_new_number_starts_an_sms_conversation_answered_by_sms(support_world, gateway):
    response = deliver(gateway, sender="+86 138 0000 0077", text="怎么改预约时间", gid="g-2", as_json=False)
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.SMS and conversation.status == Status.BOT
    reply = Outgoing.objects.get(kind="support.reply")
    assert reply.recipient == "+8613800000077" and reply.channel == "sms"
    assert "人工" in reply.body  # how to reach a human by SMS


def test_the_gateway_retrying_the_same_message_is_handled_once(support_world, gateway):
    for _ in range(3):
        assert deliver(gateway, sender="13800000011", text="你好", gid="g-3").status_code == 200
    assert InboundSms.objects.count() == 1
    assert Conversation.objects.get().messages.filter(author="customer").count() == 1


@pytest.mark.parametrize(
    "kwargs,status",
    [
        ({"token": "wrong"}, 401),
        ({"sender": "not a phone"}, 422),
        ({"text": "   "}, 422),
        ({"gid": ""}, 422),
    ],
)
def test_bad_deliveries_are_refused_without_storing(support_world, gateway, kwargs, status):
    args = {"sender": "13800000011", "text": "你好", "gid": "g-4", **kwargs}
    assert deliver(gateway, **args).status_code == status
    assert InboundSms.objects.count() == 0 and Conversation.objects.count() == 0


def test_without_a_configured_token_the_webhook_is_off(support_world, settings):
    settings.FAIRDESK_SMS_INBOUND_TOKEN = ""
    assert deliver(Client(), sender="13800000011", text="x", gid="g-5", token="").status_code == 404
