"""In Chromium: the dispatcher sees a new emergency on top of the board, sends a technician of their choice,
and plans a station's day."""

import pytest

pytestmark = pytest.mark.browser


def test_the_dispatcher_overrides_and_plans(browser, live_site, tmp_path):
    customer = browser.new_context(locale="zh-CN").new_page()
    customer.goto(live_site.url + "/help-now/")
    customer.get_by_label("地址").fill("江苏省泰州市姜堰区人民路9号")
    customer.get_by_label("手机号").fill("13755557777")
    customer.get_by_role("button", name="立即求助").click()
    reference = customer.locator("dd").first.inner_text()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_site.url + "/dispatch/")
    page.locator("#id_username").fill("+8613900000003")
    page.locator("#id_password").fill("fairdesk-demo-2026")
    page.locator("input[type=submit]").click()
    row = page.get_by_test_id("urgent-board").locator("form", has_text=reference)
    row.get_by_role("combobox").select_option(index=1)
    row.get_by_role("button", name="派给他").click()
    customer.reload()
    assert customer.get_by_test_id("urgent-status").inner_text() == "已派给技师，等待接单"
    assert "已改派技师" in customer.get_by_test_id("timeline").inner_text()

    page.get_by_role("button", name="规划这一天的路线").click()
    page.get_by_test_id("planned").wait_for()
    assert page.locator("svg.timeline-svg").count() == 1
    page.screenshot(path=str(tmp_path / "board.png"), full_page=True)
    # On a phone the timeline keeps its size (it scrolls sideways): labels stay readable, not ~7 px.
    page.set_viewport_size({"width": 390, "height": 844})
    heights = page.locator("svg.timeline-svg text").evaluate_all(
        "ts => ts.map(t => t.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 10, heights
    assert page.locator(".scroll-x").evaluate("d => d.scrollWidth > d.clientWidth")
    context.close()
