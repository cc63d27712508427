"""Period arithmetic, proration and the Quote: what a change would do, computed before anything moves.

Rounding (always in the customer's favour): the value consumed of a period is
    floor(price × whole seconds elapsed ÷ seconds in the period)
so the unused part given back is rounded up, never down; no other step divides money."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.errors import InvalidInput
from fairdesk.core.money import format_fen
from fairdesk.plans import selectors
from fairdesk.plans.errors import CatalogUnfair
from fairdesk.plans.fairness import rules_findings
from fairdesk.plans.models import (
    ChangeRule,
    Effective,
    Period,
    Plan,
    PlanPrice,
    Subscription,
)


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


def change_rule_active() -> ChangeRule:
    """The one active rule, checked by the fairness rules on every use: an unfair or ambiguous rule (e.g.
    written past validation by raw SQL) stops changes instead of being applied."""
    active = list(ChangeRule.objects.filter(is_active=True).order_by("pk"))
    findings = rules_findings(active)
    if findings:
        raise CatalogUnfair(findings[0].message)
    return active[0]


def quote_line(kind: str, description: str, amount_fen: int) -> dict:
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


def quote_change(
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
                quote_line("ends", _("服务到 %(end)s 结束，之后不再收费") % when_local(sub.period_end), 0)
            )
            quote.explanation = _("规则：所有变更在当期结束时生效。本期已付的服务照常提供，不退不补。")
        else:
            quote.lines.append(
                quote_line(
                    "next_charge",
                    _("%(end)s 起改为%(plan)s（%(period)s），届时收取")
                    % {
                        **when_local(sub.period_end),
                        "plan": to_plan.display_name,
                        "period": period_name(to_period),
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
        quote_line(
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
        quote.lines.append(quote_line("credit", _("账户余额"), -credit_fen))
    quote.lines.append(
        quote_line(
            "charge",
            _("%(plan)s（%(period)s）%(start)s 起一个完整周期")
            % {"plan": to_plan.display_name, "period": period_name(to_period), **when_local(now, "start")},
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


def when_local(moment: dt.datetime, key: str = "end") -> dict:
    return {key: local_minute(moment)}


def period_name(period: str) -> str:
    return str(Period(period).label)
