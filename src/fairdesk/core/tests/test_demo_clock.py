"""The demo clock (issue 16 item 11): undoable ("back to real time" → offset 0, what happened during the jump
stays recorded), a banner on every page while it is on, and a 404 in production (FAIRDESK_TEST_CLOCK off)."""

import datetime as dt

import pytest

from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.core.models import TestClock as DemoClockRow
from fairdesk.core.services import demo_clock_advance, demo_clock_reset

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(settings):
    settings.FAIRDESK_TEST_CLOCK = True
    clock.demo_clock_forget()
    yield
    DemoClockRow.objects.all().delete()
    clock.demo_clock_forget()


def test_back_to_real_time_undoes_the_jump_and_keeps_the_record(client, demo):
    assert 'data-testid="demo-clock-banner"' not in client.get("/").content.decode()
    demo_clock_advance(seconds=30 * 86_400)
    ahead = clock.now() - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=29, hours=23) < ahead < dt.timedelta(days=30, minutes=1)
    for path in ("/", "/plan/", "/book/"):
        page = client.get(path).content.decode()
        assert 'data-testid="demo-clock-banner"' in page, path
        assert f"{clock.local(clock.now()):%Y-%m-%d}" in page and "回到真实时间" in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Demo clock on" in english and "Back to real time" in english

    response = client.post("/demo-clock/back/", {"next": "/book/?day=x#y"})
    assert response.status_code == 302 and response["Location"] == "/book/?day=x#y"
    assert DemoClockRow.objects.get(pk=1).offset_seconds == 0
    assert abs(clock.now() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    assert 'data-testid="demo-clock-banner"' not in client.get("/book/").content.decode()
    kinds = list(Event.objects.filter(kind__startswith="test_clock.").values_list("kind", "payload"))
    assert kinds == [
        ("test_clock.advanced", {"seconds": 2_592_000, "offset": 2_592_000}),
        ("test_clock.reset", {"offset_before": 2_592_000}),
    ]
    assert demo_clock_reset() == 0  # already at real time: nothing to record
    assert Event.objects.filter(kind="test_clock.reset").count() == 1


def test_back_goes_only_to_this_site(client, demo):
    demo_clock_advance(seconds=86_400)
    response = client.post("/demo-clock/back/", {"next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_production_has_no_demo_clock(client, settings):
    settings.FAIRDESK_TEST_CLOCK = False
    assert client.post("/demo-clock/back/").status_code == 404
    assert client.post("/plan/demo-clock/", {"days": 1}).status_code == 404
    assert 'data-testid="demo-clock-banner"' not in client.get("/").content.decode()


def test_after_a_jump_the_demo_still_has_bookable_slots(demo):
    """The cause behind item 11's empty days: demo shifts were made for a month of real dates, so a jump of
    the demo clock past them left no capacity. Demo technicians are now on shift for years."""
    from fairdesk.bookings.selectors import booking_days, slots_open_for_day
    from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
    from fairdesk.dispatch.services import technicians_load_demo
    from fairdesk.regions.models import Division
    from fairdesk.regions.services import service_area_add, station_create

    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    technicians_load_demo()
    demo_clock_advance(seconds=3 * 30 * 86_400)  # three taps of "+30 天"
    slots_ensure_ahead()
    tomorrow = booking_days(station=station)[1]
    assert slots_open_for_day(station=station, day=tomorrow)  # still on shift: open slots
