"""On the technician's page "拒绝" takes a reason and a confirm: a bare decline changes nothing (a clear 422
in the technician's language), a confirmed one with its reason moves the job on and keeps the words."""

import datetime as dt

import pytest

from fairdesk.core import clock
from fairdesk.dispatch.models import Job, JobStatus
from fairdesk.dispatch.services import urgent_assign, urgent_request_create
from fairdesk.dispatch.tests.test_escalation import T0, jiangyan  # noqa: F401

pytestmark = pytest.mark.django_db


def test_decline_asks_for_a_reason_and_a_confirm(client, jiangyan):  # noqa: F811
    with clock.frozen_at(T0):
        job = urgent_assign(
            urgent=urgent_request_create(phone="13700000001", address="江苏省泰州市姜堰区人民路1号")
        )
        client.force_login(job.technician.user)
        page = client.get("/tech/").content.decode()
        assert 'data-testid="decline"' in page and 'name="reason" required' in page
        bare = client.post(f"/tech/jobs/{job.pk}/", {"action": "decline"})
        assert bare.status_code == 422 and "拒绝原因" in bare.content.decode()
        assert Job.objects.get(pk=job.pk).status == JobStatus.OFFERED
        unreasoned = client.post(
            f"/tech/jobs/{job.pk}/", {"action": "decline", "confirm": "1", "reason": " "}
        )
        assert unreasoned.status_code == 422
    with clock.frozen_at(T0 + dt.timedelta(minutes=1)):
        done = client.post(f"/tech/jobs/{job.pk}/", {"action": "decline", "confirm": "1", "reason": "车坏了"})
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DECLINED and job.end_note == "车坏了"
