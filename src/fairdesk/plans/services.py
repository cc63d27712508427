"""Plan use cases: subscribe, one `change_subscription` for every direction, refunds, renewals.

The one change rule: the active `ChangeRule` says when *every* change takes effect — upgrade, downgrade,
switching period and cancelling alike. `immediate`: the current period closes at this second and the new plan
starts a fresh period now at its full price, paid first from what was not used. `end_of_period`: the change
waits for the end of the paid period; nothing is charged or refunded now.

Rounding (always in the customer's favour): the value consumed of a period is
    floor(price × whole seconds elapsed ÷ seconds in the period)
so the unused part given back is rounded up, never down; no other step divides money.

Refund is the customer's exit with money back: the current period (if any) closes now and everything on
the account — the unused part and any credit — goes back to the original payment method.

Serialisation: every use case first locks the customer's `PlanAccount` row, then the subscription, so two
requests for one customer run one after the other on PostgreSQL (SELECT … FOR UPDATE) and SQLite (one writer).

Money from outside (Stripe / Kill Bill style): intent → provider → confirm. `_collect` first writes a
pending `Payment` with its own random key (`pay-<uuid>`) and, on PostgreSQL, COMMITS it through a connection
of its own while the use case waits; then calls the provider with that key; then the use case's transaction
confirms it and books the ledger. The intent also carries the request it pays for (the caller's scope +
Idempotency-Key, or the renewal's subscription and period): the same request retried after a crash finds its
pending intent and the provider replays the first charge; a different request never meets an old key. If the
use case dies after the provider charged, the intent stays pending with the money at the provider:
`reconcile.py` settles it. Where the intent cannot be committed apart (SQLite's single writer; a customer
created in this same request), it lives in the use case's transaction and the reconciler finds a crashed
charge through the provider's list instead."""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import uuid
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.events import channel_for
from fairdesk.core.idempotency import request_identity
from fairdesk.core.money import format_fen
from fairdesk.core.services import event_record
from fairdesk.plans import events, selectors
from fairdesk.plans.models import (
    ChangeRule,
    Effective,
    EntryKind,
    LedgerEntry,
    MoneyStatus,
    Payment,
    Period,
    Plan,
    PlanAccount,
    PlanPrice,
    Provider,
    Refund,
    Subscription,
    SubscriptionStatus,
)
from fairdesk.plans.providers import PaymentFailed, provider_for


class ChangeNotAllowed(DomainError):
    code = "change_not_allowed"
    status = 409


class CatalogUnfair(DomainError):
    code = "catalog_unfair"
    status = 503


REFUND_TO = ("original", "credit")


# ---------------------------------------------------------------------------------------------- money & time


def period_end_for(start: dt.datetime, period: str) -> dt.datetime:
    """One calendar month or year later in the business's time zone (31 Jan + 1 month = 28/29 Feb), in UTC."""
    zone = clock.local_zone()
    local = start.astimezone(zone)
    months = 1 if period == Period.MONTH else 12
    year, month = divmod(local.month - 1 + months, 12)
    year, month = local.year + year, month + 1
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day).astimezone(dt.UTC)


def consumed_fen(*, charge_fen: int, start: dt.datetime, end: dt.datetime, at: dt.datetime) -> int:
    """Value used of a period's charge at `at`: per second, rounded down (in the customer's favour)."""
    if at <= start:
        return 0
    if at >= end:
        return charge_fen
    elapsed = int((at - start).total_seconds())
    total = int((end - start).total_seconds())
    return charge_fen * elapsed // total


# ------------------------------------------------------------------------------------------------- the quote


@dataclass
class Quote:
    """What a change does, stated before it is confirmed (and returned after)."""

    action: str  # subscribe | upgrade | downgrade | switch_period | cancel | refund
    effective_at: dt.datetime
    amount_due_fen: int
    amount_back_fen: int
    refund_to: str
    lines: list[dict] = field(default_factory=list)
    rule: str = Effective.IMMEDIATE
    from_plan: str | None = None
    to_plan: str | None = None
    to_period: str | None = None
    loses: list[str] = field(default_factory=list)
    explanation: str = ""
    subscription: int | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data["effective_at"] = self.effective_at.isoformat()
        return data


