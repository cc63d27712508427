"""The human queue's order, in one place: the published safety class, then the time the human was asked for,
then the conversation's id (two requests in the same microsecond). Nothing else.

This module reads exactly those three columns (QUEUE_FIELDS) and imports nothing that knows about plans,
payments or customers: a customer's plan, spending, number of subscriptions or "value" cannot reach the order
(tests: support/tests/test_queue_fairness.py checks the property and that no such name appears here)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.db.models import Q, QuerySet

from fairdesk.core import clock
from fairdesk.support.models import Conversation, Status

QUEUE_FIELDS = ("safety_class", "human_requested_at", "id")
# The published rule this order implements (/rules/support_queue/, version 1): recorded on every request and
# assignment (support.human_requested, support.assigned: `rule`).
RULE = "support_queue:1"


class Queued(Protocol):
    safety_class: int
    human_requested_at: dt.datetime | None
    id: int


def queue_key(item: Queued) -> tuple:
    """The sort key of a waiting conversation (lower first)."""
    return (item.safety_class, item.human_requested_at, item.id)


def queue_sorted(items: Iterable[Queued]) -> list:
    return sorted(items, key=queue_key)


def waiting(*, now: dt.datetime | None = None) -> QuerySet:
    """Waiting conversations in queue order, with only the ordering columns loaded. A call-back asked for a
    later time joins when its time comes (its request time is that time)."""
    return (
        Conversation.objects.filter(status=Status.WAITING_HUMAN, human_requested_at__lte=now or clock.now())
        .order_by(*QUEUE_FIELDS)
        .only(*QUEUE_FIELDS, "status")
    )


def ahead_of(item: Queued) -> Q:
    """Waiting conversations that come before `item` in the queue."""
    return (
        Q(safety_class__lt=item.safety_class)
        | Q(safety_class=item.safety_class, human_requested_at__lt=item.human_requested_at)
        | Q(safety_class=item.safety_class, human_requested_at=item.human_requested_at, id__lt=item.id)
    )


def position(item: Queued) -> int | None:
    """1 for the head of the queue; None when `item` is not waiting."""
    if (
        getattr(item, "status", Status.WAITING_HUMAN) != Status.WAITING_HUMAN
        or item.human_requested_at is None
    ):
        return None
    if item.human_requested_at > clock.now():
        return None  # a call-back for later: not in the queue yet
    return waiting().filter(ahead_of(item)).count() + 1


def head(*, lock: bool = False):
    """The conversation to serve next (None when nobody waits)."""
    qs = waiting()
    if lock:
        qs = qs.select_for_update()
    return qs.first()
