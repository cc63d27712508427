"""Reads for support (a read never writes)."""

from __future__ import annotations

import datetime as dt
import statistics

from django.db.models import Count, Q

from fairdesk.core import clock
from fairdesk.support import queue
from fairdesk.support.models import (
    OPEN_STATUSES,
    AgentDuty,
    Conversation,
    Message,
    Status,
    SupportPreference,
)

# Without a measured pace (fewer assignments than this in the last hour) the estimate uses handling times.
PACE_MIN_SAMPLES = 3
DEFAULT_HANDLE_MINUTES = 6


def conversation_for_customer(*, customer, conversation_id: int) -> Conversation | None:
    """The customer's own conversation; someone else's is None (a 404)."""
    return Conversation.objects.filter(pk=conversation_id, customer=customer).first()


def conversation_by_id(conversation_id: int) -> Conversation | None:
    return Conversation.objects.select_related("customer", "assigned_to").filter(pk=conversation_id).first()


def conversation_open_for(*, customer) -> Conversation | None:
    """The customer's open conversation (there is at most one: a new message joins it)."""
    return (
        Conversation.objects.filter(customer=customer, status__in=OPEN_STATUSES)
        .order_by("-created_at")
        .first()
    )


def conversation_latest_for(*, customer) -> Conversation | None:
    return Conversation.objects.filter(customer=customer).order_by("-created_at", "-id").first()


def messages_of(*, conversation, after_id: int = 0) -> list[Message]:
    return list(conversation.messages.filter(id__gt=after_id).order_by("at", "id"))


def always_human(*, customer) -> bool:
    return SupportPreference.objects.filter(customer=customer, always_human=True).exists()


def agents_on_duty() -> list[AgentDuty]:
    return list(
        AgentDuty.objects.filter(on_duty=True, agent__is_active=True)
        .select_related("agent")
        .annotate(
            current=Count(
                "agent__support_assigned", filter=Q(agent__support_assigned__status=Status.WITH_AGENT)
            )
        )
    )


def duty_of(*, agent) -> AgentDuty | None:
    return AgentDuty.objects.filter(agent=agent).first()


def queue_rows(*, now: dt.datetime | None = None) -> list[dict]:
    """The waiting conversations in queue order (what `GET /support/queue` and the console show)."""
    now = now or clock.now()
    rows = []
    for index, conv in enumerate(queue.waiting(), start=1):
        rows.append(
            {
                "conversation_id": conv.id,
                "waiting_since": conv.human_requested_at,
                "position": index,
                "safety_class": conv.safety_class,
                "waited_seconds": max(0, int((now - conv.human_requested_at).total_seconds())),
            }
        )
    return rows


def queue_positions() -> dict[int, int]:
    """conversation id → position, for every waiting conversation (one query)."""
    return {conv_id: i for i, conv_id in enumerate(queue.waiting().values_list("id", flat=True), start=1)}


def assigned_to(*, agent) -> list[Conversation]:
    return list(
        Conversation.objects.filter(assigned_to=agent, status=Status.WITH_AGENT)
        .select_related("customer")
        .order_by("assigned_at")
    )


def callbacks_scheduled(*, now: dt.datetime | None = None) -> list[Conversation]:
    """Call-backs asked for a later time: they join the queue when their time comes."""
    now = now or clock.now()
    return list(
        Conversation.objects.filter(status=Status.WAITING_HUMAN, human_requested_at__gt=now)
        .select_related("customer")
        .order_by("human_requested_at")
    )


def estimated_wait_minutes(
    *, position: int | None, now: dt.datetime | None = None, on_duty: int | None = None
) -> int | None:
    """An honest estimate: the position divided by the pace at which the queue was served in the last hour;
    without enough of that, the median handling time of the last week spread over the agents on duty. None
    when no agent is on duty (the page says so instead of guessing)."""
    if position is None:
        return None
    now = now or clock.now()
    if on_duty is None:
        on_duty = AgentDuty.objects.filter(on_duty=True, agent__is_active=True).count()
    if on_duty == 0:
        return None
    served = Conversation.objects.filter(assigned_at__gte=now - dt.timedelta(hours=1)).count()
    if served >= PACE_MIN_SAMPLES:
        return max(1, round(position * 60 / served))
    durations = [
        (closed - assigned).total_seconds() / 60
        for assigned, closed in Conversation.objects.filter(
            closed_at__gte=now - dt.timedelta(days=7), assigned_at__isnull=False
        ).values_list("assigned_at", "closed_at")[:500]
    ]
    handle = statistics.median(durations) if durations else DEFAULT_HANDLE_MINUTES
    return max(1, round(position * handle / on_duty))


def wait_stats(*, since: dt.datetime) -> dict:
    """The published figure: seconds from the human request to the first human reply (p50, p90, count)."""
    waits = sorted(
        int((replied - requested).total_seconds())
        for requested, replied in Conversation.objects.filter(
            first_human_reply_at__gte=since, human_requested_at__isnull=False
        ).values_list("human_requested_at", "first_human_reply_at")
    )
    if not waits:
        return {"count": 0, "p50": None, "p90": None}
    return {
        "count": len(waits),
        "p50": waits[(len(waits) - 1) // 2],
        "p90": waits[min(len(waits) - 1, int(0.9 * len(waits)))],
    }


def in_service(*, customer) -> bool:
    """A visit of theirs today or an emergency of theirs under way (the queue's second safety class)."""
    from fairdesk.bookings.models import Booking, BookingStatus
    from fairdesk.dispatch.models import UrgentRequest, UrgentStatus

    today = clock.local(clock.now()).date()
    zone = clock.local_zone()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    if Booking.objects.filter(
        customer=customer,
        status=BookingStatus.CONFIRMED,
        slot__start__gte=start,
        slot__start__lt=start + dt.timedelta(days=1),
    ).exists():
        return True
    return (
        bool(customer.phone)
        and UrgentRequest.objects.filter(phone=customer.phone).exclude(status=UrgentStatus.CLOSED).exists()
    )


def link_views(codes) -> list[dict]:
    from fairdesk.support.links import is_link, link_label, link_url

    return [{"code": c, "label": str(link_label(c)), "url": link_url(c)} for c in codes if is_link(c)]


def conversation_view(conversation: Conversation, *, staff: bool = False, after_id: int = 0) -> dict:
    """The API's and the pages' shape of a conversation (messages in order; agents' notes for staff only)."""
    msgs = conversation.messages.filter(id__gt=after_id).order_by("at", "id")
    if not staff:
        msgs = msgs.filter(internal=False)
    position = queue.position(conversation)
    on_duty = AgentDuty.objects.filter(on_duty=True, agent__is_active=True).count()
    return {
        "id": conversation.id,
        "status": conversation.status,
        "human_requested": conversation.human_requested_at is not None,
        "queue_position": position,
        "messages": [
            {
                "id": m.id,
                "author": m.author,
                "text": m.text,
                "at": m.at,
                "links": link_views(m.links),
                "internal": m.internal,
            }
            for m in msgs
        ],
        "channel": conversation.channel,
        "safety_class": conversation.safety_class,
        "estimated_wait_minutes": estimated_wait_minutes(position=position, on_duty=on_duty)
        if on_duty
        else None,
        "agents_on_duty": on_duty,
        "callback_at": conversation.callback_at,
        "rating": conversation.rating,
        "always_human": always_human(customer=conversation.customer_id),
    }
