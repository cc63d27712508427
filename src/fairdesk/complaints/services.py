"""Complaints' writes: one transaction per use case, an event beside every change, the customer told through
complaints/messages.py. What was filed never changes (models.IMMUTABLE); the state moves only here."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from fairdesk.accounts import permissions
from fairdesk.complaints import events, messages, rules, selectors
from fairdesk.complaints.models import (
    GREEN_CHANNEL,
    OPEN_STATUSES,
    TEXT_MAX,
    Author,
    Category,
    Channel,
    Complaint,
    ComplaintMessage,
    Outcome,
    Status,
    SubjectType,
)
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput
from fairdesk.core.services import event_record

REDRESS_MAX_FEN = 100_000_000  # one million yuan: anything above is a typing error
PAUSE_RULE = "pause.awaiting_customer"  # the only clause that pauses a clock (rules.py publishes it)
OPEN = OPEN_STATUSES


class ComplaintConflict(DomainError):
    code = "conflict"
    status = 409


def _text(text: str, *, required: bool = True) -> str:
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(_("请写下内容。"), code="text_empty")
    if len(text) > TEXT_MAX:
        raise InvalidInput(_("内容太长（最多 %(n)d 个字）。") % {"n": TEXT_MAX}, code="text_too_long")
    return text


def _locked(complaint: Complaint) -> Complaint:
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


def _say(complaint: Complaint, *, author: str, kind: str, text: str, staff=None) -> ComplaintMessage:
    return ComplaintMessage.objects.create(
        complaint=complaint, author=author, kind=kind, text=text, staff=staff, at=clock.now()
    )


def complaint_file(
    *,
    customer,
    category: str,
    text: str,
    channel: str = Channel.WEB,
    subject_type: str = "",
    subject_reference: str = "",
    actor=None,
) -> Complaint:
    """Receive a complaint: its deadlines are computed now, under the current rule version, and kept."""
    if category not in Category.values:
        raise InvalidInput(_("请选择投诉类别。"), code="category_invalid")
    text = _text(text)
    subject_type = (subject_type or "").strip()
    subject_reference = (subject_reference or "").strip()[:32]
    if subject_type:
        if subject_type not in SubjectType.values:
            raise InvalidInput(_("不认识这个投诉对象类型。"), code="subject_invalid")
        if not selectors.subject_of(
            customer=customer, subject_type=subject_type, reference=subject_reference
        ):
            raise InvalidInput(_("没有找到您的这个预约、报修、套餐或会话。"), code="subject_not_found")
    elif subject_reference:
        raise InvalidInput(_("请说明投诉对象的类型。"), code="subject_invalid")
    now = clock.now()
    green = category in GREEN_CHANNEL
    # A deadline reaching into a year no official calendar covers yet counts every day of it as a working day:
    # never later than the official schedule could make it (managers are warned to enter that year).
    deadlines = rules.deadlines(received_at=now, green_channel=green, uncovered="bound")
    with transaction.atomic():
        complaint = Complaint.objects.create(
            customer=customer,
            category=category,
            green_channel=green,
            text=text,
            channel=channel,
            subject_type=subject_type,
            subject_reference=subject_reference,
            received_at=now,
            rule_version=rules.RULE_VERSION,
            first_contact_by=deadlines.first_contact_by,
            final_response_base_by=deadlines.final_response_by,
            hard_limit_by=deadlines.hard_limit_by,
        )
        event_record(
            kind=events.RECEIVED,
            subject=complaint,
            actor=actor or customer,
            payload={
                "category": category,
                "green_channel": green,
                "channel": channel,
                "subject_type": subject_type or None,
                "rule_version": rules.RULE_VERSION,
                "first_contact_by": deadlines.first_contact_by,
                "final_response_by": deadlines.final_response_by,
                "hard_limit_by": deadlines.hard_limit_by,
                "provisional_years": sorted(deadlines.provisional_years),
            },
        )
        messages.receipt(complaint)
    return complaint


def _contact(complaint: Complaint, *, staff, now: dt.datetime) -> None:
    """Inside the caller's transaction: the first contact (once)."""
    if complaint.first_contact_at is not None:
        return
    complaint.first_contact_at = now
    if complaint.status == Status.RECEIVED:
        complaint.status = Status.IN_PROGRESS
    complaint.save(update_fields=["first_contact_at", "status"])
    event_record(
        kind=events.CONTACTED,
        subject=complaint,
        actor=staff,
        payload={
            "contacted_at": now,
            "first_contact_by": complaint.first_contact_by,
            "timely": now <= complaint.first_contact_by,
        },
    )


