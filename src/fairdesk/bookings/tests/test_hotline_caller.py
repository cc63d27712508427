"""Issue 16 item 15: on the hotline console an agent sees the caller's plan and emergencies, reschedules for
them (choose → confirm, the current slot never offered) and cancels only after a confirm step."""

from __future__ import annotations

import re

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.bookings.models import Booking
from fairdesk.bookings.selectors import slots_open_for_day
from fairdesk.bookings.services import booking_create
from fairdesk.bookings.tests.test_user_text_in_links import network  # noqa: F401
from fairdesk.dispatch.services import urgent_request_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
PHONE = "+8613800000001"


@pytest.fixture
def console(client, network):  # noqa: F811
    agent = staff_create(
        phone="13500000001", name="李客服", role=Role.AGENT, password="a-long-staff-password"
    )
    client.force_login(agent)
    customer = customer_get_or_create(phone=PHONE)
    from fairdesk.bookings.selectors import booking_days

    day = booking_days(station=network)[1]
    slot = slots_open_for_day(station=network, day=day)[0]
    booking = booking_create(
        customer=customer,
        slot_id=slot.pk,
        service_type_code="lock-repair",
        address=ADDRESS,
        contact_name="王先生",
        actor=agent,
    )
    return client, booking


def test_the_caller_plan_and_emergencies_are_shown(console):
    client, _booking = console
    urgent = urgent_request_create(phone=PHONE, address=ADDRESS, description="锁在门外")
    page = client.get("/hotline/", {"phone": PHONE}).content.decode()
    assert 'data-testid="caller-plan"' in page and "没有套餐" in page
    caller = page.split('data-testid="caller-urgent"')[1].split("</section>")[0]
    assert urgent.reference in caller and f"/help-now/{urgent.reference}/" in caller


def test_an_agent_reschedules_for_the_caller(console):
    client, booking = console
    page = client.get("/hotline/", {"phone": PHONE, "reschedule": booking.reference}).content.decode()
    form = page.split('data-testid="hotline-reschedule-form"')[1].split("</form>")[0]
    offered = re.findall(r'name="slot_id" value="(\d+)"', form)
    assert offered and str(booking.slot_id) not in offered
    next_url = re.search(r'name="next" value="([^"]+)"', form).group(1).replace("&amp;", "&")
    response = client.post(
        f"/my/{booking.reference}/reschedule/", {"slot_id": offered[0], "next": next_url}
    )
    assert response.status_code == 302 and "moved=" + booking.reference in response["Location"]
    assert "phone=%2B8613800000001" in response["Location"]
    booking.refresh_from_db()
    assert str(booking.slot_id) == offered[0]


def test_cancelling_on_the_phone_asks_first(console):
    client, booking = console
    page = client.get("/hotline/", {"phone": PHONE}).content.decode()
    assert 'name="reason_code"' not in page  # "取消" opens the confirm step ...
    page = client.get("/hotline/", {"phone": PHONE, "cancel": booking.reference}).content.decode()
    step = page.split('data-testid="hotline-cancel-confirm"')[1].split("</form>")[0]
    assert 'value="customer_request"' in step  # ... which cancels
    next_url = re.search(r'name="next" value="([^"]+)"', step).group(1).replace("&amp;", "&")
    client.post(f"/my/{booking.reference}/cancel/", {"reason_code": "customer_request", "next": next_url})
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
