"""The event kinds notify records (declared for core.events; see `manage.py event_kinds`).

A customer's choices about how they are told: which channels (old and new, so a statistic can count who
moved off SMS), and the browsers that receive Web Push. Subject: the customer."""

from fairdesk.core.events import declare

CHANNEL_PREFERENCE_CHANGED = declare(
    "channel_preference.changed",
    app="notify",
    description=(
        "A customer's message channels changed (old_channels, new_channels: sms|email|push; channel: how the"
        " change came in, self_service|api|agent|system). Recorded only when the set changes."
    ),
    payload={"old_channels": "code[]", "new_channels": "code[]", "channel": "code"},
)
PUSH_SUBSCRIPTION_ADDED = declare(
    "push_subscription.added",
    app="notify",
    description="A customer's browser was first subscribed to Web Push (the subscription's id).",
    payload={"subscription": "int", "channel": "code"},
)
PUSH_SUBSCRIPTION_REPLACED = declare(
    "push_subscription.replaced",
    app="notify",
    description=(
        "A known push endpoint was subscribed again with new keys, by another customer, or after it was"
        " removed (from_user: its customer before; was_active: whether it was still in use)."
    ),
    payload={"subscription": "int", "from_user": "int", "was_active": "bool", "channel": "code"},
)
PUSH_SUBSCRIPTION_REMOVED = declare(
    "push_subscription.removed",
    app="notify",
    description=(
        "A browser's push subscription stopped being used (reason: gone, the push service answered 404/410)."
    ),
    payload={"subscription": "int", "reason": "code"},
)
SMS_RECEIVED = declare(
    "sms.received",
    app="notify",
    description=(
        "The SMS gateway delivered a customer's SMS to the inbound webhook (handled_by: the app hook that"
        " took"
        " it, e.g. support; empty when none did). The text stays on notify.InboundSms."
    ),
    payload={"handled_by": "code"},
)
