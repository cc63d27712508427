"""Service plans: a catalog with versioned prices, one change rule for every change, subscriptions, and a
ledger of money in, money out and value consumed.

Money is integer fen. The ledger moves value between three places — the customer's account credit, the
prepaid current period, and value consumed — plus money in (payments) and money out (refunds), so that at
every moment: payments − refunds − consumed = credit + prepaid (see `services` for the rounding rule).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock
from fairdesk.core.money import format_fen


class Period(models.TextChoices):
    MONTH = "month", _("按月")
    YEAR = "year", _("按年")


class Effective(models.TextChoices):
    IMMEDIATE = "immediate", _("立即生效")  # every change takes effect now, prorated to the second
    END_OF_PERIOD = "end_of_period", _("当期结束时生效")  # every change takes effect when the period ends


class Plan(models.Model):
    code = models.SlugField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    name_en = models.CharField(_("英文名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    description_en = models.CharField(_("英文说明"), max_length=300, blank=True)
    # Only orders the catalog and names a change "upgrade" or "downgrade" in the wording; no rule reads it.
    rank = models.PositiveSmallIntegerField(_("排序"), default=0)
    benefits = models.JSONField(
        _("权益"),
        default=dict,
        blank=True,
        help_text=_('例如 {"checkups_per_year": 1, "repair_discount_pct": 10, "night_callout_free": true}'),
    )
    is_active = models.BooleanField(_("在售"), default=True)

    class Meta:
        verbose_name = _("套餐")
        verbose_name_plural = _("套餐")
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        from django.utils.translation import get_language

        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name

    @property
    def display_description(self) -> str:
        from django.utils.translation import get_language

        english = (get_language() or "").startswith("en") and self.description_en
        return self.description_en if english else self.description


class PlanPrice(models.Model):
    """One price of a plan for a period. Prices are never edited: a change is a new version, announced ahead;
    an existing subscriber meets it only at a renewal that comes after the notice period."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="prices")
    period = models.CharField(_("周期"), max_length=5, choices=Period.choices)
    version = models.PositiveIntegerField(_("版本"))
    amount_fen = models.PositiveIntegerField(_("价格（分）"), validators=[MaxValueValidator(100_000_000)])
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    effective_from = models.DateTimeField(_("生效时间"), default=clock.now)
    announced_at = models.DateTimeField(_("公告时间"), default=clock.now)

    class Meta:
        verbose_name = _("套餐价格")
        verbose_name_plural = _("套餐价格")
        ordering = ["plan", "period", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "period", "version"], name="plan_price_version_unique"),
            models.CheckConstraint(
                condition=models.Q(announced_at__lte=models.F("effective_from")), name="price_announced_first"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_period_display()} v{self.version} {format_fen(self.amount_fen)}"


class ChangeDirection(models.TextChoices):
    """What a rule could be scoped to. Only ALL is valid: the other values exist so that a catalog imported
    from elsewhere can be read, and refused, rather than silently reinterpreted."""

    ALL = "all", _("所有变更")
    UPGRADE = "upgrade", _("仅升级")
    DOWNGRADE = "downgrade", _("仅降级")
    SWITCH_PERIOD = "switch_period", _("仅切换周期")
    CANCEL = "cancel", _("仅取消")


class ChangeRule(models.Model):
    """The catalog's one change policy (Kill Bill keeps a policy table; we keep one row, no direction)."""

    applies_to = models.CharField(
        _("适用于"), max_length=16, choices=ChangeDirection.choices, default=ChangeDirection.ALL
    )
    effective = models.CharField(
        _("生效时间"), max_length=16, choices=Effective.choices, default=Effective.IMMEDIATE
    )
    only_in_last_days = models.PositiveSmallIntegerField(
        _("仅限周期最后几天"), null=True, blank=True, help_text=_("必须留空：变更不能只在某些日子办理。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("变更规则")
        verbose_name_plural = _("变更规则")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_change_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_applies_to_display()} · {self.get_effective_display()}"

    def clean(self) -> None:
        # fairness reads these models: importing it at the top of models.py would be a cycle.
        from fairdesk.plans.fairness import rule_findings

        problems = [finding.message for finding in rule_findings(self)]
        if problems:
            raise ValidationError(problems)


ACTIONS = ("subscribe", "upgrade", "downgrade", "switch_period", "cancel", "refund")
STEP_NAMES = ("choose", "survey", "preview")
DEFAULT_FLOW = ["choose", "preview"]


def default_flows() -> dict:
    return {action: list(DEFAULT_FLOW) for action in ACTIONS}


def default_refund_methods() -> list:
    return ["original", "credit"]


class PlanSettings(models.Model):
    """The rest of the terms (one row). Each field is checked by validation and by `audit_fairness`."""

    auto_renew_default = models.BooleanField(
        _("默认开启自动续费"), default=False, help_text=_("必须关闭：自动续费只能由客户明确开启。")
    )
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("续费提醒提前天数"), default=7, validators=[MinValueValidator(5), MaxValueValidator(60)]
    )
    refund_methods = models.JSONField(_("退款去向"), default=default_refund_methods)
    # The pages of each self-service action before the final confirm click; all actions must be equal.
    flows = models.JSONField(_("办理步骤"), default=default_flows)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("套餐条款")
        verbose_name_plural = _("套餐条款")

    def __str__(self) -> str:
        return str(_("套餐条款"))

    def clean(self) -> None:
        # fairness reads these models: importing it at the top of models.py would be a cycle.
        from fairdesk.plans.fairness import settings_findings

        problems = [finding.message for finding in settings_findings(self)]
        if problems:
            raise ValidationError(problems)


