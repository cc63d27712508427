from __future__ import annotations

from typing import Literal

from ninja import Schema
from pydantic import Field


class PriceOut(Schema):
    period: str
    amount_fen: int
    currency: str
    version: int


class PlanOut(Schema):
    code: str
    name: str
    description: str
    rank: int
    benefits: dict
    prices: list[PriceOut]


class TermsOut(Schema):
    change_rule: str = Field(..., description="immediate | end_of_period: when every change takes effect")
    auto_renew_default: bool
    renewal_notice_days: int
    refund_methods: list[str]
    steps_per_action: dict[str, int]
    rounding: str


class SubscribeIn(Schema):
    plan: str = Field(..., max_length=32)
    period: Literal["month", "year"]
    auto_renew: bool = False
    preview: bool = False
    customer_phone: str = Field("", max_length=32, description="staff only: the customer's phone")
    provider: Literal["sandbox", "offline"] = "sandbox"
    payment_token: str = Field("tok_sandbox", max_length=64)


class ChangeIn(Schema):
    to_plan: str | None = Field(..., max_length=32, description="plan code, or null to cancel")
    period: Literal["month", "year"] | None = None
    preview: bool = False
    refund_to: Literal["original", "credit"] = "original"
    customer_phone: str = Field("", max_length=32, description="staff only: the customer's phone")


class RefundIn(Schema):
    preview: bool = False
    customer_phone: str = Field("", max_length=32)


class AutoRenewIn(Schema):
    on: bool
    customer_phone: str = Field("", max_length=32)


class LineOut(Schema):
    kind: str
    description: str
    amount_fen: int


class QuoteOut(Schema):
    action: str
    effective_at: str
    amount_due_fen: int
    amount_back_fen: int
    refund_to: str
    rule: str
    lines: list[LineOut]
    loses: list[str]
    explanation: str
    from_plan: str | None
    to_plan: str | None
    to_period: str | None
    subscription: int | None


class SubscriptionOut(Schema):
    id: int
    plan: str
    period: str
    status: str
    period_start: str
    period_end: str
    auto_renew: bool
    price_fen: int
    pending_plan: str | None
    pending_cancel: bool
    credit_fen: int


class SubscribeOut(Schema):
    subscription: SubscriptionOut | None
    quote: QuoteOut


class ChangeRuleIn(Schema):
    effective: str = Field(..., description="immediate | end_of_period")
    applies_to: str = Field("all", description="must be all: a rule cannot depend on the direction")
    only_in_last_days: int | None = Field(None, description="must be null: changes are possible any day")


class ChangeRuleOut(Schema):
    effective: str
    applies_to: str
