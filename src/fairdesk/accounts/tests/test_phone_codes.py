"""One-time SMS codes: delivered by the gateway, single use, expiring, limited guesses, rate-limited."""

import datetime as dt
import re

import pytest

from fairdesk.core import clock
from fairdesk.notify.models import Message

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


def last_code(phone="+8613800000001"):
    """The code as the phone receives it (the stored body only has ******)."""
    from fairdesk.notify.services import message_text

    message = Message.objects.filter(recipient=phone, kind="otp").latest("created_at")
    return re.search(r"\d{6}", message_text(message))[0]


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_code_verifies_the_phone_for_this_session(client):
    with clock.frozen_at(T0):
        assert post(client, "/api/v1/auth/sms-code", {"phone": "138 0000 0001"}).status_code == 202
        message = Message.objects.get(kind="otp")
        assert message.urgent and message.next_attempt_at == T0  # never held by quiet hours
        response = post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": last_code()})
    assert response.status_code == 200
    assert client.session["verified_phone"] == "+8613800000001"


def test_a_code_is_single_use_and_expires(client):
    with clock.frozen_at(T0):
        post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
        code = last_code()
    with clock.frozen_at(T0 + dt.timedelta(minutes=6)):
        response = post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": code})
        assert response.status_code == 422 and response.json()["code"] == "code_expired"
    with clock.frozen_at(T0 + dt.timedelta(minutes=7)):
        post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
        code = last_code()
        assert post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": code}).status_code == 200
        assert post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": code}).status_code == 422


def test_five_wrong_guesses_burn_the_code(client):
    with clock.frozen_at(T0):
        post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
        code = last_code()
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(5):
            assert post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": wrong}).json()[
                "code"
            ] == ("code_wrong")
        response = post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": code})
    assert response.status_code == 429


def test_codes_are_rate_limited_per_phone(client):
    with clock.frozen_at(T0):
        assert post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"}).status_code == 202
        again = post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
        assert again.status_code == 429 and "60" in again.json()["message"]
    for minute in range(1, 5):
        with clock.frozen_at(T0 + dt.timedelta(minutes=minute)):
            assert post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"}).status_code == 202
    with clock.frozen_at(T0 + dt.timedelta(minutes=6)):
        assert post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"}).status_code == 429


def test_a_bad_number_is_a_clear_error(client):
    response = client.post(
        "/api/v1/auth/sms-code",
        {"phone": "12345"},
        content_type="application/json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 422
    assert "valid mobile number" in response.json()["message"]


def test_a_replayed_idempotency_key_sends_one_code(client):
    with clock.frozen_at(T0):
        first = client.post(
            "/api/v1/auth/sms-code",
            {"phone": "13800000001"},
            content_type="application/json",
            headers={"Idempotency-Key": "tap-1"},
        )
        again = client.post(
            "/api/v1/auth/sms-code",
            {"phone": "13800000001"},
            content_type="application/json",
            headers={"Idempotency-Key": "tap-1"},
        )
    assert first.status_code == again.status_code == 202
    assert Message.objects.filter(kind="otp").count() == 1
