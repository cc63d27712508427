"""Support's writes: one transaction per use case, events recorded beside the change, live updates sent after
the commit (core.live), customers' SMS replies through notify.

The bot never holds the conversation: it answers only while the conversation's status is `bot`, re-checked
under the row lock when its answer is stored, so nothing the bot says lands after a human was asked for (the
race Chatwoot fixed in its PR #13673). A bot that raises or takes longer than FAIRDESK_BOT_TIMEOUT_SECONDS
hands the conversation to the human queue by itself, with a system note."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
import time

from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from fairdesk.accounts.models import User
from fairdesk.core import clock, live
from fairdesk.core.services import event_record
from fairdesk.knowledge import selectors as knowledge_selectors
from fairdesk.knowledge import services as knowledge_services
from fairdesk.support import bot, events, messages, queue, selectors
from fairdesk.support.errors import InvalidInput, SupportConflict
from fairdesk.support.links import article_slug
from fairdesk.support.models import (
    OPEN_STATUSES,
    TEXT_MAX,
    AgentDuty,
    Author,
    Channel,
    Conversation,
    HumanHow,
    Message,
    QueueGate,
    Resolution,
    SafetyClass,
    Status,
    SupportPreference,
)

log = logging.getLogger("fairdesk.support")

LANGUAGES = ("zh-hans", "en")
# At least as many as a web process has request threads (gunicorn's 8), so a bot call never waits for a free
# worker (the time limit counts from submission).
_bot_pool = concurrent.futures.ThreadPoolExecutor(max_workers=16, thread_name_prefix="support-bot")


def bot_timeout() -> float:
    return float(getattr(settings, "FAIRDESK_BOT_TIMEOUT_SECONDS", 5))


def _text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("请输入内容。"), code="text_empty")
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("内容太长（最多 %(n)d 个字）。") % {"n": TEXT_MAX}, code="text_too_long")
    return text


def _language(language: str) -> str:
    language = (language or "").lower()
    return "en" if language.startswith("en") else "zh-hans"


def _locked(conversation: Conversation) -> Conversation:
    return Conversation.objects.select_for_update().get(pk=conversation.pk)


def _say(
    conversation: Conversation, author: str, text: str, *, agent=None, links=(), internal=False
) -> Message:
    message = Message.objects.create(
        conversation=conversation,
        author=author,
        agent=agent,
        text=text[:TEXT_MAX],
        links=list(links),
        internal=internal,
        at=clock.now(),
    )
    live_message(conversation, message)
    return message


def _system(conversation: Conversation, zh: str, **params) -> Message:
    """A system note in the conversation's language (the text people read; the event carries the codes)."""
    with translation.override(conversation.language):
        text = _(zh) % params if params else _(zh)
    return _say(conversation, Author.SYSTEM, text)


# ---------------------------------------------------------------- live updates (sent after the commit)


def conversation_topic(conversation_id: int) -> str:
    return f"support.conversation.{conversation_id}"


def agent_topic(agent_id: int) -> str:
    return f"support.agent.{agent_id}"


QUEUE_TOPIC = "support.queue"


def message_json(message: Message) -> dict:
    return {
        "id": message.id,
        "author": message.author,
        "text": message.text,
        "at": message.at.isoformat(),
        "links": list(message.links),
    }


def live_message(conversation: Conversation, message: Message) -> None:
    if message.internal:
        live.publish(
            agent_topic(conversation.assigned_to_id or 0), {"event": "note", "conversation": conversation.id}
        )
        return
    live.publish(
        conversation_topic(conversation.id),
        {"event": "message", "conversation": conversation.id, "message": message_json(message)},
    )


def live_status(conversation: Conversation) -> None:
    live.publish(
        conversation_topic(conversation.id),
        {"event": "status", "conversation": conversation.id, "status": conversation.status},
    )


