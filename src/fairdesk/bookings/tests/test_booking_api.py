"""The booking API for staff (Bearer token) and its rules: capacity, coverage, ownership, idempotency."""

import datetime as dt
import zoneinfo

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.bookings.models import Booking, Slot
from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
from fairdesk.core.models import Event
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
TOMORROW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()


@pytest.fixture
def network():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    slots_ensure_ahead(station=station)  # the periodic job's work; reading slots never makes them
    return station


@pytest.fixture
def agent_headers():
    agent = staff_create(
        phone="13500000001", name="李客服", role=Role.AGENT, password="a-long-staff-password"
    )
    return {"Authorization": f"Bearer {api_token_create(user=agent)}"}


def open_slots(client):
    response = client.get(
        "/api/v1/slots", {"address": ADDRESS, "service_type": "lock-repair", "date": TOMORROW}
    )
    assert response.status_code == 200, response.content
    return response.json()


def book(client, headers, slot_id, phone="13800000001", key=None):
    extra = {**headers, **({"Idempotency-Key": key} if key else {})}
    body = {
        "slot_id": slot_id,
        "service_type": "lock-repair",
        "address": ADDRESS,
        "phone": phone,
        "name": "刘女士",
    }
    return client.post("/api/v1/bookings", body, content_type="application/json", headers=extra)


def test_service_types_are_listed(client, network):
    body = client.get("/api/v1/service-types").json()
    assert {
        "code": "lockout-emergency",
        "name": "紧急开锁",
        "duration_minutes": 45,
        "emergency": True,
    }.items() <= body[0].items()
    english = client.get("/api/v1/service-types", headers={"accept-language": "en"}).json()
    assert english[0]["name"] == "Emergency lock-out opening"


def test_slots_for_a_covered_address(client, network):
    slots = open_slots(client)
    assert len(slots) == 6  # 08:00–20:00 in 2-hour windows
    assert slots[0]["station"] == {"name": "泰州服务站", "hotline": "400-100-2000"}
    local = [
        dt.datetime.fromisoformat(s["start"]).astimezone(zoneinfo.ZoneInfo("Asia/Shanghai")) for s in slots
    ]
    assert [t.isoformat(timespec="minutes")[:16] for t in local] == [
        f"{TOMORROW}T{h:02d}:00" for h in range(8, 20, 2)
    ]


def test_slots_for_an_uncovered_address_is_422(client, network):
    response = client.get(
        "/api/v1/slots", {"address": "北京市朝阳区", "service_type": "lock-repair", "date": TOMORROW}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_covered"


def test_an_agent_books_for_a_caller_and_the_event_names_the_agent(client, network, agent_headers):
    slot = open_slots(client)[0]
    response = book(client, agent_headers, slot["id"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "confirmed" and len(body["reference"]) == 8
    assert body["slot"]["remaining"] == slot["capacity"] - 1
    event = Event.objects.get(kind="booking.created")
    assert event.actor.role == Role.AGENT
    assert Booking.objects.get(reference=body["reference"]).customer.phone == "+8613800000001"


def test_a_full_slot_is_409_and_never_offered(client, network, agent_headers):
    slot = open_slots(client)[0]
    for n in range(slot["capacity"]):
        assert book(client, agent_headers, slot["id"], phone=f"1380000000{n}").status_code == 201
    response = book(client, agent_headers, slot["id"], phone="13800000009")
    assert response.status_code == 409
    assert response.json()["code"] == "slot_full"
    assert slot["id"] not in [s["id"] for s in open_slots(client)]


def test_a_replayed_idempotency_key_books_once(client, network, agent_headers):
    slot = open_slots(client)[0]
    first = book(client, agent_headers, slot["id"], key="call-42")
    again = book(client, agent_headers, slot["id"], key="call-42")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Booking.objects.count() == 1
    assert Slot.objects.get(pk=slot["id"]).booked == 1
    reused = book(client, agent_headers, open_slots(client)[1]["id"], key="call-42")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


def test_cancel_gives_the_place_back_and_reschedule_moves_it(client, network, agent_headers):
    slots = open_slots(client)
    reference = book(client, agent_headers, slots[0]["id"]).json()["reference"]
    moved = client.post(
        f"/api/v1/bookings/{reference}/reschedule",
        {"slot_id": slots[1]["id"]},
        content_type="application/json",
        headers=agent_headers,
    )
    assert moved.status_code == 200 and moved.json()["slot"]["id"] == slots[1]["id"]
    assert (Slot.objects.get(pk=slots[0]["id"]).booked, Slot.objects.get(pk=slots[1]["id"]).booked) == (0, 1)
    cancelled = client.post(
        f"/api/v1/bookings/{reference}/cancel", {}, content_type="application/json", headers=agent_headers
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert Slot.objects.get(pk=slots[1]["id"]).booked == 0
    twice = client.post(
        f"/api/v1/bookings/{reference}/cancel", {}, content_type="application/json", headers=agent_headers
    )
    assert twice.status_code == 409
    kinds = list(Event.objects.filter(subject_type="bookings.booking").values_list("kind", flat=True))
    assert kinds == ["booking.created", "booking.rescheduled", "booking.cancelled"]


def test_another_customer_cannot_touch_a_booking(client, network, agent_headers):
    from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY

    reference = book(client, agent_headers, open_slots(client)[0]["id"]).json()["reference"]
    customer_get_or_create(phone="13900000002")
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = "+8613900000002"
    session.save()
    response = client.post(f"/api/v1/bookings/{reference}/cancel", {}, content_type="application/json")
    assert response.status_code == 404
    assert Booking.objects.get(reference=reference).status == "confirmed"


def test_posts_need_a_token_or_a_verified_phone(client, network):
    slot = open_slots(client)[0]
    assert book(client, {}, slot["id"]).status_code == 401
    assert book(client, {"Authorization": "Bearer nope"}, slot["id"]).status_code == 401


def test_create_api_token_prints_only_the_token(network):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("create_api_token", "--role", "agent", stdout=out)
    token = out.getvalue().strip()
    assert token.startswith("fd_") and "\n" not in token and len(token) > 30
