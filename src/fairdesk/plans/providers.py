"""Payment providers behind one interface. `sandbox` speaks HTTP JSON to a payment service (the local one in
`fairdesk.testing.payment_sandbox` for the demo and tests); `offline` is staff recording money taken at the
counter and paying refunds out by hand. A real provider adapter implements the same calls.

Every call carries an idempotency key, so a retry after a timeout never charges or refunds twice. The keys
come from intents committed before the call (`ledger.payment_collect`), never from something a rollback can
undo.
Reconciliation reads the provider's own records back: by idempotency key and as a list."""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlencode

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
    code: str = ""  # the provider's error code, e.g. "idempotency_key_reused"


@dataclass(frozen=True)
class ProviderRecord:
    """A charge or refund as the provider's books have it."""

    external_id: str
    key: str
    amount_fen: int
    refunded_fen: int = 0
    charge: str = ""  # refunds: the charge refunded
    metadata: dict | None = None
    created: str = ""


class ProviderUnreachable(PaymentFailed):
    code = "provider_unreachable"
    status = 503


class SandboxProvider:
    name = "sandbox"

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url or settings.FAIRDESK_PAYMENT_SANDBOX_URL).rstrip("/")

    def _get(self, path: str, fields: dict) -> dict:
        try:
            response = http_pool().request(
                "GET",
                f"{self.base_url}{path}?{urlencode(fields, doseq=True)}",
                timeout=urllib3.Timeout(connect=2, read=10),
            )
            data = json.loads(response.data or b"{}")
        except (ValueError, *HTTP_ERRORS) as exc:
            raise ProviderUnreachable(_("支付服务暂时无法连接，请稍后再试。")) from exc
        if response.status != 200:
            raise ProviderUnreachable(_("支付服务暂时无法连接，请稍后再试。"))
        return data

    def records_by_keys(self, kind: str, keys: list[str]) -> list[ProviderRecord]:
        """The `charges` or `refunds` made under these idempotency keys (one request)."""
        if not keys:
            return []
        return [_record(row) for row in self._get(f"/v1/{kind}", {"key": keys}).get("data", [])]

    def _records(self, kind: str, *, key: str | None = None) -> list[ProviderRecord]:
        """One record by idempotency key, or every record (paged, oldest first)."""
        if key is not None:
            return self.records_by_keys(kind, [key])
        records: list[ProviderRecord] = []
        after = ""
        while True:
            page = self._get(f"/v1/{kind}", {"limit": "1000", **({"starting_after": after} if after else {})})
            records += [_record(row) for row in page.get("data", [])]
            if not page.get("has_more") or not records:
                return records
            after = records[-1].external_id

    def charge_by_key(self, key: str) -> ProviderRecord | None:
        found = self._records("charges", key=key)
        return found[0] if found else None

    def refund_by_key(self, key: str) -> ProviderRecord | None:
        found = self._records("refunds", key=key)
        return found[0] if found else None

    def charges(self) -> list[ProviderRecord]:
        return self._records("charges")

    def refunds(self) -> list[ProviderRecord]:
        return self._records("refunds")

    def _post(self, path: str, body: dict) -> tuple[int, dict]:
        for attempt in (1, 2):  # once more on a dropped connection: the same key makes the retry safe
            try:
                response = http_pool().request(
                    "POST",
                    self.base_url + path,
                    body=json.dumps(body).encode(),
                    headers={"Content-Type": "application/json", "Idempotency-Key": body["idempotency_key"]},
                    timeout=urllib3.Timeout(connect=2, read=10),
                )
                break
            except HTTP_ERRORS as exc:
                if attempt == 2:
                    raise PaymentFailed(
                        _("支付服务暂时无法连接，请稍后再试；没有扣款。"), code="provider_unreachable"
                    ) from exc
        try:
            return response.status, json.loads(response.data or b"{}")
        except ValueError:
            return response.status, {}

    def charge(
        self, *, amount_fen: int, token: str, key: str, metadata: dict | None = None
    ) -> ProviderResult:
        body = {"amount_fen": amount_fen, "currency": "CNY", "token": token, "idempotency_key": key}
        if metadata:
            body["metadata"] = metadata
        status, data = self._post("/v1/charges", body)
        if status in (200, 201) and data.get("status") == "succeeded":
            return ProviderResult("succeeded", str(data.get("id", "")))
        if status >= 500:
            return ProviderResult("pending", "", str(status))  # unknown: the reconciler asks again later
        return ProviderResult(
            "failed", str(data.get("id", "")), str(data.get("message", status)), str(data.get("code", ""))
        )

    def refund(self, *, external_id: str, amount_fen: int, key: str) -> ProviderResult:
        status, data = self._post(
            "/v1/refunds", {"charge": external_id, "amount_fen": amount_fen, "idempotency_key": key}
        )
        if status in (200, 201) and data.get("status") == "succeeded":
            return ProviderResult("succeeded", str(data.get("id", "")))
        if status >= 500:
            return ProviderResult("pending", "", str(status))  # try again later
        return ProviderResult("failed", "", str(data.get("message", status)))


def _record(row: dict) -> ProviderRecord:
    return ProviderRecord(
        external_id=str(row.get("id", "")),
        key=str(row.get("key", "")),
        amount_fen=int(row.get("amount_fen") or 0),
        refunded_fen=int(row.get("refunded_fen") or 0),
        charge=str(row.get("charge", "")),
        metadata=row.get("metadata") or {},
        created=str(row.get("created", "")),
    )


class OfflineProvider:
    """Money handled by staff: a charge is recorded as received by the staff member who took it; a refund
    waits until staff mark it paid out (admin action)."""

    name = "offline"

    def charge(
        self, *, amount_fen: int, token: str, key: str, metadata: dict | None = None
    ) -> ProviderResult:
        return ProviderResult("succeeded", f"offline-{key}")

    def refund(self, *, external_id: str, amount_fen: int, key: str) -> ProviderResult:
        return ProviderResult("pending", "")


def provider_for(name: str):
    if name == "sandbox":
        return SandboxProvider()
    if name == "offline":
        return OfflineProvider()
    raise DomainError(_("未知的支付方式：%(name)s") % {"name": name}, code="unknown_provider")
