"""The event kinds plans records (declared for core.events; see `manage.py event_kinds`).

Payment settlements by `reconcile_payments` (plans/reconcile.py); other plans kinds are recorded by the use
cases in plans/services.py."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

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
