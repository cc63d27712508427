"""Written support: conversations (web chat, SMS replies, opened by an agent for a caller), their messages,
the bot's answer table, customers' "always a human" choice and agents' duty.

The human queue's order reads `safety_class` and `human_requested_at` (then the id, for ties) and nothing
else: no field here says what a customer pays, and the queue code never joins plans (support/queue.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from fairdesk.core import clock

TEXT_MAX = 2000


class Status(models.TextChoices):
    BOT = "bot", _("机器人接待")
    WAITING_HUMAN = "waiting_human", _("排队等待人工")
    WITH_AGENT = "with_agent", _("人工客服接待中")
    CLOSED = "closed", _("已结束")


OPEN_STATUSES = (Status.BOT, Status.WAITING_HUMAN, Status.WITH_AGENT)


class Author(models.TextChoices):
    CUSTOMER = "customer", _("客户")
    BOT = "bot", _("机器人")
    AGENT = "agent", _("客服")
    SYSTEM = "system", _("系统")


class Channel(models.TextChoices):
    WEB = "web", _("网页")
    SMS = "sms", _("短信")
    HOTLINE = "hotline", _("热线")
    API = "api", _("接口")


class HumanHow(models.TextChoices):
    """How a conversation reached the human queue (the events say the same code)."""

    BUTTON = "button", _("点击“转人工”")
    KEYWORD = "keyword", _("输入“人工”等")
    BOT_FAILURE = "bot_failure", _("机器人出错或超时")
    ALWAYS_HUMAN = "always_human", _("客户选择了“总是人工”")
    AGENT_OPENED = "agent_opened", _("客服为来电客户开启")
    CALLBACK = "callback", _("预约回电")


class SafetyClass(models.IntegerChoices):
    """The published safety classes: the only thing besides the time of the request that orders the queue."""

    SAFETY = 1, _("安全风险：被锁在门外、有人被困、燃气或火灾隐患")
    IN_SERVICE = 2, _("服务进行中：今天的上门或正在处理的紧急报修")
    GENERAL = 3, _("一般咨询")


class Resolution(models.TextChoices):
    ANSWERED = "answered", _("已解答")
    BOOKED = "booked", _("已预约上门")
    CHANGED = "changed", _("已改约或取消")
    PLAN = "plan", _("套餐或退款已处理")
    COMPLAINT = "complaint", _("已转投诉")
    CALLED_BACK = "called_back", _("已回电")
    NO_REPLY = "no_reply", _("客户未回复")
    OTHER = "other", _("其他")


class Conversation(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="support_conversations",
        verbose_name=_("客户"),
    )
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices, default=Channel.WEB)
    language = models.CharField(_("语言"), max_length=8, default="zh-hans")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.BOT)
    created_at = models.DateTimeField(_("开始时间"), default=clock.now)
    human_requested_at = models.DateTimeField(_("请求人工时间"), null=True, blank=True)
    human_how = models.CharField(_("转人工方式"), max_length=16, choices=HumanHow.choices, blank=True)
    safety_class = models.PositiveSmallIntegerField(
        _("安全等级"), choices=SafetyClass.choices, default=SafetyClass.GENERAL
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="support_assigned",
        verbose_name=_("接待客服"),
    )
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    first_human_reply_at = models.DateTimeField(_("首次人工回复"), null=True, blank=True)
    callback_at = models.DateTimeField(_("预约回电时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    resolution = models.CharField(_("结果"), max_length=16, choices=Resolution.choices, blank=True)
    resolution_note = models.TextField(_("结果说明"), blank=True, max_length=TEXT_MAX)
    rating = models.PositiveSmallIntegerField(_("评分"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("客服会话")
        verbose_name_plural = _("客服会话")
        indexes = [
            models.Index(fields=["status", "safety_class", "human_requested_at", "id"], name="support_queue"),
            models.Index(fields=["customer", "status"], name="support_customer_open"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_status_display()}"

    @property
    def human_requested(self) -> bool:
        return self.human_requested_at is not None


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", verbose_name=_("会话")
    )
    author = models.CharField(_("作者"), max_length=12, choices=Author.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("客服"),
    )
    text = models.TextField(_("内容"), max_length=TEXT_MAX)
    # The bot's self-service links, as codes (support.links.LINKS): book, reschedule, cancel, my_plan …
    links = models.JSONField(_("自助链接"), default=list, blank=True)
    # A note between agents (a transfer's note): shown in the console, never to the customer.
    internal = models.BooleanField(_("仅客服可见"), default=False)
    at = models.DateTimeField(_("时间"), default=clock.now, db_index=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_author_display()}: {self.text[:40]}"


class BotAnswer(models.Model):
    """One question the bot can answer. The knowledge base of a later issue replaces this table behind the
    same seam (support.bot.answer_source)."""

    questions = models.TextField(
        _("问题"), help_text=_("客户可能的问法，每行一种（中文或英文）。"), max_length=TEXT_MAX
    )
    answer = models.TextField(_("回答（中文）"), max_length=TEXT_MAX)
    answer_en = models.TextField(_("回答（英文）"), max_length=TEXT_MAX, blank=True)
    links = models.JSONField(
        _("自助链接"),
        default=list,
        blank=True,
        help_text=_("可选：book、reschedule、cancel、my_plan、complaint、help_now"),
    )
    active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("机器人问答")
        verbose_name_plural = _("机器人问答")

    def __str__(self) -> str:
        return self.questions.splitlines()[0][:60] if self.questions else f"#{self.pk}"


class SupportPreference(models.Model):
    """A customer's standing choice: "always a human" skips the bot from then on."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_preference",
        verbose_name=_("客户"),
    )
    always_human = models.BooleanField(_("总是人工"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("客服偏好")
        verbose_name_plural = _("客服偏好")

    def __str__(self) -> str:
        return str(self.customer)


class AgentDuty(models.Model):
    """Who answers written support now, and how many conversations each takes at once."""

    agent = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="support_duty",
        verbose_name=_("客服"),
    )
    on_duty = models.BooleanField(_("在岗"), default=False)
    capacity = models.PositiveSmallIntegerField(_("同时接待上限"), default=3)
    since = models.DateTimeField(_("状态更新时间"), default=clock.now)
    # For an even share: among free agents, the one assigned longest ago gets the next conversation.
    last_assigned_at = models.DateTimeField(_("上次分配"), null=True, blank=True)

    class Meta:
        verbose_name = _("客服值班")
        verbose_name_plural = _("客服值班")

    def __str__(self) -> str:
        return str(self.agent)


class QueueGate(models.Model):
    """One row; taking the queue's head locks it, so the queue is served strictly in order (no two agents
    take out of order, whatever the database)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)

    class Meta:
        verbose_name = _("队列锁")
        verbose_name_plural = _("队列锁")

    def __str__(self) -> str:
        return "queue gate"
