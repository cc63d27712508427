from __future__ import annotations

from fairdesk.core import clock
from fairdesk.notify.models import ChannelPreference, Message, MessageStatus


def channels_for(*, user) -> list[tuple[str, str]]:
    """(channel, recipient) pairs a customer gets messages on; SMS unless they chose otherwise."""
    preference = ChannelPreference.objects.filter(user=user).first()
    out: list[tuple[str, str]] = []
    if preference is None or preference.sms:
        out.append(("sms", user.phone))
    if preference is not None and preference.email and user.email:
        out.append(("email", user.email))
    if preference is not None and preference.push:
        out += [
            ("push", str(pk))
            for pk in user.push_subscriptions.filter(is_active=True).values_list("pk", flat=True)
        ]
    if not out:
        out.append(("sms", user.phone))  # someone must be able to reach the customer about their visit
    return out


def preference_for(*, user) -> dict:
    preference = ChannelPreference.objects.filter(user=user).first()
    return {
        "sms": preference is None or preference.sms,
        "email": bool(preference and preference.email),
        "push": bool(preference and preference.push),
        "has_email": bool(user.email),
        "push_devices": user.push_subscriptions.filter(is_active=True).count(),
    }


def oldest_due_message_age_seconds() -> float | None:
    """How long the longest-waiting due message has waited (None when nothing is due): the health check's
    measure of whether sending keeps up."""
    oldest = (
        Message.objects.filter(status=MessageStatus.SCHEDULED, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    if oldest is None:
        return None
    return round(max((clock.now() - oldest).total_seconds(), 0.0), 1)
