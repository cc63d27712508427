"""In Chromium on a phone: from "My plan", one tap on 投诉, the text, then the phone and its SMS code (read
from the local gateway the live server really sends to); the receipt shows the reference and the deadlines,
and the SMS receipt arrives; an agent opens the caller on the hotline console, then the case on the
complaints desk, and responds; the customer's page shows the response and accepting it is one tap. The same
in English with JavaScript off (the "get code" button is then a real submit).

Set FAIRDESK_SCREENSHOTS=<dir> to keep a screenshot of every page on the way."""

import os
import re
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
AGENT, PASSWORD = "+8613900000002", "fairdesk-demo-2026"


def shot(page, name: str) -> None:
    folder = os.environ.get("FAIRDESK_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def sms(gateway, phone: str, pattern: str, after: int = 0) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = [m["body"] for m in gateway.state.messages(phone) if re.search(pattern, m["body"])]
        if len(found) > after:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no SMS matching {pattern!r} for {phone}: {gateway.state.messages(phone)}")


def otp(gateway, phone: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in gateway.state.messages(phone) if m["kind"] == "otp"]
        if found:
            return re.search(r"\d{6}", found[-1]["body"])[0]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone}")


def subscribe(page, live_site, phone: str) -> int:
    """The customer already has a plan (an agent sold it at the counter, through the API)."""
    token = live_site.manage("create_api_token", "--role", "agent").stdout.strip()
    response = page.request.post(
        live_site.url + "/api/v1/subscriptions",
        data={"plan": "standard", "period": "month", "provider": "offline", "customer_phone": phone},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status == 201, response.text()
    return response.json()["subscription"]["id"]


def agent_page(browser, base: str, next_url: str):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/staff/login/?next=" + next_url)
    page.locator("#id_username").fill(AGENT)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    return context, page


def test_a_plan_complaint_from_my_plan_answered_from_the_console(browser, phone_page, live_site, sms_gateway):
    page, phone = phone_page, "+8613755556666"
    subscription_id = subscribe(page, live_site, phone)

    page.goto(live_site.url + "/plan/")
    shot(page, "zh-01-my-plan")
    page.get_by_test_id("plan-complain").get_by_role("link", name="投诉").click()  # one tap
    assert page.locator("input[value=plan_change]").is_checked()  # the green channel, chosen already
    assert page.get_by_label("手机号").count() == 0  # the text first, never the phone before
    shot(page, "zh-02-new")
    page.get_by_label("发生了什么？您希望我们怎么处理？").fill("降级以后又扣了一个月全价，请退回。")
    page.get_by_test_id("complaint-submit").click()
    page.get_by_test_id("complaint-phone-step").wait_for()
    page.get_by_label("手机号").fill("137 5555 6666")
    page.get_by_test_id("send-code").click()
    page.get_by_test_id("code-sent").wait_for()
    shot(page, "zh-03-phone-step")
    page.get_by_label("短信验证码").fill(otp(sms_gateway, phone))
    page.get_by_test_id("complaint-confirm").click()

    page.get_by_test_id("complaint-receipt").wait_for()
    shot(page, "zh-04-receipt")
    reference = page.get_by_test_id("complaint-reference").inner_text()
    assert re.fullmatch(r"C[A-Z2-9]{7}", reference)
    assert page.get_by_test_id("complaint-green").count() == 1
    assert page.get_by_test_id("complaint-about").inner_text() == f"套餐 {subscription_id}"
    for deadline in ("deadline-contact", "deadline-final", "deadline-hard"):
        assert re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d", page.get_by_test_id(deadline).inner_text())
    contact_by = page.get_by_test_id("deadline-contact").inner_text()[:16]
    receipt = sms(sms_gateway, phone, reference)
    assert contact_by in receipt  # the SMS carries the same deadline, in local time

    context, desk = agent_page(browser, live_site.url, "/hotline/%3Fphone%3D13755556666")
    try:
        desk.get_by_test_id("hotline-complaints").wait_for()
        shot(desk, "zh-05-console")
        desk.get_by_test_id("caller-complaint").filter(has_text=reference).click()
        desk.get_by_test_id("complaint-desk-case").wait_for()
        assert "降级以后又扣了一个月全价" in desk.get_by_test_id("complaint-text").inner_text()
        assert desk.get_by_test_id("complaint-subject-history").locator("li").count() >= 1
        desk.get_by_label("正式答复：处理结果").select_option("upheld")
        desk.get_by_label("补偿金额（元，没有填 0）").fill("25.50")
        desk.get_by_label("答复内容（客户会看到）").fill("已核实，差价和补偿已退回您的原支付方式。")
        shot(desk, "zh-06-desk-case")
        desk.get_by_test_id("desk-respond").click()
        assert desk.get_by_test_id("complaint-status").inner_text().startswith("已答复")
        desk.get_by_role("link", name="投诉处理台").first.click()
        shot(desk, "zh-07-desk")
    finally:
        context.close()

    page.reload()
    assert page.get_by_test_id("complaint-status").inner_text().startswith("已答复")
    assert "¥25.50" in page.get_by_test_id("complaint-outcome").inner_text()
    assert "差价和补偿已退回" in page.get_by_test_id("complaint-timeline").inner_text()
    shot(page, "zh-08-responded")
    sms(sms_gateway, phone, f"{reference} 已正式答复")
    page.get_by_test_id("complaint-accept").click()
    assert page.get_by_test_id("complaint-status").inner_text().startswith("您已接受答复")
    page.get_by_role("link", name="我的投诉").first.click()
    assert reference in page.get_by_test_id("my-complaint").first.inner_text()
    shot(page, "zh-09-mine")


def test_in_english_without_javascript_then_a_dispute_and_the_12315_record(browser, live_site, sms_gateway):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="en-US", is_mobile=True, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    phone = "+8613755557777"
    try:
        page.goto(live_site.url + "/")
        page.get_by_test_id("footer-complain").click()
        shot(page, "en-01-new")
        page.get_by_label("Service quality").check()
        page.get_by_label("What happened? What would you like us to do?").fill(
            "The lock jams since the visit."
        )
        page.get_by_role("button", name="Submit complaint").click()
        page.get_by_label("Mobile number").fill("13755557777")
        page.get_by_role("button", name="Get code").click()  # a real submit: the step comes back, text kept
        page.get_by_test_id("code-sent").wait_for()
        assert "The lock jams" in page.get_by_test_id("complaint-kept").text_content()  # folded away
        shot(page, "en-02-phone-step")
        page.get_by_label("SMS code").fill(otp(sms_gateway, phone))
        page.get_by_role("button", name="Verify and submit").click()
        page.get_by_test_id("complaint-receipt").wait_for()
        shot(page, "en-03-receipt")
        reference = page.get_by_test_id("complaint-reference").inner_text()
        assert "Received, waiting for contact" in page.get_by_test_id("complaint-status").inner_text()

        live_site.manage("shell", "-c", RESPOND % {"reference": reference})
        page.reload()
        page.get_by_role("button", name="Disagree").click()
        page.get_by_test_id("complaint-12315").wait_for()
        text = page.get_by_test_id("complaint-12315").inner_text()
        assert "www.12315.cn" in text and reference in text
        shot(page, "en-04-disputed")
        record = page.request.get(live_site.url + f"/complaints/{reference}/record.txt")
        assert record.status == 200 and reference in record.text() and "12315" in record.text()
        assert "attachment" in record.headers["content-disposition"]
    finally:
        context.close()


RESPOND = """
from fairdesk.accounts.models import User
from fairdesk.complaints import selectors, services
complaint = selectors.complaint_by_reference("%(reference)s")
agent = User.objects.get(phone="+8613900000002")
services.complaint_respond(
    complaint=complaint, staff=agent, outcome="not_upheld", redress_fen=0, text="No fault found."
)
"""
