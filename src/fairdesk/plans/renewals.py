"""Auto-renew and renewals: the notice before a renewal, rolling periods over, ending what is not renewed."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction

from fairdesk.core import clock
from fairdesk.core.events import channel_for
from fairdesk.core.services import event_record
from fairdesk.plans import events, messages, selectors
from fairdesk.plans.ledger import account_lock, account_save, payment_collect, period_close, period_start
from fairdesk.plans.models import (
    PlanAccount,
    Subscription,
    SubscriptionStatus,
)
from fairdesk.plans.providers import PaymentFailed


def auto_renew_off_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt="plans.auto-renew-off", compress=True)


def auto_renew_off_url(subscription: Subscription) -> str:
    return f"{settings.FAIRDESK_SITE_URL}/plans/auto-renew-off/{auto_renew_off_token(subscription)}/"


def auto_renew_apply(sub: Subscription, on: bool, actor) -> None:
    """Switch auto-renew on a subscription the caller has locked (`subscription_create`,
    `subscription_auto_renew_set`); a fresh notice is owed after every switch."""
    terms = selectors.plan_settings()
    sub.auto_renew = on
    sub.renewal_notice_at = None
    sub.renewal_price = None
    if on and sub.period_end - clock.now() <= dt.timedelta(days=terms.renewal_notice_days):
        _renewal_notice(sub)  # turned on inside the notice window: the notice goes out now
    sub.save(update_fields=["auto_renew", "renewal_notice_at", "renewal_price"])
    event_record(
        kind=events.SUBSCRIPTION_AUTO_RENEW_ON if on else events.SUBSCRIPTION_AUTO_RENEW_OFF,
        subject=sub,
        actor=actor,
        payload={"channel": channel_for(actor)},
    )


def _renewal_notice(sub: Subscription) -> None:
    terms = selectors.plan_settings()
    price = selectors.price_for_renewal(subscription=sub, notice_days=terms.renewal_notice_days)
    messages.renewal_notice(sub, price=price, off_url=auto_renew_off_url(sub))
    sub.renewal_notice_at, sub.renewal_price = clock.now(), price
    event_record(
        kind=events.SUBSCRIPTION_RENEWAL_NOTICE,
        subject=sub,
        actor_label="plans",
        payload={"price": price.pk, "amount_fen": price.amount_fen, "renews_at": sub.period_end},
    )


def renewal_reminders_send(*, limit: int = 500) -> int:
    """Remind every auto-renewing subscriber `renewal_notice_days` (≥ 5) before the renewal, once."""
    terms = selectors.plan_settings()
    horizon = clock.now() + dt.timedelta(days=terms.renewal_notice_days)
    ids = list(
        Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, auto_renew=True, renewal_notice_at=None, period_end__lte=horizon
        ).values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for sub_id in ids:
        with transaction.atomic():
            sub = (
                Subscription.objects.select_for_update(of=("self",))
                .select_related("customer", "plan", "price")
                .filter(pk=sub_id, auto_renew=True, renewal_notice_at=None, status=SubscriptionStatus.ACTIVE)
                .first()
            )
            if sub is None:
                continue  # turned off or reminded meanwhile
            _renewal_notice(sub)
            sub.save(update_fields=["renewal_notice_at", "renewal_price"])
            sent += 1
    return sent


def renewals_run(*, limit: int = 500) -> int:
    """Renew, change or end every subscription whose period is over (each in its own transaction)."""
    ids = list(
        Subscription.objects.filter(
            status=SubscriptionStatus.ACTIVE, period_end__lte=clock.now()
        ).values_list("pk", flat=True)[:limit]
    )
    done = 0
    for sub_id in ids:
        try:
            done += subscription_renew(subscription_id=sub_id)
        except PaymentFailed:
            continue  # recorded by subscription_renew's own transaction
    return done


def subscription_renew(*, subscription_id: int) -> int:
    """Roll one subscription over each period that has ended (a test clock may have jumped several)."""
    rolled = 0
    for _guard in range(36):
        with transaction.atomic():
            peek = Subscription.objects.filter(pk=subscription_id).values("customer_id").first()
            if peek is None:
                return rolled
            account = account_lock(peek["customer_id"])
            sub = (
                Subscription.objects.select_for_update(of=("self",))
                .select_related("plan", "price", "customer")
                .get(pk=subscription_id)
            )
            if sub.status != SubscriptionStatus.ACTIVE or sub.period_end > clock.now():
                return rolled
            if not _renew_once(account, sub):
                return rolled + 1
            rolled += 1
    return rolled


def _renew_once(account: PlanAccount, sub: Subscription) -> bool:
    """Close the ended period; start the next one (scheduled change, or auto-renew after notice) or end.
    Returns whether the subscription goes on."""
    end = sub.period_end
    period_close(account, sub, end)
    terms = selectors.plan_settings()
    price = None
    reason = ""
    if sub.pending_cancel:
        reason = "cancelled"
    elif sub.pending_plan_id:
        price = selectors.price_current(plan=sub.pending_plan, period=sub.pending_period, at=end)
    elif sub.auto_renew and sub.renewal_notice_at is not None:
        price = sub.renewal_price or selectors.price_for_renewal(
            subscription=sub, notice_days=terms.renewal_notice_days
        )
    elif sub.auto_renew:
        reason = "no_notice"  # never charge without the notice: end, and tell them how to continue
    else:
        reason = "not_renewed"
    if price is not None:
        from_credit = min(account.credit_fen, price.amount_fen)
        try:
            with transaction.atomic():
                payment_collect(
                    account,
                    price.amount_fen - from_credit,
                    provider=sub.provider,
                    token=sub.payment_token,
                    actor=None,
                    sub=sub,
                    request=f"renewal:{sub.pk}:{end.isoformat()}",
                )
        except PaymentFailed:
            price, reason = None, "payment_failed"
    if price is None:
        sub.status, sub.ended_at, sub.auto_renew = SubscriptionStatus.ENDED, end, False
        sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
        sub.version += 1
        sub.save()
        account_save(account)
        event_record(
            kind=events.SUBSCRIPTION_ENDED, subject=sub, actor_label="plans", payload={"reason": reason}
        )
        messages.plan_ended(sub, end=end)
        return False
    changed = sub.pending_plan_id is not None
    period_start(account, sub, price, end)
    sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
    sub.version += 1
    sub.save()
    account_save(account)
    event_record(
        kind=events.SUBSCRIPTION_RENEWED if not changed else events.SUBSCRIPTION_CHANGED_AT_RENEWAL,
        subject=sub,
        actor_label="plans",
        payload={"price": price.pk, "amount_fen": price.amount_fen, "period_end": sub.period_end},
    )
    return True
