"""A wrong one-time code is a recorded event (how many guesses, whether the code is burnt), so abuse of the
verification can be counted from the event log like failed staff sign-ins."""

import pytest

from fairdesk.accounts.tests.test_phone_codes import T0, last_code, post
from fairdesk.core import clock
from fairdesk.core.models import Event

pytestmark = pytest.mark.django_db


def test_wrong_guesses_are_recorded_until_the_code_is_burnt(client):
    with clock.frozen_at(T0):
        post(client, "/api/v1/auth/sms-code", {"phone": "13800000001"})
        wrong = "000000" if last_code() != "000000" else "111111"
        for _ in range(6):  # the sixth is refused before any guess is counted
            post(client, "/api/v1/auth/verify", {"phone": "13800000001", "code": wrong})
    failed = [e.payload for e in Event.objects.filter(kind="phone_code.failed").order_by("id")]
    assert failed == [{"attempts": n, "burnt": n == 5} for n in range(1, 6)]
    assert not Event.objects.filter(kind="phone_code.verified").exists()
