"""Reconciling our payment books with the payment provider's (`python manage.py reconcile_payments`, and the
background job `plans.reconcile_payments` every five minutes).

Every payment from outside starts as a pending intent committed before the provider is called; a change that
commits confirms its payment in the same transaction. So a payment still pending after GRACE (15 minutes; a
live request takes seconds, and a retry of the same request within it adopts the intent) belongs to a change
that never happened. The written rule, applied to each disagreement:

1. Pending intent older than GRACE (or failed) whose key the provider HAS charged → the customer got nothing
   for that money, so it goes back to where it came from: a full refund at the provider (key
   `void-<intent key>`, so a crash in the middle replays), the payment becomes `voided`, a succeeded Refund
   row records the provider's refund. Never credit: this money never entered the customer's account.
   Event `payment.voided`.
2. Pending intent older than GRACE whose key the provider has NOT charged → nothing was taken: `failed`.
   Event `payment.intent_failed`.
3. A provider charge under our key form (`pay-…`) with no payment row at all, older than GRACE (its intent
   lived in a rolled-back transaction: SQLite, or a customer created in the same request) → refunded in full
   at the provider, key `void-<charge key>`. Event `payment.orphan_refunded` (customer from its metadata).
4. A refund the provider made under our key whose Refund row is still pending (the confirmation was lost) →
   sent again with the same key: the provider replays, the row is settled.
5. Reported and never touched (a person decides): a succeeded payment the provider has no charge for or with
   another amount; a succeeded refund the provider does not have or with another amount; a provider refund
   under our key form we cannot place; a provider that cannot be asked.

Each finding is one line; `settled` says whether the rule settled it now. The command exits 1 while anything
remains unsettled. Payments in flight (pending, younger than GRACE) are neither findings nor touched.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field

from django.db import transaction

from fairdesk.core import clock
from fairdesk.core.services import event_record
from fairdesk.plans.events import PAYMENT_INTENT_FAILED, PAYMENT_ORPHAN_REFUNDED, PAYMENT_VOIDED
from fairdesk.plans.ledger import refunds_send
from fairdesk.plans.models import MoneyStatus, Payment, Provider, Refund
from fairdesk.plans.providers import PaymentFailed, ProviderRecord, provider_for

GRACE = dt.timedelta(minutes=15)
log = logging.getLogger("fairdesk.plans.reconcile")

# What the provider's books may hold for a payment of ours in each state.
BOOKED = (MoneyStatus.SUCCEEDED, MoneyStatus.VOIDED)


@dataclass
class Finding:
    code: str  # what disagrees (see the module docstring)
    settled: bool  # the rule settled it in this run
    provider: str
    key: str = ""  # our idempotency key at the provider
    payment: int | None = None
    refund: int | None = None
    customer: int | None = None
    amount_fen: int = 0  # our amount
    provider_amount_fen: int | None = None  # the provider's amount (when it has a record)
    external_id: str = ""  # the provider's id
    action: str = ""  # what the rule did: voided | failed | refunded | refund_confirmed | ""
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        state = "SETTLED" if self.settled else "UNSETTLED"
        where = (
            f"payment #{self.payment}" if self.payment else f"refund #{self.refund}" if self.refund else "-"
        )
        key = self.key or "-"
        parts = [f"{state} [{self.code}] {self.provider} {where} key={key} ours {self.amount_fen} fen"]
        if self.provider_amount_fen is not None:
            parts.append(f"provider {self.provider_amount_fen} fen {self.external_id}".rstrip())
        if self.action:
            parts.append(f"→ {self.action}")
        return " ".join(parts)


def reconcile(*, grace: dt.timedelta = GRACE, providers: tuple[str, ...] | None = None) -> list[Finding]:
    """Compare and settle, provider by provider (only those with books to read: the sandbox/online one)."""
    findings: list[Finding] = []
    for name in providers or (Provider.SANDBOX,):
        findings += _reconcile_provider(name, grace)
    return findings


def reconcile_job() -> int:
    """The background job: skip providers we never used; returns how many findings remain unsettled."""
    used = tuple(p for p in (Provider.SANDBOX,) if Payment.objects.filter(provider=p).exists())
    if not used:
        return 0
    findings = reconcile(providers=used)
    for finding in findings:
        (log.info if finding.settled else log.warning)("reconcile_payments %s", finding.line())
    return sum(not f.settled for f in findings)


def _reconcile_provider(name: str, grace: dt.timedelta) -> list[Finding]:
    provider = provider_for(name)
    try:
        charges = {c.key: c for c in provider.charges()}
    except PaymentFailed as exc:
        return [Finding("provider_unreachable", False, name, detail={"message": str(exc.message)})]
    cutoff = clock.now() - grace
    findings: list[Finding] = []
    ours: set[str] = set()
    for payment in Payment.objects.filter(provider=name).order_by("pk").iterator():
        ours.add(payment.idempotency_key)
        charge = charges.get(payment.idempotency_key)
        if payment.status == MoneyStatus.PENDING and payment.created_at > cutoff:
            continue  # in flight: its request may still confirm it, or a retry adopt it
        if payment.status in (MoneyStatus.PENDING, MoneyStatus.FAILED):
            if charge is not None:
                findings.append(_void(provider, payment.pk, cutoff))
            elif payment.status == MoneyStatus.PENDING:
                findings.append(_fail(provider, payment.pk, cutoff))
            continue
        if charge is None:
            findings.append(_finding("charge_missing", payment, None))
        elif charge.amount_fen != payment.amount_fen:
            findings.append(_finding("amount_differs", payment, charge))
        elif payment.status == MoneyStatus.VOIDED and charge.refunded_fen != charge.amount_fen:
            findings.append(_finding("void_incomplete", payment, charge))
    for key, charge in charges.items():
        if key.startswith("pay-") and key not in ours:
            findings.append(_orphan(provider, charge, cutoff))
    try:
        refunds = {r.key: r for r in provider.refunds()}  # after the rules above refunded what they did
    except PaymentFailed as exc:
        findings.append(Finding("provider_unreachable", False, name, detail={"message": str(exc.message)}))
    else:
        findings += _refund_findings(provider, refunds, charges, ours)
    return [f for f in findings if f is not None]


def _finding(code: str, payment: Payment, charge: ProviderRecord | None, **more) -> Finding:
    return Finding(
        code,
        False,
        payment.provider,
        key=payment.idempotency_key,
        payment=payment.pk,
        customer=payment.customer_id,
        amount_fen=payment.amount_fen,
        provider_amount_fen=None if charge is None else charge.amount_fen,
        external_id="" if charge is None else charge.external_id,
        **more,
    )


def _void(provider, payment_id: int, cutoff: dt.datetime) -> Finding | None:
    """Rule 1: the provider charged for a change that never committed — refund it in full at the provider."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(skip_locked=True)
            .filter(pk=payment_id, status__in=(MoneyStatus.PENDING, MoneyStatus.FAILED))
            .first()
        )
        if payment is None or (payment.status == MoneyStatus.PENDING and payment.created_at > cutoff):
            return None  # a live request holds it, or it was settled meanwhile
        charge = provider.charge_by_key(payment.idempotency_key)
        if charge is None:
            return _fail_locked(payment) if payment.status == MoneyStatus.PENDING else None
        finding = _finding("charged_never_committed", payment, charge)
        if charge.amount_fen != payment.amount_fen:
            finding.code = "charged_never_committed_amount_differs"
            return finding  # not ours to guess: a person looks
        back = charge.amount_fen - charge.refunded_fen
        result = provider.refund(
            external_id=charge.external_id, amount_fen=back, key=f"void-{payment.idempotency_key}"
        )
        if result.status != "succeeded":
            finding.detail = {"refund": result.status, "message": result.message}
            return finding  # tried again next run (same key: the provider replays, never refunds twice)
        now = clock.now()
        refund = Refund.objects.create(
            payment=payment,
            amount_fen=back,
            status=MoneyStatus.SUCCEEDED,
            external_id=result.external_id,
            attempts=1,
            settled_at=now,
        )
        old = payment.status
        payment.status, payment.external_id, payment.refunded_fen = (
            MoneyStatus.VOIDED,
            charge.external_id,
            back,
        )
        payment.save(update_fields=["status", "external_id", "refunded_fen"])
        event_record(
            kind=PAYMENT_VOIDED,
            subject=payment,
            actor_label="reconcile_payments",
            payload={
                "payment": payment.pk,
                "customer": payment.customer_id,
                "amount_fen": payment.amount_fen,
                "refunded_fen": back,
                "charge": charge.external_id,
                "refund": refund.pk,
                "provider_refund": result.external_id,
                "old_status": old,
                "new_status": MoneyStatus.VOIDED,
                "rule": "charged_never_committed",
            },
        )
        finding.settled, finding.action, finding.refund = True, "voided", refund.pk
        finding.detail = {"provider_refund": result.external_id}
        return finding


