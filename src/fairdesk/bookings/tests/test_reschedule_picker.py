"""The reschedule picker opens on the booked day, names the current slot and never offers it again.
Late in the evening today has nothing left; the picker used to open on today and offer nothing."""

import datetime as dt

import pytest

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.bookings.models import Slot, StationSchedule
from fairdesk.bookings.services import booking_create, service_types_load_demo, slots_ensure_ahead
from fairdesk.core import clock
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
LATE = dt.datetime(2026, 12, 1, 13, 30, tzinfo=dt.UTC)  # 21:30 in Shanghai: today's last slot has begun
TOMORROW = dt.date(2026, 12, 2)


@pytest.fixture
def booking():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    StationSchedule.objects.create(station=station, days_ahead=3)
    with clock.frozen_at(LATE):
        slots_ensure_ahead()
        start = dt.datetime.combine(TOMORROW, dt.time.min, tzinfo=clock.local_zone())
        first = Slot.objects.filter(station=station, start__gte=start).order_by("start").first()
        customer = customer_get_or_create(phone="+8613711112222", name="刘女士")
        return booking_create(
            customer=customer,
            slot_id=first.pk,
            service_type_code="lock-repair",
            address="江苏省泰州市姜堰区人民路1号#5栋&A座",
            contact_name="刘女士",
            actor=customer,
        )


def picker(client, booking, language="zh-hans", **params):
    session = client.session
    session["verified_phone"] = booking.customer.phone
    session.save()
    with clock.frozen_at(LATE):
        response = client.get(
            f"/my/{booking.reference}/", {"reschedule": "1", **params}, HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 200, response.content[:300]
    return response.content.decode()


def test_the_picker_opens_on_the_booked_day_and_names_the_current_slot(client, booking):
    page = picker(client, booking)
    days = page.split('<nav class="days"')[1].split("</nav>")[0]
    current_day = days.split('aria-current="date"')[1].split("</a>")[0]
    assert TOMORROW.strftime("%m-%d") in current_day
    current = booking.slot.start.astimezone(clock.local_zone()).strftime("%H:%M")
    assert 'data-testid="current-slot"' in page and f"12-02 {current}" in page
    offered = page.split('class="slots"')[1].split("</fieldset>")[0]
    assert f'value="{booking.slot_id}"' not in offered and offered.count('data-testid="slot"') >= 2
    assert "Currently booked:" in picker(client, booking, "en")


def test_another_day_can_still_be_chosen(client, booking):
    page = picker(client, booking, date=(TOMORROW + dt.timedelta(days=1)).isoformat())
    assert 'data-testid="slot"' in page
