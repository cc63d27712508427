"""The booking confirmation page and the confirmation and reminder messages name the courses for the booked
service (through bookings.learning); SMS gets a short link. Never a step: booking works without any."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.bookings import learning
from fairdesk.bookings.models import Slot
from fairdesk.bookings.services import booking_create, service_types_load_demo
from fairdesk.core import clock
from fairdesk.courses.demo import courses_load_demo
from fairdesk.courses.models import ShortLink
from fairdesk.notify.models import Message
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking(settings):
    settings.FAIRDESK_SITE_URL = "https://fairdesk.example"
    service_types_load_demo()
    courses_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    start = clock.now() + dt.timedelta(days=2)
    slot = Slot.objects.create(station=station, start=start, end=start + dt.timedelta(hours=2), capacity=3)
    customer = customer_get_or_create(phone="13800000031", name="A")
    return booking_create(
        customer=customer,
        slot_id=slot.pk,
        service_type_code="lock-repair",
        address="江苏省泰州市姜堰区人民路1号",
        contact_name="A",
        actor=customer,
    )


def test_the_source_gives_the_courses_of_a_service_type_in_the_language_asked():
    courses_load_demo()
    links = learning.learning_links(service_type_code="safe-opening", language="en")
    assert [link.title for link in links] == ["Choosing a safe", "What a lawful opening looks like"]
    assert all(link.kind == "course" and link.short_path.startswith("/l/") for link in links)
    assert learning.learning_links(service_type_code="unknown", language="zh-hans") == []


def test_the_confirmation_page_links_the_course(booking):
    client = Client()
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = booking.customer.phone
    session.save()
    page = client.get(f"/my/{booking.reference}/").content.decode()
    assert 'data-testid="learning"' in page and "/learn/lock-care/" in page and "门锁日常保养" in page


def test_confirmation_and_reminders_name_the_course_with_a_short_link(booking):
    short = ShortLink.objects.get(path="/learn/lock-care/").code
    bodies = dict(Message.objects.filter(subject_id=str(booking.pk)).values_list("kind", "body"))
    for kind in ("booking_confirmed", "reminder_24h"):
        assert "门锁日常保养" in bodies[kind]
        assert f"https://fairdesk.example/l/{short}" in bodies[kind]


def test_a_broken_source_never_breaks_a_booking(booking, monkeypatch):
    def broken(code, language):
        raise RuntimeError("down")

    learning.learning_source_register("broken-for-test", broken)
    try:
        links = learning.learning_links(service_type_code="lock-repair", language="zh-hans")
        assert [link.path for link in links] == ["/learn/lock-care/"]
    finally:
        learning._sources.pop("broken-for-test")
