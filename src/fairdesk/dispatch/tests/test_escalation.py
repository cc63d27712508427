"""An emergency waiting past FAIRDESK_URGENT_ESCALATE_MINUTES with no accepted job is escalated once
(urgent.escalated, by the periodic scheduler) and heads the dispatcher's board, marked; the board opens on the
station with waiting emergencies and offers only technicians who can reach the address, by ETA."""

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core import clock, periodic
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Shift, Technician, UrgentRequest
from fairdesk.dispatch.services import job_accept, urgent_assign, urgent_escalate_due, urgent_request_create
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 4, 0, tzinfo=dt.UTC)


def _station(code: str, name: str):
    division = Division.objects.get(code=code, valid_until=None)
    station = station_create(name=name, address=division.name, division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    return station, division


def _tech(n: int, station, division, skills, dlat=0.0, shift=True):
    user = staff_create(
        phone=f"1700000010{n}", name=f"李{n}", role=Role.TECHNICIAN, password="a-long-password-1"
    )
    tech = Technician.objects.create(
        user=user, station=station, skills=skills, lat=division.lat + dlat, lng=division.lng
    )
    if shift:
        Shift.objects.create(
            technician=tech, start=T0 - dt.timedelta(hours=1), end=T0 + dt.timedelta(hours=12)
        )
    return tech


@pytest.fixture
def jiangyan():
    station, division = _station("321204", "泰州服务站")
    techs = [
        _tech(0, station, division, ["locks"], 0.01),
        _tech(1, station, division, ["locks", "safes"], 0.2),
        _tech(2, station, division, ["locks"], 0.05),
        _tech(3, station, division, ["locks"], 0.0, shift=False),  # off shift: never offered
    ]
    return station, techs


def _urgent(phone="13700000001", address="江苏省泰州市姜堰区人民路1号"):
    return urgent_request_create(phone=phone, address=address)


def test_an_emergency_waiting_past_the_threshold_is_escalated_once(jiangyan, settings):
    settings.FAIRDESK_URGENT_ESCALATE_MINUTES = 5
    with clock.frozen_at(T0):
        urgent = _urgent()
        job = urgent_assign(urgent=urgent)  # offered, never accepted
    with clock.frozen_at(T0 + dt.timedelta(minutes=4)):
        assert urgent_escalate_due() == 0
    with clock.frozen_at(T0 + dt.timedelta(minutes=6)):
        assert urgent_escalate_due() == 1
        assert urgent_escalate_due() == 0  # once
    event = Event.objects.get(kind="urgent.escalated")
    assert event.payload == {
        "station": urgent.station_id,
        "status": "assigned",
        "waited_minutes": 6,
        "threshold_minutes": 5,
        "job": job.pk,
    }
    assert UrgentRequest.objects.get(pk=urgent.pk).escalated_at == T0 + dt.timedelta(minutes=6)


def test_an_accepted_job_is_not_escalated_and_the_scheduler_runs_it(jiangyan, settings):
    settings.FAIRDESK_URGENT_ESCALATE_MINUTES = 5
    with clock.frozen_at(T0):
        job = urgent_assign(urgent=_urgent())
        job_accept(job_id=job.pk, actor=job.technician.user)
    with clock.frozen_at(T0 + dt.timedelta(minutes=30)):
        assert urgent_escalate_due() == 0
    assert periodic.SCHEDULE["dispatch.urgent_escalate"].lane == periodic.FAST
    assert "dispatch.urgent_escalate" in {job.name for job in periodic.jobs()}


def test_a_reoffer_after_the_threshold_goes_to_the_nearest(jiangyan, settings):
    settings.FAIRDESK_URGENT_ESCALATE_MINUTES = 5
    _station, techs = jiangyan
    with clock.frozen_at(T0):
        first = urgent_assign(urgent=_urgent())
    assert first.technician == techs[2]  # keeps the promise, the nearest (李0) stays free
    with clock.frozen_at(T0 + dt.timedelta(minutes=6)):
        again = urgent_assign(urgent=first.urgent, exclude=frozenset({techs[2].pk}))
    assert again.technician == techs[0]  # waited too long: the nearest, whatever the reserve rule


def test_the_board_opens_on_the_waiting_station_escalated_first_with_reachable_technicians(
    client, jiangyan, settings
):
    settings.FAIRDESK_URGENT_ESCALATE_MINUTES = 5
    station, techs = jiangyan
    other, other_division = _station("110105", "北京朝阳站")  # first by name, nothing waiting there
    _tech(9, other, other_division, ["locks", "safes"])  # on shift but 900 km away: cannot reach
    dispatcher = staff_create(
        phone="13500000077", name="张调度", role=Role.DISPATCHER, password="a-long-password-1"
    )
    client.force_login(dispatcher)
    with clock.frozen_at(T0):
        old = _urgent()
    with clock.frozen_at(T0 + dt.timedelta(minutes=3)):
        new = _urgent(phone="13700000002")
    with clock.frozen_at(T0 + dt.timedelta(minutes=6)):
        assert urgent_escalate_due() == 1  # the old one only
        page = client.get("/dispatch/")
        html = page.content.decode()
        assert page.context["station"] == station
        refs = [u.reference for u in page.context["urgent"]]
        assert refs.index(old.reference) < refs.index(new.reference)
        assert page.context["escalated"] == [old.reference]
        assert html.count('data-testid="escalated"') == 1 and "dispatch/board.js" in html
        candidates = page.context["urgent"][0].candidates
        assert [t.pk for t, _eta in candidates] == [techs[0].pk, techs[2].pk, techs[1].pk]  # by ETA
        etas = [eta for _t, eta in candidates]
        assert etas == sorted(etas) and f"{etas[0]} 分钟" in html
        stamp = page.context["stamp"]
        unchanged = client.get("/dispatch/", {"part": "urgent", "v": stamp}, headers={"HX-Request": "true"})
        assert unchanged.status_code == 204
        changed = client.get("/dispatch/", {"part": "urgent", "v": "old"}, headers={"HX-Request": "true"})
        assert changed.status_code == 200 and 'id="urgent-live"' in changed.content.decode()