# A waiting customer's position is pushed at once near the head (positions 1–3) and otherwise at most every
# POSITION_EVERY seconds per conversation and process: every assignment moves everyone behind it, and
# pushing each move to each of a long queue would flood the channel layer. The page also refreshes itself
# every 10 s while waiting (support/static/support/chat.js), so a skipped push is never stale for long.
POSITION_EVERY = 5.0
_position_sent: dict[int, tuple[int, float]] = {}


def live_queue() -> None:
    """The queue moved: staff consoles refresh; waiting customers get their new position (throttled)."""
    positions = selectors.queue_positions()
    live.publish(QUEUE_TOPIC, {"event": "queue", "waiting": len(positions)})
    now = time.monotonic()
    for conv_id, position in positions.items():
        last = _position_sent.get(conv_id)
        if last is not None and (last[0] == position or (position > 3 and now - last[1] < POSITION_EVERY)):
            continue
        _position_sent[conv_id] = (position, now)
        live.publish(
            conversation_topic(conv_id), {"event": "position", "conversation": conv_id, "position": position}
        )
    for conv_id in [c for c in _position_sent if c not in positions]:
        del _position_sent[conv_id]


# ---------------------------------------------------------------- customers


def conversation_start(
    *,
    customer,
    text: str,
    channel: str = Channel.WEB,
    language: str = "zh-hans",
    actor=None,
    human_how: str = "",
) -> Conversation:
    """A customer writes: their open conversation gets the message, or a new one begins with it. An "always a
    human" customer goes straight to the queue; "人工"/"human" asks for one; anything else the bot answers.
    `human_how`: the message asks for a human by other means (the button pressed before writing anything)."""
    text = _text(text)
    with transaction.atomic():
        # One open conversation per customer: the customer's row is the lock (a double submit, or an SMS and
        # the web at the same moment, cannot open two).
        User.objects.select_for_update().filter(pk=customer.pk).first()
        conversation = (
            Conversation.objects.select_for_update()
            .filter(customer=customer, status__in=OPEN_STATUSES)
            .order_by("-created_at")
            .first()
        )
        if conversation is None:
            conversation = Conversation.objects.create(
                customer=customer, channel=channel, language=_language(language), created_at=clock.now()
            )
            event_record(
                kind=events.CONVERSATION_OPENED,
                subject=conversation,
                actor=actor or customer,
                payload={"channel": channel, "language": conversation.language, "by_agent": False},
            )
            always = selectors.always_human(customer=customer)
            if always or human_how:
                _customer_says(conversation, text, channel=channel, actor=actor or customer)
                _human(
                    conversation, how=HumanHow.ALWAYS_HUMAN if always else human_how, actor=actor or customer
                )
                return conversation
    return message_post(conversation=conversation, text=text, channel=channel, actor=actor or customer)


def _customer_says(conversation: Conversation, text: str, *, channel: str, actor) -> Message:
    message = _say(conversation, Author.CUSTOMER, text)
    event_record(
        kind=events.MESSAGE_POSTED,
        subject=conversation,
        actor=actor,
        payload={"message": message.id, "author": Author.CUSTOMER, "channel": channel},
    )
    return message


def message_post(
    *, conversation: Conversation, text: str, channel: str = Channel.WEB, actor=None
) -> Conversation:
    """The customer writes in their conversation. A closed one is not reopened: the message starts a new
    one."""
    text = _text(text)
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.status == Status.CLOSED:
            new = None
        else:
            new = conversation
            _customer_says(conversation, text, channel=channel, actor=actor or conversation.customer)
            if conversation.status == Status.BOT and bot.wants_human(text):
                _human(conversation, how=HumanHow.KEYWORD, actor=actor or conversation.customer)
                return conversation
    if new is None:
        return conversation_start(
            customer=conversation.customer,
            text=text,
            channel=channel,
            language=conversation.language,
            actor=actor,
        )
    if conversation.status == Status.BOT:
        _bot_turn(conversation, text)
        conversation.refresh_from_db()
    return conversation


