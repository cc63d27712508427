"""Why a job ended early (a decline, a handover) is what the technician typed: it stays on the job
(`Job.end_note`); the events say only whether there is a note (decline) or which job holds it (handover), and
an offer nobody answered has no words at all."""

import datetime as dt

import pytest

from fairdesk.core import clock, events
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Job
from fairdesk.dispatch.services import job_accept, job_decline, job_handover, offers_expire, urgent_assign
from fairdesk.dispatch.tests.test_emergency_flow import T0, new_request, team  # noqa: F401

pytestmark = pytest.mark.django_db


def test_a_decline_keeps_the_words_on_the_job_and_the_event_says_there_is_a_note(team, settings):  # noqa: F811
    settings.FAIRDESK_OFFER_MINUTES = 3
    with clock.frozen_at(T0):
        first = urgent_assign(urgent=new_request())
        second = job_decline(job_id=first.pk, actor=first.technician.user, reason=" 车坏了，去不了 ")
    assert Job.objects.get(pk=first.pk).end_note == "车坏了，去不了"
    declined = Event.objects.get(kind="job.declined").payload
    assert declined == {
        "job": first.pk,
        "technician": first.technician_id,
        "old_status": "offered",
        "new_status": "declined",
        "has_note": True,
    }
    with clock.frozen_at(T0 + dt.timedelta(minutes=4)):
        assert offers_expire() == 1
    expired = Event.objects.get(kind="job.expired")
    assert expired.payload == {
        "job": second.pk,
        "technician": second.technician_id,
        "old_status": "offered",
        "new_status": "expired",
    }
    assert expired.actor_label == "dispatch"
    assert Job.objects.get(pk=second.pk).end_note == ""  # no "no answer" prose: the status says it


def test_a_decline_without_words_says_so(team):  # noqa: F811
    with clock.frozen_at(T0):
        first = urgent_assign(urgent=new_request())
        job_decline(job_id=first.pk, actor=first.technician.user)
    assert Event.objects.get(kind="job.declined").payload["has_note"] is False


def test_a_handover_event_names_the_jobs_and_the_reason_stays_on_the_old_one(team):  # noqa: F811
    with clock.frozen_at(T0):
        job = urgent_assign(urgent=new_request())
        job_accept(job_id=job.pk, actor=job.technician.user)
        new = job_handover(job_id=job.pk, actor=job.technician.user, to=team[1], reason="车坏了")
    event = Event.objects.get(kind="job.handed_over")
    assert event.payload == {"from": job.pk, "to": new.pk, "technician": team[1].pk}
    assert Job.objects.get(pk=job.pk).end_note == "车坏了"
    recorded = Event.objects.filter(kind__startswith="job.")
    assert all(events.prose_in(e.payload) == [] for e in recorded), [e.payload for e in recorded]
