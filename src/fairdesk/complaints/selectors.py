"""Reads for complaints (a read never writes)."""

from __future__ import annotations

from fairdesk.complaints.models import OPEN_STATUSES, Complaint, ComplaintMessage, SubjectType
from fairdesk.core import clock
from fairdesk.core.selectors import events_for

OPEN = OPEN_STATUSES


def subject_of(*, customer, subject_type: str, reference: str):
    """The customer's own booking, emergency, subscription or support conversation named by the complaint, or
    None (someone else's is as good as missing)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    if subject_type == SubjectType.BOOKING:
        from fairdesk.bookings.selectors import booking_by_reference

        booking = booking_by_reference(reference=reference)
        return booking if booking is not None and booking.customer_id == customer.pk else None
    if subject_type == SubjectType.EMERGENCY:
        from fairdesk.dispatch.selectors import urgent_by_reference

        urgent = urgent_by_reference(reference=reference)
        return urgent if urgent is not None and customer.phone and urgent.phone == customer.phone else None
    if not reference.isdigit() or len(reference) > 12:
        return None
    if subject_type == SubjectType.SUBSCRIPTION:
        from fairdesk.plans.selectors import subscription_of

        return subscription_of(customer=customer, subscription_id=int(reference))
    if subject_type == SubjectType.CONVERSATION:
        from fairdesk.support.selectors import conversation_for_customer

        return conversation_for_customer(customer=customer, conversation_id=int(reference))
    return None


def subject_history(complaint: Complaint) -> list:
    """The subject's own events (for a plan change: every quote and change of that subscription)."""
    subject = subject_of(
        customer=complaint.customer,
        subject_type=complaint.subject_type,
        reference=complaint.subject_reference,
    )
    if subject is None:
        return []
    subject_type = getattr(subject, "event_subject_type", "") or subject._meta.label_lower
    return list(events_for(subject_type=subject_type, subject_id=subject.pk))


def complaint_by_reference(reference: str) -> Complaint | None:
    return (
        Complaint.objects.select_related("customer")
        .filter(reference=(reference or "").strip().upper())
        .first()
    )


def complaint_for_customer(*, customer, reference: str) -> Complaint | None:
    complaint = complaint_by_reference(reference)
    return complaint if complaint is not None and complaint.customer_id == customer.pk else None


def complaints_of(*, customer) -> list[Complaint]:
    return list(Complaint.objects.filter(customer=customer).order_by("-received_at"))


def next_deadline(complaint: Complaint):
    """The deadline the case is working against now: the first contact until it happened, then the final
    response (its clock stopped while waiting for the customer)."""
    if complaint.first_contact_at is None:
        return min(complaint.first_contact_by, complaint.final_response_by)
    return complaint.final_response_by


def staff_queue() -> list[Complaint]:
    """Open complaints by their next deadline (then the time received): never by who the customer is."""
    rows = list(Complaint.objects.filter(status__in=OPEN))
    return sorted(rows, key=lambda c: (next_deadline(c), c.received_at, c.id))


def timeline(complaint: Complaint, *, staff: bool = False) -> list[dict]:
    """The case's events and messages in time order, for the customer's page, the console and the record."""
    items = [
        {"at": e.at, "kind": e.kind, "event": e, "message": None}
        for e in events_for(subject_type="complaints.complaint", subject_id=complaint.pk)
    ]
    items += [
        {"at": m.at, "kind": f"message.{m.kind}", "event": None, "message": m}
        for m in ComplaintMessage.objects.filter(complaint=complaint)
    ]
    return sorted(items, key=lambda i: (i["at"], 0 if i["event"] else 1))


def is_overdue(complaint: Complaint) -> bool:
    return complaint.status in OPEN and clock.now() > next_deadline(complaint)
