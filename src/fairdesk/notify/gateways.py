"""SMS gateways. Every adapter passes the message's idempotency key on, so a re-send is recognised.

- `console`: prints the message (development; `make run` shows codes in its output).
- `webhook`: a generic JSON webhook: POST {"to", "body", "kind", "idempotency_key"} with an
  `Idempotency-Key` header; 2xx = accepted (optional `"id"` in the answer), 429/5xx/network = retry later,
  other 4xx = refused for good.
- `aliyun`: Alibaba Cloud SMS `SendSms` (RPC API, signature version 1.0, HMAC-SHA1), the message key as
  `OutId`. The message body goes into the template parameter `content` of a template configured there.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.parse
import uuid
from dataclasses import dataclass

from django.conf import settings

from fairdesk.core.http import HTTP_ERRORS
from fairdesk.core.http import http_pool as _http

log = logging.getLogger("fairdesk.notify")


@dataclass(frozen=True)
class SendResult:
    outcome: str  # "sent" | "retry" | "failed"
    gateway_id: str = ""
    http_status: int | None = None
    response: str = ""


class SmsGateway:
    name = "base"

    def send(self, *, to: str, body: str, key: str, kind: str) -> SendResult:  # pragma: no cover
        raise NotImplementedError


class ConsoleSms(SmsGateway):
    name = "console"

    def send(self, *, to: str, body: str, key: str, kind: str) -> SendResult:
        print(f"[SMS to {to}] {body}  (kind={kind}, key={key})", flush=True)
        return SendResult("sent", gateway_id=f"console-{key}")


def _classify(status: int) -> str:
    if 200 <= status < 300:
        return "sent"
    if status == 429 or status >= 500:
        return "retry"
    return "failed"


class WebhookSms(SmsGateway):
    name = "webhook"

    def __init__(self, url: str, token: str = "", timeout: float = 10.0) -> None:
        self.url, self.token, self.timeout = url, token, timeout

    def send(self, *, to: str, body: str, key: str, kind: str) -> SendResult:
        headers = {"Idempotency-Key": key}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = json.dumps(
            {"to": to, "body": body, "kind": kind, "idempotency_key": key}, ensure_ascii=False
        )
        headers["Content-Type"] = "application/json"
        try:
            response = _http().request(
                "POST", self.url, body=payload.encode(), headers=headers, timeout=self.timeout
            )
        except HTTP_ERRORS as exc:
            return SendResult("retry", response=f"{type(exc).__name__}: {exc}"[:500])
        text = response.data.decode("utf-8", "replace")
        outcome = _classify(response.status)
        gateway_id = ""
        if outcome == "sent":
            try:
                gateway_id = str(json.loads(text).get("id", ""))
            except (ValueError, AttributeError):
                gateway_id = ""
        return SendResult(outcome, gateway_id, response.status, text[:500])


class AliyunSms(SmsGateway):
    """https://help.aliyun.com/document_detail/419273.html (SendSms) with the RPC signature method."""

    name = "aliyun"
    RETRY_CODES = frozenset(
        {"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling", "ServiceUnavailable"}
    )

    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        sign_name: str,
        template_code: str,
        endpoint: str = "https://dysmsapi.aliyuncs.com/",
        timeout: float = 10.0,
    ) -> None:
        self.access_key_id, self.secret = access_key_id, access_key_secret
        self.sign_name, self.template_code = sign_name, template_code
        self.endpoint, self.timeout = endpoint, timeout

    @staticmethod
    def _encode(value: str) -> str:
        return urllib.parse.quote(value, safe="~")

    def signed_query(self, params: dict[str, str]) -> dict[str, str]:
        query = {
            "AccessKeyId": self.access_key_id,
            "Format": "JSON",
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid.uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            **params,
        }
        canonical = "&".join(f"{self._encode(k)}={self._encode(v)}" for k, v in sorted(query.items()))
        to_sign = "GET&%2F&" + self._encode(canonical)
        digest = hmac.new((self.secret + "&").encode(), to_sign.encode(), hashlib.sha1).digest()
        query["Signature"] = base64.b64encode(digest).decode()
        return query

    def send(self, *, to: str, body: str, key: str, kind: str) -> SendResult:
        number = to[3:] if to.startswith("+86") else to.lstrip("+")
        params = {
            "Action": "SendSms",
            "PhoneNumbers": number,
            "SignName": self.sign_name,
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps({"content": body}, ensure_ascii=False),
            "OutId": key,
        }
        try:
            response = _http().request(
                "GET", self.endpoint, fields=self.signed_query(params), timeout=self.timeout
            )
        except HTTP_ERRORS as exc:
            return SendResult("retry", response=f"{type(exc).__name__}: {exc}"[:500])
        text = response.data.decode("utf-8", "replace")
        try:
            data = json.loads(text)
        except ValueError:
            return SendResult(
                _classify(response.status) if response.status >= 500 else "failed",
                http_status=response.status,
                response=text[:500],
            )
        code = data.get("Code", "")
        if code == "OK":
            return SendResult("sent", str(data.get("BizId", "")), response.status, text[:500])
        outcome = "retry" if code in self.RETRY_CODES or response.status >= 500 else "failed"
        return SendResult(outcome, "", response.status, text[:500])


def sms_gateway() -> SmsGateway:
    backend = settings.FAIRDESK_SMS_BACKEND
    if backend == "console":
        return ConsoleSms()
    if backend == "webhook":
        return WebhookSms(settings.FAIRDESK_SMS_WEBHOOK_URL, settings.FAIRDESK_SMS_WEBHOOK_TOKEN)
    if backend == "aliyun":
        return AliyunSms(
            access_key_id=settings.ALIYUN_ACCESS_KEY_ID,
            access_key_secret=settings.ALIYUN_ACCESS_KEY_SECRET,
            sign_name=settings.ALIYUN_SMS_SIGN_NAME,
            template_code=settings.ALIYUN_SMS_TEMPLATE_CODE,
            endpoint=settings.ALIYUN_SMS_ENDPOINT,
        )
    raise ValueError(f"unknown FAIRDESK_SMS_BACKEND {backend!r}")
