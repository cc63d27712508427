"""Staff have their own sign-in page (not the back office's), land on their role's work page, see their
role's navigation instead of the customers', and sign out with one button."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-staff-password"


@pytest.mark.parametrize(
    "role,home",
    [("agent", "/hotline/"), ("dispatcher", "/dispatch/"), ("technician", "/tech/"), ("auditor", "/admin/")],
)
def test_each_role_lands_on_its_work_page(world, role, home):
    client = Client()
    user = world["staff"][role]
    response = client.post("/staff/login/", {"username": user.phone[3:], "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == home


def test_a_staff_page_sends_a_visitor_to_the_staff_sign_in_and_back(world):
    client = Client()
    response = client.get("/hotline/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/?next=/hotline/")
    agent = world["staff"]["agent"]
    back = client.post(
        response["Location"], {"username": agent.phone, "password": PASSWORD, "next": "/hotline/"}
    )
    assert back["Location"] == "/hotline/"


def test_a_wrong_password_is_said_in_place_and_keeps_the_phone(world):
    client = Client()
    agent = world["staff"]["agent"]
    page = client.post("/staff/login/", {"username": agent.phone, "password": "wrong-password"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="login-error"' in text and agent.phone in text


def test_a_customer_cannot_sign_in_with_a_password(world):
    response = Client().post("/staff/login/", {"username": world["a"].phone, "password": ""})
    assert response.status_code == 200  # the form again, with the error


def test_staff_see_their_roles_navigation_and_sign_out(world):
    client = Client()
    client.force_login(world["staff"]["agent"])
    page = client.get("/hotline/").content.decode()
    assert 'data-testid="staff-nav"' in page and 'href="/hotline/"' in page
    assert 'href="/dispatch/"' not in page and 'href="/plan/"' not in page
    assert 'data-testid="logout"' in page
    out = client.post("/staff/logout/")
    assert out.status_code == 302
    assert client.get("/hotline/").status_code == 302  # signed out: back to the sign-in page


def test_customers_keep_the_customer_navigation(client):
    page = client.get("/").content.decode()
    assert 'data-testid="staff-nav"' not in page and 'href="/plan/"' in page
