"""The customer's money: ledger entries, the account lock, and the provider calls (collect, refund).

Serialisation: every use case first locks the customer's `PlanAccount` row, then the subscription, so two
requests for one customer run one after the other on PostgreSQL (SELECT … FOR UPDATE) and SQLite (one writer).

Money from outside (Stripe / Kill Bill style): intent → provider → confirm. `payment_collect` first writes a
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

import datetime as dt
import hashlib
import logging
import uuid

from django.db import DatabaseError, connection, connections, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.idempotency import request_identity
from fairdesk.core.services import event_record
from fairdesk.plans import events
from fairdesk.plans.models import (
    EntryKind,
    LedgerEntry,
    MoneyStatus,
    Payment,
    PlanAccount,
    PlanPrice,
    Provider,
    Refund,
    Subscription,
)
from fairdesk.plans.providers import PaymentFailed, provider_for
from fairdesk.plans.quotes import consumed_fen, period_end_for

log = logging.getLogger("fairdesk.plans")
_APART = "plans_intent"  # the alias of the short-lived connection that commits payment intents


def account_lock(customer_id: int) -> PlanAccount:
    account = PlanAccount.objects.select_for_update().filter(customer_id=customer_id).first()
    if account is None:  # first money movement of this customer; a racing twin waits on the unique index
        PlanAccount.objects.get_or_create(customer_id=customer_id)
        account = PlanAccount.objects.select_for_update().get(customer_id=customer_id)
    return account


def entry_add(
    account: PlanAccount, kind: str, amount: int, *, sub=None, description: str = "", **refs
) -> None:
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


def account_save(account: PlanAccount) -> None:
    account.version += 1
    account.save(update_fields=["credit_fen", "version"])


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


def payment_collect(
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
        entry_add(account, EntryKind.PAYMENT, amount, sub=sub, description=f"offline {key}", payment=payment)
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
    entry_add(
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
        payment_collect(
            account,
            rest,
            provider=provider,
            token=token,
            actor=actor,
            sub=sub,
            request=f"{request}+rest" if request else "",
        )
    elif rest < 0:
        credit_refund(account, -rest, sub=sub)


def credit_refund(account: PlanAccount, amount: int, *, sub=None) -> list[Refund]:
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
        entry_add(
            account, EntryKind.REFUND, part, sub=sub, description=str(_("退回原支付方式")), refund=refund
        )
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
    account = account_lock(refund.payment.customer_id)
    refund.status = MoneyStatus.FAILED
    Payment.objects.filter(pk=refund.payment_id).update(refunded_fen=F("refunded_fen") - refund.amount_fen)
    entry_add(
        account, EntryKind.REFUND_RETURNED, refund.amount_fen, description=str(_("退款未成功，已退回余额"))
    )
    account_save(account)


def period_close(account: PlanAccount, sub: Subscription, at: dt.datetime) -> int:
    """Consume the period up to `at` (per second, rounded down) and give the rest back to credit."""
    paid = sub.price.amount_fen  # what the period's charge entry took
    used = consumed_fen(charge_fen=paid, start=sub.period_start, end=sub.period_end, at=at)
    entry_add(account, EntryKind.CONSUMPTION, used, sub=sub, description=f"{sub.plan.code} {sub.period}")
    unused = paid - used
    entry_add(account, EntryKind.UNUSED_BACK, unused, sub=sub, description=str(_("未使用部分")))
    return unused


def period_start(account: PlanAccount, sub: Subscription, price: PlanPrice, start: dt.datetime) -> None:
    sub.price, sub.plan_id, sub.period = price, price.plan_id, price.period
    sub.period_start, sub.period_end = start, period_end_for(start, price.period)
    sub.renewal_notice_at, sub.renewal_price = None, None
    entry_add(account, EntryKind.CHARGE, price.amount_fen, sub=sub, description=str(price))
