"""Web Push subscriptions over the API: the "notify me on this phone" button posts the browser's subscription
here with the customer's verified-phone session (JSON + the CSRF token, see `accounts.api_auth`)."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Header, Router

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.core.idempotency import idempotent_response
from fairdesk.notify import services
from fairdesk.notify.schemas import ErrorOut, PushSubscriptionIn, PushSubscriptionOut

router = Router(tags=["notify"])


@router.post(
    "/push/subscriptions",
    auth=api_auth,
    response={201: PushSubscriptionOut, 403: ErrorOut, 422: ErrorOut},
    summary="Receive reminders on this browser (Web Push)",
    description="For the signed-in customer: remembers the browser's push subscription and turns the push "
    "channel on. Staff tokens are refused (403): a subscription is a customer's own device.",
    url_name="push_subscribe",
)
def push_subscribe(
    request,
    body: PushSubscriptionIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    if not permissions.is_customer(request.auth):
        raise permissions.Forbidden(_("只有客户本人可以在自己的设备上开启推送。"))

    def handler():
        services.push_subscribe(
            user=request.auth,
            endpoint=body.endpoint,
            p256dh=body.keys.p256dh,
            auth=body.keys.auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
        return 201, {"subscribed": True, "vapid": bool(settings.FAIRDESK_VAPID_PUBLIC_KEY)}

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)
