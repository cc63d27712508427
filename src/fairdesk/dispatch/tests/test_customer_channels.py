"""Dispatch's customer messages honour the channel choice (dispatch/messages.py): the arrival window of a
planned visit goes where the customer chose (email, push), not by SMS; an emergency's handover message keeps
the written SMS-first rule (an SMS to the number given for the emergency, plus that customer's other chosen
channels). Sending the window SMS regardless, or making `channels_for` ignore email, fails here."""

import datetime as dt

import pytest
from django.core import mail

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.bookings.models import Slot
from fairdesk.bookings.services import booking_create, service_types_load_demo, slots_ensure_for_day
from fairdesk.core import clock
from fairdesk.dispatch.models import Shift, Technician
from fairdesk.dispatch.planning import station_plan_day
from fairdesk.dispatch.services import job_accept, job_handover, urgent_assign
from fairdesk.notify.models import Message, PushSubscription
from fairdesk.notify.services import channel_preference_set, messages_dispatch_due
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

from .test_emergency_flow import new_request, team  # noqa: F401 - `team` is a fixture

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)  # 12:00 local
DAY = dt.date(2026, 12, 2)


def customer(n: int, *, email: bool = False, push: bool = False):
    user = customer_get_or_create(phone=f"1380000020{n}")
    if email:
        user.email = f"c{n}@example.com"
        user.save(update_fields=["email"])
    if push:
        PushSubscription.objects.create(
            user=user, endpoint=f"https://push.example.com/{n}", p256dh="k", auth="a"
        )
    if email or push:
        channel_preference_set(user=user, sms=False, email=email, push=push)
    return user


@pytest.fixture
def station():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    user = staff_create(phone="17000000020", name="周", role=Role.TECHNICIAN, password="a-long-password-1")
    tech = Technician.objects.create(
        user=user, station=station, skills=["locks"], lat=station.lat, lng=station.lng
    )
    Shift.objects.create(technician=tech, start=T0, end=T0 + dt.timedelta(days=3))
    with clock.frozen_at(T0):
        slots_ensure_for_day(station=station, day=DAY)
    Slot.objects.update(capacity=5)
    return station


def book(station, who, n: int = 0):
    with clock.frozen_at(T0):
        return booking_create(
            customer=who,
            slot_id=Slot.objects.order_by("start")[n].pk,
            service_type_code="lock-repair",
            address="江苏省泰州市姜堰区人民路1号",
            contact_name="",
            actor=who,
        )


def channels(kind: str, booking) -> list[tuple[str, str]]:
    return sorted(
        Message.objects.filter(kind=kind, subject_id=str(booking.pk)).values_list("channel", "recipient")
    )


def test_the_arrival_window_goes_where_each_customer_chose(station):
    by_sms, by_email, by_push = customer(0), customer(1, email=True), customer(2, push=True)
    bookings = [book(station, who, n) for n, who in enumerate((by_sms, by_email, by_push))]
    with clock.frozen_at(T0):
        assert station_plan_day(station=station, day=DAY, seconds=1)["planned"] == 3
    device = PushSubscription.objects.get(user=by_push)
    assert channels("visit_window", bookings[0]) == [("sms", by_sms.phone)]
    assert channels("visit_window", bookings[1]) == [("email", "c1@example.com")]
    assert channels("visit_window", bookings[2]) == [("push", str(device.pk))]
    # the booking confirmation (bookings/messages.py) went the same ways
    assert channels("booking_confirmed", bookings[1]) == [("email", "c1@example.com")]
    assert channels("booking_confirmed", bookings[2]) == [("push", str(device.pk))]


def test_the_arrival_window_is_delivered_by_email(station):
    who = customer(1, email=True)
    booking = book(station, who)
    with clock.frozen_at(T0):
        station_plan_day(station=station, day=DAY, seconds=1)
        messages_dispatch_due()
    windows = [m for m in mail.outbox if "明天的上门时间已排好" in m.body]
    assert [m.to for m in windows] == [["c1@example.com"]] and booking.reference in windows[0].body
    assert not Message.objects.filter(channel="sms").exists()


def test_an_emergency_handover_is_an_sms_to_the_given_number_plus_the_chosen_channels(team):  # noqa: F811
    caller = customer_get_or_create(phone="13700000001")  # the number new_request() gives
    caller.email = "caller@example.com"
    caller.save(update_fields=["email"])
    channel_preference_set(user=caller, sms=False, email=True, push=False)
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
        job_accept(job_id=job.pk, actor=job.technician.user)
        job_handover(job_id=job.pk, actor=job.technician.user, to=team[1], reason="车坏了")
    told = sorted(Message.objects.filter(kind="job_handed_over").values_list("channel", "recipient"))
    assert told == [("email", "caller@example.com"), ("sms", urgent.phone)]
    assert Message.objects.filter(kind="job_handed_over", urgent=True).count() == 2
