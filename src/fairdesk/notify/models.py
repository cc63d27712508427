from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock


class Channel(models.TextChoices):
    SMS = "sms", _("短信")
    EMAIL = "email", _("电子邮件")
    PUSH = "push", _("应用推送")


class MessageStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("待发送")  # waits for due time (or the next retry)
    SENDING = "sending", _("发送中")  # claimed by one worker; a stale claim is released by the sweeper
    SENT = "sent", _("已发送")  # the gateway accepted it
    DELIVERED = "delivered", _("已送达")  # the gateway reported delivery
    FAILED = "failed", _("发送失败")  # gave up after the retries, or refused for good
    CANCELLED = "cancelled", _("已取消")  # e.g. the booking was cancelled before the reminder was due


class Message(models.Model):
    """One message to one recipient. `id` is also the idempotency key every gateway adapter passes on, so a
    message re-sent after a crash is recognised by the gateway and never reaches the phone twice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("接收方"), max_length=320)
    kind = models.CharField(_("类型"), max_length=40, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    subject_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    title = models.CharField(_("标题"), max_length=120, blank=True)
    body = models.TextField(_("内容"))  # a one-time code appears here only as ******
    # The body with its secret (a one-time code), encrypted with a key derived from SECRET_KEY; read only by
    # the sender and emptied once the message is sent, failed, cancelled or expired.
    sealed_body = models.TextField(_("加密内容"), blank=True, editable=False)
    expires_at = models.DateTimeField(_("失效时间"), null=True, blank=True)  # not sent after this
    urgent = models.BooleanField(_("紧急"), default=False, help_text=_("紧急消息不受免打扰时段限制"))
    due_at = models.DateTimeField(_("应发时间"))
    next_attempt_at = models.DateTimeField(_("下次尝试"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.SCHEDULED
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    claimed_by = models.CharField(_("处理进程"), max_length=64, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    gateway_message_id = models.CharField(_("网关编号"), max_length=100, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["next_attempt_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient} ({self.status})"


class DeliveryAttempt(models.Model):
    """The delivery log: every call to a gateway and what it answered."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(_("时间"), default=clock.now)
    worker = models.CharField(_("处理进程"), max_length=64)
    outcome = models.CharField(_("结果"), max_length=16)  # sent | retry | failed
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态"), null=True, blank=True)
    response = models.CharField(_("网关应答"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("投递记录")
        verbose_name_plural = _("投递记录")
        ordering = ["at"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.outcome}"


class ChannelPreference(models.Model):
    """Which channels a customer wants reminders on. SMS is the default for phone-only customers."""

    user = models.OneToOneField("accounts.User", on_delete=models.CASCADE, related_name="notify_preference")
    sms = models.BooleanField(_("短信"), default=True)
    email = models.BooleanField(_("电子邮件"), default=False)
    push = models.BooleanField(_("应用推送"), default=False)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")

    def __str__(self) -> str:
        return str(self.user)


class PushSubscription(models.Model):
    """A browser's Web Push subscription ("notify me on this phone"). Deactivated when the push service says
    it is gone (404/410)."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("推送地址"), max_length=1000, unique=True)
    p256dh = models.CharField(_("公钥"), max_length=200)
    auth = models.CharField(_("认证密钥"), max_length=100)
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)

    class Meta:
        verbose_name = _("推送订阅")
        verbose_name_plural = _("推送订阅")

    def __str__(self) -> str:
        return f"{self.user} {self.endpoint[:40]}"


class InboundSms(models.Model):
    """An SMS a customer sent us, as the gateway's inbound webhook delivered it. `gateway_id` makes the
    webhook idempotent: a gateway that retries delivers the same message once."""

    gateway_id = models.CharField(_("网关消息编号"), max_length=120, unique=True)
    phone = models.CharField(_("手机号"), max_length=16, db_index=True)
    text = models.TextField(_("内容"), max_length=2000)
    received_at = models.DateTimeField(_("收到时间"), default=clock.now)
    handled_by = models.CharField(_("处理者"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("收到的短信")
        verbose_name_plural = _("收到的短信")

    def __str__(self) -> str:
        return f"{self.gateway_id} {clock.local(self.received_at):%Y-%m-%d %H:%M}"
