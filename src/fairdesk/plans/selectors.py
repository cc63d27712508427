from __future__ import annotations

import datetime as dt

from django.db.models import Q, Sum

from fairdesk.core import clock
from fairdesk.plans.models import (
    ChangeRule,
    EntryKind,
    LedgerEntry,
    MoneyStatus,
    Payment,
    Plan,
    PlanAccount,
    PlanPrice,
    PlanSettings,
    Refund,
    Subscription,
    SubscriptionStatus,
)


def plan_settings() -> PlanSettings:
    """The terms row (created with the fair defaults the first time it is read)."""
    terms = PlanSettings.objects.filter(pk=1).first()
    if terms is None:
        terms, _created = PlanSettings.objects.get_or_create(pk=1)
    return terms


def change_rule() -> ChangeRule | None:
    return ChangeRule.objects.filter(is_active=True).order_by("pk").first()


def plans_active() -> list[Plan]:
    return list(Plan.objects.filter(is_active=True).order_by("rank", "code"))


def plan_by_code(code: str) -> Plan | None:
    return Plan.objects.filter(code=code, is_active=True).first()


def price_current(*, plan: Plan, period: str, at=None) -> PlanPrice | None:
    """The price a new subscriber pays now: the latest version already in effect."""
    at = at or clock.now()
    return (
        PlanPrice.objects.filter(plan=plan, period=period, effective_from__lte=at)
        .order_by("-version")
        .first()
    )


def price_for_renewal(*, subscription: Subscription, notice_days: int) -> PlanPrice:
    """The price an existing subscriber renews at: a new version only if it is in effect at the renewal and
    was announced at least `notice_days` before it; otherwise they keep the price they have."""
    renewal = subscription.period_end
    newer = (
        PlanPrice.objects.filter(
            plan_id=subscription.plan_id,
            period=subscription.period,
            effective_from__lte=renewal,
            announced_at__lte=renewal - dt.timedelta(days=notice_days),
        )
        .order_by("-version")
        .first()
    )
    return newer or subscription.price


def prices_by_plan() -> dict[int, dict[str, PlanPrice]]:
    now = clock.now()
    result: dict[int, dict[str, PlanPrice]] = {}
    for price in PlanPrice.objects.filter(effective_from__lte=now).order_by("plan", "period", "version"):
        result.setdefault(price.plan_id, {})[price.period] = price  # the latest version wins
    return result


def subscription_active(*, customer) -> Subscription | None:
    return (
        Subscription.objects.filter(customer=customer, status=SubscriptionStatus.ACTIVE)
        .select_related("plan", "price", "pending_plan")
        .first()
    )


def subscriptions_for(*, customer) -> list[Subscription]:
    return list(
        Subscription.objects.filter(customer=customer)
        .select_related("plan", "price", "pending_plan", "customer")
        .order_by("-created_at")
    )


def subscription_of(*, customer, subscription_id: int) -> Subscription | None:
    """A customer's own subscription; someone else's is None (the caller answers 404)."""
    return (
        Subscription.objects.select_related("plan", "price", "pending_plan", "customer")
        .filter(pk=subscription_id, customer=customer)
        .first()
    )


def ledger_for(*, customer, latest: int = 20) -> list[LedgerEntry]:
    """The customer's latest ledger entries, oldest first."""
    entries = LedgerEntry.objects.filter(customer=customer).order_by("-at", "-pk")[:latest]
    return list(reversed(entries))


# How each ledger line moves the customer's account credit (their money held by us): + in, − out, 0 none.
CREDIT_SIGN = {
    EntryKind.PAYMENT: 1,  # they paid: the money is theirs in the account first
    EntryKind.CHARGE: -1,  # a period's price taken from it
    EntryKind.CONSUMPTION: 0,  # the prepaid period used up: the credit does not move
    EntryKind.UNUSED_BACK: 1,  # the unused part of a period back into it
    EntryKind.REFUND: -1,  # out of it, back to their card
    EntryKind.REFUND_RETURNED: 1,  # the card refused the refund: back into it
}


