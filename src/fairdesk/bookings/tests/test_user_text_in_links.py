"""What people type survives every link: an address with `#`, `&`, `?`, `%`, `+`, `/` or an emoji comes back
exactly as typed when the customer (or the hotline agent) taps another day, and is booked that way. On /book/
another day is a button of the booking form (POST): the name and phone typed are kept too, and never put in a
URL (issue 16 items 1, 3 and 6)."""

from __future__ import annotations

import html
import re

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.bookings.models import Booking
from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db

BASE = "江苏省泰州市姜堰区人民路108号"
TYPED = [
    BASE + "5栋#1201室",
    BASE + "A&B座",
    BASE + "3?楼 100% 到+1/2 🔑",
    BASE + "&service_type=safe-opening&date=2000-01-01#x",  # looks like a query string; is an address
]


@pytest.fixture
def network():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    slots_ensure_ahead(station=station)
    return station


def day_links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'<a class="day[^"]*" href="([^"]+)"', page)]


def day_buttons(page: str) -> list[str]:
    return re.findall(r'<button class="day[^"]*" type="submit" name="date" value="([\d-]+)"', page)


def field_value(page: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', page
    )
    assert match, f"no {name} field"
    return html.unescape(match.group(1))


@pytest.mark.parametrize("address", TYPED)
def test_another_day_keeps_the_address_as_typed(client, network, address):
    first = client.get("/book/", {"address": address, "service_type": "lock-repair"}).content.decode()
    days = day_buttons(first)
    assert len(days) >= 2 and not day_links(first)
    typed = {"name": "刘女士 #1 & 🔑", "phone": "+86 137 1111 2222"}
    form = {"address": field_value(first, "address"), "service_type": "lock-repair", **typed}
    later = client.post("/book/", {**form, "date": days[1]}).content.decode()
    assert field_value(later, "address") == address
    assert field_value(later, "name") == typed["name"] and field_value(later, "phone") == typed["phone"]
    assert 'name="slot_id"' in later  # the slot form is still there
    assert f'value="{days[1]}" formaction' in later.split('aria-current="date"')[0].rsplit("<button", 1)[1]
    assert "1111" not in " ".join(re.findall(r'href="([^"]*)"', later))  # no personal data in any link


@pytest.mark.parametrize("address", TYPED[:2])
def test_the_address_is_booked_exactly_as_typed(client, network, address, django_capture_on_commit_callbacks):
    from fairdesk.accounts.services import customer_get_or_create
    from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY

    customer_get_or_create(phone="13800000001")
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = "+8613800000001"
    session.save()
    first = client.get("/book/", {"address": address, "service_type": "lock-repair"}).content.decode()
    page = client.post(
        "/book/", {"address": address, "service_type": "lock-repair", "date": day_buttons(first)[1]}
    ).content.decode()
    slot = re.search(r'name="slot_id" value="(\d+)"', page).group(1)
    response = client.post(
        "/book/confirm/",
        {
            "address": field_value(page, "address"),
            "service_type": "lock-repair",
            "slot_id": slot,
            "phone": "13800000001",
            "name": "刘女士",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Booking.objects.get().address == address


def test_the_hotline_day_links_keep_the_address_and_the_plus_of_the_phone(client, network):
    agent = staff_create(
        phone="13500000001", name="李客服", role=Role.AGENT, password="a-long-staff-password"
    )
    client.force_login(agent)
    address = TYPED[0]
    first = client.get(
        "/hotline/", {"phone": "+8613800000001", "address": address, "service_type": "lock-repair"}
    ).content.decode()
    later = client.get("/hotline/" + day_links(first)[1]).content.decode()
    assert field_value(later, "address") == address
    assert field_value(later, "phone") == "+8613800000001"
    note = client.post("/hotline/note/", {"phone": "+8613800000001", "text": "客户来电"})
    assert note.status_code == 302
    assert "phone=%2B8613800000001" in note.headers["Location"]
