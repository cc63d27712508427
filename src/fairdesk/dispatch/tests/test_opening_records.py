"""Lawful opening (开锁登记): an opening job is done only after its record exists; the record keeps the
document's type and last 4 characters (never the full number), a re-encoded proof photo shown only to the
technician, auditors and managers, a witness where the province requires one; nobody edits it; it is purged
after the province's retention period, leaving only an event."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.bookings.models import ServiceType
from fairdesk.bookings.services import service_types_load_demo
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput
from fairdesk.core.models import Event
from fairdesk.dispatch.models import JobStatus, OpeningRecord, ProvinceOpeningRule, Shift, Technician
from fairdesk.dispatch.services import (
    OpeningRecordRequired,
    PhotoInvalid,
    job_accept,
    job_advance,
    opening_record_create,
    opening_records_purge,
    urgent_assign,
    urgent_request_create,
)
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)
PASSWORD = "a-long-staff-password"
EN = {"accept-language": "en"}


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def station():
    service_types_load_demo()
    jiangyan = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=jiangyan, hotline="400-100-2000")
    service_area_add(station=station, division=jiangyan)
    user = staff_create(phone="17000000001", name="王师傅", role=Role.TECHNICIAN, password=PASSWORD)
    tech = Technician.objects.create(
        user=user, station=station, skills=["locks", "safes"], lat=jiangyan.lat + 0.01, lng=jiangyan.lng
    )
    Shift.objects.create(technician=tech, start=T0 - dt.timedelta(hours=1), end=T0 + dt.timedelta(days=200))
    return station


def _job_on_site(service_type_code="lockout-emergency"):
    with clock.frozen_at(T0):
        urgent = urgent_request_create(
            phone="13700000001", address="江苏省泰州市姜堰区人民路1号", service_type_code=service_type_code
        )
        job = urgent_assign(urgent=urgent)
        actor = job.technician.user
        job_accept(job_id=job.pk, actor=actor)
        job_advance(job_id=job.pk, actor=actor, to=JobStatus.EN_ROUTE)
        job_advance(job_id=job.pk, actor=actor, to=JobStatus.ON_SITE)
    job.refresh_from_db()
    return job


@pytest.fixture
def job(station):
    return _job_on_site()


def photo(name="proof.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 180, 20)).save(out, format="JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def record(job, **overrides):
    values = {
        "job_id": job.pk,
        "actor": job.technician.user,
        "document_type": "id_card",
        "document_last4": "123x",
        "proof_kind": "residence",
        "proof_photo": photo(),
        "technician_confirmed": True,
    }
    return opening_record_create(**(values | overrides))


def test_the_demo_marks_lock_and_safe_opening_as_needing_the_record(station):
    needing = set(ServiceType.objects.filter(requires_opening_record=True).values_list("code", flat=True))
    assert needing == {"lockout-emergency", "safe-opening"}


def test_an_opening_job_is_not_done_until_its_record_exists(job):
    with pytest.raises(OpeningRecordRequired) as refused:
        job_advance(job_id=job.pk, actor=job.technician.user, to=JobStatus.DONE)
    assert refused.value.code == "opening_record_required" and refused.value.status == 409
    job.refresh_from_db()
    assert job.status == JobStatus.ON_SITE
    kept = record(job)
    assert kept.document_last4 == "123X"
    done = job_advance(job_id=job.pk, actor=job.technician.user, to=JobStatus.DONE)
    assert done.status == JobStatus.DONE


def test_a_job_that_opens_nothing_needs_no_record(station):
    job = _job_on_site(service_type_code="")
    assert job_advance(job_id=job.pk, actor=job.technician.user, to=JobStatus.DONE).status == JobStatus.DONE


@pytest.mark.parametrize("typed", ["32120419900101123X", "12345", "1234 5678"])
def test_more_than_four_characters_is_refused_and_nothing_is_stored(job, typed):
    with pytest.raises(InvalidInput) as refused:
        record(job, document_last4=typed)
    assert refused.value.code == "document_number_too_long"
    assert not OpeningRecord.objects.exists()
    assert not Event.objects.filter(payload__icontains=typed).exists()


@pytest.mark.parametrize("typed", ["", "12", "12!4"])
def test_fewer_or_odd_characters_are_refused(job, typed):
    with pytest.raises(InvalidInput):
        record(job, document_last4=typed)


def test_the_proof_photo_the_confirmation_and_a_document_type_are_required(job):
    with pytest.raises(InvalidInput):
        record(job, proof_photo=None)
    with pytest.raises(InvalidInput):
        record(job, technician_confirmed=False)
    with pytest.raises(InvalidInput):
        record(job, document_type="driving_licence")
    with pytest.raises(PhotoInvalid):  # a photo is an image, recognised by content
        record(job, proof_photo=SimpleUploadedFile("x.jpg", b"<html>", content_type="image/jpeg"))
    assert not OpeningRecord.objects.exists()


def test_a_province_rule_asks_for_a_witness_and_sets_the_retention(job):
    ProvinceOpeningRule.objects.create(province_code="320000", witness_required=True, retention_days=180)
    with pytest.raises(InvalidInput) as refused:
        record(job)
    assert refused.value.code == "witness_role_invalid"
    with pytest.raises(InvalidInput):
        record(job, witness_role="neighbour", witness_name="李四", witness_phone="")
    with clock.frozen_at(T0 + dt.timedelta(minutes=30)):
        kept = record(
            job, witness_role="property_manager", witness_name="李四", witness_phone="0523-8888 1234"
        )
    assert kept.witness_phone == "052388881234"
    assert kept.keep_until - kept.created_at == dt.timedelta(days=180)
    assert kept.province_code == "320000"


def test_without_a_province_rule_records_are_kept_three_months(job):
    kept = record(job)
    assert kept.keep_until - kept.created_at == dt.timedelta(days=90)


def test_a_record_is_never_changed(job):
    kept = record(job)
    kept.document_last4 = "9999"
    with pytest.raises(ValueError):
        kept.save()
    with pytest.raises(DomainError) as again:  # a second one for the same job
        record(job)
    assert again.value.code == "opening_record_exists"
    assert OpeningRecord.objects.get().document_last4 == "123X"


def test_only_the_technician_on_the_job_and_on_site_records_it(job, station):
    other = staff_create(phone="17000000002", name="钱师傅", role=Role.TECHNICIAN, password=PASSWORD)
    Technician.objects.create(user=other, station=station, skills=["locks"], lat=1, lng=1)
    with pytest.raises(DomainError) as refused:
        record(job, actor=other)
    assert refused.value.code == "not_found"


def test_the_created_event_has_codes_and_times_never_digits_or_names(job):
    ProvinceOpeningRule.objects.create(province_code="320000", witness_required=True)
    kept = record(job, witness_role="neighbour", witness_name="李四", witness_phone="13912345678")
    event = Event.objects.get(kind="opening_record.created")
    assert event.payload["document_type"] == "id_card" and event.payload["witness"] is True
    assert event.payload["job"] == job.pk and event.payload["province"] == "320000"
    text = str(event.payload)
    for secret in ("123X", "李四", "13912345678"):
        assert secret not in text
    assert event.subject_id == str(kept.pk) or int(event.subject_id) == kept.pk


def test_the_purge_deletes_records_and_photos_past_keep_until_and_leaves_an_event(
    job, media, django_capture_on_commit_callbacks
):
    with clock.frozen_at(T0):
        kept = record(job)
    path = media / kept.proof_photo.name
    assert path.exists()
    with clock.frozen_at(T0 + dt.timedelta(days=89)):
        assert opening_records_purge() == 0
    with (
        clock.frozen_at(T0 + dt.timedelta(days=90, seconds=1)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert opening_records_purge() == 1
    assert not OpeningRecord.objects.exists()
    assert not path.exists()
    purged = Event.objects.get(kind="opening_record.purged")
    assert purged.payload["record"] == kept.pk and purged.payload["document_type"] == "id_card"
    assert "123X" not in str(purged.payload)
    assert opening_records_purge() == 0  # nothing left twice


def test_the_purge_is_a_scheduled_job():
    from fairdesk.core import periodic

    assert "dispatch.opening_records_purge" in periodic.SCHEDULE


# ------------------------------------------------------------------------------------------------- pages


def test_the_technician_page_refuses_done_in_place_and_links_the_form(client, job):
    client.force_login(job.technician.user)
    home = client.get("/tech/").content.decode()
    assert f"/tech/jobs/{job.pk}/opening/" in home
    response = client.post(f"/tech/jobs/{job.pk}/", {"action": "done"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "开锁登记" in body and f"/tech/jobs/{job.pk}/opening/" in body
    response = client.post(f"/tech/jobs/{job.pk}/", {"action": "done"}, headers=EN)
    assert "opening record" in response.content.decode()


def test_the_form_saves_a_record_and_then_done_works(client, job):
    client.force_login(job.technician.user)
    form = client.get(f"/tech/jobs/{job.pk}/opening/")
    assert form.status_code == 200 and "居民身份证" in form.content.decode()
    response = client.post(
        f"/tech/jobs/{job.pk}/opening/",
        {
            "document_type": "passport",
            "document_last4": "E123",
            "proof_kind": "ownership",
            "proof_photo": photo(),
            "confirmed": "1",
        },
    )
    assert response.status_code == 302
    assert OpeningRecord.objects.get().document_type == "passport"
    assert client.post(f"/tech/jobs/{job.pk}/", {"action": "done"}).status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_a_full_number_on_the_form_is_refused_in_the_technicians_language_and_not_shown_back(client, job):
    client.force_login(job.technician.user)
    full = "32120419900101123X"
    response = client.post(
        f"/tech/jobs/{job.pk}/opening/",
        {
            "document_type": "id_card",
            "document_last4": full,
            "proof_kind": "residence",
            "proof_photo": photo(),
            "confirmed": "1",
        },
        headers=EN,
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "last 4" in body and full not in body
    assert not OpeningRecord.objects.exists()


def test_another_technicians_job_is_not_found(client, job, station):
    other = staff_create(phone="17000000003", name="孙师傅", role=Role.TECHNICIAN, password=PASSWORD)
    Technician.objects.create(user=other, station=station, skills=["locks"], lat=1, lng=1)
    client.force_login(other)
    assert client.get(f"/tech/jobs/{job.pk}/opening/").status_code == 404


def test_auditors_read_the_records_and_the_photo_dispatchers_do_not(client, job):
    kept = record(job)
    auditor = staff_create(phone="13900000005", name="审计", role=Role.AUDITOR, password=PASSWORD)
    dispatcher = staff_create(phone="13900000002", name="调度", role=Role.DISPATCHER, password=PASSWORD)
    client.force_login(auditor)
    listing = client.get("/tech/opening-records/")
    assert listing.status_code == 200 and "···123X" in listing.content.decode()
    served = client.get(f"/tech/opening-records/{kept.pk}/photo/")
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    assert "no-store" in served["Cache-Control"]
    assert client.get("/media/" + kept.proof_photo.name).status_code == 404
    client.force_login(dispatcher)
    assert client.get("/tech/opening-records/").status_code == 403
    assert client.get(f"/tech/opening-records/{kept.pk}/photo/").status_code in (403, 404)


def test_nobody_may_change_or_delete_a_record_in_the_admin(client, job):
    kept = record(job)
    manager = staff_create(phone="13900000004", name="经理", role=Role.MANAGER, password=PASSWORD)
    auditor = staff_create(phone="13900000005", name="审计", role=Role.AUDITOR, password=PASSWORD)
    for user in (manager, auditor):
        client.force_login(user)
        url = f"/admin/dispatch/openingrecord/{kept.pk}/change/"
        page = client.get(url)
        assert page.status_code == 200  # view only
        client.post(url, {"document_last4": "0000"})
        client.post(f"/admin/dispatch/openingrecord/{kept.pk}/delete/", {"post": "yes"})
    assert OpeningRecord.objects.get().document_last4 == "123X"


def test_the_api_answers_409_opening_record_required():
    import json

    from django.test import RequestFactory

    from fairdesk.api import domain_error

    response = domain_error(RequestFactory().post("/api/v1/"), OpeningRecordRequired("x"))
    assert response.status_code == 409
    assert json.loads(response.content)["code"] == "opening_record_required"


def test_a_booked_opening_visit_is_done_only_after_its_record(station, client):
    from fairdesk.accounts.services import customer_get_or_create
    from fairdesk.bookings.models import Slot
    from fairdesk.bookings.services import booking_create
    from fairdesk.dispatch.models import VisitPlan, VisitStatus
    from fairdesk.dispatch.services import visit_advance

    start = clock.now() + dt.timedelta(hours=3)
    slot = Slot.objects.create(station=station, start=start, end=start + dt.timedelta(hours=2), capacity=2)
    customer = customer_get_or_create(phone="13800000077", name="C")
    booking = booking_create(
        customer=customer,
        slot_id=slot.pk,
        service_type_code="safe-opening",
        address="江苏省泰州市姜堰区人民路1号",
        contact_name="C",
        actor=customer,
    )
    tech = Technician.objects.get(station=station)
    visit = VisitPlan.objects.create(
        booking=booking,
        technician=tech,
        day=start.date(),
        sequence=1,
        planned_start=start,
        window_start=start,
        window_end=slot.end,
    )
    actor = tech.user
    visit_advance(visit_id=visit.pk, actor=actor, to=VisitStatus.EN_ROUTE)
    visit_advance(visit_id=visit.pk, actor=actor, to=VisitStatus.ON_SITE)
    with pytest.raises(OpeningRecordRequired):
        visit_advance(visit_id=visit.pk, actor=actor, to=VisitStatus.DONE)
    client.force_login(actor)
    refused = client.post(f"/tech/visits/{visit.pk}/", {"action": "done"})
    assert refused.status_code == 409 and f"/tech/visits/{visit.pk}/opening/" in refused.content.decode()
    saved = client.post(
        f"/tech/visits/{visit.pk}/opening/",
        {
            "document_type": "id_card",
            "document_last4": "0011",
            "proof_kind": "ownership",
            "proof_photo": photo(),
            "confirmed": "1",
        },
    )
    assert saved.status_code == 302
    assert OpeningRecord.objects.get().visit_id == visit.pk
    assert visit_advance(visit_id=visit.pk, actor=actor, to=VisitStatus.DONE).status == VisitStatus.DONE


def test_the_form_and_the_list_are_wholly_in_english_for_an_english_phone(client, job):
    import re

    record(job)
    client.force_login(job.technician.user)
    pages = [client.get(f"/tech/jobs/{job.pk}/opening/", headers=EN)]
    auditor = staff_create(phone="13900000005", name="Audit", role=Role.AUDITOR, password=PASSWORD)
    client.force_login(auditor)
    pages.append(client.get("/tech/opening-records/", headers=EN))
    for page in pages:
        text = re.sub(r"<[^>]+>", " ", page.content.decode()).replace("中文", "")
        text = text.replace("泰州服务站", "").replace("王师傅", "")  # data, not interface
        assert not re.findall(r"[\u4e00-\u9fff]+", text)
