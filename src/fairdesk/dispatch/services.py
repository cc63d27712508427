"""Emergency dispatch use cases: assign at once, accept or decline, re-assign on silence, move through the
job's states. Every change is an Event; the customer's status page and the on-time rate read them."""

from __future__ import annotations

import datetime as dt
import io
import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairdesk.accounts import permissions
from fairdesk.accounts.models import Role, User
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.accounts.services import DEMO_PASSWORD, staff_create
from fairdesk.bookings.errors import IllegalTransition, NotCovered
from fairdesk.bookings.models import BookingStatus
from fairdesk.bookings.selectors import slots_future
from fairdesk.bookings.services import booking_complete, reference_new, service_type_get, slot_capacities_set
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.services import event_record
from fairdesk.dispatch import assignment, events, messages, selectors
from fairdesk.dispatch.models import (
    JOB_TRANSITIONS,
    URGENT_TRANSITIONS,
    VISIT_TRANSITIONS,
    DocumentType,
    Job,
    JobNote,
    JobStatus,
    OpeningRecord,
    ProofKind,
    Shift,
    Technician,
    TechStatus,
    UrgentRequest,
    UrgentStatus,
    VisitPlan,
    VisitStatus,
    WitnessRole,
)
from fairdesk.dispatch.travel import DEFAULT_TRAVEL, travel_estimate, travel_provider
from fairdesk.notify.services import message_schedule
from fairdesk.regions.geocoding import address_geocode, customer_point
from fairdesk.regions.models import Station
from fairdesk.regions.services import coverage_lookup

PROMISE_MINUTES = 30
_OPENING_REQUIRED_MESSAGE = gettext_lazy(
    "这是开锁/开保险柜工单：请先完成开锁登记（核验证件、居住或所有权证明），再标记完成。"
)
TYPICAL_JOB = selectors.TYPICAL_JOB
ACTIVE = [JobStatus.OFFERED, JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE]


class IllegalJobTransition(DomainError):
    code = "illegal_transition"
    status = 409


class OpeningRecordRequired(DomainError):
    """An opening job (a lock or a safe opened for someone) is done only after its opening record."""

    code = "opening_record_required"
    status = 409


def _minutes(moment: dt.datetime, origin: dt.datetime) -> float:
    return (moment - origin).total_seconds() / 60.0


REACH_DEGREES = selectors.REACH_DEGREES
_index = selectors.technician_index  # the technicians on shift near a request, in the assignment grid index


# Emergencies are never refused for coming too often: over either limit the request is stored but HELD for a
# hotline agent to call back and confirm (no technician offer, no SMS until then). A flood from one phone or
# one address reaches a person instead of every technician nearby.
URGENT_LIMIT_WINDOW = dt.timedelta(hours=1)
URGENT_LIMIT_PER_PHONE = 3
URGENT_LIMIT_PER_ADDRESS = 5  # generous: carrier NAT puts many phones behind one address


@transaction.atomic
def urgent_request_create(
    *,
    phone: str,
    address: str,
    description: str = "",
    contact_name: str = "",
    client_ip: str | None = None,
    service_type_code: str = "",
    lat=None,
    lng=None,
) -> UrgentRequest:
    """Queue an emergency at once (or hold it for a person to confirm, over a limit). Coverage is checked (an
    uncovered address gets the national hotline)."""
    e164 = phone_or_invalid(phone)
    try:
        validate_ipv46_address(client_ip or "")
    except ValidationError:
        client_ip = None
    service_type = None
    if service_type_code:
        service_type = service_type_get(service_type_code)
        if not service_type.emergency:
            raise InvalidInput(_("请选择一种紧急服务，或留空。"), code="not_an_emergency_type")
    coverage, _resolution = coverage_lookup(address=address)
    if not coverage.covered:
        raise NotCovered(_("这个地址暂不在服务范围内，请拨打 24 小时热线。"))
    point = customer_point(lat, lng) or address_geocode(address=address, division=coverage.division)
    since = clock.now() - URGENT_LIMIT_WINDOW
    recent = UrgentRequest.objects.filter(created_at__gte=since)
    held_reason = ""
    if recent.filter(phone=e164).count() >= URGENT_LIMIT_PER_PHONE:
        held_reason = "phone"
    elif client_ip and recent.filter(client_ip=client_ip).count() >= URGENT_LIMIT_PER_ADDRESS:
        held_reason = "address"
    request = UrgentRequest.objects.create(
        reference=reference_new(),
        phone=e164,
        contact_name=contact_name.strip()[:64],
        address=address.strip()[:200],
        description=description.strip()[:300],
        division=coverage.division,
        station=coverage.station,
        service_type=service_type,
        client_ip=client_ip,
        status=UrgentStatus.HELD if held_reason else UrgentStatus.QUEUED,
        held_reason=held_reason,
        lat=point.lat,
        lng=point.lng,
        precision=point.precision,
        source=point.source,
    )
    event_record(
        kind=events.URGENT_CREATED,
        subject=request,
        actor_label="customer",
        payload={"old_status": None, "new_status": request.status, "station": request.station_id},
    )
    if held_reason:
        event_record(
            kind=events.URGENT_HELD,
            subject=request,
            actor_label="system",
            payload={"reason": held_reason, "station": request.station_id},
        )
    return request