def _require_staff(staff) -> None:
    permissions.require(staff, permissions.HOTLINE, _("只有客服和经理可以处理投诉。"))


def _require_open(complaint: Complaint) -> None:
    if complaint.status not in OPEN:
        raise ComplaintConflict(_("这件投诉已经答复，不能再这样操作。"), code="complaint_closed")


def complaint_contact(*, complaint: Complaint, staff) -> Complaint:
    _require_staff(staff)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_open(complaint)
        _contact(complaint, staff=staff, now=clock.now())
    return complaint


def complaint_request_info(*, complaint: Complaint, staff, text: str) -> Complaint:
    """Ask the customer for information: the final-response clock pauses until they reply (the first-contact
    clock never does; asking is a contact)."""
    _require_staff(staff)
    text = _text(text)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_open(complaint)
        now = clock.now()
        _contact(complaint, staff=staff, now=now)
        _say(complaint, author=Author.STAFF, kind="info_request", text=text, staff=staff)
        if complaint.status != Status.AWAITING_CUSTOMER:
            complaint.status = Status.AWAITING_CUSTOMER
            complaint.paused_since = now
            complaint.save(update_fields=["status", "paused_since"])
            event_record(
                kind=events.INFO_REQUESTED,
                subject=complaint,
                actor=staff,
                payload={
                    "paused_at": now,
                    "reason": "awaiting_customer_information",
                    "rule": f"{complaint.rule_version}:{PAUSE_RULE}",
                },
            )
        messages.info_requested(complaint, text=text)
    return complaint


def _resume(complaint: Complaint, now: dt.datetime) -> int:
    if complaint.paused_since is None:
        return 0
    paused = max(0, int((now - complaint.paused_since).total_seconds()))
    complaint.paused_seconds += paused
    complaint.paused_since = None
    complaint.status = Status.IN_PROGRESS
    complaint.save(update_fields=["paused_seconds", "paused_since", "status"])
    return paused


def complaint_reply(*, complaint: Complaint, customer, text: str, actor=None) -> Complaint:
    """The customer writes in the case; an answer to an information request restarts the clock."""
    text = _text(text)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_open(complaint)
        _say(complaint, author=Author.CUSTOMER, kind="reply", text=text)
        resumed = complaint.status == Status.AWAITING_CUSTOMER
        paused = _resume(complaint, clock.now()) if resumed else 0
        event_record(
            kind=events.CUSTOMER_REPLIED,
            subject=complaint,
            actor=actor or customer,
            payload={"resumed": resumed, "paused_seconds": paused},
        )
    return complaint


def complaint_respond(*, complaint: Complaint, staff, outcome: str, redress_fen: int, text: str) -> Complaint:
    _require_staff(staff)
    if outcome not in Outcome.values:
        raise InvalidInput(_("请选择处理结果：成立、部分成立或不成立。"), code="outcome_invalid")
    if (
        not isinstance(redress_fen, int)
        or isinstance(redress_fen, bool)
        or not 0 <= redress_fen <= REDRESS_MAX_FEN
    ):
        raise InvalidInput(_("补偿金额须为 0 到 1,000,000 元之间的整数（分）。"), code="redress_invalid")
    text = _text(text)
    with transaction.atomic():
        complaint = _locked(complaint)
        _require_open(complaint)
        now = clock.now()
        _contact(complaint, staff=staff, now=now)
        _resume(complaint, now)
        complaint.status = Status.RESPONDED
        complaint.final_response_at = now
        complaint.outcome = outcome
        complaint.redress_fen = redress_fen
        complaint.save(update_fields=["status", "final_response_at", "outcome", "redress_fen"])
        _say(complaint, author=Author.STAFF, kind="response", text=text, staff=staff)
        deadline = complaint.final_response_by
        event_record(
            kind=events.RESPONDED,
            subject=complaint,
            actor=staff,
            payload={
                "outcome": outcome,
                "redress_fen": redress_fen,
                "final_response_by": deadline,
                "timely": now <= deadline,
            },
        )
        messages.responded(complaint)
    return complaint


def _own(complaint: Complaint, customer) -> None:
    if complaint.customer_id != customer.pk:
        raise ComplaintConflict(_("只有投诉人本人可以这样操作。"), code="not_yours")


