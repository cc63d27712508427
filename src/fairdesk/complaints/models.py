"""Complaints: what the customer filed (never edited, never deleted), its deadlines as computed on receipt
with the rule version that computed them, the state the events have brought it to, and the messages of the
case. Every change is a `complaint.*` event (complaints/events.py); a correction is a new event, not an
edit."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from fairdesk.core import clock

TEXT_MAX = 4000
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_reference() -> str:
    return "C" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))


class Category(models.TextChoices):
    PLAN_CHANGE = "plan_change", _("套餐变更、取消或退款")
    BILLING = "billing", _("收费")
    SERVICE_QUALITY = "service_quality", _("服务质量")
    TECHNICIAN_CONDUCT = "technician_conduct", _("技师行为")
    SAFETY = "safety", _("安全")
    OTHER = "other", _("其他问题")


# The green channel: plan changes, cancellations and refunds (leaving must be as easy as joining).
GREEN_CHANNEL = frozenset({Category.PLAN_CHANGE})


class Status(models.TextChoices):
    RECEIVED = "received", _("已受理，等待联系")
    IN_PROGRESS = "in_progress", _("处理中")
    AWAITING_CUSTOMER = "awaiting_customer", _("等待您补充信息")
    RESPONDED = "responded", _("已答复")
    ACCEPTED = "accepted", _("您已接受答复")
    DISPUTED = "disputed", _("您不同意答复")


# Before the final response: the clocks run and staff can act.
OPEN_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.AWAITING_CUSTOMER)


class Outcome(models.TextChoices):
    UPHELD = "upheld", _("投诉成立")
    PARTLY_UPHELD = "partly_upheld", _("部分成立")
    NOT_UPHELD = "not_upheld", _("投诉不成立")


class SubjectType(models.TextChoices):
    BOOKING = "booking", _("预约")
    EMERGENCY = "emergency", _("紧急报修")
    SUBSCRIPTION = "subscription", _("套餐")
    CONVERSATION = "conversation", _("客服会话")


class Channel(models.TextChoices):
    WEB = "web", _("网页")
    API = "api", _("接口")
    HOTLINE = "hotline", _("热线")


IMMUTABLE = (
    "reference",
    "customer_id",
    "category",
    "green_channel",
    "text",
    "channel",
    "subject_type",
    "subject_reference",
    "received_at",
    "rule_version",
    "first_contact_by",
    "final_response_base_by",
    "hard_limit_by",
)


class Complaint(models.Model):
    # What was filed and the deadlines computed on receipt: written once (save() refuses to change them).
    reference = models.CharField(_("投诉编号"), max_length=12, unique=True, default=new_reference)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("客户")
    )
    category = models.CharField(_("类别"), max_length=24, choices=Category.choices)
    green_channel = models.BooleanField(_("绿色通道"), default=False)
    text = models.TextField(_("投诉内容"), max_length=TEXT_MAX)
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    subject_type = models.CharField(_("涉及"), max_length=16, choices=SubjectType.choices, blank=True)
    subject_reference = models.CharField(_("涉及编号"), max_length=32, blank=True)
    received_at = models.DateTimeField(_("受理时间"), default=clock.now, db_index=True)
    rule_version = models.CharField(_("规则版本"), max_length=32)
    first_contact_by = models.DateTimeField(_("首次联系期限"))
    final_response_base_by = models.DateTimeField(_("答复期限（不含暂停）"))
    hard_limit_by = models.DateTimeField(_("最终期限"))

    # The state, moved only by complaints.services (each move an event).
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED)
    first_contact_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("已暂停秒数"), default=0)
    paused_since = models.DateTimeField(_("暂停开始"), null=True, blank=True)
    final_response_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices, blank=True)
    redress_fen = models.PositiveBigIntegerField(_("补偿（分）"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("升级级别"), default=0)
    alerts = models.JSONField(_("已发出的提醒"), default=list, blank=True)
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    disputed_at = models.DateTimeField(_("不同意时间"), null=True, blank=True)
    referred_at = models.DateTimeField(_("告知外部途径时间"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("noun", "投诉")
        verbose_name_plural = pgettext_lazy("noun", "投诉")
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["status", "first_contact_by"], name="complaint_open_deadline")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_contact_by__gt=models.F("received_at")),
                name="complaint_first_contact_after_receipt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_category_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = Complaint.objects.filter(pk=self.pk).values(*IMMUTABLE).first()
            if stored is not None:
                changed = [f for f in IMMUTABLE if stored[f] != getattr(self, f)]
                if changed:
                    raise ValidationError(
                        f"complaint {self.reference}: {', '.join(changed)} never change (record a correction)"
                    )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("complaints are never deleted")

    @property
    def final_response_by(self):
        """The final-response deadline, moved by the time spent waiting for the customer (the only pause)."""
        import datetime as dt

        paused = self.paused_seconds
        if self.paused_since is not None:
            paused += int((clock.now() - self.paused_since).total_seconds())
        # Never beyond the hard limit: a pause cannot carry a response past the 45 working days.
        return min(self.final_response_base_by + dt.timedelta(seconds=paused), self.hard_limit_by)


class Author(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    STAFF = "staff", _("工作人员")
    SYSTEM = "system", _("系统")


class ComplaintMessage(models.Model):
    """What people wrote in the case (an information request, the customer's reply, the response, a
    dispute): the events carry codes, the words stay here. Append-only."""

    complaint = models.ForeignKey(
        Complaint, on_delete=models.PROTECT, related_name="messages", verbose_name=_("投诉")
    )
    author = models.CharField(_("作者"), max_length=12, choices=Author.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=24)
    text = models.TextField(_("内容"), max_length=TEXT_MAX)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("投诉记录")
        verbose_name_plural = _("投诉记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("complaint messages are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("complaint messages are never deleted")


class WorkdayOverride(models.Model):
    """An official working day or holiday that the `chinese-calendar` package does not know yet (a new year's
    schedule, published by the State Council in the autumn before). Managers enter it in the admin."""

    day = models.DateField(_("日期"), unique=True)
    working = models.BooleanField(_("工作日"), help_text=_("勾选：上班（含调休补班）；不勾选：放假。"))
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day} {'work' if self.working else 'off'}"
