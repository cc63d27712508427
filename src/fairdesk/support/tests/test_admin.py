"""The support back office: managers edit the bot's answers (audited, used by the next reply), conversations
are read-only with their messages, the auditor only reads, times are local."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.core.models import Event
from fairdesk.support import bot
from fairdesk.support.models import AgentDuty, Author, BotAnswer, Conversation, Message

pytestmark = pytest.mark.django_db
NOON_SHANGHAI = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)
PASSWORD = "a-long-staff-password"


@pytest.fixture
def people():
    manager = staff_create(phone="13900000001", name="经理", role="manager", password=PASSWORD)
    manager.is_superuser = True  # as the demo's manager: the back office's add/change come with the account
    manager.save(update_fields=["is_superuser"])
    auditor = staff_create(phone="13900000005", name="审计", role="auditor", password=PASSWORD)
    agent = staff_create(phone="13900000002", name="客服", role="agent", password=PASSWORD)
    customer = customer_get_or_create(phone="13800000001", name="A")
    return {"manager": manager, "auditor": auditor, "agent": agent, "customer": customer}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _conversation(people) -> Conversation:
    conversation = Conversation.objects.create(
        customer=people["customer"],
        created_at=NOON_SHANGHAI,
        human_requested_at=NOON_SHANGHAI + dt.timedelta(minutes=1),
        status="with_agent",
        assigned_to=people["agent"],
    )
    Message.objects.create(
        conversation=conversation, author=Author.CUSTOMER, text="怎么改约", at=NOON_SHANGHAI
    )
    Message.objects.create(
        conversation=conversation,
        author=Author.BOT,
        text="在“我的预约”里改约",
        links=["reschedule"],
        at=NOON_SHANGHAI,
    )
    return conversation


def test_a_manager_adds_an_answer_and_the_bot_uses_it(people):
    client = _client(people["manager"])
    response = client.post(
        "/admin/support/botanswer/add/",
        {
            "questions": "  怎么开发票\n\n能开发票吗  ",
            "answer": "发票请转人工",
            "answer_en": "Ask a person for an invoice",
            "links": '["my_plan"]',
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = BotAnswer.objects.get()
    assert row.questions == "怎么开发票\n能开发票吗"
    assert Event.objects.filter(kind="admin.created", subject_id=str(row.pk)).exists()
    reply = bot.bot_reply("我要开发票", language="en")
    assert (reply.answer_id, reply.text, reply.links) == (row.pk, "Ask a person for an invoice", ("my_plan",))

    listing = client.get("/admin/support/botanswer/").content.decode()
    assert "怎么开发票" in listing


def test_unknown_link_codes_and_empty_questions_are_refused(people):
    client = _client(people["manager"])
    form = {
        "questions": "怎么改约",
        "answer": "x",
        "answer_en": "",
        "links": '["book", "wallet"]',
        "active": "on",
    }
    response = client.post("/admin/support/botanswer/add/", form)
    assert response.status_code == 200
    assert "未知的链接代码：wallet" in response.content.decode()
    response = client.post("/admin/support/botanswer/add/", {**form, "questions": " \n ", "links": "[]"})
    assert response.status_code == 200
    assert not BotAnswer.objects.exists()


def test_conversations_are_read_only_with_their_messages_in_local_time(people, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    conversation = _conversation(people)
    client = _client(people["manager"])
    listing = client.get("/admin/support/conversation/").content.decode()
    assert "12:00" in listing and "04:00" not in listing
    assert "/admin/support/conversation/add/" not in listing
    page = client.get(f"/admin/support/conversation/{conversation.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "怎么改约" in text and "在“我的预约”里改约" in text
    assert 'name="_save"' not in text
    assert (
        client.post(f"/admin/support/conversation/{conversation.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert Conversation.objects.filter(pk=conversation.pk).exists()


def test_the_auditor_reads_every_support_model_and_changes_nothing(people):
    conversation = _conversation(people)
    answer = BotAnswer.objects.create(questions="怎么改约", answer="改约答案")
    duty = AgentDuty.objects.create(agent=people["agent"], on_duty=True)
    client = _client(people["auditor"])
    for model in ("botanswer", "conversation", "supportpreference", "agentduty"):
        assert client.get(f"/admin/support/{model}/").status_code == 200, model
        assert client.get(f"/admin/support/{model}/add/").status_code == 403, model
    assert client.get(f"/admin/support/conversation/{conversation.pk}/change/").status_code == 200
    response = client.post(
        f"/admin/support/botanswer/{answer.pk}/change/",
        {"questions": "改了", "answer": "改了", "answer_en": "", "links": "[]", "active": "on"},
    )
    assert response.status_code == 403
    answer.refresh_from_db()
    assert answer.answer == "改约答案"
    assert client.post(f"/admin/support/agentduty/{duty.pk}/delete/", {"post": "yes"}).status_code == 403


def test_a_manager_puts_an_agent_on_duty(people):
    client = _client(people["manager"])
    response = client.post(
        "/admin/support/agentduty/add/", {"agent": people["agent"].pk, "on_duty": "on", "capacity": "2"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    duty = AgentDuty.objects.get()
    assert duty.on_duty and duty.capacity == 2
    # Only hotline staff can be on support duty.
    response = client.post(
        "/admin/support/agentduty/add/", {"agent": people["auditor"].pk, "on_duty": "on", "capacity": "2"}
    )
    assert response.status_code == 200 and AgentDuty.objects.count() == 1
