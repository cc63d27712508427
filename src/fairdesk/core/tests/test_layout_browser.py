"""Issue 16 item 7, in Chromium on a phone (390×844), in Chinese and English: the header is compact (one
line of navigation), the favicon loads, day chips never break and all are on screen, a disabled button looks
disabled, "use my location" stays hidden without JavaScript, and "获取验证码" counts down."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser
ADDRESS = "江苏省泰州市姜堰区人民路1号"
PHONE = {"width": 390, "height": 844}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.fixture
def phone(browser, live_site):
    made = []

    def make(language: str = "zh-hans", **extra):
        context = browser.new_context(
            viewport=PHONE, locale=LOCALES[language], is_mobile=True, has_touch=True, **extra
        )
        made.append(context)
        if language != "zh-hans":
            context.add_cookies([{"name": "fairdesk_language", "value": language, "url": live_site.url}])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_header_is_compact_on_a_phone(phone, live_site, language):
    page = phone(language)
    failed = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(live_site.url + "/book/")
    page.wait_for_load_state("load")
    assert page.locator("html").get_attribute("lang") == ("zh-Hans" if language == "zh-hans" else "en")
    height = page.locator("header.topbar").bounding_box()["height"]
    tops = page.locator("header .nav a").evaluate_all("as => as.map(a => a.getBoundingClientRect().top)")
    print(language, "header height", height)  # figures for the report (-s)
    assert len(tops) == 5 and len(set(tops)) == 1, f"the navigation wraps: {tops}"
    assert height <= 100, f"the header is {height} px high on a phone"
    # Every link is reachable: the line scrolls sideways instead of leaving the page.
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"
    # The favicon is the site's own (linked in base.html, from static) and loads.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(live_site.url + icon).ok
    assert failed == [], failed


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_day_chips_never_break_and_all_are_on_screen(phone, live_site, language):
    page = phone(language)
    page.goto(f"{live_site.url}/book/?address={ADDRESS}&service_type=lock-repair")
    chips = page.locator(".days .day")
    assert chips.count() >= 7
    for box in chips.evaluate_all("cs => cs.map(c => c.getBoundingClientRect().toJSON())"):
        assert box["left"] >= 0 and box["right"] <= PHONE["width"], f"a day is off-screen: {box}"
    lines = chips.evaluate_all(
        """cs => cs.map(c => { const r = document.createRange(); r.selectNodeContents(c.firstChild);
                               return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; })"""
    )
    assert set(lines) == {1}, f"a chip's date breaks over lines: {lines}"
    # A disabled "确认预约" looks disabled: another background and a not-allowed cursor.
    submit = page.get_by_test_id("confirm-booking")
    # (late at night today has no slot and the button starts disabled: compare both states)
    enabled = submit.evaluate("b => { b.disabled = false; return getComputedStyle(b).backgroundColor; }")
    submit.evaluate("b => { b.disabled = true; }")
    style = submit.evaluate("b => [getComputedStyle(b).backgroundColor, getComputedStyle(b).cursor]")
    assert style[0] != enabled and style[1] == "not-allowed", (enabled, style)


def test_location_buttons_stay_hidden_without_javascript(phone, live_site):
    page = phone(java_script_enabled=False)
    page.goto(live_site.url + "/coverage/")
    assert page.locator("#use-location").count() == 1
    assert not page.locator("#use-location").is_visible()
    page = phone()  # with JavaScript and geolocation the script offers it
    page.goto(live_site.url + "/coverage/")
    page.locator("#use-location").wait_for(state="visible")


@pytest.mark.parametrize(
    ("language", "pattern"), [("zh-hans", r"^\d+ 秒后可重新获取$"), ("en", r"^Resend in \d+ s$")]
)
def test_the_code_button_counts_down(phone, live_site, sms_gateway, language, pattern):
    page = phone(language)
    page.goto(live_site.url + "/my/")
    page.locator("#phone").fill("13755550000" if language == "en" else "13755550001")
    button = page.locator("button[hx-target='#code-status']")
    label = button.inner_text()
    button.click()
    page.get_by_test_id("code-sent").wait_for()
    assert button.is_disabled()
    first = button.inner_text()
    assert re.match(pattern, first), first
    page.wait_for_timeout(2100)
    later = button.inner_text()
    assert re.match(pattern, later) and int(re.search(r"\d+", later)[0]) < int(re.search(r"\d+", first)[0])
    assert later != label
