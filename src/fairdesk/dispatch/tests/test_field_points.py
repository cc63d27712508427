"""Issue 15 in the field, against the local AMap stand-in: three addresses ~20 km apart in 姜堰区 become three
points, three navigation links to the door and a route plan with real road travel times; the emergency ETA
uses the road time; without a key everything still works, approximate, on the straight line."""

import datetime as dt
import re
from html import unescape
from urllib.parse import parse_qs, urlparse

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.bookings.models import Slot
from fairdesk.bookings.services import booking_create, service_types_load_demo, slots_ensure_for_day
from fairdesk.core import clock
from fairdesk.dispatch.models import Shift, Technician, TravelTimeCache, VisitPlan
from fairdesk.dispatch.planning import station_plan_day
from fairdesk.dispatch.services import urgent_assign, urgent_request_create
from fairdesk.dispatch.travel import AmapTravel, travel_matrix
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create
from fairdesk.testing.amap import KNOWN, LocalAmap

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 local
DAY = dt.date(2026, 12, 2)
PREFIX = "江苏省泰州市姜堰区"
ADDRESSES = ["三水街道人民路8号", "溱潼镇湖南路5号", "罗塘街道东大街20号"]


@pytest.fixture(scope="module")
def amap():
    with LocalAmap(key="test-key") as server:
        yield server


@pytest.fixture
def with_amap(settings, amap):
    settings.FAIRDESK_GEOCODER = "amap"
    settings.FAIRDESK_TRAVEL = "amap"
    settings.FAIRDESK_AMAP_KEY = "test-key"
    settings.FAIRDESK_AMAP_URL = amap.base
    return amap


@pytest.fixture
def without_key(settings):
    settings.FAIRDESK_GEOCODER = "none"
    settings.FAIRDESK_TRAVEL = "straight"
    settings.FAIRDESK_AMAP_KEY = ""


def _day_of_three():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="姜堰服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    with clock.frozen_at(T0 - dt.timedelta(hours=1)):
        user = staff_create(
            phone="17000000020", name="周师傅", role=Role.TECHNICIAN, password="a-long-password-1"
        )
        tech = Technician.objects.create(
            user=user, station=station, skills=["locks"], lat=station.lat, lng=station.lng
        )
        Shift.objects.create(technician=tech, start=T0, end=T0 + dt.timedelta(days=3))
    with clock.frozen_at(T0):
        slots_ensure_for_day(station=station, day=DAY)
        Slot.objects.update(capacity=5)
        slots = list(Slot.objects.filter(station=station).order_by("start"))
        bookings = []
        for n, address in enumerate(ADDRESSES):
            customer = customer_get_or_create(phone=f"1380000020{n}")
            bookings.append(
                booking_create(
                    customer=customer,
                    slot_id=slots[min(2 * n, len(slots) - 1)].pk,
                    service_type_code="lock-repair",
                    address=PREFIX + address,
                    contact_name="",
                    actor=customer,
                )
            )
    return station, tech, bookings


def _nav_links(client, tech) -> list[str]:
    client.force_login(tech.user)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)):  # 07:00 local on the day
        page = client.get("/tech/").content.decode()
    return [
        unescape(h) for h in re.findall(r'<a href="([^"]+)" rel="noopener" data-testid="nav-link">', page)
    ]


def test_three_addresses_three_points_three_links_and_a_plan_with_road_times(client, with_amap):
    station, tech, bookings = _day_of_three()
    points = {(b.lat, b.lng) for b in bookings}
    assert len(points) == 3
    assert {(b.precision, b.source) for b in bookings} == {("rooftop", "amap")}

    with clock.frozen_at(T0):
        summary = station_plan_day(station=station, day=DAY, seconds=1)
    assert summary["planned"] == 3 and summary["travel_source"] == "amap"
    plans = list(VisitPlan.objects.order_by("sequence"))
    # 溱潼 is ~18 km from the others: the stand-in's road times are tens of minutes, not a district's 3
    assert max(p.travel_minutes for p in plans) > 30
    assert TravelTimeCache.objects.filter(provider="amap").count() >= 6

    links = _nav_links(client, tech)
    assert len(links) == 3 and len(set(links)) == 3
    gcj_of = {part: location for part, location, _level, _name in KNOWN}
    for link, booking in zip(
        links, sorted(bookings, key=lambda b: [p.booking_id for p in plans].index(b.pk)), strict=True
    ):
        url = urlparse(link)
        assert url.netloc == "uri.amap.com" and url.path == "/marker"
        query = parse_qs(url.query)
        assert query["name"] == [booking.address]
        lng, lat = (float(v) for v in query["position"][0].split(","))
        expected = next(gcj_of[a] for a in ADDRESSES if booking.address.endswith(a))
        assert (lng, lat) == pytest.approx(tuple(float(v) for v in expected.split(",")), abs=2e-6)