def _bot_call(text: str, language: str, index):
    def run():
        try:
            with translation.override(language):
                return bot.bot_reply(text, language=language, index=index)
        finally:
            close_old_connections()

    future = _bot_pool.submit(run)
    try:
        return future.result(timeout=bot_timeout())
    except concurrent.futures.TimeoutError:
        future.cancel()  # if it has not started; a started one finishes and its answer is dropped
        raise


def _bot_turn(conversation: Conversation, text: str) -> None:
    """Outside any transaction (the bot may take seconds): ask the bot, then store its answer only if the
    conversation still belongs to it."""
    index = (
        bot.index_current()
    )  # the answer table read here, in the request's own connection; the bot thread reads none
    started = time.monotonic()
    failure = ""
    reply = None
    try:
        reply = _bot_call(text, conversation.language, index)
    except concurrent.futures.TimeoutError:
        failure = "timeout"
    except Exception:
        log.exception("support bot failed on conversation %s", conversation.pk)
        failure = "error"
    elapsed_ms = int((time.monotonic() - started) * 1000)
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.status != Status.BOT:
            return  # a human was asked for meanwhile: the bot says nothing more
        if failure:
            event_record(
                kind=events.BOT_FAILED,
                subject=conversation,
                payload={"reason": failure, "elapsed_ms": elapsed_ms, "limit_ms": int(bot_timeout() * 1000)},
            )
            _system(conversation, gettext_noop("机器人暂时无法回答，已为您转接人工客服。"))
            _human(conversation, how=HumanHow.BOT_FAILURE, actor=None)
            return
        message = _say(conversation, Author.BOT, reply.text, links=reply.links)
        event_record(
            kind=events.BOT_ANSWERED,
            subject=conversation,
            payload={
                "message": message.id,
                "answer": reply.answer_id,
                "links": list(reply.links),
                "elapsed_ms": elapsed_ms,
            },
        )
        if conversation.channel == Channel.SMS:
            messages.sms_reply(conversation=conversation, text=reply.text, links=reply.links)


def _safety_class(conversation: Conversation) -> int:
    """The published class: the customer's own words first (locked out, trapped, gas, fire …), then whether
    a visit or an emergency of theirs is under way today. Never anything about money."""
    texts = conversation.messages.filter(author=Author.CUSTOMER).values_list("text", flat=True)
    classes = [bot.safety_class_of(t) for t in texts]
    best = min(classes, default=SafetyClass.GENERAL)
    if best == SafetyClass.SAFETY:
        return best
    if selectors.in_service(customer=conversation.customer):
        return SafetyClass.IN_SERVICE
    return best


def _human(conversation: Conversation, *, how: str, actor, callback_at: dt.datetime | None = None) -> None:
    """Inside the caller's transaction, on a locked conversation. The queue's gate is taken before the time
    is read, so requests enter the queue in the order of their times: nobody serving the queue can see a
    later request before an earlier one has committed (that would serve them out of order)."""
    _gate()
    now = clock.now()
    conversation.status = Status.WAITING_HUMAN
    conversation.human_requested_at = callback_at or now
    conversation.callback_at = callback_at
    conversation.human_how = how
    conversation.safety_class = _safety_class(conversation)
    conversation.save(
        update_fields=["status", "human_requested_at", "callback_at", "human_how", "safety_class"]
    )
    event_record(
        kind=events.HUMAN_REQUESTED,
        subject=conversation,
        actor=actor,
        payload={
            "how": how,
            "safety_class": conversation.safety_class,
            "requested_at": conversation.human_requested_at,
            "callback_at": callback_at,
            "rule": queue.RULE,
        },
    )
    _human_after_articles(conversation)
    if callback_at:
        _system(
            conversation,
            gettext_noop("已为您预约回电：%(at)s。到时客服会打给您，也会在这里回复您。"),
            at=f"{clock.local(callback_at):%Y-%m-%d %H:%M}",
        )
    else:
        _system(conversation, gettext_noop("正在为您转接人工客服，机器人不会再回复。"))
    live_status(conversation)
    transaction.on_commit(queue_dispatch, robust=True)
    transaction.on_commit(live_queue, robust=True)


