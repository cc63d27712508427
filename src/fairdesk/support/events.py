"""The event kinds support records (declared for core.events; see `manage.py event_kinds`).

Subject: the conversation. The published support statistics (the wait from the tap to the first human reply,
how people reached a human, ratings) are computed from these payloads alone: codes, ids, times and counts,
never the text of a message (that stays on support.Message)."""

from django.utils.translation import gettext_lazy as _

from fairdesk.core.events import declare

CONVERSATION_OPENED = declare(
    "support.opened",
    app="support",
    description="A conversation began (channel: web|sms|hotline|api; by_agent: an agent opened it for a "
    "caller).",
    payload={"channel": "code", "language": "code", "by_agent": "bool"},
    label=_("开始会话"),
)
MESSAGE_POSTED = declare(
    "support.message",
    app="support",
    description="A customer or an agent wrote a message (author: customer|agent; channel it came by).",
    payload={"message": "int", "author": "code", "channel": "code"},
    label=_("新消息"),
)
BOT_ANSWERED = declare(
    "support.bot_answered",
    app="support",
    description="The bot answered a customer's message (answer: the answer row used, null: not understood).",
    payload={"message": "int", "answer": "int?", "links": "code[]", "elapsed_ms": "int"},
    label=_("机器人已回答"),
)
BOT_FAILED = declare(
    "support.bot_failed",
    app="support",
    description="The bot raised an error or took longer than the limit (reason: error|timeout); the "
    "conversation went to the human queue by itself.",
    payload={"reason": "code", "elapsed_ms": "int", "limit_ms": "int"},
    label=_("机器人未能回答，已转人工"),
)
HUMAN_REQUESTED = declare(
    "support.human_requested",
    app="support",
    description="The conversation joined the human queue (how: button|keyword|bot_failure|always_human|"
    "agent_opened|callback) with its published safety class; requested_at orders the queue.",
    payload={
        "how": "code",
        "safety_class": "int",
        "requested_at": "datetime",
        "callback_at": "datetime?",
        "rule": "code",
    },
    label=_("已转人工，排队中"),
)
ASSIGNED = declare(
    "support.assigned",
    app="support",
    description="An agent got the conversation (via: take_next|auto|transfer|agent_opened); waited_seconds "
    "from the human request.",
    payload={
        "agent": "int",
        "via": "code",
        "safety_class": "int",
        "requested_at": "datetime?",
        "waited_seconds": "int?",
        "rule": "code",
    },
    label=_("人工客服已接入"),
)
FIRST_HUMAN_REPLY = declare(
    "support.first_human_reply",
    app="support",
    description="The first message by an agent after the human request: the published wait is "
    "replied_at − requested_at.",
    payload={
        "agent": "int",
        "how": "code",
        "safety_class": "int",
        "requested_at": "datetime",
        "replied_at": "datetime",
        "wait_seconds": "int",
    },
    label=_("人工客服首次回复"),
)
TRANSFERRED = declare(
    "support.transferred",
    app="support",
    description="An agent handed the conversation to another agent (with_note: a note for the colleague).",
    payload={"from_agent": "int", "to_agent": "int", "with_note": "bool"},
    label=_("已转给其他客服"),
)
CLOSED = declare(
    "support.closed",
    app="support",
    description="The conversation ended (resolution code; by: agent|customer|system).",
    payload={"resolution": "code", "by": "code", "agent": "int?", "human_requested": "bool"},
    label=_("会话已结束"),
)
RATED = declare(
    "support.rated",
    app="support",
    description="The customer rated the help, 1–5 (human: an agent had taken part).",
    payload={"score": "int", "human": "bool"},
    label=_("客户已评分"),
)
ALWAYS_HUMAN_SET = declare(
    "support.always_human",
    app="support",
    description="A customer chose (on: true) or stopped choosing to skip the bot and reach a human at once.",
    payload={"on": "bool"},
    label=_("“总是人工”设置已更改"),
)
DUTY_CHANGED = declare(
    "support.duty",
    app="support",
    description="An agent started or stopped answering written support (capacity: conversations at once).",
    payload={"agent": "int", "on_duty": "bool", "capacity": "int"},
    label=_("客服值班状态已更改"),
)