def _fail(provider, payment_id: int, cutoff: dt.datetime) -> Finding | None:
    """Rule 2: the provider has no charge for an old intent — nothing was taken."""
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update(skip_locked=True)
            .filter(pk=payment_id, status=MoneyStatus.PENDING, created_at__lte=cutoff)
            .first()
        )
        if payment is None:
            return None
        if provider.charge_by_key(payment.idempotency_key) is not None:
            return None  # charged after all (listed a moment ago): the next run voids it
        return _fail_locked(payment)


def _fail_locked(payment: Payment) -> Finding:
    payment.status = MoneyStatus.FAILED
    payment.save(update_fields=["status"])
    event_record(
        kind=PAYMENT_INTENT_FAILED,
        subject=payment,
        actor_label="reconcile_payments",
        payload={
            "payment": payment.pk,
            "customer": payment.customer_id,
            "amount_fen": payment.amount_fen,
            "old_status": MoneyStatus.PENDING,
            "new_status": MoneyStatus.FAILED,
            "rule": "never_charged",
        },
    )
    finding = _finding("never_charged", payment, None)
    finding.settled, finding.action = True, "failed"
    return finding


def _orphan(provider, charge: ProviderRecord, cutoff: dt.datetime) -> Finding | None:
    """Rule 3: a charge under our key form with no payment row: refund it in full."""
    customer = (charge.metadata or {}).get("customer")
    finding = Finding(
        "orphan_charge",
        False,
        provider.name,
        key=charge.key,
        customer=customer if isinstance(customer, int) else None,
        amount_fen=0,
        provider_amount_fen=charge.amount_fen,
        external_id=charge.external_id,
    )
    back = charge.amount_fen - charge.refunded_fen
    if back <= 0:
        return None  # already given back (by an earlier run)
    try:
        created = dt.datetime.fromisoformat(charge.created)
    except ValueError:
        created = None
    if created is None or created > cutoff:
        return None if created is not None else finding  # in flight; or undated: a person looks
    result = provider.refund(external_id=charge.external_id, amount_fen=back, key=f"void-{charge.key}")
    if result.status != "succeeded":
        finding.detail = {"refund": result.status, "message": result.message}
        return finding
    event_record(
        kind=PAYMENT_ORPHAN_REFUNDED,
        subject_type="plans.provider_charge",
        subject_id=charge.external_id,
        actor_label="reconcile_payments",
        payload={
            "provider": provider.name,
            "charge": charge.external_id,
            "key": charge.key,
            "amount_fen": charge.amount_fen,
            "refunded_fen": back,
            "provider_refund": result.external_id,
            "customer": finding.customer,
            "rule": "orphan_charge",
        },
    )
    finding.settled, finding.action = True, "refunded"
    finding.detail = {"provider_refund": result.external_id}
    return finding


