from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from fairdesk.complaints.models import TEXT_MAX

PHONE = Field("", max_length=32, description="staff only: the caller's phone (act for a caller)")


class SubjectIn(Schema):
    type: Literal["booking", "emergency", "subscription", "conversation"]
    reference: str = Field(..., min_length=1, max_length=32)


class FileIn(Schema):
    category: Literal["plan_change", "billing", "service_quality", "technician_conduct", "safety", "other"]
    text: str = Field(..., max_length=TEXT_MAX)
    customer_phone: str = PHONE
    subject: SubjectIn | None = None


class DeadlinesOut(Schema):
    first_contact_by: dt.datetime
    final_response_by: dt.datetime = Field(
        ..., description="moves by the time paused waiting for the customer"
    )
    hard_limit_by: dt.datetime


class TimelineOut(Schema):
    at: dt.datetime
    kind: str
    author: str | None = None
    text: str | None = None


class ComplaintOut(Schema):
    id: int
    reference: str
    status: str
    category: str
    green_channel: bool
    received_at: dt.datetime
    deadlines: DeadlinesOut
    escalation_level: int
    rule_version: str
    subject: dict | None = None
    outcome: str | None = None
    redress_fen: int = 0
    timeline: list[TimelineOut] = []


class TextIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX)
    customer_phone: str = PHONE


class StaffTextIn(Schema):
    text: str = Field(..., max_length=TEXT_MAX)


class RespondIn(Schema):
    outcome: Literal["upheld", "partly_upheld", "not_upheld"]
    redress_fen: int = Field(0, ge=0, le=100_000_000)
    text: str = Field(..., max_length=TEXT_MAX)


class CustomerIn(Schema):
    customer_phone: str = PHONE


class DisputeIn(Schema):
    text: str = Field("", max_length=TEXT_MAX)
    customer_phone: str = PHONE
