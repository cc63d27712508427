"""Issue 16 item 11: when the chosen day has no free slot (e.g. after the demo clock jumped), /book/ shows the
next free day as a link that keeps what the person typed; with nothing free, it says to call the hotline."""

import datetime as dt

import pytest

from fairdesk.bookings.models import Slot, StationSchedule
from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
from fairdesk.core import clock
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号#5栋&A座"
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def station():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    StationSchedule.objects.create(station=station, days_ahead=3)
    with clock.frozen_at(NOW):
        slots_ensure_ahead()
    return station


def fill(until: dt.date) -> None:
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min, tzinfo=clock.local_zone())
    for slot in Slot.objects.filter(start__lt=end):
        Slot.objects.filter(pk=slot.pk).update(booked=slot.capacity)


def book(client, day: dt.date, language: str = "zh-hans"):
    params = {"address": ADDRESS, "service_type": "lock-repair", "date": day.isoformat()}
    with clock.frozen_at(NOW):
        return client.get("/book/", params, HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_full_day_links_to_the_next_free_day(client, station):
    fill(TODAY + dt.timedelta(days=1))
    page = book(client, TODAY)
    assert 'data-testid="next-free-day"' in page and "最近可约：12-03" in page
    # A button of the booking form (another day keeps what was typed, never in a URL) for that day.
    button = page.split('data-testid="next-free-day"')[0].rsplit("<button", 1)[1]
    assert 'name="date" value="2026-12-03"' in button
    assert "Next free day: 12-03" in book(client, TODAY, "en")


def test_nothing_free_says_to_call_the_hotline(client, station):
    fill(TODAY + dt.timedelta(days=10))
    page = book(client, TODAY)
    assert 'data-testid="next-free-day"' in page and "请致电热线" in page


def test_a_day_with_slots_shows_no_hint(client, station):
    assert 'data-testid="next-free-day"' not in book(client, TODAY)
