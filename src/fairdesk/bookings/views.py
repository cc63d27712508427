"""Customer booking pages, "my appointments", emergencies and the hotline console. Thin: they parse the form,
call a service, and render; every rule lives in the services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required, user_passes_test
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts import verification
from fairdesk.accounts.models import Role
from fairdesk.accounts.phone import mask_phone, normalize_phone
from fairdesk.accounts.selectors import user_by_phone
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.accounts.sessions import verified_phone, verify_session
from fairdesk.bookings import selectors, services
from fairdesk.bookings.calendar import booking_ics
from fairdesk.core.errors import DomainError
from fairdesk.core.selectors import events_for
from fairdesk.regions.services import coverage_lookup

def _days(station) -> list[dt.date]:
    """The days the station takes bookings for (its schedule's `days_ahead`)."""
    return selectors.booking_days(station=station)


def _day(value: str | None, station) -> dt.date:
    days = _days(station)
    try:
        chosen = dt.date.fromisoformat(value or "")
    except ValueError:
        return days[0]
    return chosen if days[0] <= chosen <= days[-1] else days[0]


@require_GET
def book(request):
    """One page, filled in from top to bottom: address and service → day and slot → phone and code."""
    address = request.GET.get("address", "").strip()
    service_type = request.GET.get("service_type", "")
    context = {
        "address": address,
        "service_type": service_type,
        "service_types": selectors.service_types_active().filter(emergency=False),
        "verified_phone": verified_phone(request),
    }
    if address and service_type:
        try:
            coverage, _resolution = coverage_lookup(address=address)
        except DomainError as exc:
            context["error"] = str(exc.message)
            return render(request, "bookings/book.html", context)
        context["coverage"] = coverage
        if coverage.covered:
            day = _day(request.GET.get("date"), coverage.station)
            context.update(
                days=_days(coverage.station),
                day=day,
                slots=selectors.slots_open_for_day(station=coverage.station, day=day),
            )
    return render(request, "bookings/book.html", context)


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
        return render(request, "bookings/_code_status.html", {"error": str(exc.message)})
    return render(request, "bookings/_code_status.html", {"sent": True})


@require_POST
def book_confirm(request):
    data = request.POST
    try:
        phone = verify_session(request, data.get("phone", ""), data.get("code", ""))
        customer = customer_get_or_create(phone=phone, name=data.get("name", ""))
        booking = services.booking_create(
            customer=customer,
            slot_id=int(data.get("slot_id") or 0),
            service_type_code=data.get("service_type", ""),
            address=data.get("address", ""),
            contact_name=data.get("name", ""),
            actor=customer,
        )
    except DomainError as exc:
        message = str(exc.message)
        query = request.POST.copy()
        for key in ("csrfmiddlewaretoken", "code"):
            query.pop(key, None)
        context = {"error": message, "back": reverse("bookings:book") + "?" + query.urlencode()}
        return render(
            request, "bookings/error.html", context, status=409 if "full" in getattr(exc, "code", "") else 422
        )
    return redirect("bookings:detail", reference=booking.reference)


def _own_booking(request, reference: str):
    booking = selectors.booking_by_reference(reference=reference)
    phone = verified_phone(request)
    is_staff = request.user.is_authenticated and request.user.is_staff
    if booking is None or not (is_staff or (phone and booking.customer.phone == phone)):
        raise Http404
    return booking


def my_bookings(request):
    phone = verified_phone(request)
    if request.method == "POST":  # sign in with phone + code
        try:
            verify_session(request, request.POST.get("phone", ""), request.POST.get("code", ""))
        except DomainError as exc:
            context = {"error": str(exc.message), "phone_input": request.POST.get("phone")}
            return render(request, "bookings/my.html", context)
        return redirect("bookings:my")
    if not phone:
        return render(request, "bookings/my.html", {})
    from fairdesk.notify.selectors import preference_for

    customer = user_by_phone(phone=phone)
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
    }
    if request.GET.get("reschedule"):
        day = _day(request.GET.get("date"), booking.station)
        context.update(
            days=_days(booking.station),
            day=day,
            slots=[
                s
                for s in selectors.slots_open_for_day(station=booking.station, day=day)
                if s.pk != booking.slot_id
            ],
            rescheduling=True,
        )
    return render(request, "bookings/detail.html", context)


def _actor(request, booking):
    if request.user.is_authenticated and request.user.is_staff:
        return request.user
    return booking.customer


