"""Complaints over JSON. Customers use their verified-phone session; staff act for a caller with a Bearer
token and `customer_phone`; agents and managers handle; auditors and managers export. Someone else's complaint
is a 404. Every POST honours Idempotency-Key."""

import datetime as dt
from types import SimpleNamespace
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema

from fairdesk.accounts import permissions
from fairdesk.accounts.api_auth import api_auth
from fairdesk.complaints import export, selectors, services
from fairdesk.complaints.models import Channel
from fairdesk.complaints.schemas import (
    ComplaintOut,
    CustomerIn,
    DisputeIn,
    FileIn,
    RespondIn,
    StaffTextIn,
    TextIn,
)
from fairdesk.core.errors import InvalidInput, NotFound
from fairdesk.core.idempotency import idempotent_response

router = Router(tags=["complaints"])
KEY = Header(None, alias="Idempotency-Key")
FROM = Query(..., alias="from", description="first business date (YYYY-MM-DD), inclusive")
TO = Query(..., alias="to", description="last business date (YYYY-MM-DD), inclusive")
FORMAT = Query("csv", description="csv or json")


def complaint_out(complaint, *, with_timeline: bool = False) -> dict:
    out = {
        "id": complaint.id,
        "reference": complaint.reference,
        "status": complaint.status,
        "category": complaint.category,
        "green_channel": complaint.green_channel,
        "received_at": complaint.received_at,
        "deadlines": {
            "first_contact_by": complaint.first_contact_by,
            "final_response_by": complaint.final_response_by,
            "hard_limit_by": complaint.hard_limit_by,
        },
        "escalation_level": complaint.escalation_level,
        "rule_version": complaint.rule_version,
        "subject": {"type": complaint.subject_type, "reference": complaint.subject_reference}
        if complaint.subject_type
        else None,
        "outcome": complaint.outcome or None,
        "redress_fen": complaint.redress_fen,
        "timeline": [],
    }
    if with_timeline:
        out["timeline"] = [
            {
                "at": item["at"],
                "kind": item["kind"],
                "author": item["message"].author if item["message"] else None,
                "text": item["message"].text if item["message"] else None,
            }
            for item in selectors.timeline(complaint)
        ]
    return out


def _own(request, reference: str, phone: str, *, write: bool):
    user = request.api_user
    if not permissions.is_customer(user) and not phone and not write:
        permissions.require(user, permissions.READ_CUSTOMERS)
        complaint = selectors.complaint_by_reference(reference)
    else:
        customer = permissions.acting_customer(user, phone, write=write)
        complaint = selectors.complaint_for_customer(customer=customer, reference=reference)
    if complaint is None:
        raise NotFound(_("没有找到这件投诉。"))
    return complaint


def _staff_complaint(request, reference: str):
    permissions.require(request.api_user, permissions.HOTLINE, _("只有客服和经理可以处理投诉。"))
    complaint = selectors.complaint_by_reference(reference)
    if complaint is None:
        raise NotFound(_("没有找到这件投诉。"))
    return complaint


@router.post(
    "/complaints",
    auth=api_auth,
    response={201: ComplaintOut, 422: dict},
    summary="File a complaint (the green channel for plan changes, cancellations and refunds)",
)
def complaint_file(request, body: FileIn, idempotency_key: str | None = KEY):
    def handler():
        customer = permissions.acting_customer(request.api_user, body.customer_phone, write=True)
        complaint = services.complaint_file(
            customer=customer,
            category=body.category,
            text=body.text,
            channel=Channel.WEB if permissions.is_customer(request.api_user) else Channel.API,
            subject_type=body.subject.type if body.subject else "",
            subject_reference=body.subject.reference if body.subject else "",
            actor=request.api_user,
        )
        return 201, complaint_out(complaint, with_timeline=True)

    return idempotent_response(request, body=body, key=idempotency_key, handler=handler)


