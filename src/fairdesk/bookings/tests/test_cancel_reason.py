"""Why a booking was cancelled: a code from a small set goes into the event (and the statistics); the words a
person typed stay on the booking and show on its pages, never in the event log."""

import pytest

from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY
from fairdesk.accounts.models import Role, User
from fairdesk.bookings.models import Booking, CancelReason
from fairdesk.bookings.tests.test_booking_api import agent_headers, book, network, open_slots  # noqa: F401
from fairdesk.core import events
from fairdesk.core.models import Event

pytestmark = pytest.mark.django_db


def cancel(client, reference, body, headers=None):
    return client.post(
        f"/api/v1/bookings/{reference}/cancel", body, content_type="application/json", headers=headers or {}
    )


def booked(client, agent_headers):  # noqa: F811
    response = book(client, agent_headers, open_slots(client)[0]["id"])
    assert response.status_code in (200, 201), response.content
    return response.json()["reference"]


def test_the_code_goes_into_the_event_and_the_words_onto_the_booking(client, network, agent_headers):  # noqa: F811
    reference = booked(client, agent_headers)
    body = {"reason_code": "unable_to_serve", "reason": "师傅生病了，网点改天联系"}
    assert cancel(client, reference, body, agent_headers).status_code == 200
    booking = Booking.objects.get(reference=reference)
    assert (booking.cancel_reason, booking.cancel_note) == ("unable_to_serve", "师傅生病了，网点改天联系")
    event = Event.objects.get(kind="booking.cancelled")
    assert event.payload == {
        "old_status": "confirmed",
        "new_status": "cancelled",
        "reason_code": "unable_to_serve",
        "has_note": True,
    }
    assert events.prose_in(event.payload) == []
    client.force_login(User.objects.get(role=Role.AGENT))  # the hotline console shows the agent why
    hotline = client.get("/hotline/", {"phone": "13800000001"})
    assert hotline.status_code == 200
    assert "无法上门服务：师傅生病了，网点改天联系" in hotline.content.decode()


def test_without_a_code_it_is_the_customers_request_and_no_note(client, network, agent_headers):  # noqa: F811
    reference = booked(client, agent_headers)
    assert cancel(client, reference, {}, agent_headers).status_code == 200
    payload = Event.objects.get(kind="booking.cancelled").payload
    assert (payload["reason_code"], payload["has_note"]) == ("customer_request", False)


def test_an_unknown_code_is_refused_with_a_translated_message(client, network, agent_headers):  # noqa: F811
    reference = booked(client, agent_headers)
    headers = {**agent_headers, "Accept-Language": "en"}
    refused = cancel(client, reference, {"reason_code": "bored"}, headers)
    assert refused.status_code == 422
    assert refused.json()["code"] == "invalid_reason_code"
    assert "must be one of" in refused.json()["message"]
    assert Booking.objects.get(reference=reference).status == "confirmed"


def test_a_customer_cannot_choose_the_business_reason(client, network, agent_headers):  # noqa: F811
    reference = booked(client, agent_headers)
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = "+8613800000001"
    session.save()
    token = client.get("/my/").cookies.get("csrftoken")
    headers = {"X-CSRFToken": token.value} if token else {}
    refused = cancel(client, reference, {"reason_code": CancelReason.UNABLE_TO_SERVE}, headers)
    assert refused.status_code == 422, refused.content
    assert refused.json()["code"] == "invalid_reason_code"


def test_the_customers_page_cancels_for_their_request_and_shows_why(
    client, network, agent_headers  # noqa: F811
):
    reference = booked(client, agent_headers)
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = "+8613800000001"
    session.save()
    page = client.get(f"/my/{reference}/").content.decode()
    assert 'name="reason_code"' not in page  # "取消预约" asks first (issue 16 item 6) ...
    page = client.get(f"/my/{reference}/?cancel=1").content.decode()
    assert 'name="reason_code" value="customer_request"' in page  # ... and this step confirms
    assert 'data-testid="cancel-confirm"' in page
    client.post(f"/my/{reference}/cancel/", {"reason_code": "customer_request"})
    booking = Booking.objects.get(reference=reference)
    assert (booking.status, booking.cancel_reason) == ("cancelled", "customer_request")
    assert booking.cancel_note == ""
    shown = client.get(f"/my/{reference}/").content.decode()
    assert 'data-testid="cancel-reason"' in shown and "客户要求取消" in shown


def test_the_migration_copies_old_typed_reasons_onto_the_bookings(client, network, agent_headers):  # noqa: F811
    """Before issue 10 the words lived only in the event; bookings 0005 copies them onto the booking (the
    pages' own values "customer" and "caller asked" were codes, not notes)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("fairdesk.bookings.migrations.0005_booking_cancel_reason")
    typed = booked(client, agent_headers)
    paged = book(client, agent_headers, open_slots(client)[1]["id"], phone="13800000002").json()["reference"]
    for reference, reason in ((typed, "门锁已经自己修好了"), (paged, "caller asked")):
        booking = Booking.objects.get(reference=reference)
        Booking.objects.filter(pk=booking.pk).update(status="cancelled")  # as the old code left it
        Event.objects.create(
            kind="booking.cancelled",
            subject_type="bookings.booking",
            subject_id=str(booking.pk),
            payload={"old_status": "confirmed", "new_status": "cancelled", "reason": reason},
        )
    migration.reasons_onto_bookings(apps, None)
    rows = {b.reference: (b.cancel_reason, b.cancel_note) for b in Booking.objects.all()}
    assert rows == {typed: ("customer_request", "门锁已经自己修好了"), paged: ("customer_request", "")}
