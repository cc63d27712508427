"""The support API end to end on the test client: bot answers, the human tap, the queue, the agent's side."""

from __future__ import annotations

import pytest

from fairdesk.core.models import Event
from fairdesk.support.models import Conversation, Message, Status
from fairdesk.support.tests.conftest import agent_post, post

API = "/api/v1/support"


def start(world, text="怎么改预约时间", who="a"):
    response = post(world[f"client_{who}"], f"{API}/conversations", {"message": text})
    assert response.status_code == 201, response.content
    return response.json()


def test_bot_answers_and_the_shape_is_the_documented_one(support_world):
    body = start(support_world)
    assert set(body) >= {"id", "status", "human_requested", "queue_position", "messages"}
    assert body["status"] == "bot" and body["human_requested"] is False and body["queue_position"] is None
    authors = [m["author"] for m in body["messages"]]
    assert authors == ["customer", "bot"]
    assert set(body["messages"][0]) >= {"id", "author", "text", "at"}
    bot = body["messages"][1]
    assert {link["code"] for link in bot["links"]} & {"reschedule", "cancel"}, bot
    kinds = list(Event.objects.filter(subject_id=str(body["id"])).values_list("kind", flat=True))
    assert "support.bot_answered" in kinds and "support.opened" in kinds


def test_talk_to_a_human_then_the_bot_says_nothing_more(support_world):
    conv = start(support_world)
    response = post(support_world["client_a"], f"{API}/conversations/{conv['id']}/human")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "waiting_human" and body["human_requested"] and body["queue_position"] == 1
    bot_before = Message.objects.filter(conversation_id=conv["id"], author="bot").count()
    for text in ("怎么改预约时间", "退款", "hello?"):
        response = post(
            support_world["client_a"], f"{API}/conversations/{conv['id']}/messages", {"text": text}
        )
        assert response.status_code == 201
    assert Message.objects.filter(conversation_id=conv["id"], author="bot").count() == bot_before
    how = Event.objects.get(kind="support.human_requested", subject_id=str(conv["id"])).payload["how"]
    assert how == "button"


@pytest.mark.parametrize("text", ["转人工", "人工", "我要找客服", "human please", "agent"])
def test_typing_for_a_human_does_the_same(support_world, text):
    conv = start(support_world, text=text)
    assert conv["status"] == "waiting_human"
    assert not [m for m in conv["messages"] if m["author"] == "bot"]
    how = Event.objects.get(kind="support.human_requested", subject_id=str(conv["id"])).payload["how"]
    assert how == "keyword"


def test_someone_elses_conversation_is_not_found(support_world):
    conv = start(support_world)
    client_b = support_world["client_b"]
    assert client_b.get(f"{API}/conversations/{conv['id']}").status_code == 404
    assert post(client_b, f"{API}/conversations/{conv['id']}/messages", {"text": "hi"}).status_code == 404
    assert post(client_b, f"{API}/conversations/{conv['id']}/human").status_code == 404