def test_travel_times_are_cached_per_pair_and_hour(with_amap):
    points = [(32.50, 120.12), (32.66, 120.08), (32.49, 120.13)]
    before = with_amap.state.counts["distance"]
    first, source = travel_matrix(points, at=T0)
    assert source == "amap" and with_amap.state.counts["distance"] == before + 3  # one call per destination
    again, _ = travel_matrix(points, at=T0 + dt.timedelta(minutes=40))
    assert again == first and with_amap.state.counts["distance"] == before + 3
    travel_matrix(points, at=T0 + dt.timedelta(hours=1))  # another hour: asked again
    assert with_amap.state.counts["distance"] == before + 6
    assert first[(0, 1)] > 30 and first[(0, 0)] == 0


def test_the_travel_provider_down_falls_back_to_the_straight_line(with_amap):
    with_amap.state.down = True
    try:
        _matrix, source = travel_matrix([(32.50, 120.12), (32.66, 120.08)], at=T0)
    finally:
        with_amap.state.down = False
    assert source == "straight_line"
    dead = AmapTravel(key="k", base_url="http://127.0.0.1:9", timeout=0.5)
    assert travel_matrix([(32.5, 120.1), (32.6, 120.1)], provider=dead)[1] == "straight_line"


def test_the_emergency_eta_is_the_road_time_to_its_point(with_amap):
    _station, tech, _bookings = _day_of_three()
    with clock.frozen_at(T0):
        urgent = urgent_request_create(phone="13700000021", address=PREFIX + "溱潼镇湖南路5号")
        assert urgent.precision == "rooftop" and not urgent.approximate
        job = urgent_assign(urgent=urgent)
    assert job.technician_id == tech.pk
    row = TravelTimeCache.objects.get(destination=f"{urgent.lat:.4f},{urgent.lng:.4f}")
    assert job.eta_minutes == max(round(row.seconds / 60), 1) and job.eta_minutes > 30


def test_without_a_key_everything_works_and_says_approximate(client, without_key):
    station, tech, bookings = _day_of_three()
    assert {(b.precision, b.source) for b in bookings} == {("district", "district")}
    with clock.frozen_at(T0):
        summary = station_plan_day(station=station, day=DAY, seconds=1)
    assert summary["planned"] == 3 and summary["travel_source"] == "straight_line"
    links = _nav_links(client, tech)
    assert len(links) == 3
    for link in links:  # an approximate point searches the address text instead of a district centre
        assert link.startswith("https://uri.amap.com/search?keyword=")
    client.force_login(tech.user)
    with clock.frozen_at(dt.datetime(2026, 12, 1, 23, 0, tzinfo=dt.UTC)):
        assert client.get("/tech/").content.decode().count('data-testid="approximate"') == 3


def test_the_customers_pin_wins_over_the_geocoder(with_amap):
    _day_of_three()
    division = Division.objects.get(code="321204", valid_until=None)
    with clock.frozen_at(T0):
        urgent = urgent_request_create(
            phone="13700000022", address=PREFIX + "三水街道人民路8号", lat="32.5301", lng="120.1502"
        )
    assert (urgent.lat, urgent.lng, urgent.precision, urgent.source) == (
        32.5301,
        120.1502,
        "rooftop",
        "customer",
    )
    assert division.lat != urgent.lat
