from __future__ import annotations

import datetime as dt
import json
from html import escape
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fairdesk.accounts import permissions
from fairdesk.accounts.permissions import page_requires
from fairdesk.accounts.phone import mask_phone, phone_or_invalid
from fairdesk.bookings.selectors import service_types_active
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput
from fairdesk.core.pages import error_page, form_id
from fairdesk.core.selectors import events_for
from fairdesk.dispatch import selectors, services
from fairdesk.dispatch.models import (
    DocumentType,
    Job,
    JobStatus,
    ProofKind,
    Technician,
    UrgentRequest,
    UrgentStatus,
    VisitPlan,
    VisitStatus,
    WitnessRole,
)
from fairdesk.dispatch.planning import station_plan_day
from fairdesk.plans.selectors import plan_badges
from fairdesk.regions.geocoding import pin_map
from fairdesk.regions.models import Station


@page_requires(permissions.TECHNICIAN)
def technician_home(request):
    """The technician's phone page: today's jobs in order, one big button for the next step."""
    technician = selectors.technician_for_user(user=request.user)
    if technician is None:
        raise Http404

    jobs = selectors.jobs_for_technician(technician=technician)
    for job in jobs:
        job.masked_phone = mask_phone(job.urgent.phone)
        job.opening = selectors.job_requires_opening_record(job=job)  # 开锁登记 before done
        job.opening_done = job.opening and selectors.opening_record_exists(job=job)
    today = clock.now().astimezone(clock.local_zone()).date()
    visits = selectors.planned_visits_today(technician=technician, day=today)
    for visit in visits:
        visit.masked_phone = mask_phone(visit.booking.customer.phone)
        visit.opening = selectors.visit_requires_opening_record(visit=visit)
        visit.opening_done = visit.opening and selectors.opening_record_exists(visit=visit)
    badges = plan_badges(phones=[j.urgent.phone for j in jobs] + [v.booking.customer.phone for v in visits])
    for job in jobs:
        job.plan_badge = badges.get(job.urgent.phone, "")
    for visit in visits:
        visit.plan_badge = badges.get(visit.booking.customer.phone, "")
    stamp = "|".join(
        [f"j{j.pk}:{j.status}:{j.opening_done}" for j in jobs]
        + [f"v{v.pk}:{v.status}:{v.opening_done}" for v in visits]
    )
    if request.headers.get("HX-Request") and request.GET.get("v") == stamp:
        response = HttpResponse(status=204)  # nothing new: the page (and what is being typed) stays
        patch_vary_headers(response, ["HX-Request"])
        return response
    response = render(
        request,
        "dispatch/technician.html",
        {
            "technician": technician,
            "jobs": jobs,
            "visits": visits,
            "colleagues": selectors.colleagues_of(technician=technician),
            "status_label": selectors.technician_status_labels(technicians=[technician])[technician.pk],
            "stamp": stamp,
            "poll_seconds": settings.FAIRDESK_STATUS_POLL_SECONDS,
            "opening_recorded": request.GET.get("opening") == "recorded",
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@page_requires(permissions.TECHNICIAN)
@require_POST
def visit_action(request, visit_id: int):
    to = request.POST.get("action", "")
    if to not in {VisitStatus.EN_ROUTE, VisitStatus.ON_SITE, VisitStatus.DONE}:
        raise Http404
    try:
        services.visit_advance(visit_id=visit_id, actor=request.user, to=to)
    except services.OpeningRecordRequired as exc:
        return _opening_required(request, exc, reverse("dispatch:visit_opening", args=[visit_id]))
    except DomainError as exc:
        return error_page(request, exc, back="/tech/")
    return redirect("dispatch:technician")


def _opening_required(request, exc, form_url: str):
    """Done refused until the opening record exists: the message where the technician was, and the way to
    the form."""
    context = {"error": str(exc.message), "back": form_url, "back_label": _("填写开锁登记")}
    return render(request, "core/error.html", context, status=exc.status)


NEXT = {"accept": None, "en_route": JobStatus.EN_ROUTE, "on_site": JobStatus.ON_SITE, "done": JobStatus.DONE}


@page_requires(permissions.TECHNICIAN)
@require_POST
def job_action(request, job_id: int):
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.job_accept(job_id=job_id, actor=request.user)
        elif action == "decline":
            reason = request.POST.get("reason", "").strip()
            if request.POST.get("confirm") != "1" or not reason:  # a decline is confirmed, with its reason
                raise InvalidInput(_("请填写拒绝原因，再点“确认拒绝”。"), code="decline_unconfirmed")
            services.job_decline(job_id=job_id, actor=request.user, reason=reason)
        elif action in NEXT:
            services.job_advance(job_id=job_id, actor=request.user, to=NEXT[action])
        else:
            raise Http404
    except services.OpeningRecordRequired as exc:
        return _opening_required(request, exc, reverse("dispatch:job_opening", args=[job_id]))
    except DomainError as exc:
        return error_page(request, exc, back="/tech/")
    return redirect("dispatch:technician")


@page_requires(permissions.TECHNICIAN)
@require_POST
def job_note(request, job_id: int):
    try:
        services.job_note_add(
            job_id=job_id,
            actor=request.user,
            text=request.POST.get("text", ""),
            photo=request.FILES.get("photo"),
        )
    except DomainError as exc:
        return error_page(request, exc, back="/tech/")
    return redirect("dispatch:technician")


@page_requires(permissions.TECHNICIAN)
@require_POST
def job_handover(request, job_id: int):
    colleague = Technician.objects.filter(pk=form_id(request.POST.get("to"))).first()
    if colleague is None:
        raise Http404
    try:
        services.job_handover(
            job_id=job_id, actor=request.user, to=colleague, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        return error_page(request, exc, back="/tech/")
    return redirect("dispatch:technician")


@page_requires(permissions.TECHNICIAN)
@require_POST
def position(request):
    technician = selectors.technician_for_user(user=request.user)
    try:
        services.technician_position(
            technician=technician,
            lat=float(request.POST["lat"]),
            lng=float(request.POST["lng"]),
            actor=request.user,
        )
    except (KeyError, ValueError, DomainError):
        return error_page(request, _("位置无效。"), back="/tech/")
    return redirect("dispatch:technician")


def _timeline_svg(rows, day_start) -> str:
    """One row per technician between 08:00 and 20:00: travel to each visit as a thin striped bar, the visit
    as a full bar (coloured by its status), waiting time as the gaps between."""
    width, row_h, left = 720, 34, 90
    span = 12 * 60
    label = escape(_("技师时间线：每位技师的路程、上门和空闲时间"))  # the picture's text alternative (axe)
    height = row_h * max(len(rows), 1) + 24
    # Drawn at its own width (720 px: labels stay 11 px on a phone) in a box that scrolls sideways.
    parts = [
        f'<div class="scroll-x" tabindex="0" role="region" aria-label="{label}">'
        f'<svg class="timeline-svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}">'
    ]
    for hour in range(8, 21, 2):
        x = left + (hour - 8) * 60 / span * (width - left)
        parts.append(
            f'<line x1="{x:.0f}" y1="0" x2="{x:.0f}" y2="{row_h * len(rows)}" class="grid"/>'
            f'<text x="{x:.0f}" y="{row_h * len(rows) + 16}" class="tick">{hour:02d}:00</text>'
        )
    for row, (tech, plans) in enumerate(rows):
        y = row * row_h
        parts.append(f'<text x="4" y="{y + 21}" class="who">{escape(tech.user.name)}</text>')
        scale = (width - left) / span
        for plan in plans:
            start = (plan.planned_start - day_start).total_seconds() / 60 - 8 * 60
            length = plan.booking.service_type.duration_minutes
            if plan.travel_minutes:
                travel_start = max(start - plan.travel_minutes, 0)
                parts.append(
                    f'<rect x="{left + travel_start * scale:.1f}" y="{y + 13}" '
                    f'width="{max((start - travel_start) * scale, 1):.1f}" height="8" class="travel">'
                    f"<title>{escape(_('路上'))} {plan.travel_minutes:.0f} {escape(_('分钟'))}</title></rect>"
                )
            label = escape(
                f"{plan.booking.reference} {plan.planned_start.astimezone(day_start.tzinfo):%H:%M} "
                f"{plan.get_status_display()}"
            )
            parts.append(
                f'<rect x="{left + max(start, 0) * scale:.1f}" y="{y + 6}" '
                f'width="{max(length * scale, 3):.1f}" height="{row_h - 12}" class="visit {plan.status}">'
                f"<title>{label}</title></rect>"
            )
    parts.append("</svg></div>")
    return "".join(parts)


def _map_points(technicians, visits, urgent) -> list[tuple]:
    """(lat, lng, kind, label, approximate): technicians, planned visits and open emergencies at their stored
    points (a visit or emergency without one at its division's centre, approximate)."""
    points = [(t.lat, t.lng, "tech", t.user.name, False) for t in technicians]
    points += [(*p.booking.point, "visit", p.booking.reference, p.booking.approximate) for p in visits]
    points += [(*u.point, "urgent", u.reference, u.approximate) for u in urgent]
    return [p for p in points if p[0] is not None]


def _map_json(points) -> str:
    return json.dumps(
        [{"lat": p[0], "lng": p[1], "kind": p[2], "label": p[3], "approximate": p[4]} for p in points],
        ensure_ascii=False,
    )


def _map_svg(points) -> str:
    """Technicians (blue), planned visits (green) and open emergencies (orange) around a station, to scale:
    the map without JavaScript (board_map.js puts a Leaflet map with tiles in its place)."""
    points = [p for p in points if p[0] is not None]
    if not points:
        return ""
    lats, lngs = [p[0] for p in points], [p[1] for p in points]
    pad = 0.05
    south, north, west, east = min(lats) - pad, max(lats) + pad, min(lngs) - pad, max(lngs) + pad
    size = 320
    scale = size / max(north - south, east - west)
    parts = [f'<svg class="board-map" viewBox="0 0 {size} {size}" role="img" aria-label="map">']
    for n, (lat, lng, kind, label, _approximate) in enumerate(points):
        x, y = (lng - west) * scale, (north - lat) * scale
        jitter = (n % 5) * 2  # visits in one district share its centre
        parts.append(
            f'<circle cx="{x + jitter:.1f}" cy="{y + jitter:.1f}" r="6" class="{kind}">'
            f"<title>{escape(label)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


@page_requires(permissions.DISPATCH)
def board(request):
    """The dispatcher's board: urgent requests waiting on top (escalated ones first, marked, with a sound),
    then a station's day per technician. Without ?station it opens on the station with waiting emergencies.
    htmx asks for the urgent part again every poll (`?part=urgent&v=` the version shown: 204 when nothing
    changed, so a technician being chosen is never swapped away)."""
    zone = clock.local_zone()
    today = clock.now().astimezone(zone).date()
    try:
        day = dt.date.fromisoformat(request.GET.get("day", "")) if request.GET.get("day") else today
    except ValueError:
        day = today
    if abs((day - today).days) > 366:  # the board plans days, not centuries (and year 9999 overflows)
        day = today
    waiting = list(selectors.urgent_waiting()[:30])
    stamp = "|".join(f"{u.reference}:{u.status}:{int(u.escalated_at is not None)}" for u in waiting)
    if (
        request.GET.get("part") == "urgent"
        and request.headers.get("HX-Request")
        and request.GET.get("v") == stamp
    ):
        response = HttpResponse(status=204)
        patch_vary_headers(response, ["HX-Request"])
        return response
    now = clock.now()
    for u in waiting:
        u.candidates = selectors.urgent_candidates(urgent=u)
        u.waited_minutes = int((now - u.created_at).total_seconds() // 60)
    sent = {t.pk: t for u in waiting for t, _eta in u.candidates}
    labels = selectors.technician_status_labels(technicians=list(sent.values())) if sent else {}
    for u in waiting:
        for tech, _eta in u.candidates:
            tech.status_label = labels.get(tech.pk, "")  # "已接单，待出发" rather than "空闲" with a job
    stations = Station.objects.filter(technician__isnull=False).distinct().order_by("name")
    station = stations.filter(pk=form_id(request.GET.get("station"))).first()
    if station is None and not request.GET.get("station"):
        busy = [u.station_id for u in waiting if u.station_id]  # escalated first, then the oldest
        station = stations.filter(pk=busy[0]).first() if busy else None
    station = station or stations.first()
    rows = selectors.station_day(station=station, day=day) if station else []
    day_start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    map_points = _map_points(
        [t for t, _p in rows],
        [p for _t, plans in rows for p in plans],
        [u for u in waiting if station and u.station_id == station.pk],
    )
    context = {
        "stations": stations,
        "station": station,
        "day": day,
        "rows": rows,
        "timeline": _timeline_svg(rows, day_start) if rows else "",
        "map": _map_svg(map_points),
        "map_points": _map_json(map_points),
        "tiles": pin_map(point=None),
        "urgent": waiting,
        "escalated": [u.reference for u in waiting if u.escalated_at],
        "stamp": stamp,
        "poll_seconds": settings.FAIRDESK_STATUS_POLL_SECONDS,
        "summary": request.GET.get("planned"),
    }
    response = render(request, "dispatch/board.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page_requires(permissions.DISPATCH)
@require_POST
def board_plan(request):
    station = Station.objects.filter(pk=form_id(request.POST.get("station"))).first()
    try:
        day = dt.date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        raise Http404 from None
    if station is None or abs((day - clock.now().astimezone(clock.local_zone()).date()).days) > 366:
        raise Http404
    summary = station_plan_day(station=station, day=day, seconds=2, actor=request.user)
    return redirect(f"/dispatch/?station={station.pk}&day={day.isoformat()}&planned={summary['planned']}")


@page_requires(permissions.DISPATCH)
@require_POST
def board_assign(request):
    urgent = selectors.urgent_by_reference(reference=request.POST.get("reference", ""))
    technician = Technician.objects.filter(pk=form_id(request.POST.get("technician"))).first()
    if urgent is None or technician is None:
        raise Http404
    services.urgent_override(urgent=urgent, technician=technician, actor=request.user)
    return redirect("dispatch:board")


def help_now(request):
    """Need help now: no sign-in, no code; a queued request is offered to a technician at once."""
    kinds = service_types_active().filter(emergency=True)
    if request.method == "POST":
        try:
            urgent = services.urgent_request_create(
                phone=request.POST.get("phone", ""),
                address=request.POST.get("address", ""),
                description=request.POST.get("description", ""),
                contact_name=request.POST.get("name", ""),
                client_ip=request.META.get("REMOTE_ADDR"),
                service_type_code=request.POST.get("service_type", "")[:40],
                lat=request.POST.get("lat"),
                lng=request.POST.get("lng"),
            )
        except DomainError as exc:
            pin = pin_map(point=None, lat=request.POST.get("lat", ""), lng=request.POST.get("lng", ""))
            context = {"error": str(exc.message), "form": request.POST, "kinds": kinds, "pin": pin}
            return render(request, "dispatch/help_now.html", context)
        if urgent.status == UrgentStatus.QUEUED:  # a held one waits for an agent's call (urgent_confirm)
            skill = urgent.service_type.skill if urgent.service_type else "locks"
            services.urgent_assign(urgent=urgent, skill=skill)  # at once: the next page shows the promise
        return redirect("dispatch:urgent", reference=urgent.reference)
    return render(request, "dispatch/help_now.html", {"form": {}, "kinds": kinds, "pin": pin_map(point=None)})


def _urgent_stage(urgent: UrgentRequest, job) -> tuple[str, str]:
    """(code, label) of the stage the customer is at; the same stage the timeline's last entry names."""
    if job is not None:
        if job.status == JobStatus.OFFERED:
            return "offered", _("已派给技师，等待接单")
        return job.status, job.get_status_display()
    if urgent.status == UrgentStatus.CLOSED:
        return "closed", _("已完成")
    if urgent.status == UrgentStatus.HELD:
        return "held", urgent.get_status_display()
    return "searching", _("正在为您寻找技师")


def urgent_status(request, reference: str):
    """The customer's emergency page. htmx asks for its live part again every 15 s (`?v=` the version it
    shows: 204 when nothing changed) and stops once the request is finished; without JavaScript a link
    reloads it (no meta-refresh: screen readers announce it as a sudden reload)."""
    urgent = selectors.urgent_by_reference(reference=reference)
    if urgent is None:
        raise Http404
    events = list(events_for(subject_type=UrgentRequest.event_subject_type, subject_id=urgent.pk))
    job = selectors.current_job_for_urgent(urgent=urgent)
    code, label = _urgent_stage(urgent, job)
    finished = urgent.status == UrgentStatus.CLOSED or (job is not None and job.status == JobStatus.DONE)
    context = {
        "urgent": urgent,
        "events": events,
        "job": job,
        "promise": services.PROMISE_MINUTES,
        "stage": {"code": code, "label": label},
        "finished": finished,
        "poll_seconds": settings.FAIRDESK_STATUS_POLL_SECONDS,
    }
    position_at = None
    if job is not None:
        context["technician_phone"] = mask_phone(job.technician.user.phone)
        live = selectors.live_eta(job=job)
        if live is not None:
            context["eta"], position_at = live
            context["eta_basis"] = "position"
            context["live_position_at"] = position_at
        else:
            context["eta"], context["eta_basis"] = job.promised_at, "dispatch"
    last_event = events[-1].pk if events else 0
    stamp = f"{code}-{last_event}-{int(position_at.timestamp()) if position_at else 0}"
    context["stamp"] = stamp
    if request.headers.get("HX-Request"):
        response = (
            HttpResponse(status=204)
            if request.GET.get("v") == stamp
            else render(request, "dispatch/_urgent_live.html", context)
        )
    else:
        response = render(request, "dispatch/urgent.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def hotline_urgent_panel(request) -> str:
    """The hotline console's emergencies (registered with bookings.console in DispatchConfig.ready): those
    waiting for dispatch, and the caller's own when the console has a phone."""
    urgent = selectors.urgent_open()[:20]
    caller = []
    try:
        e164 = phone_or_invalid(request.GET.get("phone", "")) if request.GET.get("phone") else ""
    except DomainError:
        e164 = ""  # the console itself says what is wrong with the number
    if e164 and permissions.has(request.user, permissions.READ_CUSTOMERS):
        caller = selectors.urgent_for_phone(phone=e164)
    context = {"urgent": urgent, "caller_urgent": caller, "e164": e164}
    return render_to_string("dispatch/_hotline_urgent.html", context, request=request)


@page_requires(permissions.CONFIRM_EMERGENCY)
@require_POST
def hotline_urgent_confirm(request, reference: str):
    """An agent called back a held emergency and found it genuine: it goes to dispatch now. Back to the
    hotline console (a dispatcher, who may confirm too but has no console, to the dispatch board)."""
    on_hotline = permissions.has(request.user, permissions.HOTLINE)
    console = reverse("bookings:hotline") if on_hotline else reverse("dispatch:board")
    try:
        urgent = services.urgent_confirm(reference=reference, actor=request.user)
    except DomainError as exc:
        return error_page(request, exc, back=console)
    services.urgent_assign(urgent=urgent)
    return redirect(console + "?" + urlencode({"confirmed": urgent.reference}))


# ------------------------------------------------------------------------------ lawful opening (开锁登记)


def _opening_work(request, *, job_id=None, visit_id=None):
    """The technician's own opening job or visit (someone else's is "not found")."""
    if job_id is not None:
        job = Job.objects.select_related("urgent__service_type", "urgent__station", "technician").filter(
            pk=job_id
        )
        work = job.first()
        owner = work.technician.user_id if work else None
    else:
        work = (
            VisitPlan.objects.select_related("booking__service_type", "booking__slot__station", "technician")
            .filter(pk=visit_id)
            .first()
        )
        owner = work.technician.user_id if work else None
    if work is None or not permissions.may_work_job(request.user, owner):
        raise Http404
    return work


def _opening_form(request, *, job_id=None, visit_id=None):
    work = _opening_work(request, job_id=job_id, visit_id=visit_id)
    if job_id is not None:
        station = work.urgent.station or work.technician.station
        reference, service_type = work.urgent.reference, work.urgent.service_type
        existing = selectors.opening_record_exists(job=work)
    else:
        station = work.booking.slot.station
        reference, service_type = work.booking.reference, work.booking.service_type
        existing = selectors.opening_record_exists(visit=work)
    rule = selectors.opening_rule_for(province_code=station.division.province_code)
    context = {
        "work": work,
        "reference": reference,
        "service_type": service_type,
        "rule": rule,
        "existing": existing,
        "document_types": DocumentType.choices,
        "proof_kinds": ProofKind.choices,
        "witness_roles": WitnessRole.choices,
        "form": {},
    }
    status = 200
    if request.method == "POST" and not existing:
        try:
            services.opening_record_create(
                job_id=job_id,
                visit_id=visit_id,
                actor=request.user,
                document_type=request.POST.get("document_type", ""),
                document_last4=request.POST.get("document_last4", "")[:64],
                proof_kind=request.POST.get("proof_kind", ""),
                proof_photo=request.FILES.get("proof_photo"),
                witness_role=request.POST.get("witness_role", ""),
                witness_name=request.POST.get("witness_name", ""),
                witness_phone=request.POST.get("witness_phone", "")[:32],
                technician_confirmed=request.POST.get("confirmed") == "1",
            )
        except DomainError as exc:
            # What was typed comes back, except the document number: it is never shown again (it may be a
            # full number the rule refused) and the photo must be taken again.
            form = {k: request.POST.get(k, "") for k in ("document_type", "proof_kind", "witness_role")}
            form |= {k: request.POST.get(k, "")[:40] for k in ("witness_name", "witness_phone")}
            context |= {"error": str(exc.message), "form": form}
            status = exc.status
        else:
            return redirect(reverse("dispatch:technician") + "?opening=recorded")
    return render(request, "dispatch/opening_form.html", context, status=status)


@page_requires(permissions.TECHNICIAN)
def job_opening(request, job_id: int):
    """The opening record (开锁登记) of an emergency job, on the technician's phone, before done."""
    return _opening_form(request, job_id=job_id)


@page_requires(permissions.TECHNICIAN)
def visit_opening(request, visit_id: int):
    """The opening record of a booked opening visit."""
    return _opening_form(request, visit_id=visit_id)


@page_requires(permissions.READ_OPENING_RECORDS)
def opening_records(request):
    """Auditors and managers read the opening records still kept (never edited; purged after keep_until)."""
    records = selectors.opening_records_list()
    for record in records:
        record.masked_witness_phone = mask_phone(record.witness_phone) if record.witness_phone else ""
    return render(request, "dispatch/opening_records.html", {"records": records})
