from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field


class ServiceTypeOut(Schema):
    code: str
    name: str
    duration_minutes: int
    emergency: bool
    price_estimate_fen: int


class StationRef(Schema):
    name: str
    hotline: str


class SlotOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime
    capacity: int
    remaining: int
    station: StationRef


MAX_ID = 2**63 - 1  # ids are 64-bit: a bigger number names no row (and would overflow the driver)


class BookingIn(Schema):
    slot_id: int = Field(..., ge=1, le=MAX_ID)
    service_type: str = Field(..., max_length=40)
    address: str = Field(..., min_length=2, max_length=200)
    phone: str = Field("", max_length=32, description="客户手机号；客户本人调用时可省略")
    name: str = Field("", max_length=64)


class RescheduleIn(Schema):
    slot_id: int = Field(..., ge=1, le=MAX_ID)


class CancelIn(Schema):
    reason_code: str = Field(
        "customer_request",
        max_length=24,
        description="customer_request | unable_to_serve (staff only) | other",
    )
    reason: str = Field("", max_length=200, description="为什么取消（可不填；只存在预约上）")


class BookingOut(Schema):
    reference: str
    status: str
    slot: SlotOut
    station: StationRef
    service_type: str
    address: str


class ErrorOut(Schema):
    code: str
    message: str