def ledger_page(*, customer, page: int = 1, per_page: int = 20) -> dict:
    """One page of the customer's ledger, newest first, each line with its signed amount (customer's view:
    + into the account credit, − out of it) and the credit balance after it. Every line is reachable by
    paging; `pages` says how many there are."""
    rows = list(LedgerEntry.objects.filter(customer=customer).order_by("at", "pk"))
    balance = 0
    lines = []
    for entry in rows:
        sign = CREDIT_SIGN.get(entry.kind, 0)
        balance += sign * entry.amount_fen
        lines.append({"entry": entry, "sign": sign, "balance_fen": balance})
    lines.reverse()
    pages = max(1, -(-len(lines) // per_page))
    page = min(max(page, 1), pages)
    return {
        "lines": lines[(page - 1) * per_page : page * per_page],
        "page": page,
        "pages": pages,
        "count": len(lines),
        "previous": page - 1 if page > 1 else None,
        "next": page + 1 if page < pages else None,
    }


def ledger_totals(*, customer=None) -> dict[str, int]:
    entries = LedgerEntry.objects.all() if customer is None else LedgerEntry.objects.filter(customer=customer)
    sums = dict(entries.values_list("kind").annotate(total=Sum("amount_fen")).values_list("kind", "total"))
    return {kind: int(sums.get(kind) or 0) for kind in EntryKind.values}


def ledger_violations(*, customers=None, provider: bool = True) -> list[dict]:
    """Accounts where payments − refunds − consumed ≠ credit + prepaid, or the ledger disagrees with our
    payment rows, or (with `provider`) our payment rows disagree with the provider's own records under the
    same keys (a booked payment or refund it lacks or has at another amount; a payment not booked that it
    charged). Empty means the books balance. Asks the provider by key only (fine with a shared sandbox)."""
    # reconcile → ledger → quotes → fairness read these selectors: a top-level import here is a cycle.
    from fairdesk.plans.reconcile import provider_disagreements

    accounts = PlanAccount.objects.all()
    if customers is not None:
        accounts = accounts.filter(customer__in=customers)
    problems = []
    for account in accounts.iterator():
        totals = ledger_totals(customer=account.customer_id)
        prepaid = (
            Subscription.objects.filter(
                customer=account.customer_id, status=SubscriptionStatus.ACTIVE
            ).aggregate(total=Sum("price__amount_fen"))["total"]
            or 0
        )
        refunds = totals["refund"] - totals["refund_returned"]
        balance = totals["payment"] - refunds - totals["consumption"]
        credit = totals["payment"] + totals["unused_back"] - totals["charge"] - refunds
        paid = (
            Payment.objects.filter(customer=account.customer_id, status=MoneyStatus.SUCCEEDED).aggregate(
                total=Sum("amount_fen")
            )["total"]
            or 0
        )
        refunded = (
            Refund.objects.filter(payment__customer=account.customer_id)
            .filter(~Q(status=MoneyStatus.FAILED))
            .exclude(payment__status=MoneyStatus.VOIDED)  # a voided payment never reached the ledger
            .aggregate(total=Sum("amount_fen"))["total"]
            or 0
        )
        at_provider = []
        if provider:
            at_provider = provider_disagreements(
                Payment.objects.filter(customer=account.customer_id),
                Refund.objects.filter(payment__customer=account.customer_id).select_related("payment"),
            )
        checks = {
            "balance": balance == account.credit_fen + prepaid,
            "credit": credit == account.credit_fen,
            "payments": paid == totals["payment"],
            "refunds": refunded == refunds,
            "provider": not at_provider,
        }
        if not all(checks.values()):
            problems.append(
                {
                    "customer": account.customer_id,
                    **checks,
                    "totals": totals,
                    "credit": account.credit_fen,
                    "at_provider": at_provider,
                }
            )
    return problems


def benefits_for(*, customer) -> dict:
    """What the customer's active plan grants (for bookings and dispatch); {} without a plan."""
    sub = (
        Subscription.objects.filter(customer=customer, status=SubscriptionStatus.ACTIVE)
        .select_related("plan")
        .only("plan__benefits")
        .first()
    )
    return dict(sub.plan.benefits or {}) if sub else {}


def price_with_benefits(*, customer, price_fen: int, emergency: bool = False) -> tuple[int, str]:
    """A service price after the customer's plan benefits, rounded down (in the customer's favour), and the
    benefit applied. Benefits change prices, never anyone's place in a queue."""
    benefits = benefits_for(customer=customer)
    if emergency and benefits.get("emergency_callout_free"):
        return 0, "emergency_callout_free"
    discount = int(benefits.get("repair_discount_pct") or 0)
    if 0 < discount <= 100:
        return price_fen * (100 - discount) // 100, f"repair_discount_pct:{discount}"
    return price_fen, ""


def plan_badges(*, phones: list[str]) -> dict[str, str]:
    """For the technician's job cards: the customer's plan and what it gives on site, by phone (one query)."""
    subs = Subscription.objects.filter(
        customer__phone__in=set(phones), status=SubscriptionStatus.ACTIVE
    ).select_related("plan", "customer")
    return {s.customer.phone: f"{s.plan.display_name} · {s.plan.display_description}" for s in subs}