@require_POST
def booking_cancel(request, reference: str):
    booking = _own_booking(request, reference)
    try:
        services.booking_cancel(
            reference=booking.reference, actor=_actor(request, booking), reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return render(request, "bookings/error.html", {"error": str(exc.message)}, status=409)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect(target)  # the hotline console returns to the caller's page
    return redirect("bookings:detail", reference=booking.reference)


@require_POST
def booking_reschedule(request, reference: str):
    booking = _own_booking(request, reference)
    try:
        services.booking_reschedule(
            reference=booking.reference,
            slot_id=int(request.POST.get("slot_id") or 0),
            actor=_actor(request, booking),
        )
    except DomainError as exc:
        back = reverse("bookings:detail", args=[booking.reference]) + "?reschedule=1"
        return render(request, "bookings/error.html", {"error": str(exc.message), "back": back}, status=409)
    return redirect("bookings:detail", reference=booking.reference)


@require_GET
def booking_calendar(request, reference: str):
    booking = _own_booking(request, reference)
    response = HttpResponse(booking_ics(booking), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="fairdesk-{booking.reference}.ics"'
    return response


def help_now(request):
    if request.method == "POST":
        try:
            urgent = services.urgent_request_create(
                phone=request.POST.get("phone", ""),
                address=request.POST.get("address", ""),
                description=request.POST.get("description", ""),
                contact_name=request.POST.get("name", ""),
            )
        except DomainError as exc:
            return render(
                request, "bookings/help_now.html", {"error": str(exc.message), "form": request.POST}
            )
        from fairdesk.dispatch.services import urgent_assign

        urgent_assign(urgent=urgent)  # at once: the customer sees the promise on the next page
        return redirect("bookings:urgent", reference=urgent.reference)
    return render(request, "bookings/help_now.html", {"form": {}})


def urgent_status(request, reference: str):
    urgent = selectors.urgent_by_reference(reference=reference)
    if urgent is None:
        raise Http404
    from fairdesk.dispatch.selectors import current_job_for_urgent, live_eta
    from fairdesk.dispatch.services import PROMISE_MINUTES

    events = events_for(subject_type="bookings.urgentrequest", subject_id=urgent.pk)
    job = current_job_for_urgent(urgent=urgent)
    context = {"urgent": urgent, "events": events, "job": job, "promise": PROMISE_MINUTES}
    if job is not None:
        context["technician_phone"] = mask_phone(job.technician.user.phone)
        live = live_eta(job=job)
        if live is not None:
            context["live_arrival"], context["live_position_at"] = live
    return render(request, "bookings/urgent.html", context)


def _is_agent(user) -> bool:
    return (
        user.is_authenticated and user.is_active and user.role in {Role.AGENT, Role.DISPATCHER, Role.MANAGER}
    )


@login_required(login_url="/admin/login/")
@user_passes_test(_is_agent, login_url="/admin/login/")
def hotline(request):
    """The agent's console: who is calling, their history, and the same booking rules as self-service."""
    phone_input = request.GET.get("phone", "").strip()
    context: dict = {"phone_input": phone_input, "urgent": selectors.urgent_open()[:20]}
    if phone_input:
        from django.core.exceptions import ValidationError

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
            context.update(
                bookings=selectors.bookings_for_customer(customer_id=customer.pk),
                notes=selectors.call_notes_for(customer_id=customer.pk),
            )
        address, service_type = request.GET.get("address", "").strip(), request.GET.get("service_type", "")
        if address and service_type:
            try:
                coverage, _resolution = coverage_lookup(address=address)
            except DomainError as exc:
                context["book_error"] = str(exc.message)
            else:
                context["coverage"] = coverage
                if coverage.covered:
                    day = _day(request.GET.get("date"), coverage.station)
                    context.update(
                        days=_days(coverage.station),
                        day=day,
                        slots=selectors.slots_open_for_day(station=coverage.station, day=day),
                    )
        context.update(address=address, service_type=service_type)
    return render(request, "bookings/hotline.html", context)


@login_required(login_url="/admin/login/")
@user_passes_test(_is_agent, login_url="/admin/login/")
@require_POST
def hotline_book(request):
    data = request.POST
    back = reverse("bookings:hotline") + "?phone=" + data.get("phone", "")
    try:
        customer = customer_get_or_create(
            phone=data.get("phone", ""), name=data.get("name", ""), actor=request.user
        )
        booking = services.booking_create(
            customer=customer,
            slot_id=int(data.get("slot_id") or 0),
            service_type_code=data.get("service_type", ""),
            address=data.get("address", ""),
            contact_name=data.get("name", ""),
            actor=request.user,
        )
    except DomainError as exc:
        return render(request, "bookings/error.html", {"error": str(exc.message), "back": back}, status=409)
    return redirect(back + "&booked=" + booking.reference)


@login_required(login_url="/admin/login/")
@user_passes_test(_is_agent, login_url="/admin/login/")
@require_POST
def hotline_note(request):
    customer = customer_get_or_create(phone=request.POST.get("phone", ""), actor=request.user)
    try:
        services.call_note_add(customer=customer, agent=request.user, text=request.POST.get("text", ""))
    except DomainError as exc:
        return render(request, "bookings/error.html", {"error": str(exc.message)}, status=422)
    return redirect(reverse("bookings:hotline") + "?phone=" + customer.phone)
