"""Two browsers, one customer on a phone and one agent at the desk (Chromium): the customer asks the bot, taps
"talk to a human", sees their place in the queue; the agent takes the next conversation and replies; the reply
appears on the customer's page without a reload (the live channel), and no bot message appears after the tap.
Then the same in English, with the WebSocket blocked: the fallback (polling) still brings the reply."""

from __future__ import annotations

import re
import time

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "fairdesk-demo-2026"
AGENT = "+8613900000002"


@pytest.fixture(scope="session")
def chat_site(live_site):
    """The shared live server (src/fairdesk/conftest.py: uvicorn, pages and the live channel)."""
    return live_site


def otp_count(gateway, phone: str) -> int:
    return len([m for m in gateway.state.messages(phone) if m["kind"] == "otp"])


def sms_code(gateway, phone: str, after: int) -> str:
    """The code sent after `after` earlier ones (never an old one: the shared server sent others)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in gateway.state.messages(phone) if m["kind"] == "otp"]
        if len(found) > after:
            return re.search(r"\d{6}", found[-1]["body"])[0]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone}")


def customer_page(browser, locale: str, *, block_socket: bool = False):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True
    )
    if block_socket:  # a network that refuses WebSockets: the page must still work (polling fallback)
        context.add_init_script("window.WebSocket = function () { throw new Error('blocked'); };")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def agent_page(browser, base: str, locale: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/staff/login/?next=/support/desk/")
    page.locator("#id_username").fill(AGENT)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    page.get_by_test_id("desk").wait_for()
    if page.get_by_test_id("duty-off").count():  # off duty: nothing is assigned before "take next"
        page.get_by_test_id("duty-off").click()
        page.get_by_test_id("duty-on").wait_for()
    return context, page


def sign_in(page, base, gateway, phone, *, english: bool):
    page.goto(base + "/support/")  # the browser's language (Accept-Language) picks the page's
    page.locator("#chat-phone").fill(phone)
    e164 = "+86" + phone.replace(" ", "")
    before = otp_count(gateway, e164)
    page.get_by_role("button", name="Get code" if english else "获取验证码").click()
    page.locator("#chat-code").fill(sms_code(gateway, e164, before))
    page.get_by_role("button", name="Start" if english else "开始咨询").click()
    page.locator("#chat-text").wait_for()


def bot_count(page) -> int:
    return page.locator("[data-testid=message][data-author=bot]").count()


@pytest.mark.parametrize(
    "locale,phone,question,human,position_re,block_socket",
    [
        ("zh-CN", "137 8803 3301", "怎么改预约时间？", "转人工", r"您排在第 1 位", False),
        (
            "en-US",
            "137 8803 3302",
            "How do I reschedule my appointment?",
            "talk to a human",
            r"number 1",
            True,
        ),
    ],
)
def test_bot_then_human_reply_without_reload(
    browser, chat_site, sms_gateway, locale, phone, question, human, position_re, block_socket
):
    english = locale.startswith("en")
    customer_ctx, customer = customer_page(browser, locale, block_socket=block_socket)
    agent_ctx, agent = agent_page(browser, chat_site.url, locale)
    try:
        sign_in(customer, chat_site.url, sms_gateway, phone, english=english)
        customer.locator("#chat-text").fill(question)
        customer.get_by_test_id("chat-send").click()
        customer.locator("[data-testid=message][data-author=bot]").first.wait_for()
        assert customer.locator("[data-testid=message][data-author=bot] .links a").count() >= 1
        customer.get_by_test_id("bot-human").first.click()
        position = customer.get_by_test_id("queue-position")
        position.wait_for()
        assert re.search(position_re, position.inner_text()), position.inner_text()
        bots_after_tap = bot_count(customer)
        customer.evaluate("window.__notReloaded = true")

        # the agent's desk learns of it (live or polling) and takes the next conversation
        agent.get_by_test_id("queue-row").first.wait_for(timeout=15_000)
        agent.get_by_test_id("take-next").click()
        agent.get_by_test_id("desk-conversation").wait_for()
        assert question.rstrip("？?") in agent.get_by_test_id("messages").inner_text()  # the bot transcript
        reply = (
            "您好，我是人工客服小李 🙂 #1 & 100%"
            if not english
            else "Hello, this is Li from support 🙂 #1 & 100%"
        )
        agent.locator("#reply-text").fill(reply)
        agent.get_by_test_id("reply-send").click()

        # the reply appears on the customer's page without a reload
        customer.locator("[data-testid=message][data-author=agent]").filter(has_text=reply).wait_for(
            timeout=10_000
        )
        assert customer.evaluate("window.__notReloaded === true")
        customer.locator("#chat-text").fill("谢谢" if not english else "thanks")
        customer.get_by_test_id("chat-send").click()
        agent.locator("[data-testid=message][data-author=customer]").filter(
            has_text="谢谢" if not english else "thanks"
        ).wait_for(timeout=10_000)
        assert bot_count(customer) == bots_after_tap  # nothing from the bot after the tap
        if not block_socket:
            customer.wait_for_function("document.body.dataset.live === 'on'", timeout=5_000)
    finally:
        customer_ctx.close()
        agent_ctx.close()


def test_the_chat_opens_as_a_panel_on_customer_pages(browser, chat_site):
    context, page = customer_page(browser, "zh-CN")
    try:
        for path in ("/", "/my/", "/plan/", "/help-now/"):
            page.goto(chat_site.url + path)
            launcher = page.get_by_test_id("chat-launcher")
            assert launcher.get_attribute("href") == "/support/"
        page.goto(chat_site.url + "/my/")
        page.get_by_test_id("chat-launcher").click()
        page.locator("#chat-panel #chat").wait_for()
        assert page.url.endswith("/my/")  # a panel, not a new page
        page.locator("[data-chat-close]").click()
        assert page.locator("#chat-panel").is_hidden()
    finally:
        context.close()
