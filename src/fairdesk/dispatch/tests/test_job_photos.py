"""Technicians' photos: images only, recognised by content, re-encoded without metadata, stored under a
generated name, and served only through a view to the staff who may see the job, with headers that stop a
browser from running anything."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core import clock
from fairdesk.dispatch.models import JobNote, Shift, Technician
from fairdesk.dispatch.services import job_accept, job_note_add, urgent_assign, urgent_request_create
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
def job():
    jiangyan = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=jiangyan, hotline="400-100-2000")
    service_area_add(station=station, division=jiangyan)
    for n in range(2):
        user = staff_create(phone=f"1700000000{n}", name=f"王{n}", role=Role.TECHNICIAN, password=PASSWORD)
        tech = Technician.objects.create(
            user=user, station=station, skills=["locks"], lat=jiangyan.lat + 0.01 * (n + 1), lng=jiangyan.lng
        )
        Shift.objects.create(
            technician=tech, start=T0 - dt.timedelta(hours=1), end=T0 + dt.timedelta(hours=12)
        )
    with clock.frozen_at(T0):
        urgent = urgent_request_create(phone="13700000001", address="江苏省泰州市姜堰区人民路1号")
        job = urgent_assign(urgent=urgent)
        job_accept(job_id=job.pk, actor=job.technician.user)
    return job


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (32.0, 30.0, 0.0), 3: "E", 4: (120.0, 8.0, 0.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(32, 32), extra: bytes = b"") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 0, 0)).save(out, format="PNG")
    return out.getvalue() + extra


def post_photo(client, job, name, data, content_type, headers=None):
    client.force_login(job.technician.user)
    upload = SimpleUploadedFile(name, data, content_type=content_type)
    return client.post(f"/tech/jobs/{job.pk}/note/", {"text": "", "photo": upload}, headers=headers or {})


def test_a_photo_is_reencoded_without_exif_under_a_generated_name(client, job, media):
    original = jpeg_with_gps()
    assert b"PhoneMaker" in original and Image.open(io.BytesIO(original)).getexif()
    response = post_photo(client, job, "evidence.html", original, "text/html")
    assert response.status_code == 302
    note = JobNote.objects.get()
    assert note.photo.name.endswith(".jpg") and "evidence" not in note.photo.name
    stored = (media / note.photo.name).read_bytes()
    assert stored != original and b"PhoneMaker" not in stored
    reopened = Image.open(io.BytesIO(stored))
    assert reopened.format == "JPEG" and reopened.size == (64, 48) and not reopened.getexif()


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("x.html", b"<html><script>alert(document.cookie)</script></html>", "image/jpeg"),
        (
            "x.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
        ("x.gif", b"GIF89a" + b"\x00" * 40, "image/gif"),
        ("x.jpg", b"\xff\xd8\xff\xe0truncated", "image/jpeg"),
    ],
)
def test_anything_but_a_jpeg_png_or_webp_is_a_422_in_the_technicians_language(
    client, job, name, data, content_type
):
    response = post_photo(client, job, name, data, content_type, headers=EN)
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert not JobNote.objects.exists()


def test_a_polyglot_loses_its_script(client, job, media):
    response = post_photo(client, job, "x.png", png_bytes(extra=b"<script>alert(1)</script>"), "image/png")
    assert response.status_code == 302
    stored = (media / JobNote.objects.get().photo.name).read_bytes()
    assert b"<script>" not in stored and stored.startswith(b"\x89PNG")


def test_too_many_bytes_or_pixels_is_refused(client, job, settings):
    from fairdesk.dispatch import services

    bomb = png_bytes(size=(8000, 6000))  # 48 megapixels of nothing: a few kilobytes compressed
    assert len(bomb) < 1_000_000
    assert post_photo(client, job, "bomb.png", bomb, "image/png").status_code == 422
    huge = b"\xff\xd8\xff\xe0" + b"0" * (services.MAX_PHOTO_BYTES + 1)
    assert post_photo(client, job, "big.jpg", huge, "image/jpeg").status_code == 422
    assert not JobNote.objects.exists()


def test_photos_are_served_only_through_the_view_to_those_who_may_see_the_job(client, job):
    with clock.frozen_at(T0):
        note = job_note_add(
            job_id=job.pk,
            actor=job.technician.user,
            photo=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        )
    url = f"/tech/photos/{note.pk}/"
    assert client.get(url).status_code == 302  # anonymous: to the staff sign-in
    assert client.get("/media/" + note.photo.name).status_code == 404  # never raw from /media/

    client.force_login(job.technician.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert response["Content-Disposition"].startswith("inline;")
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")

    colleague = Technician.objects.exclude(pk=job.technician_id).get().user
    client.force_login(colleague)
    assert client.get(url).status_code == 404  # another technician's job does not exist for them

    for phone, role, status in [
        ("13600000001", Role.DISPATCHER, 200),
        ("13600000002", Role.MANAGER, 200),
        ("13600000003", Role.AUDITOR, 200),
        ("13600000004", Role.AGENT, 403),
    ]:
        client.force_login(staff_create(phone=phone, name=role, role=role, password=PASSWORD))
        assert client.get(url).status_code == status, role


@pytest.mark.parametrize("mode", ["I;16", "P", "CMYK", "LA", "1"])
def test_unusual_pixel_formats_are_kept_or_refused_never_a_500(client, job, media, mode):
    out = io.BytesIO()
    Image.new(mode, (20, 10)).save(out, format="TIFF" if mode == "CMYK" else "PNG")
    if mode == "CMYK":  # a CMYK JPEG, as some scanners make
        out = io.BytesIO()
        Image.new("CMYK", (20, 10)).save(out, format="JPEG")
    response = post_photo(client, job, "x.png", out.getvalue(), "image/png")
    assert response.status_code in {302, 422}
    if response.status_code == 302:
        stored = Image.open(io.BytesIO((media / JobNote.objects.get().photo.name).read_bytes()))
        assert stored.size == (20, 10) and stored.format in {"PNG", "JPEG"}


def test_a_png_keeps_no_text_chunks_or_colour_profile(client, job, media):
    from PIL import PngImagePlugin

    meta = PngImagePlugin.PngInfo()
    meta.add_text("Comment", "<script>alert(1)</script>")
    out = io.BytesIO()
    Image.new("RGB", (16, 16)).save(out, format="PNG", pnginfo=meta, icc_profile=b"<script>x</script>" * 4)
    assert post_photo(client, job, "x.png", out.getvalue(), "image/png").status_code == 302
    stored = (media / JobNote.objects.get().photo.name).read_bytes()
    assert b"<script>" not in stored and b"Comment" not in stored
