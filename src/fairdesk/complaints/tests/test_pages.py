"""Complaint pages without JavaScript: the text first, then the phone (a real SMS code through the local
gateway), the receipt; reply, accept, dispute with the 12315 guidance and the record; the staff desk's
actions; the auditor reads only; someone else's complaint is a 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.complaints import services
from fairdesk.complaints.models import Complaint, ComplaintMessage, Status
from fairdesk.notify.models import Message
from fairdesk.notify.services import messages_dispatch_due
from fairdesk.testing.sms_gateway import LocalSmsGateway

pytestmark = pytest.mark.django_db
PHONE = "+8613800000071"


@pytest.fixture
def gateway(settings):
    with LocalSmsGateway() as gw:
        settings.FAIRDESK_SMS_BACKEND = "webhook"
        settings.FAIRDESK_SMS_WEBHOOK_URL = gw.url
        settings.FAIRDESK_QUIET_HOURS = "off"
        yield gw


@pytest.fixture
def staff():
    return {
        role: staff_create(phone=f"1390000007{n}", name=role, role=role, password="a-long-staff-password")
        for n, role in enumerate((Role.AGENT, Role.MANAGER, Role.AUDITOR), start=1)
    }


def customer_client(customer) -> Client:
    client = Client()
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
    session.save()
    return client


def staff_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


def received_code(gateway, phone: str) -> str:
    messages_dispatch_due()
    return re.search(r"\d{6}", [m for m in gateway.state.messages(phone) if m["kind"] == "otp"][-1]["body"])[
        0
    ]


def test_the_text_first_then_the_phone_then_the_receipt(gateway):
    client = Client()
    form = client.get("/complaints/new/?category=plan_change")
    page = text(form)
    assert form.status_code == 200 and 'name="phone"' not in page  # never the phone before the text
    assert page.index('value="plan_change"') < page.index('value="billing"')  # the green channel first
    assert 'value="plan_change" required checked' in page and "绿色通道" in page
    assert "4 小时内人工联系，3 个工作日内正式答复" in page

    written = {"category": "plan_change", "text": "降级后多扣了一个月 #1 & 100% 🙂\n第二行"}
    step = client.post("/complaints/new/", written)
    page = text(step)
    assert step.status_code == 200 and 'name="phone"' in page and 'name="code"' in page
    assert "降级后多扣了一个月 #1 &amp; 100% 🙂\n第二行</textarea>" in page  # kept, nothing stored yet
    assert Complaint.objects.count() == 0

    # Without JavaScript the "get code" button is a real submit: the same step comes back with all kept.
    sent = client.post("/complaints/code/", {**written, "step": "phone", "phone": "13800000071"})
    assert sent.status_code == 200 and 'data-testid="code-sent"' in text(sent)
    assert "第二行</textarea>" in text(sent) and 'value="13800000071"' in text(sent)
    code = received_code(gateway, PHONE)

    wrong = client.post("/complaints/new/", {**written, "step": "phone", "phone": "13800000071", "code": "x"})
    assert wrong.status_code == 422 and 'data-testid="complaint-error"' in text(wrong)
    assert Complaint.objects.count() == 0

    filed = client.post(
        "/complaints/new/", {**written, "step": "phone", "phone": "13800000071", "code": code}
    )
    complaint = Complaint.objects.get()
    assert (
        filed.status_code == 302
        and filed.headers["Location"] == f"/complaints/{complaint.reference}/?filed=1"
    )
    assert complaint.green_channel and complaint.text == written["text"].replace("\r", "")
    receipt = client.get(filed.headers["Location"])
    page = text(receipt)
    assert receipt.status_code == 200 and 'data-testid="complaint-receipt"' in page
    assert complaint.reference in page and 'data-testid="deadline-contact"' in page
    local = complaint.first_contact_by.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert local.strftime("%Y-%m-%d %H:%M") in page  # deadlines in local time
    assert Message.objects.filter(kind="complaint.receipt", recipient=PHONE).exists()
    messages_dispatch_due()
    sms = [m["body"] for m in gateway.state.messages(PHONE) if complaint.reference in m["body"]]
    assert sms, "the SMS receipt with the reference"

    # The session is verified now: the next complaint is filed at once.
    again = client.post("/complaints/new/", {"category": "billing", "text": "另一件事"})
    assert again.status_code == 302 and Complaint.objects.count() == 2
    mine = text(client.get("/complaints/"))
    assert mine.count('data-testid="my-complaint"') == 2


def test_bad_input_is_a_clear_4xx_and_keeps_the_text():
    client = Client()
    no_category = client.post("/complaints/new/", {"text": "写了内容"})
    assert no_category.status_code == 422 and "请选择投诉类别" in text(no_category)
    assert "写了内容</textarea>" in text(no_category)
    empty = client.post("/complaints/new/", {"category": "other", "text": "   "})
    assert empty.status_code == 422 and "请写下内容" in text(empty)
    customer = customer_get_or_create(phone="13800000072")
    signed = customer_client(customer)
    not_theirs = signed.post(
        "/complaints/new/", {"category": "other", "text": "x", "subject_type": "booking", "subject": "NOPE"}
    )
    assert not_theirs.status_code == 422 and Complaint.objects.count() == 0
    assert 'name="subject"' not in text(not_theirs)  # sent again, it is filed without the subject
    in_english = signed.post("/complaints/new/", {"text": "x"}, headers={"Accept-Language": "en"})
    assert in_english.status_code == 422


def test_reply_accept_dispute_12315_and_the_record(staff):
    customer = customer_get_or_create(phone="13800000073")
    client = customer_client(customer)
    complaint = services.complaint_file(customer=customer, category="service_quality", text="锁芯卡住")
    url = f"/complaints/{complaint.reference}/"
    services.complaint_request_info(complaint=complaint, staff=staff[Role.AGENT], text="哪一天？")
    page = text(client.get(url))
    assert "哪一天？" in page and 'data-testid="complaint-reply"' in page and "暂停计时" in page
    assert client.post(url + "reply/", {"text": "周三上午"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.IN_PROGRESS and "周三上午" in text(client.get(url))
    assert client.post(url + "accept/").status_code == 409  # not before the response

    services.complaint_respond(
        complaint=complaint, staff=staff[Role.AGENT], outcome="partly_upheld", redress_fen=5000, text="致歉"
    )
    page = text(client.get(url))
    assert 'data-testid="complaint-accept"' in page and 'data-testid="complaint-dispute"' in page
    assert "¥50.00" in page and 'data-testid="complaint-12315"' not in page
    assert client.post(url + "dispute/", {"text": "补偿太少"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Status.DISPUTED and complaint.referred_at is not None
    page = text(client.get(url))
    assert 'data-testid="complaint-12315"' in page and "www.12315.cn" in page and complaint.reference in page
    assert 'data-testid="complaint-accept"' not in page

    record = client.get(url + "record.txt")
    assert record.status_code == 200 and record["Content-Type"] == "text/plain; charset=utf-8"
    assert record["Content-Disposition"] == f'attachment; filename="complaint-{complaint.reference}.txt"'
    body = record.content.decode("utf-8")
    assert complaint.reference in body and "锁芯卡住" in body and "补偿太少" in body and "12315" in body
    assert "¥50.00" in body and body.count("\n") > 15

    english = client.get(url + "record.txt", headers={"Accept-Language": "en"})
    assert english.status_code == 200


def test_someone_elses_complaint_is_a_404_and_a_visitor_is_asked_to_sign_in():
    owner = customer_get_or_create(phone="13800000074")
    other = customer_get_or_create(phone="13800000075")
    complaint = services.complaint_file(customer=owner, category="other", text="x")
    url = f"/complaints/{complaint.reference}/"
    intruder = customer_client(other)
    assert intruder.get(url).status_code == 404
    assert intruder.get(url + "record.txt").status_code == 404
    assert intruder.post(url + "reply/", {"text": "y"}).status_code == 404
    assert ComplaintMessage.objects.count() == 0
    visitor = Client().get(url)
    assert visitor.status_code == 403 and 'name="code"' in text(visitor) and f'value="{url}"' in text(visitor)
    assert Client().get("/complaints/CNOPE234/").status_code == 403
    assert customer_client(owner).get("/complaints/CNOPE234/").status_code == 404


def test_the_desk_queue_actions_and_the_auditor_reads_only(staff):
    customer = customer_get_or_create(phone="13800000076")
    late = services.complaint_file(customer=customer, category="billing", text="多收费")
    green = services.complaint_file(customer=customer, category="plan_change", text="退款没到")
    agent = staff_client(staff[Role.AGENT])
    desk = text(agent.get("/complaints/desk/"))
    assert desk.index(green.reference) < desk.index(late.reference)  # by deadline: 4 h before 24 h

    url = f"/complaints/desk/{green.reference}/"
    page = text(agent.get(url))
    assert (
        "退款没到" in page and 'data-testid="desk-respond"' in page and 'data-testid="desk-contact"' in page
    )
    assert agent.post(url + "contact/").status_code == 302
    green.refresh_from_db()
    assert green.first_contact_at is not None and green.status == Status.IN_PROGRESS
    assert agent.post(url + "request-info/", {"text": "请提供订单号"}).status_code == 302
    green.refresh_from_db()
    assert green.status == Status.AWAITING_CUSTOMER and green.paused_since is not None

    bad = agent.post(url + "respond/", {"outcome": "upheld", "redress_yuan": "12.345", "text": "x"})
    assert bad.status_code == 422 and "最多两位小数" in text(bad)
    bad_outcome = agent.post(url + "respond/", {"outcome": "maybe", "redress_yuan": "1", "text": "x"})
    assert bad_outcome.status_code == 422
    done = agent.post(url + "respond/", {"outcome": "upheld", "redress_yuan": "12.50", "text": "已退回"})
    assert done.status_code == 302
    green.refresh_from_db()
    assert green.status == Status.RESPONDED and green.redress_fen == 1250 and green.outcome == "upheld"
    again = agent.post(url + "respond/", {"outcome": "upheld", "redress_yuan": "1", "text": "x"})
    assert again.status_code == 409

    auditor = staff_client(staff[Role.AUDITOR])
    page = text(auditor.get(f"/complaints/desk/{late.reference}/"))
    assert (
        "多收费" in page
        and "<form" not in page.split('data-testid="complaint-desk-case"')[1].split("</section>")[0]
    )
    assert 'data-testid="read-only"' in page
    assert auditor.post(f"/complaints/desk/{late.reference}/contact/").status_code == 403
    assert auditor.get(f"/complaints/{late.reference}/record.txt").status_code == 200
    late.refresh_from_db()
    assert late.first_contact_at is None

    manager = staff_client(staff[Role.MANAGER])
    assert manager.get("/complaints/desk/").status_code == 200
    assert manager.get(f"/complaints/desk/?reference={late.reference.lower()}").status_code == 302
    assert agent.get("/complaints/desk/CNOPE234/").status_code == 404
    assert Client().get("/complaints/desk/").status_code == 302  # to the staff sign-in


def test_the_hotline_console_shows_the_callers_complaints(staff):
    customer = customer_get_or_create(phone="13800000077")
    complaint = services.complaint_file(customer=customer, category="safety", text="门没锁好")
    agent = staff_client(staff[Role.AGENT])
    page = text(agent.get("/hotline/?phone=13800000077"))
    assert 'data-testid="hotline-complaints"' in page and complaint.reference in page
    assert 'href="/complaints/desk/"' in page


def test_links_to_complain_carry_the_subject():
    page = text(Client().get("/plan/"))
    assert "/complaints/new/?category=plan_change&amp;subject_type=subscription" in page
    assert 'data-testid="footer-complain"' in text(Client().get("/"))


def test_a_subscription_link_without_a_number_files_about_the_current_plan(world_plan):
    customer, subscription = world_plan
    client = customer_client(customer)
    filed = client.post(
        "/complaints/new/", {"category": "plan_change", "text": "多扣钱", "subject_type": "subscription"}
    )
    assert filed.status_code == 302
    complaint = Complaint.objects.get()
    assert (complaint.subject_type, complaint.subject_reference) == ("subscription", str(subscription.pk))
    staff_page = staff_client(
        staff_create(phone="13900000079", name="a", role=Role.AGENT, password="a-long-staff-password")
    ).get(f"/complaints/desk/{complaint.reference}/")
    page = text(staff_page)
    assert 'data-testid="complaint-subject-history"' in page and 'data-kind="subscription.created"' in page
    history = page.split('data-testid="complaint-subject-history"')[1]
    assert "amount_due_fen: ¥" in history  # money in yuan
    assert "+00:00" not in history and not re.search(r"\d{4}-\d\d-\d\dT\d\d", history)  # local times


@pytest.fixture
def world_plan(settings, payment_sandbox):
    from fairdesk.plans.demo import plans_load_demo
    from fairdesk.plans.models import Plan
    from fairdesk.plans.services import subscription_create

    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    plans_load_demo()
    customer = customer_get_or_create(phone="13800000078")
    agent = staff_create(phone="13900000078", name="x", role=Role.AGENT, password="a-long-staff-password")
    sub, _quote = subscription_create(
        customer=customer,
        plan=Plan.objects.get(code="basic"),
        period="month",
        provider="offline",
        actor=agent,
    )
    return customer, sub


def test_the_demo_complaints_are_in_several_states_and_load_once():
    from fairdesk.accounts.demo import staff_load_demo
    from fairdesk.complaints.demo import complaints_load_demo

    staff_load_demo()
    assert complaints_load_demo() == ["complaints: 6 demo complaints created, 0 already there"]
    assert complaints_load_demo() == ["complaints: 0 demo complaints created, 6 already there"]
    states = set(Complaint.objects.values_list("status", flat=True))
    assert states == {"received", "in_progress", "awaiting_customer", "responded", "disputed"}
    assert Complaint.objects.filter(green_channel=True).count() == 1
    assert Complaint.objects.filter(referred_at__isnull=False).count() == 1