def _rule() -> ChangeRule:
    """The one active rule, checked by the fairness rules on every use: an unfair or ambiguous rule (e.g.
    written past validation by raw SQL) stops changes instead of being applied."""
    from fairdesk.plans.fairness import rules_findings

    active = list(ChangeRule.objects.filter(is_active=True).order_by("pk"))
    findings = rules_findings(active)
    if findings:
        raise CatalogUnfair(findings[0].message)
    return active[0]


def _line(kind: str, description: str, amount_fen: int) -> dict:
    return {"kind": kind, "description": description, "amount_fen": amount_fen}


def _benefits_lost(old: Plan, new: Plan | None) -> list[str]:
    """Neutral list of what the customer will no longer have (no persuasion, just facts)."""
    labels = {
        "checkups_per_year": _("每年上门保养 %(v)s 次"),
        "repair_discount_pct": _("维修 %(v)s%% 折扣"),
        "night_callout_free": _("夜间上门免上门费"),
        "emergency_callout_free": _("紧急上门免上门费"),
    }
    lost = []
    for key, value in (old.benefits or {}).items():
        now = (new.benefits or {}).get(key) if new else None
        if value and (
            not now or (isinstance(value, int | float) and not isinstance(value, bool) and now < value)
        ):
            lost.append(labels.get(key, key + " %(v)s") % {"v": value})
    return lost


def change_direction(sub: Subscription, to_plan: Plan | None, to_period: str) -> str:
    if to_plan is None:
        return "cancel"
    if to_plan.pk == sub.plan_id:
        return "switch_period"
    if to_plan.rank != sub.plan.rank:
        return "upgrade" if to_plan.rank > sub.plan.rank else "downgrade"
    new = selectors.price_current(plan=to_plan, period=to_period)
    return "upgrade" if new and new.amount_fen > sub.price.amount_fen else "downgrade"


def _quote_change(
    sub: Subscription, to_plan: Plan | None, to_period: str, refund_to: str, credit_fen: int, effective: str
) -> tuple[Quote, PlanPrice | None]:
    now = clock.now()
    action = change_direction(sub, to_plan, to_period)
    new_price = None
    if to_plan is not None:
        new_price = selectors.price_current(plan=to_plan, period=to_period)
        if new_price is None:
            raise InvalidInput(_("这个套餐暂不提供该周期。"), code="no_price")
    quote = Quote(
        action=action,
        effective_at=now,
        amount_due_fen=0,
        amount_back_fen=0,
        refund_to=refund_to,
        rule=effective,
        from_plan=sub.plan.code,
        to_plan=to_plan.code if to_plan else None,
        to_period=to_period if to_plan else None,
        loses=_benefits_lost(sub.plan, to_plan),
        subscription=sub.pk,
    )
    if effective == Effective.END_OF_PERIOD:
        quote.effective_at = sub.period_end
        if to_plan is None:
            quote.lines.append(
                _line("ends", _("服务到 %(end)s 结束，之后不再收费") % _when(sub.period_end), 0)
            )
            quote.explanation = _("规则：所有变更在当期结束时生效。本期已付的服务照常提供，不退不补。")
        else:
            quote.lines.append(
                _line(
                    "next_charge",
                    _("%(end)s 起改为%(plan)s（%(period)s），届时收取")
                    % {
                        **_when(sub.period_end),
                        "plan": to_plan.display_name,
                        "period": _period_name(to_period),
                    },
                    new_price.amount_fen,
                )
            )
            quote.explanation = _("规则：所有变更在当期结束时生效。本期已付的服务照常提供，现在不收不退。")
        return quote, new_price

    # immediate: close the period at this second
    paid = sub.price.amount_fen
    used = consumed_fen(charge_fen=paid, start=sub.period_start, end=sub.period_end, at=now)
    unused = paid - used
    elapsed = int((min(now, sub.period_end) - sub.period_start).total_seconds())
    total = int((sub.period_end - sub.period_start).total_seconds())
    quote.lines.append(
        _line(
            "unused",
            _("%(plan)s 本期未使用部分：%(paid)s − 向下取整(%(paid)s × %(e)d 秒 ÷ %(t)d 秒)")
            % {
                "plan": sub.plan.display_name,
                "paid": format_fen(paid),
                "e": max(elapsed, 0),
                "t": total,
            },
            -unused,
        )
    )
    if to_plan is None:
        quote.amount_back_fen = unused
        quote.explanation = _("规则：所有变更立即生效，按秒计算未使用部分，零头归您。")
        return quote, None
    available = credit_fen + unused
    if credit_fen:
        quote.lines.append(_line("credit", _("账户余额"), -credit_fen))
    quote.lines.append(
        _line(
            "charge",
            _("%(plan)s（%(period)s）%(start)s 起一个完整周期")
            % {"plan": to_plan.display_name, "period": _period_name(to_period), **_when(now, "start")},
            new_price.amount_fen,
        )
    )
    from_credit = min(available, new_price.amount_fen)
    quote.amount_due_fen = new_price.amount_fen - from_credit
    quote.amount_back_fen = min(available - from_credit, unused)  # earlier credit stays credit
    quote.explanation = _(
        "规则：所有变更立即生效，按秒计算未使用部分，零头归您；新套餐从现在起算一个完整周期。"
    )
    return quote, new_price


