"""Addresses to points: AMap geocoding against the local stand-in, GCJ-02/BD-09 → WGS-84 on known pairs, the
cache, and the district centre (approximate) without a key or when the provider is down."""

import pytest

from fairdesk.regions.geocoding import (
    AmapGeocoder,
    GeoPoint,
    address_geocode,
    bd09_to_wgs84,
    customer_point,
    gcj02_to_wgs84,
    navigation_url,
    wgs84_to_gcj02,
)
from fairdesk.regions.models import Division, GeocodeCache
from fairdesk.testing.amap import LocalAmap

ADDRESSES = [
    "江苏省泰州市姜堰区三水街道人民路8号",
    "江苏省泰州市姜堰区溱潼镇湖南路5号",
    "江苏省泰州市姜堰区罗塘街道东大街20号",
]


@pytest.fixture(scope="module")
def amap():
    with LocalAmap(key="test-key") as server:
        yield server


@pytest.fixture
def amap_settings(settings, amap):
    settings.FAIRDESK_GEOCODER = "amap"
    settings.FAIRDESK_AMAP_KEY = "test-key"
    settings.FAIRDESK_AMAP_URL = amap.base
    return amap


@pytest.fixture
def jiangyan(db):
    return Division.objects.get(code="321204", valid_until=None)


def test_known_pairs_convert_both_ways():
    # The pairs published with the coordtransform library (WGS-84 116.404,39.915 in Beijing).
    lat, lng = wgs84_to_gcj02(39.915, 116.404)
    assert (lat, lng) == pytest.approx((39.91640428150164, 116.41024449916938), abs=1e-7)
    lat, lng = gcj02_to_wgs84(39.915, 116.404)
    assert (lat, lng) == pytest.approx((39.91359571849836, 116.39775550083061), abs=2e-5)
    lat, lng = gcj02_to_wgs84(39.91640428150164, 116.41024449916938)
    assert (lat, lng) == pytest.approx((39.915, 116.404), abs=1e-7)  # the iterative inverse: sub-metre
    lat, lng = bd09_to_wgs84(39.915, 116.404)  # Baidu's BD-09: about 700 m off in Beijing
    assert (lat, lng) == pytest.approx((39.9074, 116.3914), abs=2e-3)


def test_the_three_addresses_get_three_points_in_wgs84(amap_settings, jiangyan):
    points = [address_geocode(address=a, division=jiangyan) for a in ADDRESSES]
    assert len({(p.lat, p.lng) for p in points}) == 3
    for point in points:
        assert point.precision == "rooftop" and point.source == "amap" and not point.approximate
    # stored in WGS-84: the local server's GCJ-02 point converted (GCJ-02 is ~500 m off here)
    gcj = wgs84_to_gcj02(points[0].lat, points[0].lng)
    assert gcj == pytest.approx((32.522431, 120.158213), abs=1e-6)
    assert abs(points[0].lng - 120.158213) > 0.003
    # about 20 km between the towns
    assert abs(points[1].lat - points[2].lat) > 0.15


def test_answers_are_cached_per_normalized_address(amap_settings, jiangyan):
    before = amap_settings.state.counts["geocode"]
    first = address_geocode(address=ADDRESSES[0], division=jiangyan)
    again = address_geocode(address=" 江苏省泰州市姜堰区 三水街道人民路８号 ", division=jiangyan)
    assert first == again
    assert amap_settings.state.counts["geocode"] == before + 1
    assert GeocodeCache.objects.filter(provider="amap").count() == 1


def test_a_town_level_answer_is_town_precision(amap_settings, jiangyan):
    point = address_geocode(address="江苏省泰州市姜堰区溱潼镇", division=jiangyan)
    assert point.precision == "town"


def test_without_a_key_the_district_centre_is_approximate(settings, jiangyan):
    settings.FAIRDESK_GEOCODER = "none"
    settings.FAIRDESK_AMAP_KEY = ""
    point = address_geocode(address=ADDRESSES[0], division=jiangyan)
    assert point == GeoPoint(lat=jiangyan.lat, lng=jiangyan.lng, precision="district", source="district")
    assert point.approximate


def test_provider_down_unknown_address_or_bad_key_fall_back(amap_settings, jiangyan):
    amap_settings.state.down = True
    try:
        assert address_geocode(address=ADDRESSES[1], division=jiangyan).approximate
    finally:
        amap_settings.state.down = False
    assert address_geocode(address="江苏省泰州市姜堰区无名路1号", division=jiangyan).approximate
    bad = AmapGeocoder(key="wrong", base_url=amap_settings.base)
    assert address_geocode(address=ADDRESSES[2], division=jiangyan, geocoder=bad).approximate
    assert not GeocodeCache.objects.exists()  # fallbacks are not cached


def test_unreachable_provider_falls_back(jiangyan):
    dead = AmapGeocoder(key="k", base_url="http://127.0.0.1:9", timeout=0.5)
    assert address_geocode(address=ADDRESSES[0], division=jiangyan, geocoder=dead).approximate


def test_navigation_links():
    exact = navigation_url(lat=32.52, lng=120.15, precision="rooftop", address="人民路8号")
    assert exact.startswith("https://uri.amap.com/marker?position=")
    assert "name=%E4%BA%BA%E6%B0%91%E8%B7%AF8%E5%8F%B7" in exact
    glat, glng = wgs84_to_gcj02(32.52, 120.15)
    assert f"{glng:.6f}%2C{glat:.6f}" in exact
    rough = navigation_url(lat=32.5, lng=120.1, precision="district", address="人民路8号")
    assert rough.startswith("https://uri.amap.com/search?keyword=")


def test_customer_point_is_rooftop_or_nothing():
    assert customer_point("32.5", "120.1") == GeoPoint(32.5, 120.1, "rooftop", "customer")
    for lat, lng in [("", ""), ("x", "1"), ("91", "1"), ("0", "0"), (None, None)]:
        assert customer_point(lat, lng) is None
