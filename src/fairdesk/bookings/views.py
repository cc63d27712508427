"""Customer booking pages, "my appointments" and the hotline console (emergencies are dispatch's pages).
Thin: they parse the form, call a service, and render; every rule lives in the services."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts import permissions, verification
from fairdesk.accounts.permissions import page_requires
from fairdesk.accounts.phone import mask_phone, normalize_phone
from fairdesk.accounts.selectors import user_by_phone
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.accounts.sessions import (
    page_actor,
    page_code_send,
    session_customer,
    session_resume,
    verified_phone,
    verify_session,
)
from fairdesk.bookings import console, selectors, services
from fairdesk.bookings.calendar import booking_ics
from fairdesk.bookings.learning import learning_links
from fairdesk.core import clock
from fairdesk.core.errors import DomainError
from fairdesk.core.models import IdempotencyRecord
from fairdesk.core.pages import error_page, form_id
from fairdesk.core.selectors import events_for
from fairdesk.notify.selectors import preference_for
from fairdesk.plans.selectors import price_with_benefits, subscription_active
from fairdesk.regions.services import coverage_lookup


def _days(station) -> list[dt.date]:
    """The days the station takes bookings for (its schedule's `days_ahead`)."""
    return selectors.booking_days(station=station)


def _day_links(days: list[dt.date], **params: str) -> list[tuple[dt.date, str]]:
    """Each day's link keeps what the person typed, encoded: an address with `#`, `&`, `?`, `%`, `+` or an
    emoji comes back exactly as it was (never glued into a query string by hand)."""
    return [(day, "?" + urlencode({**params, "date": day.isoformat()})) for day in days]


def _day(value: str | None, days: list[dt.date]) -> dt.date:
    """The chosen day when within `days` (the station's bookable days, read once a page), else the first."""
    try:
        chosen = dt.date.fromisoformat(value or "")
    except ValueError:
        return days[0]
    return chosen if days[0] <= chosen <= days[-1] else days[0]


# The fields of the booking form a re-shown page keeps (never in a URL: name and phone are personal data).
_KEPT = ("name", "phone", "code", "slot_id")


def _book_context(request, *, data, form: dict) -> dict:
    """Everything /book/ shows for what was typed: the chosen day's slots, the price (with this customer's
    plan benefit when their phone is verified), and the form as it was filled in."""
    address = data.get("address", "").strip()
    service_type = data.get("service_type", "")
    types = list(selectors.service_types_active().filter(emergency=False))
    context = {
        "address": address,
        "service_type": service_type,
        "service_types": types,
        "verified_phone": verified_phone(request),
        "form": form,
        "submission": uuid.uuid4().hex,  # one per page shown: a second tap of "确认预约" finds the first
    }
    if not (address and service_type):
        return context
    try:
        coverage, _resolution = coverage_lookup(address=address)
    except DomainError as exc:
        context["error"] = str(exc.message)
        return context
    context["coverage"] = coverage
    if coverage.covered:
        days = _days(coverage.station)
        day = _day(data.get("date") or data.get("shown_date"), days)
        slots = selectors.slots_open_for_day(station=coverage.station, day=day)
        context.update(
            day_links=_day_links(days, address=address, service_type=service_type),
            day=day,
            slots=slots,
            chosen_slot=form.get("slot_id") if form.get("slot_id") in {str(s.pk) for s in slots} else "",
            price=_price(request, next((t for t in types if t.code == service_type), None)),
        )
        if not slots:
            context["next_free"] = _next_free(coverage.station, day, context["day_links"])
    return context


def _price(request, service_type) -> dict | None:
    """What the visit costs, before booking: the list price, and for a verified plan holder what they pay."""
    if service_type is None:
        return None
    price = {"list_fen": service_type.price_estimate_fen, "you_pay_fen": None, "benefit": ""}
    customer = session_customer(request)
    if customer is not None:
        fen, benefit = price_with_benefits(
            customer=customer, price_fen=service_type.price_estimate_fen, emergency=service_type.emergency
        )
        if benefit:
            price.update(you_pay_fen=fen, benefit=benefit, discount_pct=benefit.partition(":")[2])
    return price


def book(request):
    """One page, filled in from top to bottom: address and service → day and slot → phone and code.

    GET shows it (a shareable link: address and service only). POST re-shows it with everything typed kept,
    never in the URL: another day (the day buttons), or "获取验证码" without JavaScript (`action=send_code`).
    With htmx the day buttons swap only the slot picker and the code button answers in place."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    data = request.POST if request.method == "POST" else request.GET
    form = {key: data.get(key, "") for key in _KEPT} if request.method == "POST" else {}
    context = _book_context(request, data=data, form=form)
    status = 200
    if request.method == "POST" and data.get("action") == "send_code":
        try:
            verification.phone_code_send(
                phone=data.get("phone", ""),
                client_ip=request.META.get("REMOTE_ADDR"),
                language=request.LANGUAGE_CODE,
            )
            context["code_sent"] = True
        except DomainError as exc:
            context["code_error"], status = str(exc.message), exc.status
    return render(request, "bookings/book.html", context, status=status)


def _next_free(station, day: dt.date, day_links: list[tuple[dt.date, str]]) -> dict:
    """The chosen day is full: the next day that is not, with its link when it is one of the shown days."""
    found = selectors.next_open_day(station=station, after=day)
    return {"day": found, "href": dict(day_links).get(found) if found else None}


@require_POST
def send_code(request):
    """htmx: send a one-time code to the phone typed in the form."""
    try:
        verification.phone_code_send(
            phone=request.POST.get("phone", ""),
            client_ip=request.META.get("REMOTE_ADDR"),
            language=request.LANGUAGE_CODE,
        )
    except DomainError as exc:
        return render(request, "bookings/_code_status.html", {"code_error": str(exc.message)})
    return render(request, "bookings/_code_status.html", {"code_sent": True})


_SUBMISSION = re.compile(r"[0-9a-f]{32}")
_SCOPE = "page:book"


def _fingerprint(data) -> str:
    parts = [data.get(key, "").strip() for key in ("phone", "code", "slot_id", "service_type", "address")]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _earlier_submission(request, key: str, fingerprint: str):
    """The booking a first tap of this very form made (a double tap, or a reload of the POST), else None.
    Waits while that first tap is still being worked on. The same phone and code as the first tap prove it
    is the same person, so this session is signed in as they were."""
    deadline = time.monotonic() + 10
    while True:
        record = IdempotencyRecord.objects.filter(scope=_SCOPE, key=key).first()
        if record is None or record.status_code or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    if record is None or record.status_code != 201 or record.fingerprint != fingerprint:
        return None
    booking = selectors.booking_by_reference(reference=record.body["reference"])
    if booking is not None and verified_phone(request) != booking.customer.phone:
        session_resume(request, booking.customer.phone)
    return booking


@require_POST
def book_confirm(request):
    """Book. A wrong code (or a slot taken meanwhile) shows the same page with the message in place and
    everything typed kept; a second submission of the same form shows the booking the first one made."""
    data = request.POST
    key = data.get("submission", "")
    fingerprint = _fingerprint(data)
    record = None
    if _SUBMISSION.fullmatch(key):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(scope=_SCOPE, key=key, fingerprint=fingerprint)
        except IntegrityError:
            booking = _earlier_submission(request, key, fingerprint)
            if booking is not None:
                return redirect("bookings:detail", reference=booking.reference)
    try:
        phone = verify_session(request, data.get("phone", ""), data.get("code", ""))
        customer = customer_get_or_create(phone=phone, name=data.get("name", ""))
        booking = services.booking_create(
            customer=customer,
            slot_id=form_id(data.get("slot_id")),
            service_type_code=data.get("service_type", ""),
            address=data.get("address", ""),
            contact_name=data.get("name", ""),
            actor=customer,
        )
    except DomainError as exc:
        if record is not None:
            record.delete()  # the person may correct it and send the same form again
        form = {key: data.get(key, "") for key in _KEPT}
        form["code"] = ""  # a wrong or used code is typed again
        context = _book_context(request, data=data, form=form)
        context["confirm_error"] = str(exc.message)
        return render(request, "bookings/book.html", context, status=exc.status)
    if record is not None:
        record.status_code, record.body = 201, {"reference": booking.reference}
        record.save(update_fields=["status_code", "body"])
    return redirect("bookings:detail", reference=booking.reference)


def _own_booking(request, reference: str, *, write: bool = False):
    """The booking if this person may see it (and change it, with `write`): its customer, or staff whose role
    reads (auditor) or acts for customers (agent, manager). Anyone else gets 404, an auditor's change 403."""
    booking = selectors.booking_by_reference(reference=reference)
    if booking is None:
        raise Http404
    try:
        permissions.check_customer_record(page_actor(request), booking.customer_id, write=write)
    except permissions.Forbidden as exc:
        raise PermissionDenied(str(exc.message)) from None
    except DomainError:
        raise Http404 from None
    return booking


def my_bookings(request):
    phone = verified_phone(request)
    if request.method == "POST" and request.POST.get("action") == "send_code":  # without JavaScript
        context, status = page_code_send(request)
        return render(request, "bookings/my.html", context, status=status)
    if request.method == "POST":  # sign in with phone + code
        try:
            verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
        except DomainError as exc:
            context = {"error": str(exc.message), "phone_input": request.POST.get("phone")}
            return render(request, "bookings/my.html", context)
        return redirect("bookings:my")
    if not phone:
        return render(request, "bookings/my.html", {})
    customer = session_customer(request)
    bookings = selectors.bookings_for_customer(customer_id=customer.pk) if customer else []
    context = {
        "bookings": bookings,
        "phone": mask_phone(phone),
        "customer": customer,
        "preference": preference_for(user=customer) if customer else None,
        "vapid_public_key": settings.FAIRDESK_VAPID_PUBLIC_KEY,
    }
    return render(request, "bookings/my.html", context)


def booking_detail(request, reference: str):
    booking = _own_booking(request, reference)
    context = {
        "booking": booking,
        "events": events_for(subject_type="bookings.booking", subject_id=booking.pk),
        "cancelling": bool(request.GET.get("cancel")),
        "rescheduled": bool(request.GET.get("rescheduled")),
        # Articles and courses for this service (registered by the apps that hold them); never a step.
        "learning": learning_links(
            service_type_code=booking.service_type.code, language=request.LANGUAGE_CODE
        )[:3],
    }
    if request.GET.get("reschedule"):
        # The picker opens on the booked day (not today, which may have nothing left), the current slot named
        # apart and never offered as a "change".
        booked_day = booking.slot.start.astimezone(clock.local_zone()).date().isoformat()
        days = _days(booking.station)
        day = _day(request.GET.get("date") or booked_day, days)
        day_links = _day_links(days, reschedule="1")
        open_slots = selectors.slots_open_for_day(station=booking.station, day=day)
        slots = [s for s in open_slots if s.pk != booking.slot_id]
        context.update(day_links=day_links, day=day, slots=slots, rescheduling=True)
        if not slots:
            context["next_free"] = _next_free(booking.station, day, day_links)
    return render(request, "bookings/detail.html", context)


@require_POST
def booking_cancel(request, reference: str):
    booking = _own_booking(request, reference, write=True)
    try:
        services.booking_cancel(
            reference=booking.reference,
            actor=page_actor(request),
            reason_code=request.POST.get("reason_code") or "customer_request",
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        return error_page(request, exc, back=reverse("bookings:detail", args=[booking.reference]))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)  # the hotline console returns to the caller's page
    return redirect("bookings:detail", reference=booking.reference)


@require_POST
def booking_reschedule(request, reference: str):
    booking = _own_booking(request, reference, write=True)
    try:
        services.booking_reschedule(
            reference=booking.reference,
            slot_id=form_id(request.POST.get("slot_id")),
            actor=page_actor(request),
        )
    except DomainError as exc:
        back = reverse("bookings:detail", args=[booking.reference]) + "?reschedule=1"
        return error_page(request, exc, back=back)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)  # the hotline console returns to the caller's page
    return redirect(reverse("bookings:detail", args=[booking.reference]) + "?rescheduled=1")


