"""In Chromium with the local AMap stand-in's tiles: the customer drags the pin on /book/ to the door, books,
and the technician's navigation link carries the pin's point; on /help-now/ "use my location" places it."""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest

from fairdesk.bookings.tests.test_booking_browser import sms_code
from fairdesk.regions.geocoding import wgs84_to_gcj02

pytestmark = pytest.mark.browser
ADDRESS = "江苏省泰州市姜堰区溱潼镇湖南路5号"


def _stored(live_site, model: str, reference: str) -> dict:
    """The stored point and the navigation link the technician's page shows, read in the live server's DB."""
    module, _, name = model.rpartition(".")
    code = (
        f"import json; from {module} import {name} as M; r = M.objects.get(reference={reference!r}); "
        "print(json.dumps({'lat': r.lat, 'lng': r.lng, 'precision': r.precision, 'source': r.source, "
        "'url': r.navigation_url}))"
    )
    return json.loads(live_site.manage("shell", "-c", code).stdout.strip().splitlines()[-1])


def test_the_customer_drags_the_pin_and_the_technician_navigates_to_it(
    phone_page, live_site, sms_gateway, local_amap
):
    page, phone = phone_page, "+8613788881501"
    tiles_before = local_amap.state.counts["tiles"]
    page.goto(live_site.url + "/book/")
    page.get_by_label("上门地址").fill(ADDRESS)
    page.get_by_label("服务类型").select_option("lock-repair")
    page.get_by_role("button", name="查看可约时段").click()
    pin_map = page.get_by_test_id("pin-map")
    pin_map.wait_for()
    marker = page.locator(".leaflet-marker-icon")
    marker.wait_for()
    assert local_amap.state.counts["tiles"] > tiles_before  # the base map comes from the configured tiles
    assert page.get_by_test_id("pin-lat").input_value() == ""  # not moved yet: the geocoded point stands
    start = (float(pin_map.get_attribute("data-lat")), float(pin_map.get_attribute("data-lng")))
    marker.scroll_into_view_if_needed()
    box = marker.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + 6 * step, y + 3 * step)
    page.mouse.up()
    page.get_by_test_id("pin-lat").wait_for(state="attached")
    page.wait_for_function("document.getElementById('pin-lat').value !== ''")
    pinned = (
        float(page.get_by_test_id("pin-lat").input_value()),
        float(page.get_by_test_id("pin-lng").input_value()),
    )
    assert pinned != start and abs(pinned[0] - start[0]) < 0.01 and abs(pinned[1] - start[1]) < 0.01
    assert pinned[0] < start[0] and pinned[1] > start[1]  # dragged down and to the right: south-east

    page.get_by_role("button", name=re.compile(r"\d\d-\d\d")).nth(1).click()  # tomorrow
    page.locator(".days .day").nth(1).and_(page.locator("[aria-current=date]")).wait_for()
    page.get_by_test_id("slot").first.click()
    page.get_by_label("联系人").fill("钱先生")
    page.get_by_label("手机号").fill("137 8888 1501")
    page.get_by_role("button", name="获取验证码").click()
    page.get_by_test_id("code-sent").wait_for()
    page.get_by_label("短信验证码").fill(sms_code(sms_gateway, phone))
    page.get_by_role("button", name="确认预约").click()
    assert page.get_by_test_id("booking-status").inner_text() == "已确认"
    reference = page.get_by_test_id("reference").inner_text()

    stored = _stored(live_site, "fairdesk.bookings.models.Booking", reference)
    assert (stored["lat"], stored["lng"]) == pytest.approx(pinned, abs=1e-6)
    assert (stored["precision"], stored["source"]) == ("rooftop", "customer")
    url = urlparse(stored["url"])  # what the technician's page links to (dispatch/technician.html)
    assert (url.netloc, url.path) == ("uri.amap.com", "/marker")
    query = parse_qs(url.query)
    glat, glng = wgs84_to_gcj02(*pinned)
    lng, lat = (float(v) for v in query["position"][0].split(","))
    assert (lat, lng) == pytest.approx((glat, glng), abs=2e-6) and query["name"] == [ADDRESS]


def test_help_now_use_my_location_places_the_pin(browser, live_site):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="zh-CN",
        is_mobile=True,
        has_touch=True,
        geolocation={"latitude": 32.5123, "longitude": 120.1456},
        permissions=["geolocation"],
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(live_site.url + "/help-now/")
        assert not page.get_by_test_id("pin-map").is_visible()  # no point yet: no map
        page.get_by_test_id("pin-locate").click()
        page.locator(".leaflet-marker-icon").wait_for()
        assert page.get_by_test_id("pin-lat").input_value() == "32.512300"
        page.get_by_label("地址").fill("江苏省泰州市姜堰区三水街道人民路8号")
        page.get_by_label("手机号").fill("13788881502")
        page.get_by_role("button", name="立即求助").click()
        page.get_by_test_id("urgent-status").wait_for()
        reference = page.url.rstrip("/").rsplit("/", 1)[-1]
        stored = _stored(live_site, "fairdesk.dispatch.models.UrgentRequest", reference)
        assert (stored["lat"], stored["lng"], stored["source"]) == (32.5123, 120.1456, "customer")
    finally:
        context.close()
