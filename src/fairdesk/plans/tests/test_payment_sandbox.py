"""The local payment service behaves like a real provider where money is concerned: the same key with the same
body replays the first answer, the same key with another body is refused, and its books can be read back by
key and as a list (what reconciliation needs)."""

import json
import urllib.request

import pytest

from fairdesk.plans.providers import SandboxProvider
from fairdesk.testing.payment_sandbox import PaymentSandbox


@pytest.fixture
def sandbox():
    with PaymentSandbox() as own:
        yield own


def call(sandbox, path: str, body: dict | None = None, key: str = "") -> tuple[int, dict]:
    data = None if body is None else json.dumps(body).encode()
    method = "POST" if body is not None else "GET"
    request = urllib.request.Request(sandbox.url + path, data=data, method=method)  # noqa: S310 - local
    request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Idempotency-Key", key)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_same_key_and_body_replays_the_first_charge(sandbox):
    body = {"amount_fen": 1_900, "currency": "CNY", "token": "tok_sandbox"}
    first = call(sandbox, "/v1/charges", body, key="pay-a")
    again = call(sandbox, "/v1/charges", body, key="pay-a")
    assert first[0] == again[0] == 201 and first[1] == again[1]
    assert sandbox.state.totals()["charges"] == 1 and sandbox.state.totals()["charged_fen"] == 1_900


def test_a_reused_key_with_another_body_is_refused_and_charges_nothing(sandbox):
    call(sandbox, "/v1/charges", {"amount_fen": 1_900, "token": "tok_sandbox"}, key="pay-b")
    status, body = call(sandbox, "/v1/charges", {"amount_fen": 67_100, "token": "tok_sandbox"}, key="pay-b")
    assert status == 409 and body["code"] == "idempotency_key_reused"
    assert sandbox.state.totals()["charged_fen"] == 1_900
    charge = next(iter(sandbox.state.charges))
    call(sandbox, "/v1/refunds", {"charge": charge, "amount_fen": 100}, key="refund-b")
    status, body = call(sandbox, "/v1/refunds", {"charge": charge, "amount_fen": 900}, key="refund-b")
    assert status == 409 and body["code"] == "idempotency_key_reused"
    assert sandbox.state.totals()["refunded_fen"] == 100


def test_charges_and_refunds_are_read_back_by_key_and_as_a_list(sandbox):
    provider = SandboxProvider(sandbox.url)
    made = [
        provider.charge(amount_fen=100 + n, token="tok_sandbox", key=f"pay-{n}", metadata={"customer": n})
        for n in range(5)
    ]
    assert all(m.status == "succeeded" for m in made)
    refund = provider.refund(external_id=made[2].external_id, amount_fen=50, key="refund-x")
    found = provider.charge_by_key("pay-3")
    assert (found.external_id, found.amount_fen, found.metadata) == (
        made[3].external_id,
        103,
        {"customer": 3},
    )
    assert provider.charge_by_key("pay-none") is None
    assert provider.refund_by_key("refund-x").external_id == refund.external_id
    assert {r.key for r in provider.records_by_keys("charges", ["pay-1", "pay-4", "pay-x"])} == {
        "pay-1",
        "pay-4",
    }
    listed = provider.charges()
    assert [c.key for c in listed] == [f"pay-{n}" for n in range(5)]
    assert next(c for c in listed if c.key == "pay-2").refunded_fen == 50
    page = call(sandbox, f"/v1/charges?limit=2&starting_after={made[0].external_id}")[1]
    assert [c["key"] for c in page["data"]] == ["pay-1", "pay-2"] and page["has_more"] is True
    assert call(sandbox, "/v1/charges?limit=x")[0] == 400


def test_a_declined_card_is_refused_and_its_answer_replayed(sandbox):
    body = {"amount_fen": 1_900, "token": "tok_declined"}
    assert call(sandbox, "/v1/charges", body, key="pay-d") == call(sandbox, "/v1/charges", body, key="pay-d")
    assert call(sandbox, "/v1/charges", body, key="pay-d")[0] == 402
    assert sandbox.state.totals()["charges"] == 0
