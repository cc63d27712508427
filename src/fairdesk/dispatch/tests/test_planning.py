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
    with clock.frozen_at(T0 - dt.timedelta(hours=1)):  # positions reported before T0, never today
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
    from fairdesk.core.models import Event
    from fairdesk.dispatch.models import Job, JobStatus
    from fairdesk.dispatch.services import urgent_assign, urgent_request_create

    station, _bookings = booked_day
    dispatcher = staff_create(
        phone="13500000077", name="张调度", role=Role.DISPATCHER, password="a-long-password-1"
    )
    client.force_login(dispatcher)
    with clock.frozen_at(T0):
        response = client.post("/dispatch/plan/", {"station": station.pk, "day": DAY.isoformat()})
        assert response.status_code == 302 and "planned=4" in response["Location"]
        page = client.get(f"/dispatch/?station={station.pk}&day={DAY.isoformat()}").content.decode()
        assert "timeline-svg" in page and page.count('class="visit planned"') == 4  # timeline bars
        assert page.count('class="travel"') == 4 and page.count('class="visit"') == 4  # + map dots
        assert 'class="board-map"' in page and page.count('class="tech"') == 2
        urgent = urgent_request_create(phone="13700000009", address="江苏省泰州市姜堰区人民路1号")
        first = urgent_assign(urgent=urgent)
        other = Technician.objects.exclude(pk=first.technician_id).first()
        client.post("/dispatch/assign/", {"reference": urgent.reference, "technician": other.pk})
    assert Job.objects.get(pk=first.pk).status == JobStatus.REASSIGNED
    assert Job.objects.get(urgent=urgent, status=JobStatus.OFFERED).technician == other
    assert Event.objects.get(kind="urgent.reassigned").actor == dispatcher


def test_the_technician_works_a_booked_visit_from_the_phone_page(client, booked_day):
    from fairdesk.bookings.models import Booking, BookingStatus
    from fairdesk.core.models import Event
    from fairdesk.dispatch.models import VisitStatus

    station, _bookings = booked_day
    with clock.frozen_at(T0):
        station_plan_day(station=station, day=DAY, seconds=1)
    visit = VisitPlan.objects.select_related("technician__user").order_by("planned_start").first()
    from fairdesk.plans.demo import plans_load_demo
    from fairdesk.plans.models import Plan
    from fairdesk.plans.services import subscription_create

    plans_load_demo()
    with clock.frozen_at(T0):  # the customer has a plan: the technician sees what it gives on site
        subscription_create(
            customer=visit.booking.customer,
            plan=Plan.objects.get(code="standard"),
            period="year",
            provider="offline",
            actor=visit.technician.user,
        )
    other = VisitPlan.objects.exclude(technician=visit.technician).first()
    client.force_login(visit.technician.user)
    on_the_day = visit.window_start - dt.timedelta(minutes=40)
    with clock.frozen_at(on_the_day):
        page = client.get("/tech/").content.decode()
        assert visit.booking.reference in page and 'value="en_route"' in page
        assert 'data-testid="plan-badge">安心 · 每年两次保养，维修 9 折' in page
        assert other.booking.reference not in page  # only their own day
        # someone else's visit, or a step out of order, is refused and changes nothing
        assert client.post(f"/tech/visits/{other.pk}/", {"action": "en_route"}).status_code == 404
        assert client.post(f"/tech/visits/{visit.pk}/", {"action": "done"}).status_code == 409
        for action in ("en_route", "on_site", "done"):
            assert client.post(f"/tech/visits/{visit.pk}/", {"action": action}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.DONE and visit.arrived_at == on_the_day
    assert Booking.objects.get(pk=visit.booking_id).status == BookingStatus.COMPLETED
    kinds = list(
        Event.objects.filter(subject_type="bookings.booking", subject_id=visit.booking_id).values_list(
            "kind", flat=True
        )
    )
    assert kinds[-4:] == ["visit.en_route", "visit.on_site", "visit.done", "booking.completed"]
    # a re-plan of the day keeps a visit that is under way or done with its technician
    with clock.frozen_at(on_the_day):
        station_plan_day(station=station, day=DAY, seconds=1)
    assert VisitPlan.objects.get(pk=visit.pk).status == VisitStatus.DONE


def test_slot_capacity_follows_the_shifts(booked_day):
    from fairdesk.bookings.models import Slot
    from fairdesk.bookings.services import slots_ensure_for_day
    from fairdesk.dispatch.services import slots_recount

    station, _bookings = booked_day
    later = DAY + dt.timedelta(days=1)  # both technicians on shift all day (T0 + 3 days)
    zone = clock.local_zone()
    with clock.frozen_at(T0):
        slots_ensure_for_day(station=station, day=later)
        midnight = dt.datetime.combine(later, dt.time.min, tzinfo=zone)
        day_slots = list(
            Slot.objects.filter(start__gte=midnight, start__lt=midnight + dt.timedelta(days=1)).order_by(
                "start"
            )
        )
        assert [s.capacity for s in day_slots] == [4] * 6  # 2 technicians × 120 min ÷ 60
        # one technician now works mornings only (until 12:00 local): afternoon windows drop to 2
        tech = Technician.objects.order_by("pk").first()
        noon = dt.datetime.combine(later, dt.time(12, 0), tzinfo=zone)
        tech.shifts.update(end=noon)
        booked = day_slots[-1]
        Slot.objects.filter(pk=booked.pk).update(booked=3)  # already booked beyond the new roster
        assert slots_recount(station=station) > 0
    capacity = {s.pk: s.capacity for s in Slot.objects.filter(pk__in=[s.pk for s in day_slots])}
    assert [capacity[s.pk] for s in day_slots] == [4, 4, 2, 2, 2, 3]  # the booked 3 are never taken away


def test_the_customer_sees_an_eta_from_the_technicians_reported_position(booked_day):
    from fairdesk.dispatch.selectors import live_eta
    from fairdesk.dispatch.services import (
        job_accept,
        technician_position,
        urgent_assign,
        urgent_request_create,
    )

    with clock.frozen_at(T0):
        urgent = urgent_request_create(phone="13700000019", address="江苏省泰州市姜堰区人民路1号")
        job = urgent_assign(urgent=urgent)
        assert live_eta(job=job) is None  # offered, nobody on the way: the promise stands
        job = job_accept(job_id=job.pk, actor=job.technician.user)
        assert live_eta(job=job) is None  # no position reported since the offer
    moved = T0 + dt.timedelta(minutes=5)
    with clock.frozen_at(moved):
        far = technician_position(technician=job.technician, lat=32.70, lng=120.30, actor=None)
        job.technician = far
        arrival, seen = live_eta(job=job)
    assert seen == moved and arrival - moved > dt.timedelta(minutes=20)  # ~25 km away: later than promised