@router.get(
    "/complaints/export",
    auth=api_auth,
    response={200: None},
    summary="Auditors and managers: one row per complaint received in [from, to] (csv|json), byte-identical "
    "for the same data; SHA-256 in X-Content-SHA256",
)
def complaints_export(
    request,
    date_from: dt.date = FROM,
    date_to: dt.date = TO,
    format: Literal["csv", "json"] = FORMAT,
):
    query = SimpleNamespace(date_from=date_from, date_to=date_to, format=format)
    permissions.require(request.api_user, permissions.AUDIT, _("只有审计和经理可以导出投诉。"))
    if query.date_to < query.date_from:
        raise InvalidInput(_("结束日期早于开始日期。"), code="range_invalid")
    if (query.date_to - query.date_from).days > 36600:
        raise InvalidInput(_("一次最多导出一百年。"), code="range_too_long")
    body, digest = export.export_bytes(date_from=query.date_from, date_to=query.date_to, fmt=query.format)
    response = HttpResponse(body, content_type=export.CONTENT_TYPES[query.format])
    response["X-Content-SHA256"] = digest
    response["Content-Disposition"] = (
        f'attachment; filename="complaints-{query.date_from}-{query.date_to}.{query.format}"'
    )
    return response


@router.get(
    "/complaints/{reference}",
    auth=api_auth,
    response={200: ComplaintOut},
    summary="A complaint with its deadlines and timeline (someone else's is 404)",
)
def complaint_get(request, reference: str, customer_phone: str = ""):
    return complaint_out(_own(request, reference, customer_phone, write=False), with_timeline=True)


def _staff_action(name: str, summary: str, schema, action):
    @router.post(
        f"/complaints/{{reference}}/{name}",
        auth=api_auth,
        response={200: ComplaintOut, 409: dict, 422: dict},
        summary=summary,
        operation_id=f"complaint_{name.replace('-', '_')}",
    )
    def view(request, reference: str, body: schema, idempotency_key: str | None = KEY):
        def handler():
            complaint = action(request, _staff_complaint(request, reference), body)
            return 200, complaint_out(complaint, with_timeline=True)

        return idempotent_response(request, body=body, key=idempotency_key, handler=handler)

    return view


class Empty(Schema):
    pass


_staff_action(
    "contact",
    "Staff: record the first contact with the customer",
    Empty,
    lambda request, c, body: services.complaint_contact(complaint=c, staff=request.api_user),
)
_staff_action(
    "request-info",
    "Staff: ask the customer for information (the final-response clock pauses until they reply)",
    StaffTextIn,
    lambda request, c, body: services.complaint_request_info(
        complaint=c, staff=request.api_user, text=body.text
    ),
)
_staff_action(
    "respond",
    "Staff: the final response (outcome, redress in fen, text)",
    RespondIn,
    lambda request, c, body: services.complaint_respond(
        complaint=c,
        staff=request.api_user,
        outcome=body.outcome,
        redress_fen=body.redress_fen,
        text=body.text,
    ),
)


def _customer_action(name: str, summary: str, schema, action):
    @router.post(
        f"/complaints/{{reference}}/{name}",
        auth=api_auth,
        response={200: ComplaintOut, 409: dict, 422: dict},
        summary=summary,
        operation_id=f"complaint_{name}",
    )
    def view(request, reference: str, body: schema, idempotency_key: str | None = KEY):
        def handler():
            complaint = _own(request, reference, body.customer_phone, write=True)
            complaint = action(complaint.customer, complaint, body, request.api_user)
            return 200, complaint_out(complaint, with_timeline=True)

        return idempotent_response(request, body=body, key=idempotency_key, handler=handler)

    return view


_customer_action(
    "reply",
    "The customer writes in the case (an answer to an information request restarts the clock)",
    TextIn,
    lambda customer, c, body, actor: services.complaint_reply(
        complaint=c, customer=customer, text=body.text, actor=actor
    ),
)
_customer_action(
    "accept",
    "The customer accepts the final response",
    CustomerIn,
    lambda customer, c, body, actor: services.complaint_accept(complaint=c, customer=customer, actor=actor),
)
_customer_action(
    "dispute",
    "The customer disputes the final response (and is told how to go to 12315)",
    DisputeIn,
    lambda customer, c, body, actor: services.complaint_dispute(
        complaint=c, customer=customer, text=body.text, actor=actor
    ),
)
