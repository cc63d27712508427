"""In Chromium, on a phone: from "My plan", subscribing, upgrading, downgrading and cancelling each take the
same number of clicks (≤ 3), and under each change rule the effective time follows the same rule in both
directions. Payments go to the local payment sandbox."""

import re
import time

import pytest

pytestmark = pytest.mark.browser


class Clicks:
    def __init__(self, page):
        self.page, self.count = page, 0

    def click(self, locator):
        self.count += 1
        locator.click()


def sms_code(gateway, phone: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [m for m in gateway.state.messages(phone) if m["kind"] == "otp"]
        if found:
            return re.search(r"\d{6}", found[-1]["body"])[0]
        time.sleep(0.2)
    raise AssertionError(f"no code for {phone}")


def sign_in(page, base: str, gateway, phone: str) -> None:
    page.goto(base + "/plan/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_label("短信验证码").fill(sms_code(gateway, "+86" + phone))
    page.get_by_role("button", name="查看我的套餐").click()
    page.get_by_test_id("plan-actions").wait_for()


def do(page, action: str, option: str) -> tuple[int, str]:
    """From My plan: the action's button, one option, confirm. Returns (clicks, effective time shown)."""
    clicks = Clicks(page)
    clicks.click(page.locator(f"[data-action='{action}']"))
    clicks.click(page.locator(option))
    page.get_by_test_id("preview").wait_for()
    clicks.click(page.get_by_test_id("confirm"))
    done = page.get_by_test_id("done").inner_text()
    return clicks.count, re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", done)[0]


@pytest.mark.parametrize("rule", ["immediate", "end_of_period"])
def test_click_parity_and_one_rule_for_both_directions(phone_page, live_site, sms_gateway, rule):
    live_site.manage("set_change_rule", rule)
    page = phone_page
    phone = "1371000100" + ("1" if rule == "immediate" else "2")
    sign_in(page, live_site.url, sms_gateway, phone)
    assert page.get_by_test_id("current-plan").inner_text() == "您现在没有套餐。"

    counts = {}
    counts["subscribe"], joined = do(page, "subscribe", "[data-plan='standard'][data-period='month']")
    assert "安心" in page.get_by_test_id("plan-name").inner_text()
    assert page.get_by_test_id("auto-renew").inner_text() == "未开启"  # never on unless asked
    period_end = page.get_by_test_id("period-end").inner_text()
    # All actions are the same component, the same size, in one row.
    boxes = [
        page.locator(f"[data-action='{a}']").bounding_box()
        for a in ("upgrade", "downgrade", "cancel", "refund")
    ]
    assert len({(round(b["width"]), round(b["height"])) for b in boxes}) == 1

    counts["upgrade"], up_at = do(page, "upgrade", "[data-plan='premium'][data-period='month']")
    counts["downgrade"], down_at = do(page, "downgrade", "[data-plan='basic'][data-period='month']")
    counts["cancel"], cancel_at = do(page, "cancel", "[data-refund-to='original']")
    assert set(counts.values()) == {3}, counts

    if rule == "immediate":  # effective now, in both directions (within the minute the test runs)
        assert up_at >= joined and down_at >= up_at and cancel_at >= down_at
        assert page.get_by_test_id("current-plan").inner_text() == "您现在没有套餐。"
    else:  # effective at the period's end, in both directions
        assert up_at == down_at == cancel_at == period_end
        assert "安心" in page.get_by_test_id("plan-name").inner_text()
        assert "不再续费" in page.get_by_test_id("pending").inner_text()
        refund_clicks, _at = do(page, "refund", "[data-refund-to='original']")  # money back at once
        assert refund_clicks == 3
        assert page.get_by_test_id("current-plan").inner_text() == "您现在没有套餐。"
    assert page.get_by_test_id("ledger").inner_text().count("退回您的银行卡") >= 1
