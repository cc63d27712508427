"""Planning a station's day: every booked visit gets a technician with the skill, a place in the order inside
its slot, and the customer is told a narrowed window; the evening run happens once."""

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.bookings.models import Slot
from fairdesk.bookings.services import booking_create, service_types_load_demo, slots_ensure_for_day
from fairdesk.core import clock
from fairdesk.dispatch.models import PlanRun, Shift, Technician, VisitPlan
from fairdesk.dispatch.planning import nightly_plan_if_due, station_plan_day
from fairdesk.notify.models import Message
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 local
DAY = dt.date(2026, 12, 2)


@pytest.fixture
def booked_day():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    for n, skills in enumerate([["locks"], ["safes"]]):
        user = staff_create(
            phone=f"1700000001{n}", name=f"周{n}", role=Role.TECHNICIAN, password="a-long-password-1"
        )
        tech = Technician.objects.create(
            user=user, station=station, skills=skills, lat=station.lat, lng=station.lng
        )
        Shift.objects.create(technician=tech, start=T0, end=T0 + dt.timedelta(days=3))
    with clock.frozen_at(T0):
        slots_ensure_for_day(station=station, day=DAY)
        Slot.objects.update(capacity=5)
        slots = list(Slot.objects.order_by("start"))
        bookings = []
        for n, code in enumerate(["lock-repair", "safe-maintenance", "password-reset", "lock-install"]):
            customer = customer_get_or_create(phone=f"1380000010{n}")
            bookings.append(
                booking_create(
                    customer=customer,
                    slot_id=slots[n].pk,
                    service_type_code=code,
                    address="江苏省泰州市姜堰区人民路1号",
                    contact_name="",
                    actor=customer,
                )
            )
    return station, bookings


def test_every_visit_is_planned_by_a_qualified_technician_inside_its_slot(booked_day):
    station, _bookings = booked_day
    with clock.frozen_at(T0):
        summary = station_plan_day(station=station, day=DAY, seconds=1)
    assert summary["planned"] == 4 and summary["unassigned"] == []
    for plan in VisitPlan.objects.select_related("booking__slot", "booking__service_type", "technician"):
        assert plan.booking.service_type.skill in plan.technician.skills
        assert plan.booking.slot.start <= plan.planned_start <= plan.booking.slot.end
        assert plan.booking.slot.start <= plan.window_start < plan.window_end <= plan.booking.slot.end
        assert plan.window_end - plan.window_start <= dt.timedelta(hours=1)
    assert Message.objects.filter(kind="visit_window").count() == 4


@pytest.mark.usefixtures("booked_day")
def test_the_evening_run_happens_once():
    with clock.frozen_at(T0):  # 12:00 local: too early
        assert nightly_plan_if_due() is False
    evening = dt.datetime(2026, 12, 1, 12, 30, tzinfo=dt.UTC)  # 20:30 local
    with clock.frozen_at(evening):
        assert nightly_plan_if_due() is True
        assert nightly_plan_if_due() is False
    assert PlanRun.objects.get().day == DAY


def test_the_dispatcher_board_plans_a_day_and_overrides_an_assignment(client, booked_day):
    from fairdesk.bookings.services import urgent_request_create
    from fairdesk.core.models import Event
    from fairdesk.dispatch.models import Job, JobStatus
    from fairdesk.dispatch.services import urgent_assign

    station, _bookings = booked_day
    dispatcher = staff_create(
        phone="13500000077", name="张调度", role=Role.DISPATCHER, password="a-long-password-1"
    )
    client.force_login(dispatcher)
    with clock.frozen_at(T0):
        response = client.post("/dispatch/plan/", {"station": station.pk, "day": DAY.isoformat()})
        assert response.status_code == 302 and "planned=4" in response["Location"]
        page = client.get(f"/dispatch/?station={station.pk}&day={DAY.isoformat()}").content.decode()
        assert "timeline-svg" in page and page.count('class="visit"') == 4 + 4  # timeline bars + map dots
        assert 'class="board-map"' in page and page.count('class="tech"') == 2
        urgent = urgent_request_create(phone="13700000009", address="江苏省泰州市姜堰区人民路1号")
        first = urgent_assign(urgent=urgent)
        other = Technician.objects.exclude(pk=first.technician_id).first()
        client.post("/dispatch/assign/", {"reference": urgent.reference, "technician": other.pk})
    assert Job.objects.get(pk=first.pk).status == JobStatus.REASSIGNED
    assert Job.objects.get(urgent=urgent, status=JobStatus.OFFERED).technician == other
    assert Event.objects.get(kind="urgent.reassigned").actor == dispatcher
