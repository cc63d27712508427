"""In Chromium on a phone: a customer searches the help centre in Chinese (钥匙丢了进不了门), finds the
lock-out article in the top three, opens it and marks it helpful; the same in English; and "Locked out?
What to do now" is one tap from the home page and from the emergency page, with the emergency button, the
hotline and the three things to prepare. Every page is checked by axe-core (no serious or critical
violation)."""

from __future__ import annotations

import pytest

from fairdesk.testing.axe import axe_summary, axe_violations

pytestmark = pytest.mark.browser


def phone(browser, locale: str):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def assert_accessible(page, path: str) -> None:
    violations = axe_violations(page)
    assert violations == [], "\n".join(axe_summary(path, violations))


@pytest.mark.parametrize(
    ("locale", "query", "title", "yes", "thanks"),
    [
        ("zh-CN", "钥匙丢了进不了门", "被锁在门外、钥匙丢了进不了门怎么办", "有帮助", "谢谢您的反馈"),
        (
            "en-GB",
            "lost my keys and can't get in",
            "Locked out or lost your keys",
            "Yes, it helped",
            "Thank you",
        ),
    ],
)
def test_a_customer_searches_finds_the_lockout_article_and_marks_it_helpful(
    browser, live_site, locale, query, title, yes, thanks
):
    context, page = phone(browser, locale)
    try:
        page.goto(live_site.url + "/help/")  # the language from the phone's (Accept-Language)
        page.locator("#help-q").fill(query)
        page.locator("form[role=search] button[type=submit]").click()
        page.get_by_test_id("search-results").wait_for()
        assert "q=" in page.url  # a shareable URL
        hits = page.get_by_test_id("hit")
        top = [hits.nth(i).inner_text() for i in range(min(3, hits.count()))]
        assert any(t.startswith(title) for t in top), top
        assert_accessible(page, "/help/?q=")
        hits.filter(has_text=title).first.click()
        page.get_by_test_id("lockout-emergency").wait_for()
        assert page.url.split("?")[0].endswith("/help/locked-out/")
        assert page.get_by_test_id("lockout-prepare").locator("li").count() == 3
        assert page.get_by_test_id("lockout-hotline").get_attribute("href").startswith("tel:")
        assert_accessible(page, "/help/locked-out/")
        page.get_by_role("button", name=yes, exact=True).click()
        page.get_by_test_id("feedback-thanks").wait_for()
        assert thanks in page.get_by_test_id("feedback-thanks").inner_text()
    finally:
        context.close()


def test_locked_out_is_one_tap_from_home_and_from_the_emergency_page(browser, live_site):
    context, page = phone(browser, "zh-CN")
    try:
        for start, link in (("/", "home-lockout"), ("/help-now/", "help-now-lockout")):
            page.goto(live_site.url + start)
            page.get_by_test_id(link).click()
            page.get_by_test_id("lockout-emergency").wait_for()
            assert page.get_by_test_id("lockout-emergency").get_attribute("href") == "/help-now/"
        page.goto(live_site.url + "/help/broken-key/")
        assert_accessible(page, "/help/broken-key/")
        page.goto(live_site.url + "/help/")
        assert_accessible(page, "/help/")
    finally:
        context.close()