def local_minute(moment: dt.datetime | str) -> str:
    """A moment (or its ISO text) as the customer reads it: local time, to the minute."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return moment.astimezone(clock.local_zone()).strftime("%Y-%m-%d %H:%M")


def _when(moment: dt.datetime, key: str = "end") -> dict:
    return {key: local_minute(moment)}


def _period_name(period: str) -> str:
    return str(Period(period).label)


# --------------------------------------------------------------------------------------------- bookkeeping


def _account_locked(customer_id: int) -> PlanAccount:
    account = PlanAccount.objects.select_for_update().filter(customer_id=customer_id).first()
    if account is None:  # first money movement of this customer; a racing twin waits on the unique index
        PlanAccount.objects.get_or_create(customer_id=customer_id)
        account = PlanAccount.objects.select_for_update().get(customer_id=customer_id)
    return account


def _entry(account: PlanAccount, kind: str, amount: int, *, sub=None, description: str = "", **refs) -> None:
    if amount <= 0:
        return
    LedgerEntry.objects.create(
        customer_id=account.customer_id,
        subscription=sub,
        kind=kind,
        amount_fen=amount,
        description=description[:200],
        at=clock.now(),
        **refs,
    )
    if kind in (EntryKind.PAYMENT, EntryKind.UNUSED_BACK, EntryKind.REFUND_RETURNED):
        account.credit_fen += amount
    elif kind in (EntryKind.CHARGE, EntryKind.REFUND):
        if amount > account.credit_fen:  # a bug, never a customer's problem: refuse rather than go negative
            raise RuntimeError("ledger would take more than the account holds")
        account.credit_fen -= amount


def _save_account(account: PlanAccount) -> None:
    account.version += 1
    account.save(update_fields=["credit_fen", "version"])


log = logging.getLogger("fairdesk.plans")
_APART = "plans_intent"  # the alias of the short-lived connection that commits payment intents


def _request_key(customer_id: int, request: str) -> str:
    return hashlib.sha256(f"{customer_id}|{request}".encode()).hexdigest() if request else ""


def _intent_commit_apart(fields: dict) -> int | None:
    """Insert a payment intent and COMMIT it now through a connection of its own, while the use case's
    transaction (holding the customer's lock) waits; returns its id. None where that cannot be done: not
    PostgreSQL (SQLite's one writer is the use case), or the customer row is not committed yet (its foreign
    key fails at commit). A lock timeout guards against ever waiting on our own transaction."""
    if connection.vendor != "postgresql":
        return None
    other = connection.copy(alias=_APART)
    connections[_APART] = other
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        with transaction.atomic(using=_APART):
            return Payment.objects.using(_APART).create(**fields).pk
    except DatabaseError as exc:
        log.info("payment intent kept in the use case's transaction: %s", exc)
        return None
    finally:
        del connections[_APART]
        other.close()


def _intent_update_apart(payment_id: int, **values) -> None:
    """Record what became of a committed intent when the use case is about to be rolled back (a refused card):
    through its own connection, so the answer survives the rollback."""
    other = connection.copy(alias=_APART)
    connections[_APART] = other
    try:
        with other.cursor() as cursor:
            cursor.execute("SET lock_timeout = '3s'")
        with transaction.atomic(using=_APART):
            Payment.objects.using(_APART).filter(pk=payment_id, status=MoneyStatus.PENDING).update(**values)
    except DatabaseError:  # the reconciler will find it pending and ask the provider
        log.exception("could not record the outcome of payment intent %s", payment_id)
    finally:
        del connections[_APART]
        other.close()


def _payment_intent(account: PlanAccount, amount: int, provider: str, request: str) -> tuple[Payment, bool]:
    """The pending payment to charge under: the one this same request left pending (a retry after a crash),
    else a new one with a fresh key. Returns it and whether it is committed (outlives this transaction)."""
    request_key = _request_key(account.customer_id, request)
    if request_key:
        earlier = (
            Payment.objects.filter(
                customer_id=account.customer_id, request_key=request_key, status=MoneyStatus.PENDING
            )
            .order_by("pk")
            .first()
        )
        if earlier is not None:
            return earlier, True
    fields = {
        "customer_id": account.customer_id,
        "provider": provider,
        "amount_fen": amount,
        "status": MoneyStatus.PENDING,
        "idempotency_key": f"pay-{uuid.uuid4().hex}",
        "request_key": request_key,
        "created_at": clock.now(),
    }
    committed_id = _intent_commit_apart(fields)
    if committed_id is not None:
        return Payment.objects.get(pk=committed_id), True
    return Payment.objects.create(**fields), False


def _collect(
    account: PlanAccount,
    amount: int,
    *,
    provider: str,
    token: str,
    actor,
    sub=None,
    request: str | None = None,
) -> None:
    """Take `amount` from the customer through the provider into their credit (inside the caller's lock):
    intent (committed first where possible) → provider call with the intent's key → confirm here.
    `request` names what is paid for (default: the idempotent API/page request being run)."""
    if amount <= 0:
        return
    if provider == Provider.OFFLINE:  # staff took the money at the counter: nothing outside to reconcile
        key = f"pay-{uuid.uuid4().hex}"
        payment = Payment.objects.create(
            customer_id=account.customer_id,
            provider=provider,
            amount_fen=amount,
            status=MoneyStatus.SUCCEEDED,
            external_id=f"offline-{key}",
            idempotency_key=key,
            recorded_by=actor,
        )
        _entry(account, EntryKind.PAYMENT, amount, sub=sub, description=f"offline {key}", payment=payment)
        return
    request = request_identity() if request is None else request
    intent, committed = _payment_intent(account, amount, provider, request)
    try:
        result = provider_for(provider).charge(
            amount_fen=intent.amount_fen,
            token=token,
            key=intent.idempotency_key,
            metadata={"customer": account.customer_id, "payment": intent.pk},
        )
    except PaymentFailed:
        result = None
    if result is None or result.status == "pending":  # charged or not, we cannot tell yet
        raise PaymentFailed(
            _("支付结果暂时无法确认，这次没有办理；如果已经扣款，会自动退回原支付方式。"),
            code="payment_unconfirmed",
        )
    if result.status != "succeeded":
        if committed:
            _intent_update_apart(intent.pk, status=MoneyStatus.FAILED, external_id=result.external_id[:64])
        raise PaymentFailed(_("支付没有成功（%(why)s），什么都没有改变。") % {"why": result.message or "-"})
    payment = Payment.objects.select_for_update().get(pk=intent.pk)
    if payment.status != MoneyStatus.PENDING:  # the reconciler gave an old intent back meanwhile
        raise PaymentFailed(_("这笔支付已原路退回，请重新办理。"), code="payment_voided")
    payment.status, payment.external_id = MoneyStatus.SUCCEEDED, result.external_id
    payment.save(update_fields=["status", "external_id"])
    _entry(
        account,
        EntryKind.PAYMENT,
        payment.amount_fen,
        sub=sub,
        description=f"{provider} {payment.external_id}",
        payment=payment,
    )
    # A retry whose amount moved (the prorated part of a second later) keeps the first charge and settles
    # the difference: the rest is charged as its own payment, a surplus goes straight back.
    rest = amount - payment.amount_fen
    if rest > 0:
        _collect(
            account,
            rest,
            provider=provider,
            token=token,
            actor=actor,
            sub=sub,
            request=f"{request}+rest" if request else "",
        )
    elif rest < 0:
        _refund(account, -rest, sub=sub)


def _refund(account: PlanAccount, amount: int, *, sub=None) -> list[Refund]:
    """Send `amount` of credit back to the payments it came from (latest first), each within what it paid.
    The provider is called after commit; until it confirms, the refund is pending (and already owed)."""
    refunds = []
    left = amount
    for payment in (
        Payment.objects.select_for_update()
        .filter(
            customer_id=account.customer_id, status=MoneyStatus.SUCCEEDED, refunded_fen__lt=F("amount_fen")
        )
        .order_by("-created_at", "-pk")
    ):
        if left <= 0:
            break
        part = min(left, payment.amount_fen - payment.refunded_fen)
        payment.refunded_fen += part
        payment.save(update_fields=["refunded_fen"])
        refund = Refund.objects.create(payment=payment, amount_fen=part)
        _entry(account, EntryKind.REFUND, part, sub=sub, description=str(_("退回原支付方式")), refund=refund)
        refunds.append(refund)
        left -= part
    if left > 0:  # credit always comes from payments, so this cannot happen unless the books are broken
        raise RuntimeError("credit larger than refundable payments")
    transaction.on_commit(lambda: _send_soon([r.pk for r in refunds]))
    return refunds


def _send_soon(refund_ids: list[int]) -> None:
    """Right after the change commits; a failure here must not turn a done change into an error page."""
    try:
        refunds_send(refund_ids=refund_ids)
    except Exception:  # the periodic job retries whatever is still pending
        log.exception("sending refunds %s failed", refund_ids)


def refunds_send(*, refund_ids: list[int] | None = None, limit: int = 100) -> int:
    """Ask the provider to pay pending refunds out (after commit, and again by the background tick)."""
    pending = Refund.objects.filter(status=MoneyStatus.PENDING, attempts__lt=10).select_related("payment")
    if refund_ids is not None:
        pending = pending.filter(pk__in=refund_ids)
    done = 0
    for refund in list(pending.order_by("pk")[:limit]):
        if refund.payment.provider == Provider.OFFLINE:
            continue  # staff pay it out and mark it
        try:
            result = provider_for(refund.payment.provider).refund(
                external_id=refund.payment.external_id,
                amount_fen=refund.amount_fen,
                key=f"refund-{refund.uid.hex}",
            )
        except PaymentFailed:
            continue  # the provider is unreachable: still owed, the background tick tries again
        with transaction.atomic():
            locked = Refund.objects.select_for_update().get(pk=refund.pk)
            if locked.status != MoneyStatus.PENDING:
                continue
            locked.attempts += 1
            if result.status == "succeeded":
                locked.status, locked.external_id, locked.settled_at = (
                    MoneyStatus.SUCCEEDED,
                    result.external_id,
                    clock.now(),
                )
                done += 1
            elif result.status == "failed":
                _refund_failed(locked)
            locked.save(update_fields=["status", "external_id", "settled_at", "attempts"])
            event_record(
                kind=events.REFUND_BY_STATUS[locked.status],
                subject=locked,
                payload={
                    "amount_fen": locked.amount_fen,
                    "old_status": MoneyStatus.PENDING,
                    "new_status": locked.status,
                },
            )
    return done


def _refund_failed(refund: Refund) -> None:
    account = _account_locked(refund.payment.customer_id)
    refund.status = MoneyStatus.FAILED
    Payment.objects.filter(pk=refund.payment_id).update(refunded_fen=F("refunded_fen") - refund.amount_fen)
    _entry(
        account, EntryKind.REFUND_RETURNED, refund.amount_fen, description=str(_("退款未成功，已退回余额"))
    )
    _save_account(account)


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


def _close_period(account: PlanAccount, sub: Subscription, at: dt.datetime) -> int:
    """Consume the period up to `at` (per second, rounded down) and give the rest back to credit."""
    paid = sub.price.amount_fen  # what the period's charge entry took
    used = consumed_fen(charge_fen=paid, start=sub.period_start, end=sub.period_end, at=at)
    _entry(account, EntryKind.CONSUMPTION, used, sub=sub, description=f"{sub.plan.code} {sub.period}")
    unused = paid - used
    _entry(account, EntryKind.UNUSED_BACK, unused, sub=sub, description=str(_("未使用部分")))
    return unused


def _start_period(account: PlanAccount, sub: Subscription, price: PlanPrice, start: dt.datetime) -> None:
    sub.price, sub.plan_id, sub.period = price, price.plan_id, price.period
    sub.period_start, sub.period_end = start, period_end_for(start, price.period)
    sub.renewal_notice_at, sub.renewal_price = None, None
    _entry(account, EntryKind.CHARGE, price.amount_fen, sub=sub, description=str(price))


# ----------------------------------------------------------------------------------------------- use cases


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
def subscribe(
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
    rule = _rule()
    price = selectors.price_current(plan=plan, period=period)
    if price is None or not plan.is_active:
        raise InvalidInput(_("这个套餐暂不提供该周期。"), code="no_price")
    account = _account_locked(customer.pk)
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
            _line(
                "charge",
                _("%(plan)s（%(period)s）%(start)s 起一个完整周期")
                % {"plan": plan.display_name, "period": _period_name(period), **_when(now, "start")},
                price.amount_fen,
            )
        ]
        + ([_line("credit", _("账户余额"), -from_credit)] if from_credit else []),
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
    _collect(account, quote.amount_due_fen, provider=provider, token=payment_token, actor=actor)
    sub.save()
    _start_period(account, sub, price, now)
    sub.save()
    _save_account(account)
    quote.subscription = sub.pk
    event_record(
        kind=events.SUBSCRIPTION_CREATED,
        subject=sub,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    if auto_renew:
        _auto_renew_set(sub, True, actor)
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
def change_subscription(
    subscription: Subscription,
    to_plan: Plan | None = None,
    *,
    period: str | None = None,
    refund_to: str = "original",
    preview: bool = False,
    actor,
) -> Quote:
    """Every change in one place: upgrade, downgrade, switch period, cancel (`to_plan=None`). The active
    change rule decides when it takes effect, the same way for all of them."""
    refund_to = _refund_to_or_invalid(refund_to)
    rule = _rule()
    account = _account_locked(subscription.customer_id)
    sub = _locked_subscription(subscription.pk, subscription.customer)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise ChangeNotAllowed(_("这个套餐已经结束。"), code="subscription_ended")
    to_period = _period_or_invalid(period or sub.period)
    if to_plan is not None and to_plan.pk == sub.plan_id and to_period == sub.period:
        raise ChangeNotAllowed(_("您已经是这个套餐和周期。"), code="no_change")
    if to_plan is not None and not to_plan.is_active:
        raise InvalidInput(_("这个套餐已停售。"), code="plan_inactive")
    quote, new_price = _quote_change(sub, to_plan, to_period, refund_to, account.credit_fen, rule.effective)
    if preview:
        return quote
    now = clock.now()
    if rule.effective == Effective.END_OF_PERIOD:
        sub.pending_plan = to_plan
        sub.pending_period = to_period if to_plan else ""
        sub.pending_cancel = to_plan is None
    else:
        _close_period(account, sub, now)
        if to_plan is None:
            sub.status, sub.ended_at, sub.auto_renew = SubscriptionStatus.ENDED, now, False
        else:
            _collect(
                account,
                quote.amount_due_fen,
                provider=sub.provider,
                token=sub.payment_token,
                actor=actor,
                sub=sub,
            )
            _start_period(account, sub, new_price, now)
        sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
        if quote.amount_back_fen and refund_to == "original":
            _refund(account, quote.amount_back_fen, sub=sub)
    sub.version += 1
    sub.save()
    _save_account(account)
    event_record(
        kind=events.SUBSCRIPTION_CHANGES[quote.action],
        subject=sub,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    return quote


@transaction.atomic
def refund_everything(*, customer, actor, preview: bool = False) -> Quote:
    """The Refund choice: stop now (if subscribed) and send the unused part and all credit back to the
    original payment method. Available under either rule: getting one's money back never waits."""
    rule = _rule()
    account = _account_locked(customer.pk)
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
        change, _price = _quote_change(sub, None, sub.period, "original", 0, Effective.IMMEDIATE)
        quote.lines, quote.loses, quote.from_plan, quote.subscription = (
            change.lines,
            change.loses,
            sub.plan.code,
            sub.pk,
        )
        quote.amount_back_fen += change.amount_back_fen
    if account.credit_fen:
        quote.lines.append(_line("credit", _("账户余额"), -account.credit_fen))
    if quote.amount_back_fen == 0 and sub is None:
        raise ChangeNotAllowed(
            _("没有可以退的钱：没有生效中的套餐，账户余额为 0。"), code="nothing_to_refund"
        )
    if preview:
        return quote
    if sub is not None:
        _close_period(account, sub, now)
        sub.status, sub.ended_at, sub.auto_renew = SubscriptionStatus.ENDED, now, False
        sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
        sub.version += 1
        sub.save()
    _refund(account, account.credit_fen, sub=sub)
    _save_account(account)
    event_record(
        kind=events.SUBSCRIPTION_REFUND,
        subject=sub or account,
        actor=actor,
        payload=events.change_payload(quote, rule=rule, actor=actor, requested_at=now),
    )
    return quote


# ------------------------------------------------------------------------------------ auto-renew & renewals


def auto_renew_off_token(subscription: Subscription) -> str:
    return signing.dumps({"s": subscription.pk}, salt="plans.auto-renew-off", compress=True)


def auto_renew_off_url(subscription: Subscription) -> str:
    return f"{settings.FAIRDESK_SITE_URL}/plans/auto-renew-off/{auto_renew_off_token(subscription)}/"


def _auto_renew_set(sub: Subscription, on: bool, actor) -> None:
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


@transaction.atomic
def auto_renew_set(*, subscription: Subscription, on: bool, actor) -> Subscription:
    sub = _locked_subscription(subscription.pk, subscription.customer)
    if sub.status != SubscriptionStatus.ACTIVE:
        raise ChangeNotAllowed(_("这个套餐已经结束。"), code="subscription_ended")
    if sub.auto_renew != on:
        _auto_renew_set(sub, on, actor)
    return sub


def auto_renew_off_by_token(*, token: str) -> Subscription:
    try:
        data = signing.loads(token, salt="plans.auto-renew-off", max_age=dt.timedelta(days=400))
    except signing.BadSignature:
        raise NotFound(_("链接无效或已过期，请在“我的套餐”里关闭自动续费。")) from None
    sub = Subscription.objects.filter(pk=data.get("s")).select_related("customer").first()
    if sub is None:
        raise NotFound(_("没有找到这个套餐订阅。"))
    if sub.status == SubscriptionStatus.ACTIVE and sub.auto_renew:
        return auto_renew_set(subscription=sub, on=False, actor=sub.customer)
    return sub


def _renewal_notice(sub: Subscription) -> None:
    from fairdesk.notify.services import message_schedule

    terms = selectors.plan_settings()
    price = selectors.price_for_renewal(subscription=sub, notice_days=terms.renewal_notice_days)
    customer = sub.customer
    with translation.override(customer.language or "zh-hans"):
        body = _(
            "【fairdesk】您的%(plan)s将于 %(date)s 自动续费 %(amount)s。不想续费？点此一键关闭：%(url)s"
        ) % {
            "plan": sub.plan.display_name,
            "date": sub.period_end.astimezone(clock.local_zone()).strftime("%Y-%m-%d"),
            "amount": format_fen(price.amount_fen),
            "url": auto_renew_off_url(sub),
        }
    message_schedule(
        channel="sms",
        recipient=customer.phone,
        kind="renewal_notice",
        body=body,
        subject_type="plans.subscription",
        subject_id=sub.pk,
    )
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
            account = _account_locked(peek["customer_id"])
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
    from fairdesk.notify.services import message_schedule

    end = sub.period_end
    _close_period(account, sub, end)
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
                _collect(
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
        _save_account(account)
        event_record(
            kind=events.SUBSCRIPTION_ENDED, subject=sub, actor_label="plans", payload={"reason": reason}
        )
        with translation.override(sub.customer.language or "zh-hans"):
            body = _("【fairdesk】您的%(plan)s已于 %(date)s 到期结束，没有续费扣款。") % {
                "plan": sub.plan.display_name,
                "date": end.astimezone(clock.local_zone()).strftime("%Y-%m-%d"),
            }
        message_schedule(
            channel="sms",
            recipient=sub.customer.phone,
            kind="plan_ended",
            body=body,
            subject_type="plans.subscription",
            subject_id=sub.pk,
        )
        return False
    changed = sub.pending_plan_id is not None
    _start_period(account, sub, price, end)
    sub.pending_plan, sub.pending_period, sub.pending_cancel = None, "", False
    sub.version += 1
    sub.save()
    _save_account(account)
    event_record(
        kind=events.SUBSCRIPTION_RENEWED if not changed else events.SUBSCRIPTION_CHANGED_AT_RENEWAL,
        subject=sub,
        actor_label="plans",
        payload={"price": price.pk, "amount_fen": price.amount_fen, "period_end": sub.period_end},
    )
    return True


# ----------------------------------------------------------------------------------------------- the terms


@transaction.atomic
def change_rule_set(
    *, effective: str, applies_to: str = "all", only_in_last_days: int | None = None, actor=None
) -> ChangeRule:
    """Replace the one change rule (for every change alike). The old row is kept, inactive, for the record.
    A rule scoped to a direction or to the last days of a period is refused by the fairness rules."""
    from django.core.exceptions import ValidationError

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


# ---------------------------------------------------------------------------------------------------- demo


@transaction.atomic
def plans_load_demo() -> int:
    """The demo catalog (prices in fen), the fair change rule and the fair terms. Idempotent."""
    catalog = [
        (
            "basic",
            "基础保养",
            "Basic care",
            10,
            1_900,
            19_000,
            "每年一次上门保养检查",
            "One maintenance visit a year",
            {"checkups_per_year": 1},
        ),
        (
            "standard",
            "安心",
            "Peace of mind",
            20,
            3_900,
            39_000,
            "每年两次保养，维修 9 折",
            "Two visits a year, 10% off repairs",
            {"checkups_per_year": 2, "repair_discount_pct": 10},
        ),
        (
            "premium",
            "尊享24h",
            "Premium 24h",
            30,
            6_900,
            69_000,
            "每年四次保养，维修 8 折，紧急上门免上门费（含夜间）",
            "Four visits a year, 20% off repairs, no call-out fee for emergencies, nights included",
            {
                "checkups_per_year": 4,
                "repair_discount_pct": 20,
                "emergency_callout_free": True,
                "night_callout_free": True,
            },
        ),
    ]
    created = 0
    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for code, name, name_en, rank, month, year, desc, desc_en, benefits in catalog:
        plan, made = Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "rank": rank,
                "benefits": benefits,
                "description": desc,
                "description_en": desc_en,
            },
        )
        created += made
        for period, amount in ((Period.MONTH, month), (Period.YEAR, year)):
            PlanPrice.objects.get_or_create(
                plan=plan,
                period=period,
                version=1,
                defaults={"amount_fen": amount, "effective_from": epoch, "announced_at": epoch},
            )
    if not ChangeRule.objects.filter(is_active=True).exists():
        ChangeRule.objects.create(applies_to="all", effective=Effective.IMMEDIATE)
    selectors.plan_settings()
    return created
