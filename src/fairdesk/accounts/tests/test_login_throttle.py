"""Staff passwords cannot be guessed: 5 failures per account and 20 per client address in 15 minutes, then
even the right password is refused (with a clear message in the person's language) until the window has
passed. Tested through the admin's own sign-in page."""

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core import clock
from fairdesk.core.models import Event

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-staff-password"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def manager():
    return staff_create(phone="13900000001", name="王经理", role=Role.MANAGER, password=PASSWORD)


def sign_in(client, phone, password, address="203.0.113.7", language="zh-hans"):
    return client.post(
        LOGIN,
        {"username": phone, "password": password},
        REMOTE_ADDR=address,
        headers={"accept-language": language},
    )


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_five_failures_lock_the_account_even_for_the_right_password(client, manager):
    now = dt.datetime.now(dt.UTC)
    with clock.frozen_at(now):
        for n in range(5):
            response = sign_in(client, "13900000001", f"wrong-{n}")
            assert response.status_code == 200 and not signed_in(response)
        refused = sign_in(client, "13900000001", PASSWORD, language="en")
        assert not signed_in(refused)
        assert "Too many failed sign-ins" in refused.content.decode()
        chinese = sign_in(client, "+86 139 0000 0001", PASSWORD)  # the same account, written differently
        assert "登录失败次数过多" in chinese.content.decode()
    assert Event.objects.filter(kind="staff.login_failed").count() == 5
    throttled = Event.objects.filter(kind="staff.login_throttled")
    assert throttled.count() == 2
    assert throttled.first().payload == {"address": "203.0.113.7", "limit": "account", "failures": 5}
    with clock.frozen_at(now + dt.timedelta(minutes=16)):
        assert signed_in(sign_in(client, "13900000001", PASSWORD))


def test_a_successful_sign_in_clears_the_accounts_count(client, manager):
    for n in range(4):
        sign_in(client, "13900000001", f"wrong-{n}")
    assert signed_in(sign_in(client, "13900000001", PASSWORD))
    client.logout()
    for n in range(4):
        sign_in(client, "13900000001", f"wrong-again-{n}")
    assert signed_in(sign_in(client, "13900000001", PASSWORD))


def test_twenty_failures_from_one_address_stop_that_address_only(client, manager):
    for n in range(20):  # spread over accounts (most do not exist): under each account's own limit
        sign_in(client, f"1380000{n:04d}", "guess")
    from_there = sign_in(client, "13900000001", PASSWORD)
    assert not signed_in(from_there) and "登录失败次数过多" in from_there.content.decode()
    assert Event.objects.filter(kind="staff.login_throttled").get().payload["limit"] == "address"
    assert signed_in(sign_in(client, "13900000001", PASSWORD, address="198.51.100.9"))
