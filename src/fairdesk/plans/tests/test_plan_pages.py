"""“My plan” pages: every action is the same button and the same number of pages; the preview is what
happens; the one-tap link turns auto-renew off."""

import pytest

from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.plans.models import Subscription
from fairdesk.plans.renewals import auto_renew_off_url
from fairdesk.plans.services import subscription_create

pytestmark = pytest.mark.django_db


def signed_in(client, phone="13800138010"):
    customer = customer_get_or_create(phone=phone)
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer.phone
    session.save()
    return customer


def test_a_stranger_is_asked_for_the_phone(client, catalog):
    page = client.get("/plan/").content.decode()
    assert 'name="phone"' in page and "plan-actions" not in page
    assert client.get("/plan/upgrade/").status_code == 302


def test_all_choices_are_the_same_button_in_the_same_row(client, catalog):
    customer = signed_in(client)
    subscription_create(customer=customer, plan=catalog["standard"], period="month", actor=customer)
    page = client.get("/plan/").content.decode()
    row = page[
        page.index('data-testid="plan-actions"') : page.index(
            "</div>", page.index('data-testid="plan-actions"')
        )
    ]
    for action in ("upgrade", "downgrade", "switch_period", "cancel", "refund"):
        assert f'class="button plan-action" href="/plan/{action}/" data-action="{action}"' in row


def test_a_downgrade_through_the_pages(client, catalog):
    customer = signed_in(client)
    subscription_create(customer=customer, plan=catalog["premium"], period="month", actor=customer)
    choose = client.get("/plan/downgrade/").content.decode()
    assert (
        'data-plan="basic"' in choose
        and 'data-plan="standard"' in choose
        and 'data-plan="premium"' not in choose
    )
    preview = client.get("/plan/downgrade/", {"step": 1, "plan": "basic", "period": "month"}).content.decode()
    assert 'data-testid="amount-back"' in preview and "向下取整" in preview and "紧急上门免上门费" in preview
    key = preview.split('name="key" value="')[1].split('"')[0]
    body = {"plan": "basic", "period": "month", "key": key}
    response = client.post("/plan/downgrade/confirm/", body)
    assert response.status_code == 302 and "done=downgrade" in response["Location"]
    client.post("/plan/downgrade/confirm/", body)  # a double tap: the same key, done once
    assert Subscription.objects.get(customer=customer).plan.code == "basic"
    assert "已办理" in client.get(response["Location"]).content.decode()


def test_the_one_tap_link_turns_auto_renew_off(client, catalog):
    customer = customer_get_or_create(phone="13800138011")
    sub, _q = subscription_create(
        customer=customer, plan=catalog["basic"], period="year", auto_renew=True, actor=customer
    )
    url = auto_renew_off_url(sub).split("8000", 1)[1]
    page = client.get(url)
    assert page.status_code == 200 and "自动续费已关闭" in page.content.decode()
    sub.refresh_from_db()
    assert sub.auto_renew is False
    assert client.get("/plans/auto-renew-off/forged/").status_code == 404


def test_the_ledger_shows_every_line_by_pages_with_signs_and_balance(client, catalog):
    """Issue 16 item 9: not silently only the last 20 lines."""
    from fairdesk.plans.models import LedgerEntry

    customer = signed_in(client, phone="13800138011")
    LedgerEntry.objects.bulk_create(
        [LedgerEntry(customer=customer, kind="payment", amount_fen=100 + i) for i in range(45)]
    )
    first = client.get("/plan/").content.decode()
    assert first.count('data-testid="ledger-amount"') == 20
    assert "第 1 / 3 页，共 45 条" in first and 'rel="next"' in first
    total = sum(100 + i for i in range(45))
    assert f"¥{total // 100:,}.{total % 100:02d}" in first  # the running balance after the newest line
    last = client.get("/plan/", {"page": 3}).content.decode()
    assert last.count('data-testid="ledger-amount"') == 5 and ">+¥1.00<" in last  # the oldest line
    assert ">¥1.00<" in last  # its balance
    english = client.get("/plan/", {"page": 2}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page 2 of 3, 45 lines" in english and "You paid" in english
