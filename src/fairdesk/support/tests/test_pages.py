"""The chat and the desk without JavaScript: every form posts and the page comes back."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from fairdesk.core import clock
from fairdesk.support.models import Conversation, Status


def staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_chat_asks_for_a_phone_first(support_world):
    page = Client().get("/support/")
    assert page.status_code == 200
    assert 'name="phone"' in page.content.decode() and 'name="code"' in page.content.decode()
    refused = Client().post("/support/send/", {"text": "你好"})
    assert refused.status_code == 403
    assert Conversation.objects.count() == 0


def test_a_customer_without_javascript_asks_gets_a_human_and_rates(support_world):
    client = support_world["client_a"]
    sent = client.post("/support/send/", {"text": "怎么改预约时间 #1 & 100% 🙂"})
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/support/")
    page = client.get("/support/").content.decode()
    assert "怎么改预约时间 #1 &amp; 100% 🙂" in page
    assert 'data-author="bot"' in page and "转人工 / talk to a human" in page
    client.post("/support/human/")
    page = client.get("/support/").content.decode()
    assert 'data-testid="queue-position"' in page and "您排在第 1 位" in page
    assert 'data-testid="no-agent"' in page and 'data-testid="callback-form"' in page

    agent = support_world["agents"][0]
    desk = staff_client(agent)
    assert f"#{Conversation.objects.get().pk}" in desk.get("/support/desk/").content.decode()
    taken = desk.post("/support/desk/next/")
    conversation = Conversation.objects.get()
    assert taken.status_code == 302 and taken.headers["Location"] == f"/support/desk/{conversation.pk}/"
    conv_page = desk.get(f"/support/desk/{conversation.pk}/").content.decode()
    assert "怎么改预约时间" in conv_page and 'data-testid="caller"' in conv_page  # transcript and the caller
    desk.post(f"/support/desk/{conversation.pk}/reply/", {"text": "您好，我来帮您。"})
    assert "您好，我来帮您。" in client.get("/support/").content.decode()
    desk.post(f"/support/desk/{conversation.pk}/close/", {"resolution": "changed", "note": "改到周五"})
    conversation.refresh_from_db()
    assert conversation.status == Status.CLOSED and conversation.resolution == "changed"
    page = client.get("/support/").content.decode()
    assert 'data-testid="rate-5"' in page
    client.post("/support/rate/", {"conversation": conversation.pk, "score": "4"})
    conversation.refresh_from_db()
    assert conversation.rating == 4


def test_htmx_gets_the_chat_fragment(support_world):
    client = support_world["client_a"]
    fragment = client.post("/support/send/", {"text": "发票"}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.content.decode()
    assert body.lstrip().startswith("<section") and "<html" not in body
    log = client.get("/support/?part=log").content.decode()
    assert 'data-testid="messages"' in log


def test_a_callback_at_a_chosen_time(support_world):
    client = support_world["client_a"]
    at = clock.local(clock.now() + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/support/callback/", {"at": at})
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.status == Status.WAITING_HUMAN and conversation.human_how == "callback"
    assert abs((conversation.callback_at - (clock.now() + dt.timedelta(hours=3))).total_seconds()) < 120
    for bad in ("", "tomorrow", "2020-01-01T10:00", "9999-99-99T99:99"):
        assert client.post("/support/callback/", {"at": bad}).status_code == 422


def test_always_human_button(support_world):
    client = support_world["client_a"]
    client.post("/support/always-human/", {"on": "1"})
    client.post("/support/send/", {"text": "怎么改预约时间"})
    conversation = Conversation.objects.get()
    assert conversation.status == Status.WAITING_HUMAN and conversation.human_how == "always_human"
    assert "已选择“总是人工”" in client.get("/support/").content.decode()


def test_transfer_note_is_for_agents_only(support_world):
    client = support_world["client_a"]
    client.post("/support/send/", {"text": "转人工"})
    first, second = support_world["agents"]
    desk = staff_client(first)
    desk.post("/support/desk/next/")
    conversation = Conversation.objects.get()
    desk.post(
        f"/support/desk/{conversation.pk}/transfer/", {"to": str(second.pk), "note": "客户要退款，已核实身份"}
    )
    conversation.refresh_from_db()
    assert conversation.assigned_to_id == second.pk
    assert "客户要退款，已核实身份" not in client.get("/support/").content.decode()
    assert (
        "客户要退款，已核实身份"
        in staff_client(second).get(f"/support/desk/{conversation.pk}/").content.decode()
    )
    # the first agent may no longer reply
    refused = desk.post(f"/support/desk/{conversation.pk}/reply/", {"text": "x"})
    assert refused.status_code == 409


def test_the_hotline_console_opens_a_written_conversation_for_the_caller(support_world):
    agent = support_world["agents"][0]
    console = staff_client(agent)
    page = console.get("/hotline/?phone=13800000055").content.decode()
    assert 'data-testid="hotline-support"' in page and 'data-testid="open-for-caller"' in page
    opened = console.post(
        "/support/desk/open/", {"phone": "13800000055", "text": "您好，刚才电话里说的链接发给您。"}
    )
    conversation = Conversation.objects.get()
    assert opened.headers["Location"] == f"/support/desk/{conversation.pk}/"
    assert conversation.status == Status.WITH_AGENT and conversation.assigned_to_id == agent.pk
    assert conversation.first_human_reply_at is not None
    assert console.post("/support/desk/open/", {"phone": "not a phone"}).status_code == 422


def test_the_auditor_reads_the_desk_but_cannot_take(support_world):
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import staff_create

    auditor = staff_create(
        phone="13900000099", name="审计", role=Role.AUDITOR, password="a-long-staff-password"
    )
    client = staff_client(auditor)
    assert client.get("/support/desk/").status_code == 200
    assert client.post("/support/desk/next/").status_code == 403