def _human_after_articles(conversation: Conversation) -> None:
    """A person asked for after the bot linked help articles: the knowledge base records it, so that
    conversation is never counted as solved by self-service."""
    slugs = {
        slug
        for links in conversation.messages.filter(author=Author.BOT).values_list("links", flat=True)
        for code in links or ()
        if (slug := article_slug(code)) is not None
    }
    if slugs:
        knowledge_services.human_after_article_record(
            conversation_id=conversation.pk,
            article_ids=knowledge_selectors.article_ids(slugs),
            language=conversation.language,
        )


def human_request(
    *,
    conversation: Conversation,
    how: str = HumanHow.BUTTON,
    actor=None,
    callback_at: dt.datetime | None = None,
) -> Conversation:
    """ "Talk to a human": the conversation joins the queue (once; a second tap changes nothing). A call-back
    asked for a later time joins the same queue at that time."""
    if callback_at is not None:
        if callback_at.tzinfo is None:  # a time without a zone is the business's local time
            callback_at = callback_at.replace(tzinfo=clock.local_zone())
        now = clock.now()
        if callback_at < now - dt.timedelta(minutes=1) or callback_at > now + dt.timedelta(days=7):
            raise InvalidInput(_("回电时间须在现在到 7 天之内。"), code="callback_time_invalid")
        callback_at = max(callback_at, now)  # never earlier than now: no jumping ahead of who just asked
    with transaction.atomic():
        _gate()  # the gate before the conversation, as everyone who takes from the queue does
        conversation = _locked(conversation)
        if conversation.status == Status.CLOSED:
            raise SupportConflict(_("这个会话已经结束，请发一条新消息。"), code="conversation_closed")
        if conversation.status == Status.BOT or (
            callback_at is not None and conversation.status == Status.WAITING_HUMAN
        ):
            _human(
                conversation,
                how=how if callback_at is None else HumanHow.CALLBACK,
                actor=actor,
                callback_at=callback_at,
            )
    return conversation


def always_human_set(*, customer, on: bool) -> SupportPreference:
    with transaction.atomic():
        pref, _created = SupportPreference.objects.select_for_update().get_or_create(customer=customer)
        if pref.always_human != on:
            pref.always_human = on
            pref.updated_at = clock.now()
            pref.save(update_fields=["always_human", "updated_at"])
            event_record(kind=events.ALWAYS_HUMAN_SET, subject=customer, actor=customer, payload={"on": on})
        # An open conversation with the bot goes to a human at once.
        open_conv = selectors.conversation_open_for(customer=customer)
        if on and open_conv is not None and open_conv.status == Status.BOT:
            locked = _locked(open_conv)
            if locked.status == Status.BOT:
                _human(locked, how=HumanHow.ALWAYS_HUMAN, actor=customer)
    return pref


def conversation_rate(*, conversation: Conversation, customer, score: int) -> Conversation:
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput(_("评分须为 1 到 5 之间的整数。"), code="score_invalid")
    with transaction.atomic():
        conversation = _locked(conversation)
        if conversation.customer_id != customer.pk:
            raise SupportConflict(_("只有客户本人可以评分。"), code="not_yours")
        if conversation.status != Status.CLOSED:
            raise SupportConflict(_("会话结束后才能评分。"), code="not_closed")
        if conversation.rating is not None:
            raise SupportConflict(_("您已经评过分了，谢谢。"), code="already_rated")
        conversation.rating = score
        conversation.rated_at = clock.now()
        conversation.save(update_fields=["rating", "rated_at"])
        event_record(
            kind=events.RATED,
            subject=conversation,
            actor=customer,
            payload={"score": score, "human": conversation.assigned_to_id is not None},
        )
    return conversation


# ---------------------------------------------------------------- the queue and agents


def _gate() -> None:
    """Serialise everyone who joins or takes from the queue: strictly in order, whatever the database. A
    write (not only a row lock), so that SQLite too takes its write lock here, before anything is read."""
    if not QueueGate.objects.filter(id=1).update(id=1):
        QueueGate.objects.get_or_create(id=1)
        QueueGate.objects.filter(id=1).update(id=1)