def test_agent_takes_next_replies_closes_and_the_customer_rates(support_world):
    conv = start(support_world, text="转人工")
    assert agent_post(support_world, 0, f"{API}/queue/next").status_code == 200
    response = agent_post(
        support_world, 0, f"{API}/conversations/{conv['id']}/reply", {"text": "您好，我来帮您"}
    )
    assert response.status_code == 201
    seen = support_world["client_a"].get(f"{API}/conversations/{conv['id']}").json()
    assert seen["status"] == "with_agent"
    assert [m["text"] for m in seen["messages"] if m["author"] == "agent"] == ["您好，我来帮您"]
    # the other agent is not the assigned one
    other = agent_post(support_world, 1, f"{API}/conversations/{conv['id']}/reply", {"text": "x"})
    assert other.status_code == 409
    closed = agent_post(
        support_world, 0, f"{API}/conversations/{conv['id']}/close", {"resolution": "answered"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    rated = post(support_world["client_a"], f"{API}/conversations/{conv['id']}/rating", {"score": 5})
    assert rated.status_code == 200 and rated.json()["rating"] == 5
    again = post(support_world["client_a"], f"{API}/conversations/{conv['id']}/rating", {"score": 4})
    assert again.status_code == 409
    bad = post(support_world["client_a"], f"{API}/conversations/{conv['id']}/rating", {"score": 9})
    assert bad.status_code == 422
    kinds = set(Event.objects.filter(subject_id=str(conv["id"])).values_list("kind", flat=True))
    assert {
        "support.human_requested",
        "support.assigned",
        "support.first_human_reply",
        "support.closed",
        "support.rated",
    } <= kinds
    first = Event.objects.get(kind="support.first_human_reply", subject_id=str(conv["id"])).payload
    assert first["wait_seconds"] >= 0 and first["how"] == "keyword"


def test_take_next_with_nobody_waiting_is_204(support_world):
    assert agent_post(support_world, 0, f"{API}/queue/next").status_code == 204


def test_queue_lists_in_order_and_customers_cannot_read_it(support_world):
    first = start(support_world, text="转人工", who="a")
    second = start(support_world, text="转人工", who="b")
    queue = _anon_get(support_world, f"{API}/queue")
    assert [row["conversation_id"] for row in queue] == [first["id"], second["id"]]
    assert [row["position"] for row in queue] == [1, 2]
    assert set(queue[0]) >= {"conversation_id", "waiting_since", "position", "safety_class"}
    assert support_world["client_a"].get(f"{API}/queue").status_code in (401, 403)


def _anon_get(world, url):
    from django.test import Client

    return Client().get(url, headers={"Authorization": f"Bearer {world['tokens'][0]}"}).json()


def test_safety_first_then_first_come(support_world):
    general = start(support_world, text="转人工", who="a")
    locked_out = start(support_world, text="我被锁在门外了，转人工", who="b")
    queue = _anon_get(support_world, f"{API}/queue")
    assert [row["conversation_id"] for row in queue] == [locked_out["id"], general["id"]]
    assert queue[0]["safety_class"] == 1


def test_an_agent_on_duty_gets_the_oldest_waiting_when_they_free_up(
    support_world, django_capture_on_commit_callbacks
):
    from fairdesk.support import services

    agent = support_world["agents"][0]
    services.duty_set(agent=agent, on_duty=True, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = start(support_world, text="转人工", who="a")
    with django_capture_on_commit_callbacks(execute=True):
        second = start(support_world, text="转人工", who="b")
    assert Conversation.objects.get(pk=first["id"]).assigned_to_id == agent.pk  # at once: the agent had room
    assert Conversation.objects.get(pk=second["id"]).status == Status.WAITING_HUMAN
    with django_capture_on_commit_callbacks(execute=True):
        agent_post(support_world, 0, f"{API}/conversations/{first['id']}/close", {"resolution": "answered"})
    second_row = Conversation.objects.get(pk=second["id"])
    assert second_row.status == Status.WITH_AGENT and second_row.assigned_to_id == agent.pk


def test_always_human_skips_the_bot(support_world):
    response = post(support_world["client_a"], f"{API}/preferences", {"always_human": True})
    assert response.status_code == 200 and response.json() == {"always_human": True}
    conv = start(support_world, text="怎么改预约时间")
    assert conv["status"] == "waiting_human"
    assert not [m for m in conv["messages"] if m["author"] == "bot"]
    assert Event.objects.get(kind="support.human_requested", subject_id=str(conv["id"])).payload["how"] == (
        "always_human"
    )


def test_idempotency_key_replays_the_first_answer(support_world):
    client = support_world["client_a"]
    one = post(client, f"{API}/conversations", {"message": "发票"}, **{"Idempotency-Key": "k-1"})
    two = post(client, f"{API}/conversations", {"message": "发票"}, **{"Idempotency-Key": "k-1"})
    assert one.status_code == two.status_code == 201
    assert one.json() == two.json()
    assert Message.objects.filter(author="customer").count() == 1


@pytest.mark.parametrize(
    "body",
    [{}, {"message": ""}, {"message": "   "}, {"message": "x" * 2001}, {"message": 5}, {"message": None}],
)
def test_bad_input_is_a_clear_4xx(support_world, body):
    response = post(support_world["client_a"], f"{API}/conversations", body)
    assert 400 <= response.status_code < 500
    assert {"code", "message"} <= set(response.json())
    assert Conversation.objects.count() == 0


def test_agent_acts_for_a_caller_with_customer_phone(support_world):
    response = agent_post(
        support_world, 0, f"{API}/conversations", {"message": "怎么退款", "customer_phone": "13800000099"}
    )
    assert response.status_code == 201
    assert Conversation.objects.get(pk=response.json()["id"]).customer.phone.endswith("13800000099")
    no_phone = agent_post(support_world, 0, f"{API}/conversations", {"message": "怎么退款"})
    assert no_phone.status_code == 422


def test_callback_joins_the_same_queue_at_its_time(support_world):
    import datetime as dt

    from fairdesk.core import clock

    conv = start(support_world)
    at = clock.now() + dt.timedelta(hours=2)
    response = post(
        support_world["client_a"], f"{API}/conversations/{conv['id']}/human", {"callback_at": at.isoformat()}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "waiting_human" and body["queue_position"] is None and body["callback_at"]
    assert _anon_get(support_world, f"{API}/queue") == []  # not before its time
    too_late = post(
        support_world["client_b"],
        f"{API}/conversations/{start(support_world, who='b')['id']}/human",
        {"callback_at": (clock.now() + dt.timedelta(days=30)).isoformat()},
    )
    assert too_late.status_code == 422


def test_assignment_is_even_across_agents_on_duty(support_world, django_capture_on_commit_callbacks):
    """Chatwoot #11034: uneven assignment. Three agents with equal room get three conversations each."""
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import customer_get_or_create, staff_create
    from fairdesk.support import services

    agents = support_world["agents"] + [
        staff_create(phone="13900000019", name="agent3", role=Role.AGENT, password="a-long-staff-password")
    ]
    for agent in agents:
        services.duty_set(agent=agent, on_duty=True, capacity=5)
    for n in range(9):
        customer = customer_get_or_create(phone=f"138000003{n:02d}")
        with django_capture_on_commit_callbacks(execute=True):
            services.conversation_start(customer=customer, text="转人工")
    counts = sorted(Conversation.objects.filter(assigned_to=a).count() for a in agents)
    assert counts == [3, 3, 3]