@transaction.atomic
def urgent_confirm(*, reference: str, actor: User) -> UrgentRequest:
    """A hotline agent called the customer back: the held emergency is genuine and goes to dispatch now (the
    caller then assigns a technician, as for any new emergency)."""
    permissions.require(actor, permissions.CONFIRM_EMERGENCY)
    urgent = UrgentRequest.objects.select_for_update().filter(reference=reference.strip().upper()).first()
    if urgent is None:
        raise NotFound(_("没有找到这个紧急报修。"))
    if urgent.status != UrgentStatus.HELD:
        raise IllegalTransition(
            _("这个报修已经是“%(status)s”，无需确认。") % {"status": urgent.get_status_display()}
        )
    old_status, urgent.status = urgent.status, UrgentStatus.QUEUED
    urgent.save(update_fields=["status"])
    event_record(
        kind=events.URGENT_CONFIRMED,
        subject=urgent,
        actor=actor,
        payload={
            "old_status": old_status,
            "new_status": urgent.status,
            "reason": urgent.held_reason,
            "station": urgent.station_id,
        },
    )
    return urgent


def urgent_move(*, urgent: UrgentRequest, to: str, job: Job, actor=None) -> None:
    """The request follows its jobs: assigned when one is offered, closed when one is done. Guarded by
    URGENT_TRANSITIONS under a row lock (a closed request is never reopened) and recorded with the old and
    new status; a re-offer of an assigned request changes nothing and records nothing. Called inside the
    caller's transaction."""
    current = UrgentRequest.objects.select_for_update().filter(pk=urgent.pk).values_list("status", flat=True)
    old_status = current.first()
    if to not in URGENT_TRANSITIONS.get(old_status, set()):
        raise IllegalTransition(
            _("这个报修已经是“%(status)s”，不能这样操作。")
            % {"status": UrgentStatus(old_status).label if old_status else "?"}
        )
    urgent.status = to
    if old_status == to:
        return
    UrgentRequest.objects.filter(pk=urgent.pk).update(status=to)
    event_record(
        kind=events.URGENT_ASSIGNED if to == UrgentStatus.ASSIGNED else events.URGENT_CLOSED,
        subject=urgent,
        actor=actor,
        actor_label="" if actor else "dispatch",
        payload={"old_status": old_status, "new_status": to, "job": job.pk},
    )


def _road_eta(decision, *, lat: float, lng: float, urban: bool, now) -> float:
    """The chosen technician's ETA with the travel provider's road time in place of the straight line the
    index searched with (unchanged when there is no provider: the straight line is the fallback)."""
    if travel_provider() is None:
        return decision.eta_minutes
    tech = Technician.objects.filter(pk=decision.technician).only("lat", "lng").first()
    if tech is None or tech.lat is None:
        return decision.eta_minutes
    straight = DEFAULT_TRAVEL.minutes(tech.lat, tech.lng, lat, lng, urban=urban)
    road = travel_estimate(tech.lat, tech.lng, lat, lng, urban=urban, at=now)
    return max(decision.eta_minutes - straight, 0.0) + road.minutes


