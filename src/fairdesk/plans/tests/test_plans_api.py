"""The plans API: catalog, subscribe, change in every direction, refund; who may call it; idempotency."""

import pytest

from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY
from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.core.models import Event
from fairdesk.plans.models import ChangeRule, Payment, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent_headers():
    agent = staff_create(
        phone="13500000011", name="李客服", role=Role.AGENT, password="a-long-staff-password"
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=agent)}"}


def as_customer(client, phone="13800138001"):
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer_get_or_create(phone=phone).phone
    session.save()
    return client


def post(client, path, body, key=None, **headers):
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(path, body, content_type="application/json", **headers)


def test_the_catalog_and_its_terms_are_public(client, catalog):
    plans = client.get("/api/v1/plans").json()
    assert [p["code"] for p in plans] == ["basic", "standard", "premium"]
    assert {pr["period"]: pr["amount_fen"] for pr in plans[1]["prices"]} == {"month": 3_900, "year": 39_000}
    terms = client.get("/api/v1/plans/terms").json()
    assert terms["change_rule"] == "immediate" and terms["auto_renew_default"] is False
    assert len(set(terms["steps_per_action"].values())) == 1  # every action takes the same steps


def test_a_customer_subscribes_upgrades_downgrades_and_cancels(client, catalog):
    as_customer(client)
    made = post(client, "/api/v1/subscriptions", {"plan": "standard", "period": "month"}, key="s1")
    assert made.status_code == 201, made.content
    sub = made.json()["subscription"]
    assert sub["auto_renew"] is False and made.json()["quote"]["amount_due_fen"] == 3_900
    again = post(client, "/api/v1/subscriptions", {"plan": "standard", "period": "month"}, key="s1")
    assert again.json() == made.json() and Payment.objects.count() == 1  # a replay charges nothing
    url = f"/api/v1/subscriptions/{sub['id']}/change"
    preview = post(client, url, {"to_plan": "premium", "preview": True})
    assert preview.status_code == 200 and set(preview.json()) >= {
        "effective_at",
        "amount_due_fen",
        "amount_back_fen",
        "lines",
    }
    up = post(client, url, {"to_plan": "premium"}, key="c1").json()
    assert up["action"] == "upgrade" and up["amount_due_fen"] == preview.json()["amount_due_fen"]
    down = post(client, url, {"to_plan": "basic", "refund_to": "credit"}, key="c2").json()
    assert down["action"] == "downgrade" and down["effective_at"][:16] == up["effective_at"][:16]
    cancel = post(client, url, {"to_plan": None, "refund_to": "original"}, key="c3")
    assert cancel.status_code == 200 and cancel.json()["action"] == "cancel"
    assert Subscription.objects.get().status == "ended"
    gone = post(client, url, {"to_plan": "basic"}, key="c4")
    assert gone.status_code == 409 and gone.json()["code"] == "subscription_ended"
    kinds = list(Event.objects.filter(subject_type="plans.subscription").values_list("kind", flat=True))
    assert kinds == [
        "subscription.created",
        "subscription.upgrade",
        "subscription.downgrade",
        "subscription.cancel",
    ]


def test_staff_act_with_a_token_and_the_customers_phone(client, catalog, agent_headers):
    body = {"plan": "basic", "period": "year", "customer_phone": "13800138002", "provider": "offline"}
    made = post(client, "/api/v1/subscriptions", body, **agent_headers)
    assert made.status_code == 201, made.content
    payment = Payment.objects.get()
    assert payment.provider == "offline" and payment.recorded_by.role == "agent"
    missing = post(client, "/api/v1/subscriptions", {"plan": "basic", "period": "year"}, **agent_headers)
    assert missing.status_code == 422 and missing.json()["code"] == "customer_phone_required"


def test_customers_cannot_record_offline_payments_or_touch_others(client, catalog):
    as_customer(client, "13800138003")
    body = {"plan": "basic", "period": "month", "provider": "offline"}
    assert post(client, "/api/v1/subscriptions", body).json()["code"] == "offline_staff_only"
    other = customer_get_or_create(phone="13800138004")
    from fairdesk.plans.services import subscription_create

    sub, _q = subscription_create(customer=other, plan=catalog["basic"], period="month", actor=other)
    response = post(client, f"/api/v1/subscriptions/{sub.pk}/change", {"to_plan": None})
    assert response.status_code == 404
    response = post(
        client, f"/api/v1/subscriptions/{sub.pk}/change", {"to_plan": None, "customer_phone": "13800138004"}
    )
    assert response.status_code == 404
    assert Subscription.objects.get(pk=sub.pk).status == "active"


def test_bad_input_is_a_clear_error_in_the_callers_language(client, catalog):
    as_customer(client, "13800138005")
    response = post(
        client, "/api/v1/subscriptions", {"plan": "gold", "period": "month"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 422 and "gold" in response.json()["message"]
    response = post(client, "/api/v1/subscriptions", {"plan": "basic", "period": "week"})
    assert response.status_code == 422
    assert (
        post(
            client,
            "/api/v1/subscriptions",
            {"plan": "basic", "period": "month"},
            HTTP_AUTHORIZATION="Bearer x",
        ).status_code
        == 401
    )


def test_a_declined_payment_is_402_and_changes_nothing(client, catalog):
    as_customer(client, "13800138006")
    body = {"plan": "premium", "period": "year", "payment_token": "tok_declined"}
    response = post(client, "/api/v1/subscriptions", body)
    assert response.status_code == 402 and response.json()["code"] == "payment_failed"
    assert Subscription.objects.count() == 0


def test_an_unfair_rule_stops_changes_instead_of_applying_them(client, catalog):
    as_customer(client, "13800138007")
    sub = post(client, "/api/v1/subscriptions", {"plan": "basic", "period": "month"}).json()["subscription"]
    ChangeRule.objects.update(applies_to="downgrade")  # slipped in past validation, e.g. by raw SQL
    response = post(client, f"/api/v1/subscriptions/{sub['id']}/change", {"to_plan": None})
    assert response.status_code == 503 and response.json()["code"] == "catalog_unfair"
