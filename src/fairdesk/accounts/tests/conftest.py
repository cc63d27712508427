"""Shared by the access tests: a small world with something of customer A's for every kind of record."""

from __future__ import annotations

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create

STAFF = ("agent", "dispatcher", "technician", "manager", "auditor")


@pytest.fixture
def world(settings, payment_sandbox, tmp_path):
    """Customer A with a booking, a subscription and an emergency served by the technician; one user per
    staff role with a password session and an API token."""
    from fairdesk.bookings.models import Slot
    from fairdesk.bookings.services import booking_create, service_types_load_demo
    from fairdesk.complaints.services import complaint_file
    from fairdesk.core import clock
    from fairdesk.dispatch.models import Job, Technician, VisitPlan
    from fairdesk.dispatch.services import job_note_add, urgent_request_create
    from fairdesk.plans.demo import plans_load_demo
    from fairdesk.plans.models import Plan
    from fairdesk.plans.renewals import auto_renew_off_token
    from fairdesk.plans.services import subscription_create
    from fairdesk.regions.models import Division
    from fairdesk.regions.services import service_area_add, station_create
    from fairdesk.support.services import conversation_open_for_caller

    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    service_types_load_demo()
    plans_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    now = clock.now()
    slots = [
        Slot.objects.create(
            station=station,
            start=now + dt.timedelta(days=1, hours=h),
            end=now + dt.timedelta(days=1, hours=h + 2),
            capacity=5,
        )
        for h in (0, 2)
    ]
    a = customer_get_or_create(phone="13800000001", name="A")
    b = customer_get_or_create(phone="13800000002", name="B")
    staff = {
        role: staff_create(phone=f"1390000000{n}", name=role, role=role, password="a-long-staff-password")
        for n, role in enumerate(STAFF, start=1)
    }
    tokens = {role: api_token_create(user=user) for role, user in staff.items()}
    booking = booking_create(
        customer=a,
        slot_id=slots[0].pk,
        service_type_code="lock-repair",
        address="江苏省泰州市姜堰区人民路1号",
        contact_name="A",
        actor=a,
    )
    sub, _quote = subscription_create(
        customer=a,
        plan=Plan.objects.get(code="basic"),
        period="month",
        provider="offline",
        actor=staff["agent"],
    )
    technician = Technician.objects.create(
        user=staff["technician"], station=station, skills=["locks"], lat=division.lat, lng=division.lng
    )
    colleague_user = staff_create(
        phone="13900000009", name="colleague", role=Role.TECHNICIAN, password="a-long-staff-password"
    )
    colleague = Technician.objects.create(
        user=colleague_user, station=station, skills=["locks"], lat=division.lat, lng=division.lng
    )
    urgent = urgent_request_create(phone=a.phone, address="江苏省泰州市姜堰区人民路1号", description="x")
    job = Job.objects.create(
        urgent=urgent,
        technician=technician,
        eta_minutes=10,
        promised_at=now + dt.timedelta(minutes=10),
        respond_by=now + dt.timedelta(minutes=3),
    )
    visit = VisitPlan.objects.create(
        booking=booking,
        technician=technician,
        day=slots[0].start.date(),
        sequence=1,
        planned_start=slots[0].start,
        window_start=slots[0].start,
        window_end=slots[0].end,
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    conversation = conversation_open_for_caller(agent=staff["agent"], customer=a, text="您好")
    complaint = complaint_file(
        customer=a,
        category="plan_change",
        text="降级后没有退差价",
        subject_type="subscription",
        subject_reference=str(sub.pk),
    )
    note = job_note_add(job_id=job.pk, actor=staff["technician"], text="门锁照片", photo=_png())
    opening = _opening_record(job=job, station=station, technician_user=staff["technician"])
    certificate, lesson = _course_completed(customer=a)
    return {
        "note": note,
        "complaint": complaint,
        "a": a,
        "b": b,
        "staff": staff,
        "tokens": tokens,
        "booking": booking,
        "slots": slots,
        "subscription": sub,
        "urgent": urgent,
        "job": job,
        "visit": visit,
        "colleague": colleague,
        "station": station,
        "path": {
            "reference": booking.reference,
            "job_id": job.pk,
            "visit_id": visit.pk,
            "action": "upgrade",
            "token": auto_renew_off_token(sub),
            "subscription_id": sub.pk,
            "note_id": note.pk,
            "conversation_id": conversation.pk,
            "complaint": complaint.reference,
            "record_id": opening.pk,
            "certificate_code": certificate.certificate_code,
            "lesson_id": lesson.pk,
            "kind": "image",
            "code": "lawful-opening",
            "order": 1,
            "short_code": certificate.short_code,
        },
    }


def _opening_record(*, job, station, technician_user):
    """An opening record (开锁登记) written by the technician on customer A's emergency job."""
    from django.core.files.base import ContentFile

    from fairdesk.core import clock
    from fairdesk.dispatch.models import OpeningRecord

    now = clock.now()
    record = OpeningRecord(
        job=job,
        station=station,
        province_code=station.division.province_code,
        recorded_by=technician_user,
        document_type="id_card",
        document_last4="123X",
        proof_kind="residence",
        technician_confirmed=True,
        created_at=now,
        keep_until=now + dt.timedelta(days=90),
    )
    record.proof_photo.save("proof.png", ContentFile(_png().read()), save=False)
    record.save()
    return record


def _course_completed(*, customer):
    """Customer A finished the demo's lawful-opening course; its first lesson has an image."""
    from fairdesk.courses.demo import courses_load_demo
    from fairdesk.courses.models import Course, Lesson, ShortLink
    from fairdesk.courses.services import lesson_complete, lesson_media_set, quiz_answer

    courses_load_demo()
    course = Course.objects.get(code="lawful-opening")
    for lesson in course.lessons.all():
        lesson_complete(customer=customer, course_code=course.code, lesson_order=lesson.order)
    answers = {q.pk: q.choices.get(is_correct=True).pk for q in course.questions.all()}
    progress = quiz_answer(customer=customer, course_code=course.code, answers=answers)
    progress.refresh_from_db()
    progress.short_code = ShortLink.objects.get(path="/learn/lawful-opening/").code
    lesson = lesson_media_set(lesson=Lesson.objects.get(course=course, order=1), image=_png())
    return progress, lesson


def _png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile("lock.png", buffer.getvalue(), content_type="image/png")