def _assign(conversation: Conversation, agent, *, via: str) -> None:
    now = clock.now()
    conversation.status = Status.WITH_AGENT
    conversation.assigned_to = agent
    conversation.assigned_at = now
    conversation.save(update_fields=["status", "assigned_to", "assigned_at"])
    waited = (
        int((now - conversation.human_requested_at).total_seconds())
        if conversation.human_requested_at
        else None
    )
    event_record(
        kind=events.ASSIGNED,
        subject=conversation,
        actor=agent,
        payload={
            "agent": agent.pk,
            "via": via,
            "safety_class": conversation.safety_class,
            "requested_at": conversation.human_requested_at,
            "waited_seconds": waited,
            "rule": queue.RULE,
        },
    )
    AgentDuty.objects.filter(agent=agent).update(last_assigned_at=now)
    _system(conversation, gettext_noop("人工客服 %(name)s 已接入，请说。"), name=agent_label(agent))
    live_status(conversation)
    live.publish(agent_topic(agent.pk), {"event": "assigned", "conversation": conversation.pk, "via": via})


def agent_label(agent) -> str:
    """What the customer sees of an agent: their given name (or staff number), never their phone."""
    return (agent.name or f"#{agent.pk}").split()[0]


def queue_take_next(*, agent) -> Conversation | None:
    """`take next`: the head of the queue, whoever it is; nobody can pick a better-paying customer."""
    with transaction.atomic():
        _gate()
        head = queue.head(lock=True)
        if head is None:
            return None
        conversation = _locked(head)
        _assign(conversation, agent, via="take_next")
        duty, _c = AgentDuty.objects.get_or_create(agent=agent)
        if not duty.on_duty:
            _duty_change(duty, on_duty=True, capacity=duty.capacity)
        transaction.on_commit(live_queue, robust=True)
    return conversation


def queue_dispatch() -> int:
    """Give waiting conversations to agents on duty with room, the queue's head first, to the agent with the
    fewest conversations (then the one assigned longest ago): runs whenever someone asks for a human, an
    agent frees up or comes on duty, and every few seconds as a safety net (core.periodic)."""
    assigned = 0
    with transaction.atomic():
        _gate()
        while True:
            free = [d for d in selectors.agents_on_duty() if d.current < d.capacity]
            if not free:
                break
            head = queue.head(lock=True)
            if head is None:
                break
            free.sort(
                key=lambda d: (
                    d.current,
                    d.last_assigned_at or dt.datetime.min.replace(tzinfo=dt.UTC),
                    d.agent_id,
                )
            )
            _assign(_locked(head), free[0].agent, via="auto")
            assigned += 1
        if assigned:
            transaction.on_commit(live_queue, robust=True)
    return assigned


def _require_assigned(conversation: Conversation, agent) -> None:
    if conversation.status != Status.WITH_AGENT or conversation.assigned_to_id != agent.pk:
        raise SupportConflict(_("这个会话不在您这里（已结束、已转交或尚未分配给您）。"), code="not_assigned")


def agent_reply(*, conversation: Conversation, agent, text: str) -> Conversation:
    text = _text(text)
    with transaction.atomic():
        conversation = _locked(conversation)
        _require_assigned(conversation, agent)
        message = _say(conversation, Author.AGENT, text, agent=agent)
        event_record(
            kind=events.MESSAGE_POSTED,
            subject=conversation,
            actor=agent,
            payload={"message": message.id, "author": Author.AGENT, "channel": conversation.channel},
        )
        if conversation.first_human_reply_at is None:
            conversation.first_human_reply_at = message.at
            conversation.save(update_fields=["first_human_reply_at"])
            requested = conversation.human_requested_at or conversation.assigned_at
            event_record(
                kind=events.FIRST_HUMAN_REPLY,
                subject=conversation,
                actor=agent,
                payload={
                    "agent": agent.pk,
                    "how": conversation.human_how or HumanHow.AGENT_OPENED,
                    "safety_class": conversation.safety_class,
                    "requested_at": requested,
                    "replied_at": message.at,
                    "wait_seconds": max(0, int((message.at - requested).total_seconds())),
                },
            )
            if conversation.channel == Channel.WEB:
                messages.agent_replied(conversation=conversation)
        if conversation.channel == Channel.SMS:
            messages.sms_reply(conversation=conversation, text=text, links=())
    return conversation


