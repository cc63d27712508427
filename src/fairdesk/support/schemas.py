from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from fairdesk.support.models import TEXT_MAX

PHONE = Field("", max_length=32, description="staff only: the caller's phone (act for a caller)")


class LinkOut(Schema):
    code: str
    label: str
    url: str


class MessageOut(Schema):
    id: int
    author: Literal["customer", "bot", "agent", "system"]
    text: str
    at: dt.datetime
    links: list[LinkOut] = []
    internal: bool = Field(
        False, description="staff only: a note between agents, never shown to the customer"
    )


class ConversationOut(Schema):
    id: int
    status: Literal["bot", "waiting_human", "with_agent", "closed"]
    human_requested: bool
    queue_position: int | None = Field(None, description="1 = next; null when not waiting")
    messages: list[MessageOut]
    channel: str
    safety_class: int = Field(
        ..., description="the published safety class (1 safety risk, 2 in service, 3 general)"
    )
    estimated_wait_minutes: int | None = Field(
        None, description="null when no agent is on duty or not waiting"
    )
    agents_on_duty: int
    callback_at: dt.datetime | None = None
    rating: int | None = None
    always_human: bool


class StartIn(Schema):
    message: str = Field(..., max_length=TEXT_MAX)
    customer_phone: str = PHONE


class MessageIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX)
    customer_phone: str = PHONE


class HumanIn(Schema):
    customer_phone: str = PHONE
    callback_at: dt.datetime | None = Field(
        None, description="optional: a call-back at this time (within 7 days) instead of waiting now"
    )


class ReplyIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX)


class CloseIn(Schema):
    resolution: Literal[
        "answered", "booked", "changed", "plan", "complaint", "called_back", "no_reply", "other"
    ]
    note: str = Field("", max_length=TEXT_MAX)


class RatingIn(Schema):
    score: int = Field(..., ge=1, le=5)
    customer_phone: str = PHONE


class TransferIn(Schema):
    to_agent: int = Field(..., ge=1, le=2**31 - 1, description="the colleague's user id")
    note: str = Field("", max_length=TEXT_MAX)


class PreferenceIn(Schema):
    always_human: bool
    customer_phone: str = PHONE


class PreferenceOut(Schema):
    always_human: bool


class DutyIn(Schema):
    on_duty: bool
    capacity: int | None = Field(None, ge=1, le=20)


class DutyOut(Schema):
    on_duty: bool
    capacity: int


class QueueRowOut(Schema):
    conversation_id: int
    waiting_since: dt.datetime
    position: int
    safety_class: int
    waited_seconds: int
