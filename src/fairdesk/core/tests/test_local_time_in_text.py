"""Times people read in the back office are the business's local time (a 12:00 visit reads 12:00, not the
04:00 stored in UTC), including the records' names that the admin's lists and choices show."""

from __future__ import annotations

import datetime as dt

import pytest

from fairdesk.core import clock

pytestmark = pytest.mark.django_db
NOON_SHANGHAI = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


def _noon_slot():
    from fairdesk.bookings.models import Slot
    from fairdesk.regions.models import Division, Station

    division = Division.objects.filter(valid_until=None, level="county").first()
    station = Station.objects.create(name="测试站", address="x", division=division, hotline="1", lat=0, lng=0)
    return Slot(station=station, start=NOON_SHANGHAI, end=NOON_SHANGHAI + dt.timedelta(hours=2), capacity=1)


def test_a_slot_and_an_event_read_in_local_time(settings):
    from fairdesk.core.models import Event

    settings.TIME_ZONE = "Asia/Shanghai"
    slot = _noon_slot()
    assert "2026-12-01 12:00" in str(slot)
    event = Event(at=NOON_SHANGHAI, kind="x", subject_type="y", subject_id="1")
    assert str(event).startswith("2026-12-01 12:00:00")
    assert clock.local(NOON_SHANGHAI).hour == 12


def test_the_admin_lists_booking_slots_in_local_time(client, settings):
    from fairdesk.accounts.services import staff_create

    settings.TIME_ZONE = "Asia/Shanghai"
    manager = staff_create(phone="13900000001", name="经理", role="manager", password="a-long-staff-password")
    client.force_login(manager)
    _noon_slot().save()
    page = client.get("/admin/bookings/slot/").content.decode()
    assert "12:00" in page and "04:00" not in page


def test_the_admin_lists_money_in_yuan(client):
    from fairdesk.accounts.services import staff_create
    from fairdesk.bookings.services import service_types_load_demo

    service_types_load_demo()
    manager = staff_create(phone="13900000001", name="经理", role="manager", password="a-long-staff-password")
    client.force_login(manager)
    page = client.get("/admin/bookings/servicetype/").content.decode()
    assert "¥150.00" in page and ">15000<" not in page
