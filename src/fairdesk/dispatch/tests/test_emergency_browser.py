"""In Chromium: a customer asks for help now; the technician accepts and works the job to done on their phone
page while the customer's status page follows every step by itself (htmx asks for news; the page never
reloads) and stops asking once the job is done. One heading, in the timeline's words; one arrival estimate,
saying what it rests on."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_an_emergency_from_request_to_done(browser, live_site):
    phone = {
        "viewport": {"width": 390, "height": 844},
        "locale": "zh-CN",
        "is_mobile": True,
        "has_touch": True,
    }
    customer_ctx = browser.new_context(**phone)
    # The technician's phone shares its position (a few km from the customer) when asked.
    tech_ctx = browser.new_context(
        **phone, geolocation={"latitude": 32.56, "longitude": 120.10}, permissions=["geolocation"]
    )
    customer, tech = customer_ctx.new_page(), tech_ctx.new_page()
    for page in (customer, tech):
        page.set_default_timeout(10_000)

    customer.goto(live_site.url + "/help-now/")
    customer.get_by_label("地址").fill("江苏省泰州市姜堰区人民路1号")
    customer.get_by_label("手机号").fill("13755556666")
    customer.get_by_label("发生了什么").fill("被锁在门外")
    customer.get_by_role("button", name="立即求助").click()
    assert customer.locator("meta[http-equiv=refresh]").count() == 0
    assert customer.get_by_test_id("urgent-status").inner_text() == "已派给技师，等待接单"
    assert "已派给技师" in customer.get_by_test_id("timeline").locator("li").last.inner_text()
    assert "分钟" in customer.get_by_test_id("promise").inner_text()  # the promise, or the honest figure
    eta = customer.get_by_test_id("eta")
    assert eta.count() == 1 and eta.get_attribute("data-basis") == "dispatch"
    assert "现在预计" in eta.inner_text() and "派单时的距离" in eta.inner_text()
    assert customer.get_by_test_id("auto-update").is_visible()
    assert "赵师傅" in customer.get_by_test_id("technician").inner_text()

    tech.goto(live_site.url + "/tech/")
    tech.locator("#id_username").fill("+8613900000004")
    tech.locator("#id_password").fill("fairdesk-demo-2026")
    tech.locator("input[type=submit]").click()
    job = tech.get_by_test_id("job").first
    assert "137****6666" in job.inner_text()  # the customer's phone, masked
    steps = [("接单", "已接单"), ("出发", "在路上"), ("已到达", "已到达"), ("完成", None)]
    for button, status in steps:
        tech.get_by_test_id("job").first.get_by_role("button", name=button).click()
        if status:
            assert tech.get_by_test_id("job-status").first.inner_text() == status
            # The customer's page follows without a reload.
            expect(customer.get_by_test_id("urgent-status")).to_have_text(status)
        if button == "出发":  # on the way, the phone reports where the technician is: the ETA follows it
            assert customer.get_by_test_id("eta").get_attribute("data-basis") == "dispatch"
            with tech.expect_navigation():
                tech.get_by_role("button", name="上报我的位置").click()
            expect(customer.get_by_test_id("eta")).to_have_attribute("data-basis", "position")
            assert customer.get_by_test_id("eta").count() == 1  # still one estimate: the current one
            assert "上报的位置" in customer.get_by_test_id("eta").inner_text()
    assert tech.get_by_test_id("no-jobs").is_visible()
    expect(customer.get_by_test_id("urgent-status")).to_have_text("已完成")
    # Finished: no estimate, and the page stops asking for news.
    assert customer.get_by_test_id("eta").count() == 0
    assert customer.locator("#urgent-live").get_attribute("hx-trigger") is None
    assert not customer.get_by_test_id("auto-update").is_visible()
    asked = []
    customer.on("request", lambda request: asked.append(request.url))
    customer.wait_for_timeout(2_500)  # the poll interval here is 1 s
    assert not [url for url in asked if "/help-now/" in url]
    timeline = customer.get_by_test_id("timeline")
    for kind in ("urgent.offered", "job.accepted", "job.en_route", "job.on_site", "job.done"):
        assert timeline.locator(f"[data-kind='{kind}']").count() == 1
    assert "师傅已到达" in timeline.inner_text()  # people read words, not event codes
    customer_ctx.close()
    tech_ctx.close()
