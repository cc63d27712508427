"""The booking form as people use it (issue 16 items 2–6): the price before confirming, a wrong code shown in
place with everything kept (never in a URL), a second submission of the same form shows the booking it
made, "获取验证码" works without JavaScript, and no slot is chosen for the customer."""

from __future__ import annotations

import html
import re

import pytest

from fairdesk.accounts.tests.test_phone_codes import last_code
from fairdesk.bookings.models import Booking
from fairdesk.bookings.tests.test_user_text_in_links import day_buttons, field_value, network  # noqa: F401
from fairdesk.plans.tests.conftest import catalog  # noqa: F401

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路108号5栋#1201室 A&B座 🔑"
PHONE = "+8613711112222"


def tomorrow_page(client, **typed):
    first = client.get("/book/", {"address": ADDRESS, "service_type": "lock-repair"}).content.decode()
    form = {"address": ADDRESS, "service_type": "lock-repair", **typed}
    return client.post("/book/", {**form, "date": day_buttons(first)[1]}).content.decode()


def slot_ids(page: str) -> list[str]:
    return re.findall(r'name="slot_id" value="(\d+)"', page)


def test_the_price_is_shown_before_booking(client, network):  # noqa: F811
    page = tomorrow_page(client)
    price = html.unescape(page.split('data-testid="price"')[1].split("</div>")[0])
    assert "参考价：¥" in price
    english = client.get(
        "/book/", {"address": ADDRESS, "service_type": "lock-repair"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Price: ¥" in html.unescape(english.split('data-testid="price"')[1].split("</div>")[0])


def test_no_slot_is_chosen_for_the_customer(client, network):  # noqa: F811
    page = tomorrow_page(client)
    assert slot_ids(page) and " checked" not in page.split('class="slots"')[1].split("</fieldset>")[0]


def test_get_code_works_without_javascript_and_keeps_what_was_typed(client, network):  # noqa: F811
    page = tomorrow_page(client)
    slot = slot_ids(page)[0]
    form = {
        "address": ADDRESS,
        "service_type": "lock-repair",
        "shown_date": field_value(page, "shown_date"),
        "slot_id": slot,
        "name": "刘女士",
        "phone": "137 1111 2222",
        "action": "send_code",
    }
    sent = client.post("/book/", form)
    assert sent.status_code == 200
    shown = sent.content.decode()
    assert 'data-testid="code-sent"' in shown
    assert field_value(shown, "name") == "刘女士" and field_value(shown, "phone") == "137 1111 2222"
    assert f'value="{slot}" required checked' in shown  # the slot chosen stays chosen
    assert last_code(PHONE)


def test_a_wrong_code_is_shown_in_place_with_everything_kept(client, network):  # noqa: F811
    page = tomorrow_page(client)
    slot = slot_ids(page)[1]
    client.post("/book/", {"phone": PHONE, "action": "send_code", "address": ADDRESS})
    form = {
        "address": ADDRESS,
        "service_type": "lock-repair",
        "shown_date": field_value(page, "shown_date"),
        "slot_id": slot,
        "name": "刘女士",
        "phone": PHONE,
        "code": "000000" if last_code(PHONE) != "000000" else "111111",
        "submission": field_value(page, "submission"),
    }
    response = client.post("/book/confirm/", form)
    assert response.status_code == 422  # the page itself, not an error page with "back"
    shown = response.content.decode()
    assert 'data-testid="confirm-error"' in shown and "验证码不正确" in shown
    assert field_value(shown, "name") == "刘女士" and field_value(shown, "address") == ADDRESS
    assert field_value(shown, "shown_date") == form["shown_date"]
    assert f'value="{slot}" required checked' in shown
    assert "刘女士" not in " ".join(re.findall(r'(?:href|action)="([^"]*)"', shown))
    # The same form sent again with the right code books (the failed try left nothing behind).
    response = client.post("/book/confirm/", {**form, "code": last_code(PHONE)})
    assert response.status_code == 302 and Booking.objects.count() == 1


def test_a_second_submission_of_the_same_form_shows_the_booking_it_made(client, network):  # noqa: F811
    page = tomorrow_page(client)
    client.post("/book/", {"phone": PHONE, "action": "send_code", "address": ADDRESS})
    form = {
        "address": ADDRESS,
        "service_type": "lock-repair",
        "slot_id": slot_ids(page)[0],
        "name": "刘女士",
        "phone": PHONE,
        "code": last_code(PHONE),
        "submission": field_value(page, "submission"),
    }
    first = client.post("/book/confirm/", form)
    booking = Booking.objects.get()
    assert first["Location"] == f"/my/{booking.reference}/"
    # The second tap comes from a browser that never got the first answer (its old session cookie).
    from django.test import Client

    other_tab = Client()
    second = other_tab.post("/book/confirm/", form)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Booking.objects.count() == 1
    assert other_tab.get(second["Location"]).status_code == 200  # it is their booking: shown
    # Another form (a new page) with the used code is refused, not silently joined to the first.
    fresh = {**form, "submission": "0" * 32}
    assert Client().post("/book/confirm/", fresh).status_code == 422


def test_a_plan_holder_sees_their_price(client, network, catalog):  # noqa: F811
    from fairdesk.accounts.services import customer_get_or_create
    from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY
    from fairdesk.plans.services import subscription_create

    customer = customer_get_or_create(phone="13800000001")
    subscription_create(customer=customer, plan=catalog["standard"], period="month", actor=customer)
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
    session.save()
    price = html.unescape(tomorrow_page(client).split('data-testid="price"')[1].split("</div>")[0])
    assert "您的价格：¥108.00" in price and "原价 ¥120.00，套餐会员优惠 10%" in price


@pytest.mark.parametrize("page", ["/my/", "/plan/", "/support/"])
def test_sign_in_pages_send_the_code_without_javascript(client, db, page):
    """Issue 16 item 5: "获取验证码" is a real submit on every sign-in form (htmx only enhances it)."""
    shown = client.post(page, {"phone": "137 1111 3333", "action": "send_code"})
    assert shown.status_code == 200
    body = shown.content.decode()
    assert 'data-testid="code-sent"' in body and 'value="137 1111 3333"' in body
    signed_in = client.post(page, {"phone": "137 1111 3333", "code": last_code("+8613711113333")})
    assert signed_in.status_code == 302
    client.logout()
    again = client.post(page, {"phone": "137 1111 3333", "action": "send_code"})
    assert again.status_code == 429 and 'data-testid="code-error"' in again.content.decode()
