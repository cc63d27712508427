"""Plan use cases, each `<entity>_<action>` with keyword-only arguments: `subscription_create`, one
`subscription_change` for every direction, `account_refund`, `subscription_auto_renew_set`, `change_rule_set`.

The one change rule: the active `ChangeRule` says when *every* change takes effect — upgrade, downgrade,
switching period and cancelling alike. `immediate`: the current period closes at this second and the new plan
starts a fresh period now at its full price, paid first from what was not used. `end_of_period`: the change
waits for the end of the paid period; nothing is charged or refunded now.

Refund is the customer's exit with money back: the current period (if any) closes now and everything on
the account — the unused part and any credit — goes back to the original payment method.

Money, locking and provider calls: ledger.py; proration and quotes: quotes.py; renewals: renewals.py."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.errors import InvalidInput, NotFound
from fairdesk.core.services import event_record
from fairdesk.plans import events, selectors
from fairdesk.plans.errors import ChangeNotAllowed
from fairdesk.plans.ledger import (
    account_lock,
    account_save,
    credit_refund,
    payment_collect,
    period_close,
    period_start,
)
from fairdesk.plans.models import (
    ChangeRule,
    Effective,
    MoneyStatus,
    Period,
    Plan,
    Provider,
    Refund,
    Subscription,
    SubscriptionStatus,
)
from fairdesk.plans.quotes import (
    Quote,
    change_rule_active,
    period_end_for,
    period_name,
    quote_change,
    quote_line,
    when_local,
)
from fairdesk.plans.renewals import auto_renew_apply

REFUND_TO = ("original", "credit")


def _refund_to_or_invalid(refund_to: str) -> str:
    terms = selectors.plan_settings()
    if refund_to not in REFUND_TO or refund_to not in terms.refund_methods:
        raise InvalidInput(
            _("退款去向只能是 original（原支付方式）或 credit（账户余额）。"), code="bad_refund_to"
        )
    return refund_to


def _period_or_invalid(period: str) -> str:
    if period not in Period.values:
        raise InvalidInput(_("周期只能是 month 或 year。"), code="bad_period")
    return period


@transaction.atomic
def subscription_create(
    *,
    customer,
    plan: Plan,
    period: str,
    auto_renew: bool = False,
    provider: str = Provider.SANDBOX,
    payment_token: str = "",
    actor,
    preview: bool = False,
) -> tuple[Subscription | None, Quote]:
    """Join a plan: pay the period (credit first), start now. Auto-renew stays off unless asked for."""
    _period_or_invalid(period)
    rule = change_rule_active()
    price = selectors.price_current(plan=plan, period=period)
    if price is None or not plan.is_active:
        raise InvalidInput(_("这个套餐暂不提供该周期。"), code="no_price")
    account = account_lock(customer.pk)
    if Subscription.objects.filter(customer=customer, status=SubscriptionStatus.ACTIVE).exists():
        raise ChangeNotAllowed(_("您已有生效中的套餐，请用升级或降级来变更。"), code="already_subscribed")
    now = clock.now()
    from_credit = min(account.credit_fen, price.amount_fen)
    quote = Quote(
        action="subscribe",
        effective_at=now,
        amount_due_fen=price.amount_fen - from_credit,
        amount_back_fen=0,
        refund_to="original",
        rule=rule.effective,
        to_plan=plan.code,
        to_period=period,
        lines=[
            quote_line(
                "charge",
                _("%(plan)s（%(period)s）%(start)s 起一个完整周期")
                % {"plan": plan.display_name, "period": period_name(period), **when_local(now, "start")},
                price.amount_fen,
            )
        ]
        + ([quote_line("credit", _("账户余额"), -from_credit)] if from_credit else []),
        explanation=_("自动续费默认关闭；开启后会在续费前至少 %(n)d 天提醒您。")
        % {"n": selectors.plan_settings().renewal_notice_days},
    )
    if preview:
        return None, quote
    if provider == Provider.OFFLINE and (actor is None or actor.role == "customer"):
        raise InvalidInput(_("线下收款只能由工作人员登记。"), code="offline_staff_only")
    sub = Subscription(
        customer=customer,
        plan=plan,
        period=period,
        price=price,
        period_start=now,
        period_end=period_end_for(now, period),
        auto_renew=False,
        provider=provider,
        payment_token=payment_token[:64],
    )
    payment_collect(account, quote.amount_due_fen, provider=provider, token=payment_token, actor=actor)
    sub.save()
    period_start(account, sub, price, now)
    sub.save()
    account_save(account)
    quote.subscription = sub.pk
    event_record(
        kind=events.SUBSCRIPTION_CREATED,
        subject=sub,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    if auto_renew:
        auto_renew_apply(sub, True, actor)
    return sub, quote


def _locked_subscription(subscription_id: int, customer) -> Subscription:
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "price")
        .filter(pk=subscription_id, customer=customer)
        .first()
    )
    if sub is None:
        raise NotFound(_("没有找到这个套餐订阅。"))
    return sub


@transaction.atomic
def subscription_change(
    *,
    subscription: Subscription,
    to_plan: Plan | None,
    period: str | None = None,
    refund_to: str = "original",
    preview: bool = False,
    actor,
) -> Quote:
    """Every change in one place: upgrade, downgrade, switch period, cancel (`to_plan=None`). The active
    change rule decides when it takes effect, the same way for all of them."""
    refund_to = _refund_to_or_invalid(refund_to)
    rule = change_rule_active()
    account = account_lock(subscription.customer_id)
    sub = _locked_subscription(subscription.pk, subscription.customer)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise ChangeNotAllowed(_("这个套餐已经结束。"), code="subscription_ended")
    to_period = _period_or_invalid(period or sub.period)
    if to_plan is not None and to_plan.pk == sub.plan_id and to_period == sub.period:
        raise ChangeNotAllowed(_("您已经是这个套餐和周期。"), code="no_change")
    if to_plan is not None and not to_plan.is_active:
        raise InvalidInput(_("这个套餐已停售。"), code="plan_inactive")
    quote, new_price = quote_change(sub, to_plan, to_period, refund_to, account.credit_fen, rule.effective)
    if preview:
        return quote
    now = clock.now()
    if rule.effective == Effective.END_OF_PERIOD:
        sub.pending_plan = to_plan
        sub.pending_period = to_period if to_plan else ""
        sub.pending_cancel = to_plan is None
    else:
        period_close(account, sub, now)
        if to_plan is None:
            sub.status, sub.ended_at, sub.auto_renew = SubscriptionStatus.ENDED, now, False
        else:
            payment_collect(
                account,
                quote.amount_due_fen,
                provider=sub.provider,
                token=sub.payment_token,
                actor=actor,
                sub=sub,
            )
            period_start(account, sub, new_price, now)
        sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
        if quote.amount_back_fen and refund_to == "original":
            credit_refund(account, quote.amount_back_fen, sub=sub)
    sub.version += 1
    sub.save()
    account_save(account)
    event_record(
        kind=events.SUBSCRIPTION_CHANGES[quote.action],
        subject=sub,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    return quote


@transaction.atomic
def account_refund(*, customer, actor, preview: bool = False) -> Quote:
    """The Refund choice: stop now (if subscribed) and send the unused part and all credit back to the
    original payment method. Available under either rule: getting one's money back never waits."""
    rule = change_rule_active()
    account = account_lock(customer.pk)
    sub = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "price")
        .filter(customer=customer, status=SubscriptionStatus.ACTIVE)
        .first()
    )
    now = clock.now()
    quote = Quote(
        action="refund",
        effective_at=now,
        amount_due_fen=0,
        amount_back_fen=account.credit_fen,
        refund_to="original",
        rule=rule.effective,
        explanation=_("退款立即办理：本期按秒计算未使用部分，连同账户余额全部退回原支付方式。"),
    )
    if sub is not None:
        change, _price = quote_change(sub, None, sub.period, "original", 0, Effective.IMMEDIATE)
        quote.lines, quote.loses, quote.from_plan, quote.subscription = (
            change.lines,
            change.loses,
            sub.plan.code,
            sub.pk,
        )
        quote.amount_back_fen += change.amount_back_fen
    if account.credit_fen:
        quote.lines.append(quote_line("credit", _("账户余额"), -account.credit_fen))
    if quote.amount_back_fen == 0 and sub is None:
        raise ChangeNotAllowed(
            _("没有可以退的钱：没有生效中的套餐，账户余额为 0。"), code="nothing_to_refund"
        )
    if preview:
        return quote
    if sub is not None:
        period_close(account, sub, now)
        sub.status, sub.ended_at, sub.auto_renew = SubscriptionStatus.ENDED, now, False
        sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
        sub.version += 1
        sub.save()
    credit_refund(account, account.credit_fen, sub=sub)
    account_save(account)
    event_record(
        kind=events.SUBSCRIPTION_REFUND,
        subject=sub or account,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    return quote


@transaction.atomic
def refund_mark_paid(*, refund_id: int, actor) -> Refund:
    """Staff paid an offline refund out by hand."""
    refund = Refund.objects.select_for_update().filter(pk=refund_id).first()
    if refund is None:
        raise NotFound(_("没有这笔退款。"))
    if refund.status == MoneyStatus.PENDING:
        refund.status, refund.settled_at = MoneyStatus.SUCCEEDED, clock.now()
        refund.save(update_fields=["status", "settled_at"])
        event_record(
            kind=events.REFUND_SUCCEEDED,
            subject=refund,
            actor=actor,
            payload={"amount_fen": refund.amount_fen, "old_status": "pending", "new_status": refund.status},
        )
    return refund


@transaction.atomic
def subscription_auto_renew_set(*, subscription: Subscription, on: bool, actor) -> Subscription:
    sub = _locked_subscription(subscription.pk, subscription.customer)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise ChangeNotAllowed(_("这个套餐已经结束。"), code="subscription_ended")
    if sub.auto_renew != on:
        auto_renew_apply(sub, on, actor)
    return sub


def subscription_auto_renew_off_by_token(*, token: str) -> Subscription:
    try:
        data = signing.loads(token, salt="plans.auto-renew-off", max_age=dt.timedelta(days=400))
    except signing.BadSignature:
        raise NotFound(_("链接无效或已过期，请在“我的套餐”里关闭自动续费。")) from None
    sub = Subscription.objects.filter(pk=data.get("s")).select_related("customer").first()
    if sub is None:
        raise NotFound(_("没有找到这个套餐订阅。"))
    if sub.status == SubscriptionStatus.ACTIVE and sub.auto_renew:
        return subscription_auto_renew_set(subscription=sub, on=False, actor=sub.customer)
    return sub


@transaction.atomic
def change_rule_set(
    *, effective: str, applies_to: str = "all", only_in_last_days: int | None = None, actor=None
) -> ChangeRule:
    """Replace the one change rule (for every change alike). The old row is kept, inactive, for the record.
    A rule scoped to a direction or to the last days of a period is refused by the fairness rules."""
    rule = ChangeRule(
        applies_to=applies_to,
        effective=effective,
        only_in_last_days=only_in_last_days,
        updated_at=clock.now(),
    )
    try:
        rule.full_clean(exclude=["is_active"])
    except ValidationError as exc:
        raise InvalidInput("; ".join(exc.messages), code="unfair_rule") from None
    ChangeRule.objects.filter(is_active=True).update(is_active=False)
    rule.save()
    event_record(kind=events.CHANGE_RULE_SET, subject=rule, actor=actor, payload={"effective": effective})
    return rule
