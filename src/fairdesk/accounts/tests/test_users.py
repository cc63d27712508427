"""Phone-first users and staff roles."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.phone import mask_phone, normalize_phone
from fairdesk.accounts.services import customer_get_or_create, staff_create


@pytest.mark.parametrize(
    "raw",
    ["13812345678", "138 1234 5678", "+86 138-1234-5678", "008613812345678", "８６１３８１２３４５６７８"],
)
def test_chinese_mobile_numbers_in_their_usual_spellings(raw):
    assert normalize_phone(raw) == "+8613812345678"


@pytest.mark.parametrize("raw", ["", "12345", "1381234567", "+86 12812345678", "abc"])
def test_bad_numbers_are_refused_with_a_message(raw):
    with pytest.raises(ValidationError) as caught:
        normalize_phone(raw)
    assert "手机号码" in str(caught.value.messages[0])


@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_normalising_is_idempotent(number):
    once = normalize_phone(number)
    assert normalize_phone(once) == once
    assert mask_phone(once) == number[:3] + "****" + number[-4:]


@pytest.mark.django_db
def test_customers_have_no_password_and_no_back_office():
    customer = customer_get_or_create(phone="139 0000 1111", name="刘女士")
    assert customer.phone == "+8613900001111"
    assert customer.has_usable_password() is False
    assert customer.is_staff is False
    assert customer_get_or_create(phone="+8613900001111") == customer


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.AUDITOR])
def test_every_staff_role_reaches_the_back_office(role):
    user = staff_create(phone="13700000000", name="员工", role=role, password="a-long-staff-password")
    assert user.is_staff is True
    assert User.objects.get(phone="+8613700000000").role == role


@pytest.mark.django_db
def test_admin_lists_every_model(admin_client_for_manager):
    for url in [
        "/admin/accounts/user/",
        "/admin/core/event/",
        "/admin/regions/division/",
        "/admin/regions/station/",
        "/admin/regions/servicearea/",
    ]:
        assert admin_client_for_manager.get(url).status_code == 200, url


@pytest.fixture
def admin_client_for_manager(client):
    manager = staff_create(
        phone="13600000000", name="经理", role=Role.MANAGER, password="a-long-staff-password"
    )
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    return client
