"""The complaints API and its use cases: receipt and deadlines, the pause rule, the escalation ladder with a
frozen clock, the 12315 referral, records that are never edited, and the regulator export's determinism and
access rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.complaints import export, services
from fairdesk.complaints.models import Complaint
from fairdesk.core.models import Event
from fairdesk.notify.models import Message

API = "/api/v1/complaints"
pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    a = customer_get_or_create(phone="13800000021", name="A")
    b = customer_get_or_create(phone="13800000022", name="B")
    agent = staff_create(phone="13900000021", name="agent", role=Role.AGENT, password="a-long-staff-password")
    manager = staff_create(
        phone="13900000022", name="lead", role=Role.MANAGER, password="a-long-staff-password"
    )
    auditor = staff_create(
        phone="13900000023", name="aud", role=Role.AUDITOR, password="a-long-staff-password"
    )

    def customer_client(customer):
        client = Client()
        session = client.session
        session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
        session.save()
        return client

    def token(user):
        return {"Authorization": f"Bearer {api_token_create(user=user)}"}

    return {
        "a": a,
        "b": b,
        "agent": agent,
        "manager": manager,
        "auditor": auditor,
        "client_a": customer_client(a),
        "client_b": customer_client(b),
        "agent_h": token(agent),
        "manager_h": token(manager),
        "auditor_h": token(auditor),
    }


def post(client, url, body=None, headers=None):
    return client.post(url, body or {}, content_type="application/json", headers=headers or {})


def file(people, category="plan_change", text="降级后没有退差价 #1 & 100% 🙂", who="client_a"):
    response = post(people[who], API, {"category": category, "text": text})
    assert response.status_code == 201, response.content
    return response.json()


def test_filing_gives_the_reference_and_the_deadlines_and_an_sms_receipt(people):
    body = file(people)
    assert set(body) >= {
        "id",
        "reference",
        "status",
        "category",
        "green_channel",
        "received_at",
        "deadlines",
        "escalation_level",
        "rule_version",
    }
    assert body["green_channel"] is True and body["status"] == "received" and body["escalation_level"] == 0
    assert set(body["deadlines"]) == {"first_contact_by", "final_response_by", "hard_limit_by"}
    received = dt.datetime.fromisoformat(body["received_at"])
    first = dt.datetime.fromisoformat(body["deadlines"]["first_contact_by"])
    assert first - received == dt.timedelta(hours=4)
    receipt = Message.objects.get(kind="complaint.receipt", channel="sms")
    assert body["reference"] in receipt.body and receipt.recipient == "+8613800000021"
    assert receipt.urgent  # no quiet hours: within 60 s
    other = file(people, category="service_quality", who="client_b")
    assert other["green_channel"] is False
    received = dt.datetime.fromisoformat(other["received_at"])
    assert dt.datetime.fromisoformat(other["deadlines"]["first_contact_by"]) - received == dt.timedelta(
        hours=24
    )
    final = dt.datetime.fromisoformat(other["deadlines"]["final_response_by"])
    assert final - received == dt.timedelta(days=15)


def test_someone_elses_complaint_is_not_found(people):
    ref = file(people)["reference"]
    assert people["client_b"].get(f"{API}/{ref}").status_code == 404
    assert post(people["client_b"], f"{API}/{ref}/reply", {"text": "x"}).status_code == 404
    assert people["client_a"].get(f"{API}/{ref}").status_code == 200


def test_a_subject_must_be_the_customers_own(people):
    from fairdesk.support.services import conversation_start

    mine = conversation_start(customer=people["a"], text="发票")
    theirs = conversation_start(customer=people["b"], text="发票")
    ok = post(
        people["client_a"],
        API,
        {
            "category": "other",
            "text": "客服没回",
            "subject": {"type": "conversation", "reference": str(mine.pk)},
        },
    )
    assert ok.status_code == 201 and ok.json()["subject"] == {
        "type": "conversation",
        "reference": str(mine.pk),
    }
    refused = post(
        people["client_a"],
        API,
        {"category": "other", "text": "x", "subject": {"type": "conversation", "reference": str(theirs.pk)}},
    )
    assert refused.status_code == 422 and refused.json()["code"] == "subject_not_found"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"category": "nope", "text": "x"},
        {"category": "billing", "text": "   "},
        {"category": "billing", "text": "x" * 4001},
        {"category": "billing", "text": "x", "subject": {"type": "ship", "reference": "1"}},
    ],
)
def test_bad_input_is_a_4xx_and_stores_nothing(people, body):
    response = post(people["client_a"], API, body)
    assert 400 <= response.status_code < 500 and {"code", "message"} <= set(response.json())
    assert Complaint.objects.count() == 0


def test_the_final_clock_pauses_only_while_waiting_for_the_customer(people, settings):
    ref = file(people, category="billing")["reference"]
    complaint = Complaint.objects.get(reference=ref)
    before = complaint.final_response_by
    asked = post(Client(), f"{API}/{ref}/request-info", {"text": "请提供付款截图"}, people["agent_h"])
    assert asked.status_code == 200 and asked.json()["status"] == "awaiting_customer"
    complaint.refresh_from_db()
    assert complaint.first_contact_at is not None  # asking is a contact; that clock never pauses
    # 2 hours pass while the business waits
    complaint.paused_since -= dt.timedelta(hours=2)
    Complaint.objects.filter(pk=complaint.pk).update(paused_since=complaint.paused_since)
    replied = post(people["client_a"], f"{API}/{ref}/reply", {"text": "截图在这里"})
    assert replied.status_code == 200 and replied.json()["status"] == "in_progress"
    complaint.refresh_from_db()
    assert 7190 <= complaint.paused_seconds <= 7300
    assert complaint.final_response_by - before == dt.timedelta(seconds=complaint.paused_seconds)
    kinds = list(Event.objects.filter(subject_id=str(complaint.pk)).values_list("kind", flat=True))
    assert "complaint.info_requested" in kinds and "complaint.customer_replied" in kinds
    pause = Event.objects.get(kind="complaint.info_requested", subject_id=str(complaint.pk)).payload
    assert pause["rule"].endswith("pause.awaiting_customer") and pause["reason"]


def test_respond_then_accept_or_dispute(people):
    ref = file(people)["reference"]
    assert post(Client(), f"{API}/{ref}/contact", {}, people["agent_h"]).status_code == 200
    responded = post(
        Client(),
        f"{API}/{ref}/respond",
        {"outcome": "partly_upheld", "redress_fen": 2500, "text": "退 25 元"},
        people["agent_h"],
    )
    assert responded.status_code == 200 and responded.json()["outcome"] == "partly_upheld"
    assert (
        post(
            Client(), f"{API}/{ref}/respond", {"outcome": "upheld", "text": "x"}, people["agent_h"]
        ).status_code
        == 409
    )
    disputed = post(people["client_a"], f"{API}/{ref}/dispute", {"text": "只退了一部分"})
    assert disputed.status_code == 200 and disputed.json()["status"] == "disputed"
    referred = Event.objects.get(kind="complaint.referred")
    assert referred.payload == {"route": "12315", "reason": "disputed"}
    assert "12315" in Message.objects.filter(kind="complaint.referred").first().body
    other = file(people, who="client_b")["reference"]
    post(
        Client(), f"{API}/{other}/respond", {"outcome": "not_upheld", "text": "按规则处理"}, people["agent_h"]
    )
    assert post(people["client_b"], f"{API}/{other}/accept", {}).json()["status"] == "accepted"


def test_staff_only_actions_and_the_auditor_changes_nothing(people):
    ref = file(people)["reference"]
    assert (
        post(people["client_a"], f"{API}/{ref}/respond", {"outcome": "upheld", "text": "x"}).status_code
        == 403
    )
    assert post(Client(), f"{API}/{ref}/contact", {}, people["auditor_h"]).status_code == 403
    assert Client().get(f"{API}/{ref}", headers=people["auditor_h"]).status_code == 200


def test_the_escalation_ladder_with_a_frozen_clock(people):
    complaint = services.complaint_file(customer=people["a"], category="plan_change", text="退款没到")
    t0 = complaint.received_at
    assert services.complaints_escalate(now=t0 + dt.timedelta(hours=1)) == 0
    # half of the 4 hours: the team lead is alerted (level 1), once
    assert services.complaints_escalate(now=t0 + dt.timedelta(hours=2, seconds=1)) == 1
    assert services.complaints_escalate(now=t0 + dt.timedelta(hours=2, minutes=5)) == 0
    complaint.refresh_from_db()
    assert complaint.escalation_level == 1
    assert Message.objects.filter(kind="complaint.escalated", recipient="+8613900000022").exists()
    # the first-contact deadline missed: level 2, untimely
    services.complaints_escalate(now=t0 + dt.timedelta(hours=4, seconds=1))
    complaint.refresh_from_db()
    assert complaint.escalation_level == 2 and "missed_first_contact" in complaint.alerts
    # the final response missed too: the customer is told about 12315
    services.complaints_escalate(now=complaint.final_response_by + dt.timedelta(seconds=1))
    complaint.refresh_from_db()
    assert "missed_final" in complaint.alerts and complaint.referred_at is not None
    reasons = [
        e.payload["reason"] for e in Event.objects.filter(kind="complaint.escalated").order_by("at", "id")
    ]
    assert reasons[:2] == ["half_first_contact", "missed_first_contact"] and "missed_final" in reasons
    row = export.row(complaint)
    assert row["timely_first_contact"] is False and row["timely_final"] is False
    # the hard limit
    services.complaints_escalate(now=complaint.hard_limit_by + dt.timedelta(seconds=1))
    complaint.refresh_from_db()
    assert complaint.escalation_level == 3


def test_a_paused_complaint_does_not_escalate_on_the_final_clock(people):
    complaint = services.complaint_file(customer=people["a"], category="billing", text="多收了钱")
    services.complaint_request_info(complaint=complaint, staff=people["agent"], text="哪一笔？")
    complaint.refresh_from_db()
    services.complaints_escalate(now=complaint.received_at + dt.timedelta(days=14))
    complaint.refresh_from_db()
    assert "half_final" not in complaint.alerts and "missed_final" not in complaint.alerts


def test_a_complaint_is_never_edited_or_deleted(people):
    complaint = services.complaint_file(customer=people["a"], category="billing", text="多收了钱")
    complaint.text = "改过的内容"
    with pytest.raises(ValidationError):
        complaint.save()
    with pytest.raises(ValidationError):
        Complaint.objects.get(pk=complaint.pk).delete()
    assert Complaint.objects.get(pk=complaint.pk).text == "多收了钱"


def _export(headers, fmt="csv", frm="2020-01-01", to="2030-12-31"):
    return Client().get(f"{API}/export?from={frm}&to={to}&format={fmt}", headers=headers)


def test_the_export_is_byte_identical_and_carries_its_hash(people, capsysbinary):
    for who, cat in (("client_a", "plan_change"), ("client_b", "billing"), ("client_a", "safety")):
        file(people, category=cat, who=who)
    first = _export(people["auditor_h"])
    second = _export(people["manager_h"])
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["X-Content-SHA256"] == hashlib.sha256(first.content).hexdigest()
    lines = first.content.decode().splitlines()
    assert lines[0] == ",".join(export.COLUMNS) and len(lines) == 4
    assert "13800000021" not in first.content.decode() and "A" not in lines[1].split(",")
    as_json = json.loads(_export(people["auditor_h"], fmt="json").content)
    assert [list(row) for row in as_json] == [list(export.COLUMNS)] * 3
    capsysbinary.readouterr()
    call_command("complaints_export", "--from", "2020-01-01", "--to", "2030-12-31", "--format", "csv")
    assert capsysbinary.readouterr().out == first.content


def test_export_access_and_bad_ranges(people):
    file(people)
    assert _export(people["agent_h"]).status_code == 403
    assert people["client_a"].get(f"{API}/export?from=2020-01-01&to=2030-12-31").status_code in (403, 404)
    assert _export(people["auditor_h"], frm="2030-01-01", to="2020-01-01").status_code == 422
    assert _export(people["auditor_h"], fmt="xml").status_code == 422
    assert _export(people["auditor_h"], frm="not-a-date").status_code == 422


def test_an_agent_recording_a_callers_acceptance_is_the_actor(people):
    ref = file(people)["reference"]
    post(
        Client(),
        f"{API}/{ref}/respond",
        {"outcome": "upheld", "redress_fen": 0, "text": "已处理"},
        people["agent_h"],
    )
    accepted = post(Client(), f"{API}/{ref}/accept", {"customer_phone": "13800000021"}, people["agent_h"])
    assert accepted.status_code == 200
    event = Event.objects.get(kind="complaint.accepted")
    assert event.actor_id == people["agent"].pk


def test_a_pause_never_carries_the_final_response_past_the_hard_limit(people):
    complaint = services.complaint_file(customer=people["a"], category="billing", text="多收了钱")
    Complaint.objects.filter(pk=complaint.pk).update(paused_seconds=400 * 24 * 3600)
    complaint.refresh_from_db()
    assert complaint.final_response_by == complaint.hard_limit_by
    assert export.row(complaint)["timely_final"] is None
