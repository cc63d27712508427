"""An urgent request is offered at once to the best technician; decline or silence moves it on; the job goes
accepted → en route → on site → done, and the real arrival is kept beside the promise."""

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.bookings.errors import IllegalTransition
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Job, JobStatus, Shift, Technician, UrgentRequest, UrgentStatus
from fairdesk.dispatch.services import (
    IllegalJobTransition,
    job_accept,
    job_advance,
    job_decline,
    offers_expire,
    urgent_assign,
    urgent_move,
    urgent_override,
    urgent_request_create,
)
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


@pytest.fixture
def team():
    jiangyan = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=jiangyan, hotline="400-100-2000")
    service_area_add(station=station, division=jiangyan)
    techs = []
    for n, (dlat, skills) in enumerate([(0.01, ["locks"]), (0.3, ["locks", "safes"])]):
        user = staff_create(
            phone=f"1700000000{n}", name=f"王{n}", role=Role.TECHNICIAN, password="a-long-password-1"
        )
        tech = Technician.objects.create(
            user=user, station=station, skills=skills, lat=jiangyan.lat + dlat, lng=jiangyan.lng
        )
        Shift.objects.create(
            technician=tech, start=T0 - dt.timedelta(hours=1), end=T0 + dt.timedelta(hours=12)
        )
        techs.append(tech)
    return techs


def new_request():
    return urgent_request_create(
        phone="13700000001", address="江苏省泰州市姜堰区人民路1号", description="锁在门外"
    )


def test_the_request_is_offered_at_once_with_an_honest_promise(team):
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
    assert job.technician == team[0]  # 1 km away: keeps the 30-minute promise
    assert job.eta_minutes <= 30 and job.promised_at == T0 + dt.timedelta(minutes=job.eta_minutes)
    event = Event.objects.get(kind="urgent.offered")
    assert event.payload["within_promise"] is True


def test_a_decline_and_silence_move_the_request_on(team, settings):
    settings.FAIRDESK_OFFER_MINUTES = 3
    with clock.frozen_at(T0):
        urgent = new_request()
        first = urgent_assign(urgent=urgent)
        second = job_decline(job_id=first.pk, actor=first.technician.user, reason="车坏了")
    assert second.technician == team[1]
    with clock.frozen_at(T0 + dt.timedelta(minutes=4)):
        assert offers_expire() == 1  # 王1 did not answer: nobody is left untried
    assert Job.objects.get(pk=second.pk).status == JobStatus.EXPIRED
    assert Event.objects.filter(kind="urgent.no_technician").exists()


def test_accept_to_done_records_the_real_arrival(team):
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
        user = job.technician.user
        job_accept(job_id=job.pk, actor=user)
        job_advance(job_id=job.pk, actor=user, to=JobStatus.EN_ROUTE)
    with clock.frozen_at(T0 + dt.timedelta(minutes=12)):
        job_advance(job_id=job.pk, actor=user, to=JobStatus.ON_SITE)
    with clock.frozen_at(T0 + dt.timedelta(minutes=50)):
        job = job_advance(job_id=job.pk, actor=user, to=JobStatus.DONE)
    assert job.within_30 is True and job.arrived_at == T0 + dt.timedelta(minutes=12)
    urgent.refresh_from_db()
    assert urgent.status == "closed"
    kinds = [
        e.kind for e in Event.objects.filter(subject_type="bookings.urgentrequest", subject_id=str(urgent.pk))
    ]
    assert kinds == [
        "urgent.created",
        "urgent.assigned",
        "urgent.offered",
        "job.accepted",
        "job.en_route",
        "job.on_site",
        "job.done",
        "urgent.closed",
    ]


def test_steps_cannot_be_skipped_and_others_jobs_are_out_of_reach(team):
    with clock.frozen_at(T0):
        job = urgent_assign(urgent=new_request())
    with pytest.raises(IllegalJobTransition):
        job_advance(job_id=job.pk, actor=job.technician.user, to=JobStatus.DONE)
    other = team[1].user
    from fairdesk.core.errors import NotFound

    with pytest.raises(NotFound):
        job_accept(job_id=job.pk, actor=other)