def _refund_findings(
    provider, refunds: dict[str, ProviderRecord], charges: dict[str, ProviderRecord], ours: set[str]
) -> list[Finding]:
    """Rules 4 and 5 for refunds: our Refund rows against the provider's refunds, by key."""
    findings: list[Finding] = []
    known: set[str] = set()
    rows = Refund.objects.filter(payment__provider=provider.name).select_related("payment").order_by("pk")
    for refund in rows.iterator():
        key = refund_key(refund)
        known.add(key)
        theirs = refunds.get(key)
        base = {
            "key": key,
            "refund": refund.pk,
            "payment": refund.payment_id,
            "customer": refund.payment.customer_id,
            "amount_fen": refund.amount_fen,
            "provider_amount_fen": None if theirs is None else theirs.amount_fen,
            "external_id": "" if theirs is None else theirs.external_id,
        }
        if refund.status == MoneyStatus.SUCCEEDED:
            if theirs is None:
                findings.append(Finding("refund_missing", False, provider.name, **base))
            elif theirs.amount_fen != refund.amount_fen:
                findings.append(Finding("refund_amount_differs", False, provider.name, **base))
        elif refund.status == MoneyStatus.PENDING and theirs is not None:
            refunds_send(refund_ids=[refund.pk])  # the same key: the provider replays its answer
            refund.refresh_from_db(fields=["status"])
            settled = refund.status == MoneyStatus.SUCCEEDED
            findings.append(
                Finding(
                    "refund_unrecorded",
                    settled,
                    provider.name,
                    action="refund_confirmed" if settled else "",
                    **base,
                )
            )
        elif refund.status == MoneyStatus.FAILED and theirs is not None:
            findings.append(Finding("refund_failed_but_paid", False, provider.name, **base))
    for key, theirs in refunds.items():
        if key in known:
            continue
        voided = key.removeprefix("void-")
        if key.startswith("void-") and (voided in charges and voided not in ours):
            continue  # rule 3's refund of an orphan charge
        if key.startswith(("refund-", "void-")):
            findings.append(
                Finding(
                    "unknown_refund",
                    False,
                    provider.name,
                    key=key,
                    provider_amount_fen=theirs.amount_fen,
                    external_id=theirs.external_id,
                )
            )
    return findings


