from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Header, Router

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.bookings import selectors, services
from fairdesk.bookings.errors import InvalidInput
from fairdesk.bookings.schemas import (
    BookingIn,
    BookingOut,
    CancelIn,
    ErrorOut,
    RescheduleIn,
    ServiceTypeOut,
    SlotOut,
)
from fairdesk.core.idempotency import idempotent_response
from fairdesk.regions.services import coverage_lookup

router = Router(tags=["bookings"])


def slot_out(slot) -> dict:
    return {
        "id": slot.pk,
        "start": slot.start,
        "end": slot.end,
        "capacity": slot.capacity,
        "remaining": slot.remaining,
        "station": {"name": slot.station.name, "hotline": slot.station.hotline},
    }


def booking_out(booking) -> dict:
    booking.slot.station = booking.station
    return {
        "reference": booking.reference,
        "status": booking.status,
        "slot": slot_out(booking.slot),
        "station": {"name": booking.station.name, "hotline": booking.station.hotline},
        "service_type": booking.service_type.code,
        "address": booking.address,
    }


@router.get("/service-types", response=list[ServiceTypeOut], summary="What can be booked")
def service_types(request):
    return [
        {
            "code": t.code,
            "name": t.display_name,
            "duration_minutes": t.duration_minutes,
            "emergency": t.emergency,
            "price_estimate_fen": t.price_estimate_fen,
        }
        for t in selectors.service_types_active()
    ]


@router.get(
    "/slots", response={200: list[SlotOut], 422: ErrorOut}, summary="Open slots for an address and day"
)
def slots(request, address: str, service_type: str, date: dt.date):
    services.service_type_get(service_type)
    coverage, _resolution = coverage_lookup(address=address)
    if not coverage.covered or coverage.station is None:
        raise services.NotCovered(_("这个地址暂不在服务范围内，请拨打 24 小时热线。"))
    # Reads only: a day before today or beyond the station's booking horizon is an empty list.
    return [slot_out(s) for s in selectors.slots_open_for_day(station=coverage.station, day=date)]


@router.post(
    "/bookings",
    auth=api_auth,
    response={201: BookingOut, 409: ErrorOut, 422: ErrorOut},
    summary="Book a slot",
)
def booking_create(
    request, body: BookingIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    actor = request.api_user

    def handler():
        if not permissions.is_customer(actor) and not body.phone:
            raise InvalidInput(_("代客预约需要填写客户手机号。"), code="phone_required")
        customer = permissions.acting_customer(actor, body.phone, write=True, name=body.name)
        booking = services.booking_create(
            customer=customer,
            slot_id=body.slot_id,
            service_type_code=body.service_type,
            address=body.address,
            contact_name=body.name,
            actor=actor,
        )
        return 201, booking_out(booking)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/bookings/{reference}/cancel", auth=api_auth, response={200: BookingOut, 404: ErrorOut, 409: ErrorOut}
)
def booking_cancel(
    request,
    reference: str,
    body: CancelIn | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    def handler():
        booking = services.booking_cancel(
            reference=reference,
            actor=request.api_user,
            reason_code=body.reason_code if body else "customer_request",
            note=body.reason if body else "",
        )
        return 200, booking_out(booking)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.post(
    "/bookings/{reference}/reschedule",
    auth=api_auth,
    response={200: BookingOut, 404: ErrorOut, 409: ErrorOut},
)
def booking_reschedule(
    request,
    reference: str,
    body: RescheduleIn,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    def handler():
        booking = services.booking_reschedule(
            reference=reference, slot_id=body.slot_id, actor=request.api_user
        )
        return 200, booking_out(booking)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)
