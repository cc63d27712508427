"""In Chromium on a phone-sized window: book with an SMS code, reschedule, cancel; an agent books for a
caller. SMS codes are read from the local gateway the live server really sends to."""

import re
import time

import pytest

pytestmark = pytest.mark.browser
ADDRESS = "江苏省泰州市姜堰区人民路1号"


def sms_code(gateway, phone: str, after: int = 0) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        messages = [m for m in gateway.state.messages(phone) if m["kind"] == "otp"]
        if len(messages) > after:
            return re.search(r"\d{6}", messages[-1]["body"])[0]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone}: {gateway.state.messages()}")


def wait_for_sms(gateway, phone: str, kind: str):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in gateway.state.messages(phone) if m["kind"] == kind]
        if found:
            return found[-1]
        time.sleep(0.2)
    raise AssertionError(f"no {kind} SMS for {phone}")


def test_a_customer_books_reschedules_and_cancels(phone_page, live_site, sms_gateway):
    page, phone = phone_page, "+8613711112222"
    page.goto(live_site.url + "/")
    page.get_by_role("link", name="预约", exact=True).click()
    page.get_by_label("上门地址").fill(ADDRESS)
    page.get_by_label("服务类型").select_option("lock-repair")
    page.get_by_role("button", name="查看可约时段").click()
    page.get_by_role("button", name=re.compile(r"\d\d-\d\d")).nth(1).click()  # tomorrow
    page.locator(".days .day").nth(1).and_(page.locator("[aria-current=date]")).wait_for()
    page.get_by_test_id("slot").first.click()  # nothing is chosen for the customer
    first_slot = page.get_by_test_id("slot").first.inner_text()
    page.get_by_label("联系人").fill("刘女士")
    page.get_by_label("手机号").fill("137 1111 2222")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_test_id("code-sent").wait_for()
    page.get_by_label("短信验证码").fill(sms_code(sms_gateway, phone))
    page.get_by_role("button", name="确认预约").click()

    assert page.get_by_test_id("booking-status").inner_text() == "已确认"
    reference = page.get_by_test_id("reference").inner_text()
    assert first_slot.split("–")[0] in page.get_by_test_id("when").inner_text()
    assert reference in wait_for_sms(sms_gateway, phone, "booking_confirmed")["body"]

    page.get_by_role("link", name="改期").click()
    page.get_by_test_id("slot").nth(1).click()
    page.get_by_role("button", name="确认改期").click()
    assert page.get_by_test_id("booking-status").inner_text() == "已确认"
    assert "已改到" in page.get_by_test_id("rescheduled").inner_text()  # the change is confirmed
    assert page.get_by_test_id("when").inner_text() != first_slot
    wait_for_sms(sms_gateway, phone, "booking_rescheduled")

    page.get_by_role("link", name="取消预约").click()
    assert page.get_by_test_id("booking-status").inner_text() == "已确认"  # not yet: one confirm step
    page.get_by_role("button", name="确认取消").click()
    assert page.get_by_test_id("booking-status").inner_text() == "已取消"
    wait_for_sms(sms_gateway, phone, "booking_cancelled")

    page.get_by_role("link", name="我的预约").click()
    assert reference in page.get_by_test_id("my-booking").first.inner_text()
    calendar = page.request.get(f"{live_site.url}/my/{reference}/calendar.ics")
    assert "BEGIN:VEVENT" in calendar.text() and "STATUS:CANCELLED" in calendar.text()


def test_an_agent_books_for_a_caller(browser, live_site, sms_gateway):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_site.url + "/hotline/")
    page.locator("#id_username").fill("+8613900000002")
    page.locator("#id_password").fill("fairdesk-demo-2026")
    page.locator("input[type=submit]").click()
    page.get_by_placeholder("来电号码").fill("13633334444")
    page.get_by_role("button", name="查找").click()
    page.get_by_label("上门地址").fill(ADDRESS)
    page.get_by_role("button", name="查看可约时段").click()
    page.get_by_role("link", name=re.compile(r"\d\d-\d\d")).nth(2).click()
    page.get_by_test_id("slot").first.click()  # the caller chooses; nothing is chosen for them
    page.get_by_label("联系人").fill("王先生")
    page.get_by_role("button", name="为来电客户预约").click()
    booked = page.get_by_test_id("agent-booked").inner_text()
    reference = booked.split("：")[-1].strip()
    assert reference in page.get_by_test_id("caller-booking").first.inner_text()
    assert reference in wait_for_sms(sms_gateway, "+8613633334444", "booking_confirmed")["body"]
    assert page.get_by_test_id("caller-plan").is_visible()  # the caller's plan (none here) is stated
    # Reschedule for the caller: choose → confirm, the current slot named and never offered again.
    page.get_by_test_id("hotline-reschedule").first.click()
    current = page.get_by_test_id("current-slot").inner_text()
    form = page.get_by_test_id("hotline-reschedule-form")
    form.get_by_test_id("slot").first.click()
    form.get_by_role("button", name="确认改期").click()
    assert reference in page.get_by_test_id("agent-moved").inner_text()
    assert reference in wait_for_sms(sms_gateway, "+8613633334444", "booking_rescheduled")["body"]
    row = page.get_by_test_id("caller-booking").first.inner_text()
    assert current.split(" ", 1)[1].split("–")[0] not in row  # the booking moved
    # Cancel asks the agent to confirm with the caller first.
    page.get_by_test_id("hotline-cancel").first.click()
    assert "已确认" in page.get_by_test_id("caller-booking").first.inner_text()
    page.get_by_role("button", name="确认取消").click()
    assert reference in page.get_by_test_id("agent-cancelled").inner_text()
    assert "已取消" in page.get_by_test_id("caller-booking").first.inner_text()
    assert page.get_by_role("textbox", name="通话记录").is_visible()  # the notes box has its label
    context.close()