def complaint_accept(*, complaint: Complaint, customer, actor=None) -> Complaint:
    """The customer accepts the final response (or an agent records it for a caller on the phone: `actor`)."""
    with transaction.atomic():
        complaint = _locked(complaint)
        _own(complaint, customer)
        if complaint.status != Status.RESPONDED:
            raise ComplaintConflict(_("答复之后才能接受或不同意。"), code="not_responded")
        complaint.status = Status.ACCEPTED
        complaint.accepted_at = clock.now()
        complaint.save(update_fields=["status", "accepted_at"])
        event_record(kind=events.ACCEPTED, subject=complaint, actor=actor or customer, payload={})
    return complaint


def _refer(complaint: Complaint, *, reason: str, actor=None) -> None:
    if complaint.referred_at is not None:
        return
    complaint.referred_at = clock.now()
    complaint.save(update_fields=["referred_at"])
    event_record(
        kind=events.REFERRED, subject=complaint, actor=actor, payload={"route": "12315", "reason": reason}
    )
    messages.referred(complaint)


def complaint_dispute(*, complaint: Complaint, customer, text: str = "", actor=None) -> Complaint:
    text = _text(text, required=False)
    with transaction.atomic():
        complaint = _locked(complaint)
        _own(complaint, customer)
        if complaint.status != Status.RESPONDED:
            raise ComplaintConflict(_("答复之后才能接受或不同意。"), code="not_responded")
        complaint.status = Status.DISPUTED
        complaint.disputed_at = clock.now()
        complaint.save(update_fields=["status", "disputed_at"])
        if text:
            _say(complaint, author=Author.CUSTOMER, kind="dispute", text=text)
        event_record(kind=events.DISPUTED, subject=complaint, actor=actor or customer, payload={})
        _refer(complaint, reason="disputed", actor=actor or customer)
    return complaint


def _escalate(complaint: Complaint, *, level: int, reason: str, deadline: dt.datetime) -> None:
    complaint.alerts = [*complaint.alerts, reason]
    complaint.escalation_level = max(complaint.escalation_level, level)
    complaint.save(update_fields=["alerts", "escalation_level"])
    event_record(
        kind=events.ESCALATED,
        subject=complaint,
        payload={"level": level, "reason": reason, "deadline": deadline},
    )
    messages.escalated(complaint, level=level, reason=reason)


def complaints_escalate(*, now: dt.datetime | None = None) -> int:
    """The ladder, run every minute (core.periodic): half the time to a deadline without progress alerts the
    team lead (level 1); a missed deadline goes to the manager and is untimely (level 2; a missed final
    response also tells the customer about 12315); the 45-working-day hard limit missed is level 3. Each step
    once per complaint (recorded in `alerts`). The final-response clock is not run while it is paused."""
    now = now or clock.now()
    steps = 0
    for complaint_id in Complaint.objects.filter(status__in=OPEN).values_list("id", flat=True):
        with transaction.atomic():
            complaint = Complaint.objects.select_for_update().get(pk=complaint_id)
            if complaint.status not in OPEN:
                continue
            for level, reason, deadline in _due_steps(complaint, now):
                _escalate(complaint, level=level, reason=reason, deadline=deadline)
                if reason == "missed_final":
                    _refer(complaint, reason="missed_final")
                steps += 1
    return steps


def _due_steps(complaint: Complaint, now: dt.datetime) -> list[tuple[int, str, dt.datetime]]:
    due = []
    done = set(complaint.alerts)
    if complaint.first_contact_at is None:
        half = rules.half_way(complaint.received_at, complaint.first_contact_by)
        if now >= half and "half_first_contact" not in done:
            due.append((1, "half_first_contact", complaint.first_contact_by))
        if now > complaint.first_contact_by and "missed_first_contact" not in done:
            due.append((2, "missed_first_contact", complaint.first_contact_by))
    if complaint.status != Status.AWAITING_CUSTOMER:
        final_by = complaint.final_response_by
        half = rules.half_way(complaint.received_at, final_by)
        if now >= half and "half_final" not in done:
            due.append((1, "half_final", final_by))
        if now > final_by and "missed_final" not in done:
            due.append((2, "missed_final", final_by))
    if now > complaint.hard_limit_by and "missed_hard_limit" not in done:
        due.append((3, "missed_hard_limit", complaint.hard_limit_by))
    return due
