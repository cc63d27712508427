"""The reproductions of the outside probe, each answered by the one permissions module: staff never signed in
by an SMS code, cookie-borne API writes need CSRF and JSON, an auditor reads and never writes, a technician
works their own jobs only and hands over to their own station, the public status page hides phone numbers."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from fairdesk.accounts.models import PhoneCode
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
from fairdesk.bookings.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db


def customer_client(phone: str, **kwargs) -> Client:
    client = Client(**kwargs)
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = phone
    session.save()
    return client


def test_a_staff_phone_gets_no_sms_code(world, client):
    manager = world["staff"]["manager"]
    response = client.post("/api/v1/auth/sms-code", {"phone": manager.phone}, content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "staff_phone"
    page = client.post("/book/code/", {"phone": manager.phone})
    assert "工作人员" in page.content.decode()
    assert not PhoneCode.objects.filter(phone=manager.phone).exists()


def test_a_session_holding_a_staff_phone_has_no_rights(world):
    """Even if a staff phone reached the session, it is not a customer and not staff: 401 everywhere."""
    client = customer_client(world["staff"]["manager"].phone)
    assert client.get("/api/v1/subscriptions", {"customer_phone": world["a"].phone}).status_code == 401
    changed = client.post(
        "/api/v1/plans/change-rule", {"effective": "end_of_period"}, content_type="application/json"
    )
    assert changed.status_code == 401
    assert client.get(f"/my/{world['booking'].reference}/").status_code == 404


def test_cookie_borne_api_writes_need_the_csrf_token_and_json(world):
    reference = world["booking"].reference
    client = customer_client(world["a"].phone, enforce_csrf_checks=True)
    url = f"/api/v1/bookings/{reference}/cancel"
    # A page on the same host (another port) posts a text/plain "form" with a JSON-looking body.
    forged = client.generic(
        "POST",
        url,
        json.dumps({"reason": "x"}),
        content_type="text/plain",
        headers={"Origin": "http://127.0.0.1:9"},
    )
    assert forged.status_code == 401
    no_token = client.post(url, {"reason": "x"}, content_type="application/json")
    assert no_token.status_code == 401
    client.get("/my/")  # the page sets the CSRF cookie, as in a browser
    token = client.cookies["csrftoken"].value
    as_text = client.generic(
        "POST", url, json.dumps({"reason": "x"}), content_type="text/plain", headers={"X-CSRFToken": token}
    )
    assert as_text.status_code == 401
    assert Booking.objects.get(reference=reference).status == BookingStatus.CONFIRMED
    ok = client.post(url, {"reason": "x"}, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 200, ok.content
    assert Booking.objects.get(reference=reference).status == BookingStatus.CANCELLED


def test_a_bearer_token_needs_no_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        f"/api/v1/bookings/{world['booking'].reference}/cancel",
        {"reason": "caller asked"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {world['tokens']['agent']}"},
    )
    assert response.status_code == 200


def test_session_setup_endpoints_refuse_cross_site_forms(client):
    response = client.generic(
        "POST",
        "/api/v1/auth/verify",
        json.dumps({"phone": "13800000009", "code": "123456"}),
        content_type="text/plain",
    )
    assert response.status_code == 415 and response.json()["code"] == "unsupported_media_type"


@pytest.mark.parametrize("role", ["auditor", "technician", "dispatcher"])
def test_roles_that_do_not_act_for_customers_cannot_book_cancel_or_reschedule(world, role):
    headers = {"Authorization": f"Bearer {world['tokens'][role]}"}
    client = Client()
    reference = world["booking"].reference
    created = client.post(
        "/api/v1/bookings",
        {
            "slot_id": world["slots"][1].pk,
            "service_type": "lock-repair",
            "address": "江苏省泰州市姜堰区人民路1号",
            "phone": world["a"].phone,
        },
        content_type="application/json",
        headers=headers,
    )
    cancelled = client.post(
        f"/api/v1/bookings/{reference}/cancel", {}, content_type="application/json", headers=headers
    )
    moved = client.post(
        f"/api/v1/bookings/{reference}/reschedule",
        {"slot_id": world["slots"][1].pk},
        content_type="application/json",
        headers=headers,
    )
    assert created.status_code == 403
    assert cancelled.status_code in (403, 404) and moved.status_code in (403, 404)
    assert Booking.objects.count() == 1
    assert Booking.objects.get().status == BookingStatus.CONFIRMED


def test_an_auditor_signed_in_reads_but_cannot_cancel(world):
    client = Client()
    client.force_login(world["staff"]["auditor"])
    reference = world["booking"].reference
    assert client.get(f"/my/{reference}/").status_code == 200
    assert client.post(f"/my/{reference}/cancel/", {"reason": "x"}).status_code == 403
    assert client.post(f"/my/{reference}/reschedule/", {"slot_id": world["slots"][1].pk}).status_code == 403
    assert Booking.objects.get(reference=reference).status == BookingStatus.CONFIRMED


def test_a_technician_cannot_open_a_booking_or_its_calendar(world):
    client = Client()
    client.force_login(world["staff"]["technician"])
    reference = world["booking"].reference
    assert client.get(f"/my/{reference}/").status_code == 404
    assert client.get(f"/my/{reference}/calendar.ics").status_code == 404


def test_a_technician_works_only_their_own_jobs(world):
    client = Client()
    client.force_login(world["colleague"].user)
    response = client.post(f"/tech/jobs/{world['job'].pk}/", {"action": "accept"})
    assert response.status_code == 404
    world["job"].refresh_from_db()
    assert world["job"].status == "offered"


def test_a_job_is_handed_over_only_within_the_station(world):
    from fairdesk.accounts.services import staff_create
    from fairdesk.dispatch.models import Technician
    from fairdesk.dispatch.services import job_accept
    from fairdesk.regions.models import Division
    from fairdesk.regions.services import station_create

    elsewhere = station_create(
        name="南京服务站",
        address="建邺区",
        division=Division.objects.get(code="320105", valid_until=None),
        hotline="400-100-3000",
    )
    stranger = Technician.objects.create(
        user=staff_create(
            phone="13900000019", name="远方", role="technician", password="a-long-staff-password"
        ),
        station=elsewhere,
        skills=["locks"],
        lat=32.0,
        lng=118.7,
    )
    job_accept(job_id=world["job"].pk, actor=world["staff"]["technician"])
    client = Client()
    client.force_login(world["staff"]["technician"])
    response = client.post(f"/tech/jobs/{world['job'].pk}/handover/", {"to": stranger.pk, "reason": "太远"})
    assert response.status_code == 409
    assert "本网点" in response.content.decode()
    assert not stranger.jobs.exists()


def test_the_public_status_page_never_shows_the_technicians_number(world, client):
    page = client.get(f"/help-now/{world['urgent'].reference}/").content.decode()
    full = world["staff"]["technician"].phone
    assert full not in page and full[3:] not in page