class Provider(models.TextChoices):
    SANDBOX = "sandbox", _("在线支付（沙箱）")
    OFFLINE = "offline", _("线下收款（工作人员登记）")


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "active", _("生效中")  # in a paid period
    ENDED = "ended", _("已结束")  # cancelled, refunded or not renewed; final


class Subscription(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("周期"), max_length=5, choices=Period.choices)
    price = models.ForeignKey(PlanPrice, on_delete=models.PROTECT, related_name="+")  # what this period cost
    status = models.CharField(
        _("状态"), max_length=8, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    period_start = models.DateTimeField(_("本期开始"))
    period_end = models.DateTimeField(_("本期结束"))
    auto_renew = models.BooleanField(_("自动续费"), default=False)
    renewal_notice_at = models.DateTimeField(_("续费提醒时间"), null=True, blank=True)
    renewal_price = models.ForeignKey(
        PlanPrice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # A change waiting for the end of the period (end_of_period policy).
    pending_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    pending_period = models.CharField(_("待生效周期"), max_length=5, choices=Period.choices, blank=True)
    pending_cancel = models.BooleanField(_("到期取消"), default=False)
    provider = models.CharField(_("支付方式"), max_length=8, choices=Provider.choices)
    payment_token = models.CharField(_("支付凭证"), max_length=64, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("订阅")
        verbose_name_plural = _("订阅")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(status="active"), name="one_active_subscription"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="subscription_period"
            ),
        ]
        indexes = [models.Index(fields=["status", "period_end"])]

    def __str__(self) -> str:
        return f"{self.customer} {self.plan} {self.get_status_display()}"


class PlanAccount(models.Model):
    """A customer's account credit, locked for every money movement (one row per customer)."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_account"
    )
    credit_fen = models.PositiveIntegerField(_("账户余额（分）"), default=0)
    version = models.PositiveIntegerField(_("版本"), default=0)  # +1 per money movement; keys provider calls
    uid = models.UUIDField(
        default=uuid.uuid4, editable=False, unique=True
    )  # keys stay unique across databases

    class Meta:
        verbose_name = _("套餐账户")
        verbose_name_plural = _("套餐账户")

    def __str__(self) -> str:
        return f"{self.customer} {format_fen(self.credit_fen)}"


class MoneyStatus(models.TextChoices):
    PENDING = "pending", _("处理中")  # intent committed / sent to the provider (or waiting for staff)
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")  # final; nothing moved
    # Payments only, final: the provider took it but the change it paid for never happened; the reconciler
    # gave it back in full to where it came from (a Refund row records the provider's refund).
    VOIDED = "voided", _("已原路退回")


class Payment(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("支付方式"), max_length=8, choices=Provider.choices)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    refunded_fen = models.PositiveIntegerField(_("已退（分）"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=MoneyStatus.choices, default=MoneyStatus.PENDING
    )
    external_id = models.CharField(_("渠道单号"), max_length=64, blank=True)
    # The provider's key: "pay-<random uuid>" of this row, committed before the provider is called, so a
    # rollback can never make a later, different payment reuse it.
    idempotency_key = models.CharField(max_length=80, unique=True)
    # Which request this pays for (a hash of the caller's scope + Idempotency-Key, or of the renewal): the
    # same request retried after a crash finds its pending intent and the provider replays, not charges.
    request_key = models.CharField(max_length=64, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_fen__lte=models.F("amount_fen")), name="payment_refund_bounded"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {format_fen(self.amount_fen)} {self.status}"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    status = models.CharField(
        _("状态"), max_length=10, choices=MoneyStatus.choices, default=MoneyStatus.PENDING
    )
    external_id = models.CharField(_("渠道单号"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)  # the provider's idempotency key
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    settled_at = models.DateTimeField(_("到账时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("退款")
        verbose_name_plural = _("退款")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.payment_id} {format_fen(self.amount_fen)} {self.status}"


class EntryKind(models.TextChoices):
    PAYMENT = "payment", _("收款")  # money in → credit
    CHARGE = "charge", _("账单")  # credit → the period's prepaid value (an invoice)
    CONSUMPTION = "consumption", _("已使用")  # prepaid → consumed, at the second the period closes or changes
    UNUSED_BACK = "unused_back", _("未用部分退回余额")  # prepaid → credit (a credit note)
    REFUND = "refund", _("退款")  # credit → money out to the original payment method
    REFUND_RETURNED = (
        "refund_returned",
        _("退款失败退回余额"),
    )  # the provider refused a refund: back to credit


class LedgerEntry(models.Model):
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=EntryKind.choices)
    amount_fen = models.PositiveIntegerField(_("金额（分）"))
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    refund = models.ForeignKey(Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    description = models.CharField(_("说明"), max_length=200, blank=True)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("账目")
        verbose_name_plural = _("账目")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["customer", "at"])]

    def __str__(self) -> str:
        return f"{clock.local(self.at):%Y-%m-%d} {self.get_kind_display()} {format_fen(self.amount_fen)}"
