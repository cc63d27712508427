"""The event kinds plans records (declared for core.events; see `manage.py event_kinds`).

Payment settlements by `reconcile_payments` (plans/reconcile.py); other plans kinds are recorded by the use
cases in plans/services.py, ledger.py and renewals.py."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import channel_for, declare

PAYMENT_VOIDED = declare(
    "payment.voided",
    app="plans",
    description=(
        "reconcile_payments: the provider charged a payment intent whose change never committed; the charge "
        "was refunded in full at the provider (subject: the payment)."
    ),
    payload={
        "payment": "int",
        "customer": "int",
        "amount_fen": "int",
        "refunded_fen": "int",
        "charge": "code",
        "refund": "int",
        "provider_refund": "code",
        "old_status": "code",
        "new_status": "code",
        "rule": "code",
    },
    label=_("未成交的扣款已原路退回"),
)
PAYMENT_INTENT_FAILED = declare(
    "payment.intent_failed",
    app="plans",
    description=(
        "reconcile_payments: a payment intent older than the grace period that the provider never charged "
        "was marked failed (subject: the payment)."
    ),
    payload={
        "payment": "int",
        "customer": "int",
        "amount_fen": "int",
        "old_status": "code",
        "new_status": "code",
        "rule": "code",
    },
    label=_("未扣款的支付已作废"),
)
PAYMENT_ORPHAN_REFUNDED = declare(
    "payment.orphan_refunded",
    app="plans",
    description=(
        "reconcile_payments: a provider charge under our key form with no payment row (its intent was rolled "
        "back) was refunded in full (subject: the provider's charge id)."
    ),
    payload={
        "provider": "code",
        "charge": "code",
        "key": "code",
        "amount_fen": "int",
        "refunded_fen": "int",
        "provider_refund": "code",
        "customer": "int?",
        "rule": "code",
    },
    label=_("无记录的扣款已原路退回"),
)


# --- subscriptions (issue 10): plan changes with direction, when asked, when effective, channel and rule

DIRECTIONS = {
    "subscribe": "new",
    "upgrade": "up",
    "downgrade": "down",
    "switch_period": "period",
    "cancel": "cancel",
    "refund": "refund",
}
_CHANGE = {
    "direction": "code",  # new | up | down | period | cancel | refund
    "subscription": "int?",
    "from_plan": "code?",
    "to_plan": "code?",
    "to_period": "code?",
    "requested_at": "datetime",
    "effective_at": "datetime",
    "channel": "code",  # self_service | api | agent | system (core.events.channel_for)
    "rule": "code",  # the change rule's effect: immediate | end_of_period
    "rule_id": "int?",  # the ChangeRule row in force
    "amount_due_fen": "int",
    "amount_back_fen": "int",
    "refund_to": "code",
}
_CHANGE_NOTE = (
    " direction: new|up|down|period|cancel|refund; requested_at: when asked; effective_at: when it takes"
    " effect (the rule decides); channel: self_service|api|agent|system; rule and rule_id: the rule in force."
)


def _old_change_row(direction: str) -> dict:
    """Rows recorded before issue 10 stored the whole quote: its action, effective_at and rule are kept;
    what it never held reads as unknown (never made up)."""
    return {
        "direction": direction,
        "requested_at": lambda old: old.get("effective_at"),
        "channel": "unknown",
        "rule_id": None,
    }


def _change_kind(kind: str, action: str, description: str):
    return declare(
        kind,
        app="plans",
        description=description + _CHANGE_NOTE,
        payload=_CHANGE,
        defaults=_old_change_row(DIRECTIONS[action]),
    )


SUBSCRIPTION_CREATED = _change_kind("subscription.created", "subscribe", "A customer joined a plan.")
SUBSCRIPTION_UPGRADE = _change_kind(
    "subscription.upgrade", "upgrade", "A subscription moved to a higher plan."
)
SUBSCRIPTION_DOWNGRADE = _change_kind(
    "subscription.downgrade", "downgrade", "A subscription moved to a lower plan."
)
SUBSCRIPTION_SWITCH_PERIOD = _change_kind(
    "subscription.switch_period", "switch_period", "A subscription switched between monthly and yearly."
)
SUBSCRIPTION_CANCEL = _change_kind("subscription.cancel", "cancel", "A subscription was cancelled.")
SUBSCRIPTION_REFUND = _change_kind(
    "subscription.refund",
    "refund",
    "Everything was refunded: the subscription (if any) stopped now, unused part and credit sent back"
    " (subject: the subscription, or the plan account without one).",
)
SUBSCRIPTION_CHANGES = {
    "subscribe": SUBSCRIPTION_CREATED,
    "upgrade": SUBSCRIPTION_UPGRADE,
    "downgrade": SUBSCRIPTION_DOWNGRADE,
    "switch_period": SUBSCRIPTION_SWITCH_PERIOD,
    "cancel": SUBSCRIPTION_CANCEL,
    "refund": SUBSCRIPTION_REFUND,
}


def change_payload(quote, *, rule, actor, requested_at) -> dict:
    """A plan change's payload from its quote: codes, amounts and times only (the quote's lines, explanation
    and lost benefits are translated prose for the customer and stay out of the log)."""
    return {
        "direction": DIRECTIONS[quote.action],
        "subscription": quote.subscription,
        "from_plan": quote.from_plan,
        "to_plan": quote.to_plan,
        "to_period": quote.to_period,
        "requested_at": requested_at,
        "effective_at": quote.effective_at,
        "channel": channel_for(actor),
        "rule": quote.rule,
        "rule_id": getattr(rule, "pk", None),
        "amount_due_fen": quote.amount_due_fen,
        "amount_back_fen": quote.amount_back_fen,
        "refund_to": quote.refund_to,
    }


SUBSCRIPTION_AUTO_RENEW_ON = declare(
    "subscription.auto_renew_on",
    app="plans",
    description="Auto-renew was turned on (channel: self_service|api|agent|system).",
    payload={"channel": "code"},
    defaults={"channel": "unknown"},
)
SUBSCRIPTION_AUTO_RENEW_OFF = declare(
    "subscription.auto_renew_off",
    app="plans",
    description="Auto-renew was turned off (channel: self_service|api|agent|system).",
    payload={"channel": "code"},
    defaults={"channel": "unknown"},
)
SUBSCRIPTION_RENEWAL_NOTICE = declare(
    "subscription.renewal_notice",
    app="plans",
    description="The customer was told of the coming renewal and its price (the price row, amount, date).",
    payload={"price": "int", "amount_fen": "int", "renews_at": "datetime"},
)
SUBSCRIPTION_RENEWED = declare(
    "subscription.renewed",
    app="plans",
    description="A period ended and the next one started and was paid (price row, amount, new period end).",
    payload={"price": "int", "amount_fen": "int", "period_end": "datetime"},
)
SUBSCRIPTION_CHANGED_AT_RENEWAL = declare(
    "subscription.changed_at_renewal",
    app="plans",
    description="A change scheduled for the period's end took effect at renewal (price row, amount, end).",
    payload={"price": "int", "amount_fen": "int", "period_end": "datetime"},
)
SUBSCRIPTION_ENDED = declare(
    "subscription.ended",
    app="plans",
    description="A subscription ended at its period's end (reason: cancelled|no_notice|not_renewed|"
    "payment_failed).",
    payload={"reason": "code"},
)
_REFUND = {"amount_fen": "int", "old_status": "code", "new_status": "code"}
REFUND_SUCCEEDED = declare(
    "refund.succeeded",
    app="plans",
    description="A refund was paid out (by the provider, or by hand for an offline one).",
    payload=_REFUND,
    defaults={"old_status": "pending", "new_status": "succeeded"},
)
REFUND_FAILED = declare(
    "refund.failed",
    app="plans",
    description="The provider refused a refund; the amount went back to the customer's credit.",
    payload=_REFUND,
    defaults={"old_status": "pending", "new_status": "failed"},
)
REFUND_PENDING = declare(
    "refund.pending",
    app="plans",
    description="A refund attempt got no final answer from the provider; it is tried again.",
    payload=_REFUND,
    defaults={"old_status": "pending", "new_status": "pending"},
)
REFUND_BY_STATUS = {"succeeded": REFUND_SUCCEEDED, "failed": REFUND_FAILED, "pending": REFUND_PENDING}
CHANGE_RULE_SET = declare(
    "plans.change_rule_set",
    app="plans",
    description="The one change rule was replaced (its effect: immediate|end_of_period).",
    payload={"effective": "code"},
)
