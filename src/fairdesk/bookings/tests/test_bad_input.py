"""Bad input is a 4xx `{"code", "message"}` in the caller's language (JSON under /api/, the error page on
pages), never a 500: each case reproduces one found by the outside probe (issue 9)."""

import datetime as dt
import json

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, staff_create
from fairdesk.bookings.models import Booking, Slot
from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
from fairdesk.core.models import Event
from fairdesk.dispatch.models import UrgentRequest
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
TOMORROW = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).date().isoformat()
EN = {"accept-language": "en"}


@pytest.fixture
def network():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    slots_ensure_ahead(station=station)
    return station


@pytest.fixture
def agent():
    return staff_create(phone="13500000001", name="李客服", role=Role.AGENT, password="a-long-staff-password")


@pytest.fixture
def agent_headers(agent):
    return {"Authorization": f"Bearer {api_token_create(user=agent)}"}


def refused(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message"} and body["message"], body
    if code:
        assert body["code"] == code, body
    return body


# ------------------------------------------------------------------------------------------ NUL bytes


@pytest.mark.parametrize("path", ["/help-now/AB%00CD/", "/my/AB%00CD/", "/my/AB%00CD/calendar.ics"])
def test_a_nul_in_a_page_path_is_the_error_page_in_the_callers_language(client, path):
    chinese = client.get(path)
    assert chinese.status_code == 400
    assert "请求中含有不允许的字符" in chinese.content.decode()
    english = client.get(path, headers=EN)
    assert english.status_code == 400
    assert "not allowed" in english.content.decode()


def test_a_nul_in_the_query_string_is_a_400_json(client, network):
    query = {"address": ADDRESS, "service_type": "\x00", "date": TOMORROW}
    body = refused(client.get("/api/v1/slots", query, headers=EN), 400, "invalid_characters")
    assert "not allowed" in body["message"]
    refused(client.get("/api/v1/resolve", {"address": "南京\x00市"}), 400, "invalid_characters")


def test_a_nul_in_a_json_body_or_a_form_field_is_a_400(client, network, agent_headers):
    body = {"slot_id": 1, "service_type": "lock-repair", "address": "南京\u0000", "phone": "13800000001"}
    refused(
        client.post("/api/v1/bookings", body, content_type="application/json", headers=agent_headers),
        400,
        "invalid_characters",
    )
    raw = b'{"slot_id": 1, "service_type": "lock-repair", "address": "\x00"}'
    refused(client.post("/api/v1/bookings", raw, content_type="application/json", headers=agent_headers), 400)
    form = client.post("/help-now/", {"phone": "13800000001", "address": ADDRESS + "\x00"})
    assert form.status_code == 400
    assert not UrgentRequest.objects.exists()


def test_a_backslash_u0000_that_is_only_text_is_not_refused(client, network, agent_headers):
    """`"\\\\u0000"` in JSON is a backslash followed by "u0000", not a NUL: ordinary (if odd) text."""
    body = (
        '{"slot_id": 1, "service_type": "lock-repair", "address": "\\\\u0000 姜堰区", "phone": "13800000001"}'
    )
    response = client.post("/api/v1/bookings", body, content_type="application/json", headers=agent_headers)
    assert response.status_code != 400


# ------------------------------------------------------------------------------------------ API shapes


def test_an_unreadable_json_body_is_a_400_in_our_shape(client, network, agent_headers):
    response = client.post(
        "/api/v1/bookings", "{not json", content_type="application/json", headers={**agent_headers, **EN}
    )
    body = refused(response, 400, "bad_request")
    assert "JSON" in body["message"] and "detail" not in body


def test_no_credentials_is_a_401_in_our_shape_and_language(client, network):
    body = {"slot_id": 1, "service_type": "lock-repair", "address": ADDRESS}
    chinese = refused(
        client.post("/api/v1/bookings", body, content_type="application/json"), 401, "unauthorized"
    )
    assert "令牌" in chinese["message"]
    english = refused(
        client.post("/api/v1/bookings", body, content_type="application/json", headers=EN),
        401,
        "unauthorized",
    )
    assert "token" in english["message"]


def test_a_staff_booking_with_a_bad_phone_is_a_422(client, network, agent_headers):
    slot = Slot.objects.first()
    body = {"slot_id": slot.pk, "service_type": "lock-repair", "address": ADDRESS, "phone": "x"}
    response = client.post(
        "/api/v1/bookings", body, content_type="application/json", headers={**agent_headers, **EN}
    )
    assert "valid mobile" in refused(response, 422, "invalid_phone")["message"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("slot_id", [0, -1, 2**63, 2**70])
def test_an_id_out_of_range_is_a_422(client, network, agent_headers, slot_id):
    body = {"slot_id": slot_id, "service_type": "lock-repair", "address": ADDRESS, "phone": "13800000001"}
    response = client.post("/api/v1/bookings", body, content_type="application/json", headers=agent_headers)
    refused(response, 422, "invalid")


@pytest.mark.parametrize("date", ["9999-12-31", "3000-01-01", "0001-01-01", "2026-02-30", "tomorrow"])
def test_an_overflowing_or_bad_date_is_an_empty_list_or_a_422(client, network, date):
    response = client.get("/api/v1/slots", {"address": ADDRESS, "service_type": "lock-repair", "date": date})
    if date[0].isdigit() and date != "2026-02-30":
        assert response.status_code == 200 and response.json() == []
    else:
        refused(response, 422, "invalid")


def test_the_schema_documents_the_common_refusals(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["code", "message"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert "400" in documented, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= documented, (method, path)
            if operation.get("parameters") or operation.get("requestBody"):
                assert "422" in documented, (method, path)
            if "{" in path:
                assert "404" in documented, (method, path)
    for path, method in [
        ("/api/v1/subscriptions", "get"),
        ("/api/v1/refunds", "post"),
        ("/api/v1/bookings", "post"),
    ]:
        assert "404" in schema["paths"][path][method]["responses"], path  # a customer named by phone
    for path, method in [
        ("/api/v1/bookings/{reference}/cancel", "post"),
        ("/api/v1/bookings/{reference}/reschedule", "post"),
        ("/api/v1/subscriptions/{subscription_id}/auto-renew", "post"),
        ("/api/v1/subscriptions", "get"),
    ]:
        assert "422" in schema["paths"][path][method]["responses"], path


# ------------------------------------------------------------------------------------------ pages


def test_hotline_pages_refuse_a_bad_phone_with_the_error_page(client, network, agent):
    client.force_login(agent)
    note = client.post("/hotline/note/", {"phone": "x", "text": "called"}, headers=EN)
    assert 400 <= note.status_code < 500
    assert "valid mobile" in note.content.decode()
    booked = client.post(
        "/hotline/book/",
        {"phone": "x", "slot_id": "1", "service_type": "lock-repair", "address": ADDRESS},
    )
    assert 400 <= booked.status_code < 500
    assert not Event.objects.filter(kind="customer.created").exists()


def test_book_confirm_with_a_slot_that_is_not_a_number(client, network):
    from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY

    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = "+8613800000001"
    session.save()
    response = client.post(
        "/book/confirm/",
        {"phone": "13800000001", "slot_id": "abc", "service_type": "lock-repair", "address": ADDRESS},
    )
    assert 400 <= response.status_code < 500
    assert not Booking.objects.exists()


def test_dispatch_pages_with_ids_that_are_not_numbers(client, network):
    dispatcher = staff_create(
        phone="13500000003", name="张调度", role=Role.DISPATCHER, password="a-long-staff-password"
    )
    client.force_login(dispatcher)
    assert client.get("/dispatch/", {"station": "abc"}).status_code == 200
    assert client.get("/dispatch/", {"station": str(2**70), "day": "9999-12-31"}).status_code == 200
    assert client.post("/dispatch/assign/", {"reference": "X", "technician": "abc"}).status_code == 404
    plan = client.post("/dispatch/plan/", {"station": "abc", "day": "9999-12-31"})
    assert plan.status_code in {404, 422}
    technician = staff_create(
        phone="13500000004", name="赵师傅", role=Role.TECHNICIAN, password="a-long-staff-password"
    )
    client.force_login(technician)
    handover = client.post("/tech/jobs/1/handover/", {"to": "abc", "reason": "x"})
    assert handover.status_code == 404


def test_the_error_body_never_leaks_a_traceback(client, network, agent_headers):
    response = client.post(
        "/api/v1/bookings/AB%00CD/cancel", "{}", content_type="application/json", headers=agent_headers
    )
    assert response.status_code == 400
    assert "Traceback" not in json.dumps(response.json())


def test_an_unreadable_form_or_too_big_a_body_is_a_400_in_our_shape(client, settings):
    broken = client.generic(
        "POST",
        "/api/v1/bookings",
        b"--x\r\nContent-Disposition: form-data\r\n\r\nno end",
        content_type="multipart/form-data",  # no boundary: Django cannot parse it
        headers=EN,
    )
    body = refused(broken, 400, "bad_request")
    assert "could not be read" in body["message"]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = client.post("/api/v1/bookings", "[" + "1," * 1000 + "1]", content_type="application/json")
    refused(big, 400, "bad_request")


def test_an_unknown_customer_is_a_documented_404(client, agent_headers):
    response = client.get("/api/v1/subscriptions", {"customer_phone": "13812345678"}, headers=agent_headers)
    refused(response, 404)
    schema = client.get("/api/v1/openapi.json").json()
    assert "404" in schema["paths"]["/api/v1/subscriptions"]["get"]["responses"]
    bad = client.get("/api/v1/subscriptions", {"customer_phone": "x"}, headers=agent_headers)
    refused(bad, 422, "invalid_phone")