@require_GET
def booking_calendar(request, reference: str):
    booking = _own_booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fairdesk-{booking.reference}.ics"'
    return response


def _hotline_url(phone: str, **params: str) -> str:
    return reverse("bookings:hotline") + "?" + urlencode({"phone": phone, **params})


@page_requires(permissions.HOTLINE)
def hotline(request):
    """The agent's console: who is calling, their history, and the same booking rules as self-service."""
    phone_input = request.GET.get("phone", "").strip()
    context: dict = {"phone_input": phone_input, "panels": console.panels(request)}
    if phone_input:
        try:
            e164 = normalize_phone(phone_input)
        except ValidationError as exc:
            context["error"] = exc.messages[0]
            return render(request, "bookings/hotline.html", context)
        customer = user_by_phone(phone=e164)
        context.update(
            e164=e164,
            customer=customer,
            service_types=selectors.service_types_active().filter(emergency=False),
        )
        if customer:
            bookings = list(selectors.bookings_for_customer(customer_id=customer.pk))
            context.update(
                bookings=bookings,
                notes=selectors.call_notes_for(customer_id=customer.pk),
                plan=subscription_active(customer=customer),
            )
            # One booking's change on the phone: choose → confirm, as on the customer's own page.
            chosen = {b.reference: b for b in bookings if b.status == "confirmed"}
            cancelling = chosen.get(request.GET.get("cancel", ""))
            moving = chosen.get(request.GET.get("reschedule", ""))
            context.update(cancelling=cancelling, moving=moving)
            if moving is not None:
                booked_day = moving.slot.start.astimezone(clock.local_zone()).date().isoformat()
                days = _days(moving.station)
                day = _day(request.GET.get("date") or booked_day, days)
                day_links = _day_links(days, phone=e164, reschedule=moving.reference)
                slots = [
                    s
                    for s in selectors.slots_open_for_day(station=moving.station, day=day)
                    if s.pk != moving.slot_id
                ]
                context.update(move_day_links=day_links, move_day=day, move_slots=slots)
        address, service_type = request.GET.get("address", "").strip(), request.GET.get("service_type", "")
        if address and service_type:
            try:
                coverage, _resolution = coverage_lookup(address=address)
            except DomainError as exc:
                context["book_error"] = str(exc.message)
            else:
                context["coverage"] = coverage
                if coverage.covered:
                    days = _days(coverage.station)
                    day = _day(request.GET.get("date"), days)
                    context.update(
                        day_links=_day_links(days, phone=e164, address=address, service_type=service_type),
                        day=day,
                        slots=selectors.slots_open_for_day(station=coverage.station, day=day),
                    )
        context.update(address=address, service_type=service_type)
    return render(request, "bookings/hotline.html", context)


@page_requires(permissions.HOTLINE)
@require_POST
def hotline_book(request):
    data = request.POST
    back = _hotline_url(data.get("phone", ""))
    try:
        customer = permissions.acting_customer(request.user, data.get("phone", ""), write=True)
        booking = services.booking_create(
            customer=customer,
            slot_id=form_id(data.get("slot_id")),
            service_type_code=data.get("service_type", ""),
            address=data.get("address", ""),
            contact_name=data.get("name", ""),
            actor=request.user,
        )
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect(_hotline_url(booking.customer.phone, booked=booking.reference))


@page_requires(permissions.HOTLINE)
@require_POST
def hotline_note(request):
    try:
        customer = permissions.acting_customer(request.user, request.POST.get("phone", ""), write=True)
        services.call_note_add(customer=customer, agent=request.user, text=request.POST.get("text", ""))
    except DomainError as exc:
        return error_page(request, exc, back=_hotline_url(request.POST.get("phone", "")))
    return redirect(_hotline_url(customer.phone))
