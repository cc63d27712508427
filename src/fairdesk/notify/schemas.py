from __future__ import annotations

from ninja import Field, Schema


class PushKeys(Schema):
    p256dh: str = Field(..., min_length=1, max_length=200, description="the browser's public key (base64url)")
    auth: str = Field(..., min_length=1, max_length=100, description="the shared auth secret (base64url)")


class PushSubscriptionIn(Schema):
    """What the browser's `PushSubscription.toJSON()` gives (`expirationTime` and the rest are ignored)."""

    endpoint: str = Field(..., min_length=1, max_length=1000, description="the push service URL (https)")
    keys: PushKeys


class PushSubscriptionOut(Schema):
    subscribed: bool
    vapid: bool = Field(..., description="whether this server can send Web Push (a VAPID key is configured)")


class ErrorOut(Schema):
    code: str
    message: str