@transaction.atomic
def urgent_assign(
    *, urgent, skill: str = "locks", exclude: frozenset[int] = frozenset(), actor=None
) -> Job | None:
    """Offer the request to the technician fairdesk's policy picks (see assignment.choose)."""
    now = clock.now()
    division = urgent.division
    lat, lng = urgent.point  # the geocoded or pinned point; the division's centre when there is none
    urban = division.name.endswith("区")
    index = _index(now, lat, lng)
    if not len(index):
        index = _index(now, lat, lng, degrees=None)  # nobody near: look everywhere, the ETA will say so
    decision = index.choose(
        lat=lat,
        lng=lng,
        skill=skill,
        now=0.0,
        urban=urban,
        promise_minutes=PROMISE_MINUTES,
        exclude=exclude,
        # A request offered again after a decline or silence, waiting past the threshold, gets the nearest.
        waited_minutes=_minutes(now, urgent.created_at),
        nearest_after=settings.FAIRDESK_URGENT_ESCALATE_MINUTES,
    )
    if decision.technician is None:
        event_record(kind=events.URGENT_NO_TECHNICIAN, subject=urgent, actor=actor, actor_label="dispatch")
        return None
    eta = max(round(_road_eta(decision, lat=lat, lng=lng, urban=urban, now=now)), 1)
    job = Job.objects.create(
        urgent=urgent,
        technician_id=decision.technician,
        eta_minutes=eta,
        promised_at=now + dt.timedelta(minutes=eta),
        respond_by=now + dt.timedelta(minutes=settings.FAIRDESK_OFFER_MINUTES),
    )
    urgent_move(urgent=urgent, to=UrgentStatus.ASSIGNED, job=job, actor=actor)
    event_record(
        kind=events.URGENT_OFFERED,
        subject=urgent,
        actor=actor,
        actor_label="dispatch",
        payload={
            "job": job.pk,
            "technician": job.technician_id,
            "eta_minutes": eta,
            "promised_at": job.promised_at,
            "within_promise": eta <= PROMISE_MINUTES,
            "rule": assignment.RULE,
        },
    )
    _tell_technician(job)
    return job


def _tell_technician(job: Job) -> None:
    message_schedule(
        channel="sms",
        recipient=job.technician.user.phone,
        kind="job_offered",
        urgent=True,
        body=_("【fairdesk】新紧急工单 %(ref)s：%(address)s，请在 %(n)d 分钟内接单。")
        % {"ref": job.urgent.reference, "address": job.urgent.address, "n": settings.FAIRDESK_OFFER_MINUTES},
        subject_type="dispatch.job",
        subject_id=job.pk,
    )


