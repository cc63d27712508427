from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # pragma: no cover - guarded for clarity
        raise TypeError("events are append-only")

    def delete(self):
        raise TypeError("events are append-only")


class Event(models.Model):
    """One state change: who did what to which thing, when. Append-only.

    The audit trail, customer timelines and the published statistics are all read from here. PostgreSQL
    also refuses UPDATE and DELETE on this table by trigger (see migration 0002).
    """

    at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(
        _("操作方"), max_length=64, blank=True, help_text=_("系统、任务或匿名客户")
    )
    kind = models.CharField(_("事件类型"), max_length=64, db_index=True)
    subject_type = models.CharField(_("对象类型"), max_length=64)
    subject_id = models.CharField(_("对象编号"), max_length=64)
    payload = models.JSONField(_("内容"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("事件")
        verbose_name_plural = _("事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]

    def __str__(self) -> str:
        return f"{clock.local(self.at):%Y-%m-%d %H:%M:%S} {self.kind} {self.subject_type}:{self.subject_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise TypeError("events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("events are append-only")


class IdempotencyRecord(models.Model):
    """The first response to a POST with an `Idempotency-Key`; a replay gets it back and changes nothing."""

    scope = models.CharField(_("调用方"), max_length=80, help_text=_("令牌或会话标识 + 路径"))
    key = models.CharField(_("幂等键"), max_length=120)
    fingerprint = models.CharField(_("请求摘要"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("状态码"), default=0)
    body = models.JSONField(_("响应"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("幂等记录")
        verbose_name_plural = _("幂等记录")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="idempotency_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} → {self.status_code}"


class TestClock(models.Model):
    """The demo's test clock (like Kill Bill's): how far "now" has been moved forward. Read only when
    FAIRDESK_TEST_CLOCK is on; production never has it."""

    offset_seconds = models.BigIntegerField(default=0)
    moved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "test clock"
        verbose_name_plural = "test clock"

    def __str__(self) -> str:
        return f"+{self.offset_seconds} s"


class TaskChain(models.Model):
    """One self-renewing background chain (a message sending lane, a scheduler lane): which generation is
    alive and when it last beat. A link of an older generation ends quietly; a chain whose beat is older than
    the lease is restarted by whichever worker notices (see core/chains.py). Times are machine time."""

    name = models.CharField(_("名称"), max_length=64, unique=True)  # "<kind>:<lane>", e.g. notify:0
    generation = models.PositiveIntegerField(_("代"), default=0)
    beat_at = models.DateTimeField(_("心跳"), null=True, blank=True)
    started_at = models.DateTimeField(_("启动时间"), null=True, blank=True)
    state = models.JSONField(_("状态"), default=dict, blank=True)  # the scheduler: when each job last ran

    class Meta:
        verbose_name = _("后台任务链")
        verbose_name_plural = _("后台任务链")

    def __str__(self) -> str:
        return f"{self.name} #{self.generation}"
