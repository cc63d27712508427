"""Reading never writes: slots are made ahead by a periodic job for each station's `days_ahead`; the API and
the pages only read, and a day beyond the horizon is an empty list that creates nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fairdesk.bookings.models import Slot, StationSchedule
from fairdesk.bookings.services import schedule_get_or_create, service_types_load_demo, slots_ensure_ahead
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
NOW = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
TODAY = dt.date(2026, 12, 1)
WINDOWS = 6  # 08:00–20:00 in 2-hour windows


@pytest.fixture
def station():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    return station


def slots_api(client, day: str):
    return client.get("/api/v1/slots", {"address": ADDRESS, "service_type": "lock-repair", "date": day})


def test_reading_slots_creates_none(client, station):
    with clock.frozen_at(NOW):
        response = slots_api(client, (TODAY + dt.timedelta(days=1)).isoformat())
        page = client.get("/book/", {"address": ADDRESS, "service_type": "lock-repair"})
    assert response.status_code == 200 and response.json() == []
    assert page.status_code == 200
    assert Slot.objects.count() == 0


def test_the_job_makes_each_stations_horizon_once(station):
    schedule = schedule_get_or_create(station=station)
    with clock.frozen_at(NOW):
        created = slots_ensure_ahead()
        assert created == (schedule.days_ahead + 1) * WINDOWS
        with CaptureQueriesContext(connection) as queries:
            assert slots_ensure_ahead() == 0
    assert len(queries) == 1  # nothing due: one query per run of the job
    event = Event.objects.get(kind="slots.created")
    assert event.subject_id == str(station.pk) and event.payload["slots"] == created
    days = {s.start.astimezone(clock.local_zone()).date() for s in Slot.objects.all()}
    assert min(days) == TODAY and max(days) == TODAY + dt.timedelta(days=schedule.days_ahead)
    with clock.frozen_at(NOW + dt.timedelta(days=1)):  # a new day: one more day at the far end
        assert slots_ensure_ahead() == WINDOWS


def test_a_hundred_far_gets_create_no_rows(client, station):
    with clock.frozen_at(NOW):
        slots_ensure_ahead()
        before = Slot.objects.count()
        statuses = set()
        for n in range(100):
            far = dt.date(3000, 1, 1) + dt.timedelta(days=n) if n % 2 else TODAY + dt.timedelta(days=15 + n)
            response = slots_api(client, far.isoformat())
            statuses.add(response.status_code)
            assert response.json() == []
    assert statuses == {200}
    assert Slot.objects.count() == before


def test_the_horizon_is_the_schedules_days_ahead(client, station):
    StationSchedule.objects.create(station=station, days_ahead=3)
    with clock.frozen_at(NOW):
        slots_ensure_ahead()
        assert Slot.objects.count() == 4 * WINDOWS
        last = TODAY + dt.timedelta(days=3)
        assert len(slots_api(client, last.isoformat()).json()) == WINDOWS
        assert slots_api(client, (last + dt.timedelta(days=1)).isoformat()).json() == []
        page = client.get("/book/", {"address": ADDRESS, "service_type": "lock-repair"})
    assert [day for day, _href in page.context["day_links"]] == [
        TODAY + dt.timedelta(days=n) for n in range(4)
    ]
    assert Slot.objects.count() == 4 * WINDOWS


def test_saving_a_schedule_in_the_admin_makes_its_slots_at_once(client, station):
    from fairdesk.accounts.models import User

    manager = User.objects.create_superuser("13900000001", "a-long-staff-password", name="王经理")
    client.force_login(manager)
    schedule = schedule_get_or_create(station=station)
    form = {
        "station": station.pk,
        "opens_at": "09:00:00",
        "closes_at": "17:00:00",
        "window_minutes": 240,
        "capacity_per_window": 3,
        "days_ahead": 2,
    }
    with clock.frozen_at(NOW):
        response = client.post(f"/admin/bookings/stationschedule/{schedule.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Slot.objects.filter(station=station).count() == 3 * 2  # three days, two 4-hour windows
