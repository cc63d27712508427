"""Web Push (RFC 8030/8291/8292) through pywebpush, with VAPID keys from settings.

There is no idempotency key in Web Push; the message id is sent as the `Topic`, so a re-send after a crash
replaces the undelivered copy at the push service instead of adding a second one.
"""

from __future__ import annotations

import json

from django.conf import settings

from fairdesk.notify.gateways import SendResult


def vapid_ready() -> bool:
    return bool(settings.FAIRDESK_VAPID_PUBLIC_KEY and settings.FAIRDESK_VAPID_PRIVATE_KEY)


def send_push(*, subscription, title: str, body: str, url: str, key: str, ttl: int = 24 * 3600) -> SendResult:
    from pywebpush import WebPushException, webpush

    if not vapid_ready():
        return SendResult("failed", response="Web Push is not configured (run manage.py webpush_keys)")
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    payload = json.dumps({"title": title, "body": body, "url": url, "tag": key}, ensure_ascii=False)
    try:
        response = webpush(
            info,
            payload,
            vapid_private_key=settings.FAIRDESK_VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.FAIRDESK_VAPID_SUBJECT},
            ttl=ttl,
            timeout=10,
            headers={"Topic": key.replace("-", "")[:32], "Urgency": "normal"},
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        text = exc.response.text[:500] if exc.response is not None else str(exc)[:500]
        if status in {
            404,
            410,
        }:  # the caller switches the subscription off (database work stays in its thread)
            return SendResult("failed", http_status=status, response=text)
        if status is None or status == 429 or status >= 500:
            return SendResult("retry", http_status=status, response=text)
        return SendResult("failed", http_status=status, response=text)
    except OSError as exc:
        return SendResult("retry", response=str(exc)[:500])
    return SendResult(
        "sent", gateway_id=response.headers.get("Location", "")[:100], http_status=response.status_code
    )