def conversation_transfer(*, conversation: Conversation, agent, to_agent, note: str = "") -> Conversation:
    from fairdesk.accounts import permissions

    note = (note or "").strip()[:TEXT_MAX]
    if to_agent is None or to_agent.pk == agent.pk or not permissions.has(to_agent, permissions.HOTLINE):
        raise InvalidInput(_("请选择另一位在职客服。"), code="transfer_target_invalid")
    with transaction.atomic():
        conversation = _locked(conversation)
        _require_assigned(conversation, agent)
        conversation.assigned_to = to_agent
        conversation.assigned_at = clock.now()
        conversation.save(update_fields=["assigned_to", "assigned_at"])
        event_record(
            kind=events.TRANSFERRED,
            subject=conversation,
            actor=agent,
            payload={"from_agent": agent.pk, "to_agent": to_agent.pk, "with_note": bool(note)},
        )
        if note:
            _say(conversation, Author.SYSTEM, note, agent=agent, internal=True)
        _system(conversation, gettext_noop("已为您转给客服 %(name)s。"), name=agent_label(to_agent))
        live.publish(
            agent_topic(to_agent.pk),
            {"event": "assigned", "conversation": conversation.pk, "via": "transfer"},
        )
        transaction.on_commit(queue_dispatch, robust=True)  # the first agent may have room now
    return conversation


def conversation_close(
    *, conversation: Conversation, actor, resolution: str, note: str = "", by: str = "agent"
) -> Conversation:
    if resolution not in Resolution.values:
        raise InvalidInput(_("请选择处理结果。"), code="resolution_invalid")
    with transaction.atomic():
        conversation = _locked(conversation)
        if by == "agent":
            _require_assigned(conversation, actor)
        elif conversation.status == Status.CLOSED:
            return conversation
        elif conversation.status == Status.WITH_AGENT:
            raise SupportConflict(
                _("客服正在为您处理，请让客服结束会话，或直接离开本页。"), code="with_agent"
            )
        conversation.status = Status.CLOSED
        conversation.closed_at = clock.now()
        conversation.resolution = resolution
        conversation.resolution_note = (note or "").strip()[:TEXT_MAX]
        conversation.save(update_fields=["status", "closed_at", "resolution", "resolution_note"])
        event_record(
            kind=events.CLOSED,
            subject=conversation,
            actor=actor,
            payload={
                "resolution": resolution,
                "by": by,
                "agent": conversation.assigned_to_id,
                "human_requested": conversation.human_requested_at is not None,
            },
        )
        _system(conversation, gettext_noop("会话已结束。欢迎为这次服务打分（1–5 分）。"))
        live_status(conversation)
        transaction.on_commit(queue_dispatch, robust=True)
        transaction.on_commit(live_queue, robust=True)
    return conversation


