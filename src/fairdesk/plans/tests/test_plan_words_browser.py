"""In Chromium, on a phone (390×844), in Chinese and English (issue 16 items 9 and 10): the preview names the
card before any charge, the success notice says how much comes back, where and when, auto-renew states the
next charge, Cancel and Refund are explained where the buttons are, the ledger speaks people's words with
signs and a running balance, and the confirm buttons read naturally in English."""

import os
import re
import tempfile
from pathlib import Path

import pytest

from fairdesk.plans.tests.test_plans_browser import sms_code
from fairdesk.testing.axe import axe_violations

pytestmark = pytest.mark.browser

WORDS = {
    "zh-CN": {
        "card": "测试卡 ****4242",
        "charge_preview": "将从 测试卡 ****4242 扣款 ¥",
        "charged": "已从测试卡 ****4242扣款 ¥",
        "back_to_card": "退回您的银行卡（测试卡 ****4242）",
        "days": "个工作日",
        "downgrade": "确认降级",
        "cancel": "确认取消套餐",
        "next": "从测试卡 ****4242扣款",
        "refund_line": "退回您的银行卡",
        "explain": ("未用部分按您选的方式", "全部退回您的银行卡"),
    },
    "en-US": {
        "card": "test card ****4242",
        "charge_preview": "will be charged to your test card ****4242",
        "charged": "was charged to your test card ****4242",
        "back_to_card": "goes back to your bank card (test card ****4242)",
        "days": "working days",
        "downgrade": "Downgrade now",
        "cancel": "Cancel my plan",
        "next": "from your test card ****4242",
        "refund_line": "Back to your bank card",
        "explain": ("as you choose", "all your account credit go back to your bank card"),
    },
}


def shot(page, name: str) -> None:
    """A full-page screenshot for people to look at (FAIRDESK_SCREENSHOTS, else the temp dir)."""
    folder = Path(os.environ.get("FAIRDESK_SCREENSHOTS") or Path(tempfile.gettempdir()) / "fairdesk-shots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, base: str, gateway, phone: str) -> None:
    page.goto(base + "/plan/")
    page.locator("#phone").fill(phone)
    page.locator("button[hx-post]").click()
    page.locator("#code").fill(sms_code(gateway, "+86" + phone))
    page.locator("form.stack button[type=submit]:not([name=action]):not([hidden])").click()
    page.get_by_test_id("plan-actions").wait_for()


def no_violations(page):
    found = axe_violations(page)
    assert not found, [v["id"] for v in found]


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_my_plan_says_where_money_goes_in_people_words(browser, live_site, sms_gateway, locale):
    words = WORDS[locale]
    live_site.manage("set_change_rule", "immediate")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_site.url, sms_gateway, "1371000200" + ("1" if locale == "zh-CN" else "2"))
        # Cancel and Refund explained where the buttons are, one neutral sentence each.
        explained = page.get_by_test_id("cancel-vs-refund").inner_text()
        assert words["explain"][1] in explained

        # Subscribe with auto-renew: the preview names the card and the amount before the charge.
        page.locator("[data-action='subscribe']").click()
        page.locator("[data-plan='premium'][data-period='month']").click()
        method = page.get_by_test_id("payment-method").inner_text()
        assert words["charge_preview"] in method and re.search(r"¥\d", method), method
        page.locator("input[name=auto_renew]").check()
        page.get_by_test_id("confirm").click()
        assert words["charged"] in page.get_by_test_id("done-money").inner_text()
        next_charge = page.get_by_test_id("next-charge").inner_text()
        period_end = page.get_by_test_id("period-end").inner_text()
        assert period_end in next_charge and words["next"] in next_charge and "¥" in next_charge
        assert words["explain"][0] in page.get_by_test_id("cancel-vs-refund").inner_text()
        shot(page, f"plan-{locale}")
        no_violations(page)

        # Downgrade: the button reads naturally; the notice says how much comes back, where and when.
        page.locator("[data-action='downgrade']").click()
        page.locator("[data-plan='basic'][data-period='month']").click()
        assert page.get_by_test_id("confirm").inner_text().strip() == words["downgrade"]
        shot(page, f"preview-{locale}")
        no_violations(page)
        page.get_by_test_id("confirm").click()
        notice = page.get_by_test_id("done-money").inner_text()
        assert words["back_to_card"] in notice and words["days"] in notice, notice
        assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", notice), notice  # when

        # Cancel to the card: the ledger in people's words, signed, with a running balance.
        page.locator("[data-action='cancel']").click()
        page.locator("[data-refund-to='original']").click()
        assert page.get_by_test_id("confirm").inner_text().strip() == words["cancel"]
        page.get_by_test_id("confirm").click()
        ledger = page.get_by_test_id("ledger")
        text = ledger.inner_text()
        assert "未用部分退回余额" not in text and words["refund_line"] in text
        amounts = ledger.get_by_test_id("ledger-amount").all_inner_texts()
        balances = ledger.get_by_test_id("ledger-balance").all_inner_texts()

        def fen(text: str) -> int:
            digits = int(re.sub(r"[^\d]", "", text))
            return -digits if text.strip().startswith("−") else digits

        # Newest first: each balance is the one below it plus this line's signed amount.
        assert any(a.startswith("+") for a in amounts) and any(a.startswith("−") for a in amounts)
        for i in range(len(amounts) - 1):
            assert fen(balances[i]) == fen(balances[i + 1]) + fen(amounts[i]), (amounts, balances)
        assert fen(balances[0]) == 0  # everything went back to the card: no credit left
        shot(page, f"ledger-{locale}")
        no_violations(page)
    finally:
        context.close()
