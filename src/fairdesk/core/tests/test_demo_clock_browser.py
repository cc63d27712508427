"""In Chromium, on a phone (issue 16 item 11): the demo clock, jumped forward from "My plan", shows a banner
with the simulated date on every page, in Chinese and English, and "back to real time" undoes it; the jump
and the undo both stay recorded."""

import datetime as dt
import json
import zoneinfo

import pytest

from fairdesk.plans.tests.test_plan_words_browser import no_violations, shot, sign_in

pytestmark = pytest.mark.browser

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def demo_site(sms_gateway, payment_sandbox):
    from fairdesk.testing.liveserver import live_server

    env = {
        "FAIRDESK_TEST_CLOCK": "true",
        "FAIRDESK_SMS_BACKEND": "webhook",
        "FAIRDESK_SMS_WEBHOOK_URL": sms_gateway.url,
        "FAIRDESK_QUIET_HOURS": "off",
        "FAIRDESK_PAYMENT_SANDBOX_URL": payment_sandbox.url,
    }
    with live_server(extra_env=env) as server:
        yield server


def phone(browser, locale: str):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_the_demo_clock_shows_itself_everywhere_and_goes_back(browser, demo_site, sms_gateway):
    zh, page = phone(browser, "zh-CN")
    en, english = phone(browser, "en-US")
    try:
        sign_in(page, demo_site.url, sms_gateway, "13710003001")
        assert page.get_by_test_id("demo-clock-banner").count() == 0
        page.get_by_test_id("demo-clock").get_by_role("button", name="+30 天").click()
        simulated = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).astimezone(SHANGHAI)
        for path in ("/plan/", "/book/", "/", "/my/"):
            page.goto(demo_site.url + path)
            banner = page.get_by_test_id("demo-clock-banner")
            assert f"{simulated:%Y-%m-%d}" in banner.inner_text(), path
            assert "快进了 30 天" in banner.inner_text()
            assert banner.get_by_role("button", name="回到真实时间").is_visible()
        shot(page, "demo-clock-zh")
        no_violations(page)

        english.goto(demo_site.url + "/book/")
        banner = english.get_by_test_id("demo-clock-banner")
        assert "Demo clock on" in banner.inner_text() and f"{simulated:%Y-%m-%d}" in banner.inner_text()
        shot(english, "demo-clock-en")
        no_violations(english)
        banner.get_by_role("button", name="Back to real time").click()
        english.wait_for_url("**/book/")  # back where the person was
        assert english.get_by_test_id("demo-clock-banner").count() == 0
        page.goto(demo_site.url + "/plan/")
        assert page.get_by_test_id("demo-clock-banner").count() == 0

        script = (
            "import json; from fairdesk.core.models import Event;"
            "print(json.dumps(list(Event.objects.filter(kind__startswith='test_clock.')"
            ".order_by('pk').values_list('kind', 'payload'))))"
        )
        recorded = json.loads(demo_site.manage("shell", "-c", script).stdout.strip().splitlines()[-1])
        assert recorded == [
            ["test_clock.advanced", {"seconds": 2_592_000, "offset": 2_592_000}],
            ["test_clock.reset", {"offset_before": 2_592_000}],
        ]
    finally:
        zh.close()
        en.close()
