"""In Chromium at 390x844: a technician cannot close a lock-opening job without the opening record (开锁登记)
and can once it is filled in on the phone."""

import io

import pytest
from PIL import Image

from fairdesk.testing.axe import axe_summary, axe_violations

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "zh-CN", "is_mobile": True, "has_touch": True}


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 90), (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def test_an_opening_job_is_closed_only_after_the_opening_record(browser, live_site):
    customer_ctx, tech_ctx = browser.new_context(**PHONE), browser.new_context(**PHONE)
    customer, tech = customer_ctx.new_page(), tech_ctx.new_page()
    for page in (customer, tech):
        page.set_default_timeout(10_000)

    customer.goto(live_site.url + "/help-now/")
    customer.get_by_label("地址").fill("江苏省泰州市姜堰区人民路2号")
    customer.get_by_label("手机号").fill("13755557777")
    customer.get_by_label("需要什么服务（可不选）").select_option("lockout-emergency")
    customer.get_by_role("button", name="立即求助").click()
    reference = customer.url.rstrip("/").rsplit("/", 1)[-1]

    tech.goto(live_site.url + "/tech/")
    tech.locator("#id_username").fill("+8613900000004")
    tech.locator("#id_password").fill("fairdesk-demo-2026")
    tech.locator("input[type=submit]").click()
    job = tech.get_by_test_id("job").filter(has_text=reference)
    for button in ("接单", "出发", "已到达"):
        job.get_by_role("button", name=button).click()
    assert "完成前必须登记" in job.get_by_test_id("opening-state").inner_text()

    job.get_by_role("button", name="完成").click()  # refused in place, with the way to the form
    error = tech.get_by_test_id("page-error")
    assert "请先完成开锁登记" in error.inner_text()
    error.get_by_role("link", name="填写开锁登记").click()

    assert axe_summary(tech.url, axe_violations(tech)) == []  # the form, on a phone
    tech.get_by_label("证件类型").select_option("id_card")
    tech.get_by_label("证件号码最后 4 位").fill("123X")
    tech.get_by_label("居住证明（如租房合同、水电费单）").check()
    tech.get_by_label("证明照片").set_input_files(
        files=[{"name": "proof.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    tech.get_by_label("我已当面核对证件和证明材料", exact=False).check()
    tech.get_by_role("button", name="保存登记").click()
    assert tech.get_by_test_id("opening-recorded").is_visible()

    job = tech.get_by_test_id("job").filter(has_text=reference)
    assert "已登记" in job.get_by_test_id("opening-state").inner_text()
    job.get_by_role("button", name="完成").click()
    assert tech.get_by_test_id("job").filter(has_text=reference).count() == 0
    customer.reload()
    assert customer.get_by_test_id("urgent-status").inner_text() == "已完成"
    customer_ctx.close()
    tech_ctx.close()