def refund_key(refund: Refund) -> str:
    """The provider key a refund row was sent under: a void under its payment's key, others their own uid."""
    if refund.payment.status == MoneyStatus.VOIDED:
        return f"void-{refund.payment.idempotency_key}"
    return f"refund-{refund.uid.hex}"


def provider_disagreements(payments, refunds) -> list[dict]:
    """Read-only check (for `ledger_violations`): each of our payments/refunds at an online provider against
    that provider's record under the same key — booked payments and succeeded refunds must be there with the
    same amount; a payment not booked must not have been charged. Queries the provider by key only."""
    problems: list[dict] = []
    payments = [p for p in payments if p.provider != Provider.OFFLINE]
    refunds = [r for r in refunds if r.payment.provider != Provider.OFFLINE]
    by_provider: dict[str, tuple[list, list]] = {}
    for payment in payments:
        by_provider.setdefault(payment.provider, ([], []))[0].append(payment)
    for refund in refunds:
        by_provider.setdefault(refund.payment.provider, ([], []))[1].append(refund)
    for name, (pays, refs) in by_provider.items():
        provider = provider_for(name)
        charges = _by_keys(provider, "charges", [p.idempotency_key for p in pays])
        theirs = _by_keys(provider, "refunds", [refund_key(r) for r in refs if r.status == "succeeded"])
        for payment in pays:
            charge = charges.get(payment.idempotency_key)
            booked = payment.status in BOOKED
            if booked and (charge is None or charge.amount_fen != payment.amount_fen):
                problems.append(_problem("payment", payment.pk, payment.amount_fen, charge))
            elif payment.status == MoneyStatus.FAILED and charge is not None:
                problems.append(_problem("failed_payment_charged", payment.pk, payment.amount_fen, charge))
            elif payment.status == MoneyStatus.PENDING and charge is not None:
                problems.append(_problem("pending_payment_charged", payment.pk, payment.amount_fen, charge))
        for refund in refs:
            if refund.status != MoneyStatus.SUCCEEDED:
                continue
            record = theirs.get(refund_key(refund))
            if record is None or record.amount_fen != refund.amount_fen:
                problems.append(_problem("refund", refund.pk, refund.amount_fen, record))
    return problems


def _problem(what: str, pk: int, amount: int, record: ProviderRecord | None) -> dict:
    return {
        "what": what,
        "id": pk,
        "amount_fen": amount,
        "provider_amount_fen": None if record is None else record.amount_fen,
    }


def _by_keys(provider, kind: str, keys: list[str]) -> dict[str, ProviderRecord]:
    found: dict[str, ProviderRecord] = {}
    for start in range(0, len(keys), 50):
        for record in provider.records_by_keys(kind, keys[start : start + 50]):
            found[record.key] = record
    return found