def conversation_open_for_caller(*, agent, customer, text: str = "") -> Conversation:
    """From the hotline console: a written conversation with the caller on the phone, taken by this agent.
    The caller's conversation with the bot comes to the agent; one waiting in the queue comes only if it is
    the head of the queue (no agent may take a waiting customer out of order: "take next" serves the queue);
    otherwise the agent is told so. A caller without an open conversation gets a new one."""
    with transaction.atomic():
        _gate()
        User.objects.select_for_update().filter(pk=customer.pk).first()
        conversation = (
            Conversation.objects.select_for_update()
            .filter(customer=customer, status__in=OPEN_STATUSES)
            .order_by("-created_at")
            .first()
        )
        now = clock.now()
        if conversation is None:
            conversation = Conversation.objects.create(
                customer=customer,
                channel=Channel.HOTLINE,
                language=_language(customer.language),
                created_at=now,
            )
            event_record(
                kind=events.CONVERSATION_OPENED,
                subject=conversation,
                actor=agent,
                payload={"channel": Channel.HOTLINE, "language": conversation.language, "by_agent": True},
            )
        if conversation.status == Status.WITH_AGENT and conversation.assigned_to_id == agent.pk:
            pass
        elif conversation.status == Status.WITH_AGENT:
            raise SupportConflict(
                _("这位客户正在与客服 %(name)s 沟通。") % {"name": agent_label(conversation.assigned_to)},
                code="with_other_agent",
            )
        elif conversation.status == Status.WAITING_HUMAN:
            head = queue.head()
            if head is None or head.pk != conversation.pk:
                raise SupportConflict(
                    _("这位客户正在排队等人工，请按顺序“接待下一位”；电话里可以直接为客户办理。"),
                    code="in_queue",
                )
            _assign(conversation, agent, via="agent_opened")
            transaction.on_commit(live_queue, robust=True)
        else:  # with the bot, or new: the caller reaches a human now, by the agent's hand
            conversation.status = Status.WAITING_HUMAN
            conversation.human_requested_at = now
            conversation.human_how = HumanHow.AGENT_OPENED
            conversation.save(update_fields=["status", "human_requested_at", "human_how"])
            event_record(
                kind=events.HUMAN_REQUESTED,
                subject=conversation,
                actor=agent,
                payload={
                    "how": HumanHow.AGENT_OPENED,
                    "safety_class": conversation.safety_class,
                    "requested_at": now,
                    "callback_at": None,
                    "rule": queue.RULE,
                },
            )
            _assign(conversation, agent, via="agent_opened")
            transaction.on_commit(live_queue, robust=True)
        if text:
            agent_reply(conversation=conversation, agent=agent, text=text)
    return conversation


def _duty_change(duty: AgentDuty, *, on_duty: bool, capacity: int) -> None:
    duty.on_duty = on_duty
    duty.capacity = capacity
    duty.since = clock.now()
    duty.save(update_fields=["on_duty", "capacity", "since"])
    event_record(
        kind=events.DUTY_CHANGED,
        subject=duty.agent,
        actor=duty.agent,
        payload={"agent": duty.agent_id, "on_duty": on_duty, "capacity": capacity},
    )


def duty_set(*, agent, on_duty: bool, capacity: int | None = None) -> AgentDuty:
    if capacity is not None and not 1 <= capacity <= 20:
        raise InvalidInput(_("同时接待上限须在 1 到 20 之间。"), code="capacity_invalid")
    with transaction.atomic():
        duty, _c = AgentDuty.objects.select_for_update().get_or_create(agent=agent)
        capacity = capacity or duty.capacity
        if duty.on_duty != on_duty or duty.capacity != capacity:
            _duty_change(duty, on_duty=on_duty, capacity=capacity)
        if on_duty:
            transaction.on_commit(queue_dispatch, robust=True)
    return duty


def sms_inbound(*, phone: str, text: str) -> bool:
    """An SMS from a customer's phone (notify's inbound webhook): it joins their open conversation, or begins
    one by SMS (answered by SMS). A staff phone's SMS is not a customer's: left to others (False)."""
    from fairdesk.accounts import permissions
    from fairdesk.accounts.selectors import user_by_phone
    from fairdesk.accounts.services import customer_get_or_create

    customer = user_by_phone(phone=phone)
    if customer is not None and permissions.staff_role(customer) is not None:
        return False
    if customer is None:
        customer = customer_get_or_create(phone=phone)
    open_conversation = selectors.conversation_open_for(customer=customer)
    if open_conversation is not None:
        message_post(conversation=open_conversation, text=text, channel=Channel.SMS, actor=customer)
    else:
        conversation_start(
            customer=customer, text=text, channel=Channel.SMS, language=customer.language, actor=customer
        )
    return True
