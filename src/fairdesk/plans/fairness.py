"""The fairness rules of the plan terms, in one place: model validation, the admin, the API and
`manage.py audit_fairness` all call these functions, so no rule is enforced in one and missed in another.

A finding says where the unfair term is and why it is refused."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from fairdesk.core import text_audit
from fairdesk.plans.models import ACTIONS, STEP_NAMES, ChangeRule, PlanPrice
from fairdesk.plans.selectors import plan_settings

MIN_NOTICE_DAYS = 5  # SAMR: remind at least 5 days before an automatic renewal


@dataclass(frozen=True)
class Finding:
    code: str
    where: str
    message: str


def rule_findings(rule) -> list[Finding]:
    where = f"plans.ChangeRule #{rule.pk or 'new'}"
    found = []
    if rule.applies_to != "all":
        found.append(
            Finding(
                "direction_rule",
                where,
                _(
                    "变更规则只能适用于所有变更，不能只针对“%(scope)s”：升级、降级、切换周期和取消必须同一规则。"
                )
                % {"scope": rule.get_applies_to_display()},
            )
        )
    if rule.only_in_last_days is not None:
        found.append(
            Finding(
                "timing_rule",
                where,
                _("变更不能只在周期最后 %(n)d 天办理：任何时候都必须能办理。")
                % {"n": rule.only_in_last_days},
            )
        )
    if rule.effective not in {"immediate", "end_of_period"}:
        found.append(Finding("unknown_effective", where, _("未知的生效方式：%(e)s") % {"e": rule.effective}))
    return found


def rules_findings(active: list | None = None) -> list[Finding]:
    """Findings for the active rules (read here unless the caller already holds them)."""
    if active is None:
        active = list(ChangeRule.objects.filter(is_active=True).order_by("pk"))
    found = []
    if len(active) != 1:
        found.append(
            Finding(
                "rule_count",
                "plans.ChangeRule",
                _("必须恰好有一条启用的变更规则（现在有 %(n)d 条）。") % {"n": len(active)},
            )
        )
    for rule in active:
        found += rule_findings(rule)
    return found


def settings_findings(terms) -> list[Finding]:
    where = "plans.PlanSettings"
    found = []
    if terms.auto_renew_default:
        found.append(Finding("auto_renew_default", where, _("自动续费不能默认开启，只能由客户明确开启。")))
    if terms.renewal_notice_days < MIN_NOTICE_DAYS:
        found.append(
            Finding(
                "late_renewal_notice",
                where,
                _("续费提醒必须至少提前 %(min)d 天（现在是 %(n)d 天）。")
                % {"min": MIN_NOTICE_DAYS, "n": terms.renewal_notice_days},
            )
        )
    methods = terms.refund_methods if isinstance(terms.refund_methods, list) else []
    if "original" not in methods:
        found.append(
            Finding("refund_forced_to_credit", where, _("退款必须可以退回原支付方式，不能只退成余额。"))
        )
    if any(m not in {"original", "credit"} for m in methods):
        found.append(Finding("unknown_refund_method", where, _("未知的退款去向：%(m)s") % {"m": methods}))
    flows = terms.flows if isinstance(terms.flows, dict) else {}
    for action in ACTIONS:
        steps = flows.get(action)
        if not isinstance(steps, list) or not steps or any(s not in STEP_NAMES for s in steps):
            found.append(
                Finding(
                    "bad_flow",
                    f"{where}.flows.{action}",
                    _("“%(action)s”的步骤无效：%(steps)s") % {"action": action, "steps": steps},
                )
            )
    lengths = {a: len(flows[a]) for a in ACTIONS if isinstance(flows.get(a), list)}
    joining = lengths.get("upgrade")
    for action, n in lengths.items():
        if joining is not None and n != joining:
            found.append(
                Finding(
                    "unequal_path",
                    f"{where}.flows.{action}",
                    _("“%(action)s”要 %(n)d 步，升级要 %(m)d 步：每种办理必须步骤相同。")
                    % {"action": action, "n": n, "m": joining},
                )
            )
    return found


def catalog_findings(notice_days: int) -> list[Finding]:
    """A new price must be announced at least the notice period before it takes effect."""
    found = []
    for price in PlanPrice.objects.filter(version__gt=1).select_related("plan"):
        if (price.effective_from - price.announced_at).days < notice_days:
            found.append(
                Finding(
                    "price_without_notice",
                    f"plans.PlanPrice #{price.pk} ({price})",
                    _("新价格公告后不到 %(n)d 天就生效。") % {"n": notice_days},
                )
            )
    return found


def clause_finding(found: text_audit.TextFinding, where: str) -> Finding:
    """A forbidden format clause (core.text_audit, filled by transparency's clause patterns) as a finding:
    `UNFAIR [clause:<id>] <where>: <sentence> (<article>)`."""
    return Finding(f"clause:{found.id}", where, f"{found.sentence} ({found.article_shown()})")


def text_findings() -> list[Finding]:
    """Forbidden format clauses in every customer-facing text held as data (the sources registered with
    core.text_audit: plans, support's bot answers, the published rules, page texts)."""
    found = []
    for held in text_audit.texts():
        where = f"{held.model} #{held.pk} {held.field}"
        found += [clause_finding(f, where) for f in text_audit.audit(held.text)]
    return found


def draft_findings(text: str, name: str) -> list[Finding]:
    """Forbidden format clauses in a draft text (`audit_fairness --clauses-file`), each with its line."""
    return [
        clause_finding(f, f"{name}:{text.count(chr(10), 0, max(f.start, 0)) + 1}")
        for f in text_audit.audit(text)
    ]


def audit() -> list[Finding]:
    terms = plan_settings()
    return (
        rules_findings()
        + settings_findings(terms)
        + catalog_findings(terms.renewal_notice_days)
        + text_findings()
    )