def test_the_background_tick_moves_unanswered_offers_on(team, settings):
    from fairdesk.core.models import TaskChain
    from fairdesk.core.scheduler import scheduler_tick

    TaskChain.objects.create(name="scheduler:fast", generation=7)
    with clock.frozen_at(T0):
        first = urgent_assign(urgent=new_request())
    with clock.frozen_at(T0 + dt.timedelta(minutes=settings.FAIRDESK_OFFER_MINUTES + 1)):
        assert "dispatch.offers_expire" in scheduler_tick.call(7, "fast")
    assert Job.objects.get(pk=first.pk).status == JobStatus.EXPIRED
    assert Job.objects.filter(urgent=first.urgent, status=JobStatus.OFFERED).get().technician == team[1]


def _jpeg() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_a_handover_gives_the_colleague_everything_and_tells_the_customer(team, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fairdesk.dispatch.services import job_handover, job_note_add
    from fairdesk.notify.models import Message

    settings.MEDIA_ROOT = tmp_path
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
        user = job.technician.user
        job_accept(job_id=job.pk, actor=user)
        job_note_add(
            job_id=job.pk,
            actor=user,
            text="门锁型号 C 级",
            photo=SimpleUploadedFile("lock.jpg", _jpeg(), content_type="image/jpeg"),
        )
        with pytest.raises(Exception, match="转交原因"):
            job_handover(job_id=job.pk, actor=user, to=team[1], reason="")
        new = job_handover(job_id=job.pk, actor=user, to=team[1], reason="车坏了")
    assert (
        new.technician == team[1] and new.status == JobStatus.ACCEPTED and new.promised_at == job.promised_at
    )
    assert [n.text for n in new.notes.all()] == ["门锁型号 C 级"] and new.notes.get().photo
    assert Job.objects.get(pk=job.pk).status == JobStatus.REASSIGNED
    told = Message.objects.get(kind="job_handed_over")
    assert told.recipient == urgent.phone and team[1].given_name in told.body


def test_a_photo_must_be_an_image(team):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fairdesk.core.errors import DomainError
    from fairdesk.dispatch.services import job_note_add

    with clock.frozen_at(T0):
        job = urgent_assign(urgent=new_request())
        job_accept(job_id=job.pk, actor=job.technician.user)
        with pytest.raises(DomainError):
            job_note_add(
                job_id=job.pk,
                actor=job.technician.user,
                photo=SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream"),
            )


def test_a_busy_technician_is_not_pulled_off_a_job_when_the_promise_cannot_be_kept(team):
    with clock.frozen_at(T0):
        first = urgent_assign(urgent=new_request())
        job_accept(job_id=first.pk, actor=first.technician.user)
        second = urgent_assign(urgent=new_request())
    # 王0 is busy until ~50 min from now; nobody can be there in 30, so the idle 王1 comes (and the customer
    # is told his real ETA) instead of breaking 王0's running job.
    assert second.technician == team[1] and second.eta_minutes > 30


def _status_events(urgent):
    return [
        (e.kind, e.payload["old_status"], e.payload["new_status"])
        for e in Event.objects.filter(
            subject_type="bookings.urgentrequest",
            subject_id=str(urgent.pk),
            kind__in=["urgent.assigned", "urgent.closed"],
        ).order_by("pk")
    ]


def test_the_request_follows_its_jobs_through_guarded_transitions(team):
    """queued → assigned on the first offer (a re-offer after a decline changes nothing), assigned → closed
    when the job is done, each recorded with the old and new status; a closed request is never reopened."""
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
        job = job_decline(job_id=job.pk, actor=job.technician.user, reason="busy")  # the next technician
        user = job.technician.user
        job_accept(job_id=job.pk, actor=user)
        job_advance(job_id=job.pk, actor=user, to=JobStatus.EN_ROUTE)
        job_advance(job_id=job.pk, actor=user, to=JobStatus.ON_SITE)
        job_advance(job_id=job.pk, actor=user, to=JobStatus.DONE)
    assert _status_events(urgent) == [
        ("urgent.assigned", "queued", "assigned"),
        ("urgent.closed", "assigned", "closed"),
    ]
    urgent.refresh_from_db()
    jobs = urgent.jobs.count()
    with pytest.raises(IllegalTransition):
        urgent_override(urgent=urgent, technician=team[1], actor=None)
    urgent.refresh_from_db()
    assert urgent.status == UrgentStatus.CLOSED and urgent.jobs.count() == jobs  # nothing half-done kept


def test_a_request_is_never_closed_before_it_was_assigned(team):
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
    UrgentRequest.objects.filter(pk=urgent.pk).update(status=UrgentStatus.QUEUED)
    with pytest.raises(IllegalTransition):
        urgent_move(urgent=urgent, to=UrgentStatus.CLOSED, job=job)
    assert UrgentRequest.objects.get(pk=urgent.pk).status == UrgentStatus.QUEUED


def test_the_status_page_has_one_stage_one_estimate_and_stops_asking_when_done(team, client):
    """Issue 16 item 8: no meta-refresh; the heading is the timeline's stage (not the job's "待接单"
    beside the timeline's "已派给技师"); one estimate naming its basis; htmx gets 204 while nothing
    changed and a fragment without a trigger once the job is done."""
    with clock.frozen_at(T0):
        urgent = new_request()
        job = urgent_assign(urgent=urgent)
        url = f"/help-now/{urgent.reference}/"
        page = client.get(url).content.decode()
        assert 'http-equiv="refresh"' not in page
        assert 'data-stage="offered"' in page and "已派给技师，等待接单" in page
        assert page.count('data-testid="eta"') == 1 and 'data-basis="dispatch"' in page
        assert 'data-testid="refresh"' in page  # without JavaScript: a link that reloads, inside <noscript>
        assert 'hx-trigger="every 15s"' in page
        fragment = client.get(url, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and b"<html" not in fragment.content
        assert "HX-Request" in fragment["Vary"]
        stamp = fragment.content.decode().split("?v=", 1)[1].split('"', 1)[0]
        assert client.get(url + "?v=" + stamp, headers={"HX-Request": "true"}).status_code == 204
        user = job.technician.user
        job_accept(job_id=job.pk, actor=user)
        changed = client.get(url + "?v=" + stamp, headers={"HX-Request": "true"}).content.decode()
        assert 'data-stage="accepted"' in changed and "已接单" in changed
        job_advance(job_id=job.pk, actor=user, to=JobStatus.EN_ROUTE)
    with clock.frozen_at(T0 + dt.timedelta(minutes=5)):
        from fairdesk.dispatch.services import technician_position

        technician_position(technician=job.technician, lat=team[0].lat, lng=team[0].lng)
        moving = client.get(url).content.decode()
        assert moving.count('data-testid="eta"') == 1 and 'data-basis="position"' in moving
        job_advance(job_id=job.pk, actor=user, to=JobStatus.ON_SITE)
        job_advance(job_id=job.pk, actor=user, to=JobStatus.DONE)
        done = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-stage="done"' in done and 'data-finished="true"' in done
    assert "hx-trigger" not in done and 'data-testid="eta"' not in done


def test_the_technician_page_states_the_work_and_offers_handover_only_with_a_colleague(team, client):
    """Issue 16 item 16 (and the /tech/ meta-refresh): a technician with an accepted job is not "空闲"; with
    no colleague on the station "转交" is not offered; the page asks for news (204 while nothing changed)
    instead of reloading itself."""
    from fairdesk.dispatch.selectors import technician_status_labels

    with clock.frozen_at(T0):
        job = urgent_assign(urgent=new_request())
        tech = job.technician
        assert technician_status_labels(technicians=[tech])[tech.pk] == "有新工单待接"
        job_accept(job_id=job.pk, actor=tech.user)
        assert technician_status_labels(technicians=[tech])[tech.pk] == "已接单，待出发"
        client.force_login(tech.user)
        page = client.get("/tech/").content.decode()
        assert 'http-equiv="refresh"' not in page
        assert 'data-testid="tech-status">已接单，待出发<' in page
        assert "转给同事" in page and 'data-testid="no-handover"' not in page  # 王1 is a colleague
        stamp = page.split('id="tech-live" hx-get="/tech/?v=', 1)[1].split('"', 1)[0]
        from urllib.parse import unquote

        unchanged = client.get("/tech/", {"v": unquote(stamp)}, headers={"HX-Request": "true"})
        assert unchanged.status_code == 204
        Technician.objects.exclude(pk=tech.pk).delete()
        alone = client.get("/tech/").content.decode()
    assert "转给同事" not in alone and 'data-testid="no-handover"' in alone