def _locked_job(job_id: int, actor) -> Job:
    job = (
        Job.objects.select_for_update(of=("self", "urgent", "technician"))
        .select_related("urgent", "technician__user")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound(_("没有这个工单。"))
    if not permissions.may_act_on_job(actor, job.technician.user_id):
        raise NotFound(_("没有这个工单。"))
    return job


def _move(job: Job, to: str) -> None:
    if to not in JOB_TRANSITIONS.get(job.status, set()):
        raise IllegalJobTransition(
            _("工单已是“%(status)s”，不能这样操作。") % {"status": job.get_status_display()}
        )
    old, job.status = job.status, to
    return old


@transaction.atomic
def job_accept(*, job_id: int, actor) -> Job:
    job = _locked_job(job_id, actor)
    old_status = _move(job, JobStatus.ACCEPTED)
    job.accepted_at = clock.now()
    job.save(update_fields=["status", "accepted_at"])
    event_record(
        kind=events.JOB_ACCEPTED,
        subject=job.urgent,
        actor=actor,
        payload={
            "job": job.pk,
            "technician": job.technician_id,
            "old_status": old_status,
            "new_status": job.status,
        },
    )
    return job


def _work_step(work, tech: Technician, to: str, place, now: dt.datetime) -> None:
    """One step of an emergency job or a booked visit (the same words: en_route, on_site, done): the work's
    times and the technician's status and position follow it."""
    if to == "en_route":
        tech.status = TechStatus.EN_ROUTE
    elif to == "on_site":
        work.arrived_at, tech.status = now, TechStatus.ON_SITE
        tech.lat, tech.lng, tech.position_at = place.lat, place.lng, now
    elif to == "done":
        work.done_at, tech.status, tech.busy_until = now, TechStatus.AVAILABLE, None


@transaction.atomic
def job_advance(*, job_id: int, actor, to: str) -> Job:
    job = _locked_job(job_id, actor)
    if (
        to == JobStatus.DONE
        and selectors.job_requires_opening_record(job=job)
        and not selectors.opening_record_exists(job=job)
    ):
        raise OpeningRecordRequired(_OPENING_REQUIRED_MESSAGE)
    old_status = _move(job, to)
    tech = job.technician
    _work_step(job, tech, to, job.urgent.division, clock.now())
    job.save()
    tech.save()
    arrived = job.arrived_at
    event_record(
        kind=events.JOB_STEPS[to],
        subject=job.urgent,
        actor=actor,
        payload={
            "job": job.pk,
            "technician": job.technician_id,
            "old_status": old_status,
            "new_status": job.status,
            "requested_at": job.urgent.created_at,
            "promised_at": job.promised_at,
            "arrived_at": arrived,
            "within_promise": None if arrived is None else arrived <= job.promised_at,
            "within_30_minutes": job.within_30,
        },
    )
    if to == JobStatus.DONE:
        urgent_move(urgent=job.urgent, to=UrgentStatus.CLOSED, job=job, actor=actor)
    return job


@transaction.atomic
def job_decline(*, job_id: int, actor, reason: str = "", expired: bool = False) -> Job | None:
    """The technician says no (or did not answer in time): the next best technician gets the offer. What
    they typed stays on the job (`end_note`); the event says whether there is one."""
    job = _locked_job(job_id, actor)
    old_status = _move(job, JobStatus.EXPIRED if expired else JobStatus.DECLINED)
    job.end_note = "" if expired else reason.strip()[:300]
    job.save(update_fields=["status", "end_note"])
    step = {"job": job.pk, "technician": job.technician_id, "old_status": old_status}
    step["new_status"] = job.status
    if expired:
        event_record(kind=events.JOB_EXPIRED, subject=job.urgent, actor_label="dispatch", payload=step)
    else:
        event_record(
            kind=events.JOB_DECLINED,
            subject=job.urgent,
            actor=actor,
            payload={**step, "has_note": bool(job.end_note)},
        )
    tried = frozenset(job.urgent.jobs.values_list("technician_id", flat=True))
    return urgent_assign(urgent=job.urgent, exclude=tried)


def offers_expire() -> int:
    """Offers nobody answered in time go to the next best technician (run by the dispatch tick)."""
    count = 0
    for job_id in Job.objects.filter(status=JobStatus.OFFERED, respond_by__lt=clock.now()).values_list(
        "pk", flat=True
    ):
        try:
            job_decline(job_id=job_id, actor=None, expired=True)
            count += 1
        except IllegalJobTransition:
            continue  # answered meanwhile
    return count


def urgent_escalate_due() -> int:
    """Emergencies waiting longer than FAIRDESK_URGENT_ESCALATE_MINUTES with no accepted job (queued, or
    offered and not yet accepted) are escalated to the dispatcher once each: urgent.escalated, and the board
    puts them on top with a sound (run by the periodic scheduler, `dispatch.urgent_escalate`). Held requests
    wait for the hotline's call-back, not for a technician, and are left to the hotline console."""
    threshold = settings.FAIRDESK_URGENT_ESCALATE_MINUTES
    now = clock.now()
    due = (
        UrgentRequest.objects.filter(
            status__in=[UrgentStatus.QUEUED, UrgentStatus.ASSIGNED],
            escalated_at__isnull=True,
            created_at__lte=now - dt.timedelta(minutes=threshold),
        )
        .exclude(jobs__status__in=[JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.DONE])
        .values_list("pk", flat=True)
    )
    count = 0
    for pk in list(due[:200]):
        if urgent_escalate(urgent_id=pk, threshold_minutes=threshold, now=now):
            count += 1
    return count


@transaction.atomic
def urgent_escalate(*, urgent_id: int, threshold_minutes: int, now: dt.datetime) -> bool:
    """One waiting emergency to the dispatcher (False when it was escalated or taken meanwhile)."""
    urgent = UrgentRequest.objects.select_for_update().filter(pk=urgent_id, escalated_at__isnull=True).first()
    if urgent is None or urgent.status not in (UrgentStatus.QUEUED, UrgentStatus.ASSIGNED):
        return False
    jobs = list(urgent.jobs.order_by("-offered_at"))
    if any(
        j.status in (JobStatus.ACCEPTED, JobStatus.EN_ROUTE, JobStatus.ON_SITE, JobStatus.DONE) for j in jobs
    ):
        return False
    offered = next((j for j in jobs if j.status == JobStatus.OFFERED), None)
    urgent.escalated_at = now
    urgent.save(update_fields=["escalated_at"])
    event_record(
        kind=events.URGENT_ESCALATED,
        subject=urgent,
        actor_label="system",
        payload={
            "station": urgent.station_id,
            "status": urgent.status,
            "waited_minutes": int(_minutes(now, urgent.created_at)),
            "threshold_minutes": threshold_minutes,
            "job": offered.pk if offered else None,
        },
    )
    return True


@transaction.atomic
def visit_advance(*, visit_id: int, actor, to: str):
    """A booked visit on the technician's day: en route → on site → done (the booking is then completed).
    Each step is an Event on the booking, so the customer's page and the statistics follow it."""
    visit = (
        VisitPlan.objects.select_for_update(of=("self", "technician"))
        .select_related("booking__division", "booking__service_type", "technician__user")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or not permissions.may_act_on_job(actor, visit.technician.user_id):
        raise NotFound(_("没有这个工单。"))
    if visit.booking.status != BookingStatus.CONFIRMED or to not in VISIT_TRANSITIONS.get(
        visit.status, set()
    ):
        raise IllegalJobTransition(
            _("工单已是“%(status)s”，不能这样操作。") % {"status": visit.get_status_display()}
        )
    if (
        to == VisitStatus.DONE
        and selectors.visit_requires_opening_record(visit=visit)
        and not selectors.opening_record_exists(visit=visit)
    ):
        raise OpeningRecordRequired(_OPENING_REQUIRED_MESSAGE)
    now, tech = clock.now(), visit.technician
    old_status, visit.status = visit.status, to
    _work_step(visit, tech, to, visit.booking.division, now)
    visit.save(update_fields=["status", "arrived_at", "done_at"])
    tech.save(update_fields=["status", "lat", "lng", "position_at", "busy_until"])
    arrived = visit.arrived_at
    event_record(
        kind=events.VISIT_STEPS[to],
        subject=visit.booking,
        actor=actor,
        payload={
            "visit": visit.pk,
            "technician": tech.pk,
            "old_status": old_status,
            "new_status": visit.status,
            "window_start": visit.window_start,
            "window_end": visit.window_end,
            "arrived_at": arrived,
            "within_promise": None if arrived is None else visit.window_start <= arrived <= visit.window_end,
        },
    )
    if to == VisitStatus.DONE:
        booking_complete(booking_id=visit.booking_id, actor=actor)
    return visit


@transaction.atomic
def technician_position(*, technician: Technician, lat: float, lng: float, actor=None) -> Technician:
    if not (-90 <= lat <= 90 and -180 <= lng <= 180):
        raise DomainError(_("位置无效。"), code="invalid_position")
    technician.lat, technician.lng, technician.position_at = lat, lng, clock.now()
    technician.save(update_fields=["lat", "lng", "position_at"])
    return technician


@transaction.atomic
def technicians_load_demo() -> int:
    """One technician per demo station (赵师傅, the demo technician account, at 泰州), on shift all day."""
    created = 0
    now = clock.now()
    for station in Station.objects.filter(is_active=True).order_by("pk"):
        if Technician.objects.filter(station=station).exists():
            continue
        user = None
        if station.name == "泰州服务站":
            user = User.objects.filter(phone="+8613900000004").first()
        if user is None or hasattr(user, "technician"):
            phone = f"+86170{station.pk:08d}"
            user = User.objects.filter(phone=phone).first() or staff_create(
                phone=phone, name=f"{station.name[:2]}师傅", role=Role.TECHNICIAN, password=DEMO_PASSWORD
            )
        tech = Technician.objects.create(
            user=user, station=station, skills=["locks", "safes"], lat=station.lat, lng=station.lng
        )
        Shift.objects.create(
            technician=tech, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(days=DEMO_SHIFT_DAYS)
        )
        created += 1
    return created


# The demo's technicians are on shift for years, not a month: the demo clock jumps forward (30 days a tap on
# "My plan"), and a shift that ended with real dates left no bookable slot after a jump (issue 16 item 11).
DEMO_SHIFT_DAYS = 3650


@transaction.atomic
def slots_recount(*, station, actor=None) -> int:
    """After a station's shifts changed: future slots take the capacity the new roster gives them."""
    slots = slots_future(station_id=station.pk)
    capacities = selectors.visit_capacity(station=station, windows=[(s.start, s.end) for s in slots])
    if capacities is None:
        return 0
    return slot_capacities_set(
        station=station, capacities={s.pk: c for s, c in zip(slots, capacities, strict=True)}, actor=actor
    )


@transaction.atomic
def urgent_override(*, urgent, technician: Technician, actor) -> Job:
    """A dispatcher sends a specific technician: the current offer or job is marked reassigned."""
    now = clock.now()
    replaced = []
    for job in Job.objects.select_for_update().filter(urgent=urgent, status__in=ACTIVE[:3]):
        job.status = JobStatus.REASSIGNED
        job.save(update_fields=["status"])
        replaced.append(job.pk)
    division = urgent.division
    lat, lng = urgent.point
    trip = travel_estimate(
        technician.lat, technician.lng, lat, lng, urban=division.name.endswith("区"), at=now
    )
    eta = max(round(trip.minutes), 1)
    job = Job.objects.create(
        urgent=urgent,
        technician=technician,
        eta_minutes=eta,
        promised_at=now + dt.timedelta(minutes=eta),
        respond_by=now + dt.timedelta(minutes=settings.FAIRDESK_OFFER_MINUTES),
    )
    urgent_move(urgent=urgent, to=UrgentStatus.ASSIGNED, job=job, actor=actor)
    event_record(
        kind=events.URGENT_REASSIGNED,
        subject=urgent,
        actor=actor,
        payload={
            "job": job.pk,
            "technician": technician.pk,
            "eta_minutes": eta,
            "promised_at": job.promised_at,
            "replaced": replaced,
        },
    )
    _tell_technician(job)
    return job


# Job photos: what Pillow recognises by content (never the client's Content-Type or file name), decoded and
# re-encoded, so EXIF (the customer's GPS position) is gone and a file that is also HTML or SVG (a polyglot)
# cannot survive. Stored under a generated name with our format's extension.
PHOTO_FORMATS = {"JPEG": ("jpg", "image/jpeg"), "PNG": ("png", "image/png"), "WEBP": ("webp", "image/webp")}
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTO_PIXELS = 40_000_000  # a 40-megapixel phone camera; more is a decompression bomb, not a photo
PHOTO_LONG_SIDE = 2560  # what a dispatcher needs to see; keeps storage and the page small


class PhotoInvalid(DomainError):
    code = "photo_invalid"
    status = 422


def photo_reencode(upload) -> tuple[bytes, str]:
    """The upload as a fresh JPEG, PNG or WebP without metadata, and its extension; PhotoInvalid otherwise."""
    # Pillow is loaded when a photo arrives, not by every process that imports dispatch's use cases.
    from PIL import Image, ImageOps, UnidentifiedImageError

    refused = PhotoInvalid(_("照片须为 JPEG、PNG 或 WebP 图片，且不超过 8 MB。"))
    if upload.size is None or upload.size > MAX_PHOTO_BYTES:
        raise refused
    try:
        upload.seek(0)
        with Image.open(upload, formats=list(PHOTO_FORMATS)) as image:
            if image.width * image.height > MAX_PHOTO_PIXELS:
                raise refused
            image.load()  # decode fully: a truncated or corrupt file fails here, not when someone views it
            fmt = image.format
            picture = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, drop the rest
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refused from None
    extension, _content_type = PHOTO_FORMATS[fmt]
    out = io.BytesIO()
    try:
        picture.thumbnail((PHOTO_LONG_SIDE, PHOTO_LONG_SIDE))
        if fmt == "JPEG" and picture.mode not in {"RGB", "L"}:
            picture = picture.convert("RGB")
        elif fmt != "JPEG" and picture.mode not in {"RGB", "RGBA", "L", "LA"}:
            picture = picture.convert("RGBA")
        picture.info = {}  # some encoders fall back to the source's ICC profile or comments: carry nothing
        options = {"quality": 85} if fmt in {"JPEG", "WEBP"} else {"optimize": True}
        picture.save(out, format=fmt, **options)  # no exif=, icc_profile= or pnginfo=: no metadata written
    except (OSError, ValueError):  # a pixel format we cannot convert: not a photo we can keep
        raise refused from None
    return out.getvalue(), extension


@transaction.atomic
def job_note_add(*, job_id: int, actor, text: str = "", photo=None):
    job = _locked_job(job_id, actor)
    if not text.strip() and photo is None:
        raise DomainError(_("请写点内容或附上照片。"), code="note_empty")
    stored = None
    if photo is not None:
        data, extension = photo_reencode(photo)
        stored = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    note = JobNote(job=job, author=actor, text=text.strip()[:1000])
    if stored is not None:
        note.photo.save(stored.name, stored, save=False)
    note.save()
    event_record(
        kind=events.JOB_NOTE,
        subject=job.urgent,
        actor=actor,
        payload={"job": job.pk, "note": note.pk, "photo": stored is not None},
    )
    return note


@transaction.atomic
def job_handover(*, job_id: int, actor, to: Technician, reason: str) -> Job:
    """Hand a job to a colleague: they get it with its promise and notes; the customer is told who comes."""
    if not reason.strip():
        raise DomainError(_("请写明转交原因。"), code="reason_required")
    job = _locked_job(job_id, actor)
    if job.status not in {JobStatus.ACCEPTED, JobStatus.EN_ROUTE}:
        raise IllegalJobTransition(
            _("工单已是“%(status)s”，不能这样操作。") % {"status": job.get_status_display()}
        )
    if to.pk == job.technician_id:
        raise DomainError(_("请选择另一位同事。"), code="same_technician")
    if to.station_id != job.technician.station_id:  # a colleague is someone of the same station
        raise IllegalJobTransition(_("只能转交给本网点的同事。"), code="other_station")
    job.status = JobStatus.REASSIGNED
    job.end_note = reason.strip()[:300]
    job.save(update_fields=["status", "end_note"])
    new = Job.objects.create(
        urgent=job.urgent,
        technician=to,
        status=JobStatus.ACCEPTED,
        eta_minutes=job.eta_minutes,
        promised_at=job.promised_at,
        respond_by=job.respond_by,
        accepted_at=clock.now(),
    )
    for note in job.notes.all():
        note.pk, note.job = None, new  # the colleague gets everything written so far
        note.save()
    tech = job.technician
    tech.status = TechStatus.AVAILABLE
    tech.save(update_fields=["status"])
    event_record(
        kind=events.JOB_HANDED_OVER,
        subject=job.urgent,
        actor=actor,
        payload={"from": job.pk, "to": new.pk, "technician": to.pk},
    )
    messages.job_handed_over(job, to=to)
    _tell_technician(new)
    return new


# ------------------------------------------------------------------------------ lawful opening (开锁登记)

_WITNESS_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,18}[0-9]$")


def _last4(raw: str) -> str:
    """Exactly the last 4 characters of the document number. A longer input is refused (and never stored or
    shown back): the full number must not be kept."""
    value = re.sub(r"[\s\-]", "", raw or "")
    if len(value) > 4:
        raise InvalidInput(
            _("只填写证件号码的最后 4 位，不要填写完整号码。"), code="document_number_too_long"
        )
    if not re.fullmatch(r"[0-9A-Za-z]{4}", value):
        raise InvalidInput(_("请填写证件号码的最后 4 位（数字或字母）。"), code="document_last4_invalid")
    return value.upper()


def _opening_work(*, job_id: int | None, visit_id: int | None, actor):
    """The job or visit being recorded, locked, with its station: only its own technician, on site."""
    if job_id is not None:
        job = _locked_job(job_id, actor)
        if not permissions.may_work_job(actor, job.technician.user_id):
            raise NotFound(_("没有这个工单。"))
        if not selectors.job_requires_opening_record(job=job):
            raise DomainError(_("这个工单不需要开锁登记。"), code="opening_record_not_needed")
        if job.status != JobStatus.ON_SITE:
            raise IllegalJobTransition(_("到达现场后才能填写开锁登记。"), code="not_on_site")
        if selectors.opening_record_exists(job=job):
            raise IllegalJobTransition(
                _("这个工单已经有开锁登记，登记不能修改。"), code="opening_record_exists"
            )
        return job, None, job.urgent.station or job.technician.station
    visit = (
        VisitPlan.objects.select_for_update(of=("self",))
        .select_related("booking__service_type", "booking__slot__station", "technician__user")
        .filter(pk=visit_id)
        .first()
    )
    if visit is None or not permissions.may_work_job(actor, visit.technician.user_id):
        raise NotFound(_("没有这个工单。"))
    if not selectors.visit_requires_opening_record(visit=visit):
        raise DomainError(_("这个工单不需要开锁登记。"), code="opening_record_not_needed")
    if visit.status != VisitStatus.ON_SITE:
        raise IllegalJobTransition(_("到达现场后才能填写开锁登记。"), code="not_on_site")
    if selectors.opening_record_exists(visit=visit):
        raise IllegalJobTransition(_("这个工单已经有开锁登记，登记不能修改。"), code="opening_record_exists")
    return None, visit, visit.booking.slot.station


def _opening_payload(record: OpeningRecord) -> dict:
    return {
        "record": record.pk,
        "job": record.job_id,
        "visit": record.visit_id,
        "station": record.station_id,
        "province": record.province_code,
        "document_type": record.document_type,
        "witness": bool(record.witness_name),
        "created_at": record.created_at,
        "keep_until": record.keep_until,
    }


@transaction.atomic
def opening_record_create(
    *,
    actor,
    document_type: str,
    document_last4: str,
    proof_kind: str,
    proof_photo,
    technician_confirmed: bool,
    job_id: int | None = None,
    visit_id: int | None = None,
    witness_role: str = "",
    witness_name: str = "",
    witness_phone: str = "",
) -> OpeningRecord:
    """The technician records, at the door, who the customer is and why they may have it opened: the
    document's type and last 4 characters, a photo of the proof of residence or ownership, a witness where
    the station's province requires one, and their own confirmation. Kept for the province's retention
    period, then purged (`opening_records_purge`). Never changed."""
    if (job_id is None) == (visit_id is None):
        raise InvalidInput(_("请指明工单。"), code="work_required")
    last4 = _last4(document_last4)  # first: a full number is refused before anything else is read
    job, visit, station = _opening_work(job_id=job_id, visit_id=visit_id, actor=actor)
    if document_type not in DocumentType.values:
        raise InvalidInput(_("请选择证件类型。"), code="document_type_invalid")
    if proof_kind not in ProofKind.values:
        raise InvalidInput(_("请选择证明类型（居住证明或所有权证明）。"), code="proof_kind_invalid")
    if proof_photo is None:
        raise InvalidInput(_("请拍摄居住或所有权证明的照片。"), code="proof_photo_required")
    province = station.division.province_code
    rule = selectors.opening_rule_for(province_code=province)
    witness_name, witness_phone = (witness_name or "").strip()[:40], (witness_phone or "").strip()
    if rule.witness_required or witness_name or witness_phone or witness_role:
        if witness_role not in WitnessRole.values:
            raise InvalidInput(
                _("本省要求见证人在场：请选择见证人身份（物业管理人员或邻居）。")
                if rule.witness_required
                else _("请选择见证人身份（物业管理人员或邻居）。"),
                code="witness_role_invalid",
            )
        if not witness_name:
            raise InvalidInput(_("请填写见证人姓名。"), code="witness_name_required")
        if not _WITNESS_PHONE.fullmatch(witness_phone):
            raise InvalidInput(_("请填写见证人的联系电话。"), code="witness_phone_invalid")
    if not technician_confirmed:
        raise InvalidInput(_("请确认您已当面核对证件与证明材料。"), code="technician_confirmation_required")
    data, extension = photo_reencode(proof_photo)
    now = clock.now()
    record = OpeningRecord(
        job=job,
        visit=visit,
        station=station,
        province_code=province,
        recorded_by=actor,
        document_type=document_type,
        document_last4=last4,
        proof_kind=proof_kind,
        witness_role=witness_role if witness_name else "",
        witness_name=witness_name,
        witness_phone=re.sub(r"[\s\-]", "", witness_phone) if witness_name else "",
        technician_confirmed=True,
        created_at=now,
        keep_until=now + dt.timedelta(days=rule.retention_days),
    )
    stored = ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")
    record.proof_photo.save(stored.name, stored, save=False)
    name = record.proof_photo.name
    try:  # the file is written first; a failure writing the row removes it again
        record.save()
        event_record(
            kind=events.OPENING_RECORD_CREATED,
            subject=record,
            actor=actor,
            payload=_opening_payload(record),
        )
    except Exception:
        record.proof_photo.storage.delete(name)
        raise
    return record


def opening_records_purge() -> int:
    """Delete opening records past keep_until, with their photos; an `opening_record.purged` event stays for
    each (no digits, names or phones). Run by the scheduler (`dispatch.opening_records_purge`)."""
    now = clock.now()
    purged = 0
    for pk in OpeningRecord.objects.filter(keep_until__lte=now).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            record = OpeningRecord.objects.select_for_update().filter(pk=pk, keep_until__lte=now).first()
            if record is None:
                continue  # another worker got there first
            payload = {**_opening_payload(record), "purged_at": now}
            storage, name = record.proof_photo.storage, record.proof_photo.name
            OpeningRecord.objects.filter(pk=pk).delete()
            event_record(
                kind=events.OPENING_RECORD_PURGED,
                subject_type=OpeningRecord._meta.label_lower,
                subject_id=pk,
                actor_label="system",
                payload=payload,
            )
            # The photo goes once the deletion is committed (a rollback keeps both).
            transaction.on_commit(lambda storage=storage, name=name: name and storage.delete(name))
        purged += 1
    return purged
