"""In Chromium, on a phone, in Chinese and in English: leaving is as easy as joining on "My plan".

The test counts the taps a customer needs from "My plan" to the done notice for subscribe, upgrade,
downgrade, cancel and refund, whatever pages the flow has (an added survey or "are you sure" page counts as
one more tap), and fails when a way out (downgrade, cancel, refund) takes more taps than a way in (subscribe,
upgrade). On every page it passes it also checks that no paid option is pre-selected (no checked checkbox or
radio, no pre-selected <option>), that nothing counts down (no role="timer") and that no countdown or
confirm-shaming wording is shown."""

from __future__ import annotations

import re
import subprocess

import pytest

from fairdesk.plans.tests.test_plans_browser import sms_code

pytestmark = pytest.mark.browser

JOINING = ("subscribe", "upgrade")
LEAVING = ("downgrade", "cancel", "refund")

# Countdown, scarcity and confirm-shaming wording (lower case; matched on the page's visible text).
DARK_WORDING = (
    "确定要放弃",
    "确定放弃",
    "残忍离开",
    "狠心离开",
    "忍心",
    "舍得",
    "真的要走",
    "仅剩",
    "只剩",
    "倒计时",
    "限时",
    "最后机会",
    "错过就没",
    "are you sure you want to lose",
    "no thanks, i don't want to save",
    "no thanks, i don't",
    "i don't want to save",
    "i prefer to pay more",
    "countdown",
    "hurry",
    "last chance",
    "offer ends",
    "only a few left",
    "we'll miss you",
    "you will lose all",
)
ONLY_N_LEFT = re.compile(r"only \d+ (left|remaining)|仅剩\s*\d+|还剩\s*\d+\s*(秒|分钟|小时)")

LOCALES = {"zh-CN": "13720003001", "en-US": "13720003002"}


def sign_in(page, base: str, gateway, phone: str) -> None:
    page.goto(base + "/plan/")
    page.locator("#phone").fill(phone)
    page.locator("button[hx-post]").click()
    page.locator("#code").fill(sms_code(gateway, "+86" + phone))
    page.locator("form.stack button[type=submit]:not([name=action]):not([hidden])").click()
    page.get_by_test_id("plan-actions").wait_for()


def fair_page(page) -> None:
    """No pre-selected paid option, nothing counting down, no pressure in the words."""
    where = page.url
    checked = page.locator("input[type=checkbox]:checked, input[type=radio]:checked")
    assert checked.count() == 0, f"pre-selected option on {where}: {checked.first.get_attribute('name')}"
    assert page.locator("select option[selected]").count() == 0, f"pre-selected <option> on {where}"
    assert page.locator("[role=timer], [data-countdown], meta[http-equiv=refresh]").count() == 0, where
    text = page.locator("body").inner_text().lower().replace("\u2019", "'")
    shaming = [phrase for phrase in DARK_WORDING if phrase in text]
    assert not shaming and not ONLY_N_LEFT.search(text), f"{where}: {shaming or ONLY_N_LEFT.search(text)[0]}"


class Taps:
    def __init__(self, page):
        self.page, self.count = page, 0

    def tap(self, locator) -> None:
        self.count += 1
        locator.click()
        self.page.wait_for_load_state()
        fair_page(self.page)


def tap_through(page, action: str, option: str) -> tuple[int, int]:
    """From "My plan" to the done notice: the action's button, then whatever each page asks (the option,
    a survey's "continue", the confirm). Returns (taps, steps the flow's pages announce)."""
    fair_page(page)
    taps = Taps(page)
    taps.tap(page.locator(f"[data-action='{action}']"))
    announced = re.search(r"(\d+)\D*$", page.locator("section.card > p.muted").first.inner_text())
    for _page in range(6):  # no flow is allowed more pages than this
        if page.get_by_test_id("done").count():
            break
        if page.get_by_test_id("options").count():
            taps.tap(page.locator(option))
        elif page.get_by_test_id("confirm").count():
            taps.tap(page.get_by_test_id("confirm"))
        else:  # any other page (a survey, an "are you sure"): its one submit button
            taps.tap(page.locator("main form button[type=submit], section form button[type=submit]").first)
    page.get_by_test_id("done").wait_for()
    return taps.count, int(announced[1]) if announced else 0


@pytest.mark.parametrize("locale", list(LOCALES))
def test_leaving_takes_no_more_taps_than_joining(browser, live_site, sms_gateway, locale):
    live_site.manage("set_change_rule", "immediate")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_site.url, sms_gateway, LOCALES[locale])
        standard = "[data-plan='standard'][data-period='month']"
        taps, steps = {}, {}
        taps["subscribe"], steps["subscribe"] = tap_through(page, "subscribe", standard)
        taps["upgrade"], steps["upgrade"] = tap_through(
            page, "upgrade", "[data-plan='premium'][data-period='month']"
        )
        taps["downgrade"], steps["downgrade"] = tap_through(
            page, "downgrade", "[data-plan='basic'][data-period='month']"
        )
        taps["cancel"], steps["cancel"] = tap_through(page, "cancel", "[data-refund-to='original']")
        tap_through(page, "subscribe", standard)  # join again, to have something to refund
        taps["refund"], steps["refund"] = tap_through(page, "refund", "[data-refund-to='original']")
    finally:
        context.close()

    for leave in LEAVING:
        for join in JOINING:
            assert taps[leave] <= taps[join], f"{leave} takes {taps[leave]} taps, {join} {taps[join]}: {taps}"
    # The pages say how many steps there are, and they say the truth (the last tap is the confirm).
    assert all(steps[a] in (taps[a], taps[a] - 1) for a in taps), (steps, taps)
    assert len(set(taps.values())) == 1, taps  # today every action is the same three taps


def test_the_full_demo_passes_audit_fairness(live_site):
    """`make run`'s demo (every loader: plans, service types, bot answers, published rules, the page texts):
    no unfair term and no forbidden format clause."""
    try:
        result = live_site.manage("audit_fairness")
    except subprocess.CalledProcessError as failed:
        pytest.fail(f"audit_fairness exited {failed.returncode}:\n{failed.stdout}{failed.stderr}")
    assert result.stdout.strip().endswith("audit_fairness: no unfair terms found"), result.stdout


@pytest.mark.parametrize(
    "html",
    [
        '<form><label><input type="checkbox" name="auto_renew" checked> 自动续费</label></form>',
        '<form><input type="radio" name="plan" value="premium" checked></form>',
        '<select name="period"><option>month</option><option selected>year</option></select>',
        '<p>优惠 <span role="timer">09:59</span></p>',
        "<p>确定要放弃您的专属权益吗？</p>",
        "<p>残忍离开</p>",
        "<p>仅剩 3 个名额</p>",
        "<p>Are you sure you want to lose your benefits?</p>",
        "<button>No thanks, I don’t want to save money</button>",
        "<p>Only 2 left at this price!</p>",
    ],
)
def test_the_page_checks_catch_pre_selection_countdowns_and_shaming(browser, html):
    page = browser.new_page()
    try:
        page.set_content(f"<!doctype html><html><body><main>{html}</main></body></html>")
        with pytest.raises(AssertionError):
            fair_page(page)
        page.set_content("<!doctype html><html><body><main><p>取消和开通一样简单。</p></main></body></html>")
        fair_page(page)
    finally:
        page.close()
