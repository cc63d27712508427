"""In Chromium, on a phone-sized screen: look up a covered and an uncovered address on /coverage/."""

import pytest

pytestmark = pytest.mark.browser


def test_a_customer_checks_a_covered_and_an_uncovered_address(phone_page, live_site):
    page = phone_page
    page.goto(live_site.url + "/coverage/")
    page.get_by_label("地址").fill("江苏省泰州市姜堰区人民路1号")
    page.get_by_role("button", name="查询", exact=True).click()
    covered = page.get_by_test_id("coverage-covered")
    covered.wait_for()
    assert "泰州服务站" in page.get_by_test_id("station").inner_text()
    assert page.get_by_test_id("hotline").get_attribute("href").startswith("tel:400-")
    assert "address=" in page.url  # htmx pushed the query: the answer can be shared or reloaded
    assert page.locator("svg.china-map path.highlight").count() == 1

    page.get_by_label("地址").fill("北京市朝阳区建国路1号")
    page.get_by_role("button", name="查询", exact=True).click()
    page.get_by_test_id("coverage-not-covered").wait_for()
    assert "朝阳区" in page.get_by_test_id("division").inner_text()

    page.reload()  # the pushed URL renders the same answer without JavaScript help
    page.get_by_test_id("coverage-not-covered").wait_for()


def test_the_page_in_english_explains_an_unclear_address(phone_page, live_site):
    page = phone_page
    page.goto(live_site.url + "/coverage/")
    page.get_by_role("button", name="English").click()
    page.get_by_label("Address").fill("南京市")
    page.get_by_role("button", name="Check", exact=True).click()
    error = page.get_by_test_id("coverage-error")
    error.wait_for()
    assert "too broad" in error.inner_text()


def test_the_location_button_uses_the_phones_position(browser, live_site):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        geolocation={"latitude": 32.52, "longitude": 120.15},  # 泰州市姜堰区
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.goto(live_site.url + "/coverage/")
    page.get_by_role("button", name="使用我的位置").click()
    page.get_by_test_id("coverage-covered").wait_for(timeout=20_000)
    assert "姜堰区" in page.get_by_test_id("division").inner_text()
    context.close()
