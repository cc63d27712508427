"""Payment providers behind one interface. `sandbox` speaks HTTP JSON to a payment service (the local one in
`fairdesk.testing.payment_sandbox` for the demo and tests); `offline` is staff recording money taken at the
counter and paying refunds out by hand. A real provider adapter implements the same two calls.

Every call carries an idempotency key, so a retry after a timeout never charges or refunds twice."""

from __future__ import annotations

import json
from dataclasses import dataclass

import urllib3
from django.conf import settings
from django.utils.translation import gettext as _

from fairdesk.core.errors import DomainError
from fairdesk.core.http import HTTP_ERRORS, http_pool

# The sandbox's always-approved card. With a real provider, its checkout page hands back the token instead.
SANDBOX_CARD = "tok_sandbox"


class PaymentFailed(DomainError):
    code = "payment_failed"
    status = 402


@dataclass(frozen=True)
class ProviderResult:
    status: str  # "succeeded" | "pending" | "failed"
    external_id: str = ""
    message: str = ""


class SandboxProvider:
    name = "sandbox"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.FAIRDESK_PAYMENT_SANDBOX_URL).rstrip("/")

    def _post(self, path: str, body: dict) -> tuple[int, dict]:
        try:
            response = http_pool().request(
                "POST",
                self.base_url + path,
                body=json.dumps(body).encode(),
                headers={"Content-Type": "application/json", "Idempotency-Key": body["idempotency_key"]},
                timeout=urllib3.Timeout(connect=2, read=10),
            )
        except HTTP_ERRORS as exc:
            raise PaymentFailed(
                _("支付服务暂时无法连接，请稍后再试；没有扣款。"), code="provider_unreachable"
            ) from exc
        try:
            return response.status, json.loads(response.data or b"{}")
        except ValueError:
            return response.status, {}

    def charge(self, *, amount_fen: int, token: str, key: str) -> ProviderResult:
        status, data = self._post(
            "/v1/charges",
            {"amount_fen": amount_fen, "currency": "CNY", "token": token, "idempotency_key": key},
        )
        if status in (200, 201) and data.get("status") == "succeeded":
            return ProviderResult("succeeded", str(data.get("id", "")))
        return ProviderResult("failed", str(data.get("id", "")), str(data.get("message", status)))

    def refund(self, *, external_id: str, amount_fen: int, key: str) -> ProviderResult:
        status, data = self._post(
            "/v1/refunds", {"charge": external_id, "amount_fen": amount_fen, "idempotency_key": key}
        )
        if status in (200, 201) and data.get("status") == "succeeded":
            return ProviderResult("succeeded", str(data.get("id", "")))
        if status >= 500:
            return ProviderResult("pending", "", str(status))  # try again later
        return ProviderResult("failed", "", str(data.get("message", status)))


class OfflineProvider:
    """Money handled by staff: a charge is recorded as received by the staff member who took it; a refund
    waits until staff mark it paid out (admin action)."""

    name = "offline"

    def charge(self, *, amount_fen: int, token: str, key: str) -> ProviderResult:
        return ProviderResult("succeeded", f"offline-{key}")

    def refund(self, *, external_id: str, amount_fen: int, key: str) -> ProviderResult:
        return ProviderResult("pending", "")


def provider_for(name: str):
    if name == "sandbox":
        return SandboxProvider()
    if name == "offline":
        return OfflineProvider()
    raise DomainError(_("未知的支付方式：%(name)s") % {"name": name}, code="unknown_provider")
