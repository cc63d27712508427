"""In Chromium: a customer asks for help now; the technician accepts and works the job to done on their phone
page while the customer's status page follows every step."""

import pytest

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
    assert customer.get_by_test_id("urgent-status").inner_text() == "待接单"
    promise = customer.get_by_test_id("promise").inner_text()
    assert "分钟" in promise and "预计" in promise  # the promise, or the honest ETA
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
        if button == "出发":  # on the way, the phone reports where the technician is: the ETA follows it
            assert customer.get_by_test_id("live-eta").count() == 0
            with tech.expect_navigation():
                tech.get_by_role("button", name="上报我的位置").click()
            customer.reload()
            assert "上报的位置" in customer.get_by_test_id("live-eta").inner_text()
        customer.reload()
        if status:
            assert tech.get_by_test_id("job-status").first.inner_text() == status
            assert customer.get_by_test_id("urgent-status").inner_text() == status
    assert tech.get_by_test_id("no-jobs").is_visible()
    assert customer.get_by_test_id("urgent-status").inner_text() == "已完成"
    timeline = customer.get_by_test_id("timeline")
    for kind in ("urgent.offered", "job.accepted", "job.en_route", "job.on_site", "job.done"):
        assert timeline.locator(f"[data-kind='{kind}']").count() == 1
    assert "师傅已到达" in timeline.inner_text()  # people read words, not event codes
    customer_ctx.close()
    tech_ctx.close()
