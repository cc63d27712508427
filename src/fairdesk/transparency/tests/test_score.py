"""The provider credit score on fixture data: the formula by hand, the 30-job threshold, station vs
technician, what a complaint's subject joins to, and the station page (public inputs, managers' appeals)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import customer_get_or_create, staff_create
from fairdesk.bookings.models import Booking, ServiceType, Slot
from fairdesk.bookings.services import service_types_load_demo
from fairdesk.complaints.models import Complaint
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.core.services import event_record
from fairdesk.dispatch.models import Job, Technician, UrgentRequest
from fairdesk.regions import coverage_extras
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create
from fairdesk.transparency import score
from fairdesk.transparency.demo import rules_load_demo
from fairdesk.transparency.models import ScoreAppeal

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC)  # 12:00 in Beijing
PERIOD = (dt.date(2026, 11, 1), dt.date(2026, 11, 20))
_refs = itertools.count(1)


@pytest.fixture
def frozen():
    with clock.frozen_at(NOW):
        yield


@pytest.fixture
def shop(frozen):
    rules_load_demo(verbosity=0)
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    stations = [
        station_create(name=name, address="姜堰区", division=division, hotline="400-100-2000")
        for name in ("评分网点", "别的网点")
    ]
    techs = []
    for n, station in enumerate([stations[0], stations[0], stations[1]]):
        user = staff_create(
            phone=f"1390000010{n}", name=f"tech{n}", role=Role.TECHNICIAN, password="a-long-staff-password"
        )
        techs.append(
            Technician.objects.create(
                user=user, station=station, skills=["locks"], lat=division.lat, lng=division.lng
            )
        )
    customer = customer_get_or_create(phone="13800000001", name="A")
    slot = Slot.objects.create(
        station=stations[0],
        start=NOW - dt.timedelta(days=2),
        end=NOW - dt.timedelta(days=2, hours=-2),
        capacity=50,
    )
    return {"stations": stations, "techs": techs, "customer": customer, "slot": slot, "division": division}


def _booking(shop, station) -> Booking:
    return Booking.objects.create(
        reference=f"B{next(_refs):07d}",
        customer=shop["customer"],
        contact_name="A",
        service_type=ServiceType.objects.first(),
        slot=shop["slot"],
        station=station,
        division=shop["division"],
        address="江苏省泰州市姜堰区人民路1号",
        price_estimate_fen=10000,
    )


def _at(day: int) -> dt.datetime:
    return dt.datetime(2026, 11, day, 2, 0, tzinfo=dt.UTC)


def _record(kind, day, payload, subject_type="bookings.urgentrequest", subject_id="1", subject=None):
    with clock.frozen_at(_at(day)):
        event_record(
            kind=kind, subject=subject, subject_type=subject_type, subject_id=subject_id, payload=payload
        )


def _emergency(tech, *, within_30: bool, within_promise: bool, day=5):
    at = _at(day)
    _record(
        "job.on_site",
        day,
        {
            "job": 1,
            "technician": tech.pk,
            "old_status": "en_route",
            "new_status": "on_site",
            "requested_at": at - dt.timedelta(minutes=40),
            "promised_at": at - dt.timedelta(minutes=5),
            "arrived_at": at,
            "within_promise": within_promise,
            "within_30_minutes": within_30,
        },
    )


def _visit(tech, *, kept: bool, day=6):
    at = _at(day)
    _record(
        "visit.on_site",
        day,
        {
            "visit": 1,
            "technician": tech.pk,
            "old_status": "en_route",
            "new_status": "on_site",
            "window_start": at - dt.timedelta(hours=1),
            "window_end": at + dt.timedelta(hours=1),
            "arrived_at": at,
            "within_promise": kept,
        },
        subject_type="bookings.booking",
    )


def _cancelled(booking, reason_code, day=7):
    _record(
        "booking.cancelled",
        day,
        {"old_status": "confirmed", "new_status": "cancelled", "reason_code": reason_code, "has_note": False},
        subject=booking,
    )


def _complaint(shop, booking, outcome, day=8):
    complaint = Complaint.objects.create(
        customer=shop["customer"],
        category="service_quality",
        text="迟到",
        subject_type="booking",
        subject_reference=booking.reference,
        received_at=_at(day) - dt.timedelta(days=1),
        rule_version="2026-11",
        first_contact_by=_at(day),
        final_response_base_by=_at(day) + dt.timedelta(days=14),
        hard_limit_by=_at(day) + dt.timedelta(days=60),
    )
    _record(
        "complaint.responded",
        day,
        {"outcome": outcome, "redress_fen": 0, "final_response_by": _at(day), "timely": True},
        subject=complaint,
    )
    return complaint


def _fixture_history(shop, *, emergencies=20):
    """Station 0: 20 emergencies (14 within 30 min, 2 later but within the honest promise, 4 missed), 15
    visits (12 in the window), 1 cancellation by the station (+1 by a customer), complaints on its bookings:
    1 upheld, 1 partly upheld, 1 not upheld; noise at station 1."""
    t0, t1, other = shop["techs"]
    for i in range(emergencies):
        tech = t0 if i % 2 == 0 else t1
        if i < 14:
            _emergency(tech, within_30=True, within_promise=True)
        elif i < 16:
            _emergency(tech, within_30=False, within_promise=True)
        else:
            _emergency(tech, within_30=False, within_promise=False)
    for i in range(15):
        _visit(t0, kept=i < 12)
    ours, theirs = _booking(shop, shop["stations"][0]), _booking(shop, shop["stations"][1])
    _cancelled(ours, "unable_to_serve")
    _cancelled(_booking(shop, shop["stations"][0]), "customer_request")
    _cancelled(theirs, "unable_to_serve")
    _complaint(shop, ours, "upheld")
    _complaint(shop, ours, "partly_upheld")
    _complaint(shop, ours, "not_upheld")
    _complaint(shop, theirs, "upheld")
    _emergency(other, within_30=False, within_promise=False)
    _emergency(t0, within_30=True, within_promise=True, day=25)  # after the period


def test_formula_by_hand(shop):
    _fixture_history(shop)
    result = score.provider_score(station=shop["stations"][0], period_from=PERIOD[0], period_to=PERIOD[1])
    i = result.inputs
    assert (i.emergencies, i.emergencies_kept, i.visits, i.visits_kept) == (20, 16, 15, 12)
    assert (i.cancellations, i.upheld, i.partly_upheld, i.jobs) == (1, 1, 1, 36)
    # By hand: E = 16/20 = 0.8, V = 12/15 = 0.8; upheld 1 + 0.5 = 1.5 per 36 jobs = 4.1667 per 100 → 1 −
    # 4.1667/10 = 0.58333; cancellations 1/36 = 2.7778 per 100 → 0.72222. Weights 35, 30, 20, 15 (ratings
    # 0): 28 + 24 + 11.6667 + 10.8333 = 74.5 → 75 (halves up).
    assert result.parts_percent() == {
        "emergency_promise": 80,
        "visit_window": 80,
        "complaints": 58,
        "cancellations": 72,
        "ratings": None,
    }
    assert result.value == 75
    assert result.rule.code == "provider_score" and result.rule.version == 1
    # the other station sees only its own: 1 emergency, 1 cancellation, 1 upheld complaint; too few jobs
    other = score.provider_score(station=shop["stations"][1], period_from=PERIOD[0], period_to=PERIOD[1])
    assert (other.inputs.emergencies, other.inputs.cancellations, other.inputs.upheld) == (1, 1, 1)
    assert other.value is None


def test_per_technician(shop):
    _fixture_history(shop)
    t0, t1, _other = shop["techs"]
    mine = score.provider_score(technician=t0, period_from=PERIOD[0], period_to=PERIOD[1]).inputs
    theirs = score.provider_score(technician=t1, period_from=PERIOD[0], period_to=PERIOD[1]).inputs
    assert (mine.emergencies, mine.visits) == (10, 15)
    assert (theirs.emergencies, theirs.visits) == (10, 0)


def test_thirty_jobs_threshold(shop, client):
    _fixture_history(shop, emergencies=14)  # 14 + 15 visits + 1 cancellation = 30 jobs
    station = shop["stations"][0]
    result = score.provider_score(station=station, period_from=PERIOD[0], period_to=PERIOD[1])
    assert result.inputs.jobs == 30 and result.value is not None
    fewer = score.provider_score(station=station, period_from=dt.date(2026, 11, 6), period_to=PERIOD[1])
    assert fewer.inputs.jobs == 16 and fewer.value is None  # visits and later only: 15 + 1
    page = client.get(f"/providers/{station.pk}/?from=2026-11-06&to=2026-11-20").content.decode()
    assert "单数还不够" in page and "/rules/provider_score/" in page
    english = client.get(
        f"/providers/{station.pk}/?from=2026-11-06&to=2026-11-20", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Not enough jobs yet" in english
    shown = client.get(f"/providers/{station.pk}/?from=2026-11-01&to=2026-11-20").content.decode()
    assert "<strong>" in shown.split('data-testid="provider-score-value"')[1][:80]


def test_bad_period_is_a_422(shop, client):
    station = shop["stations"][0]
    assert client.get(f"/providers/{station.pk}/?from=2026-13-01").status_code == 422
    assert client.get(f"/providers/{station.pk}/?from=2026-11-20&to=2026-11-01").status_code == 422
    assert client.get("/providers/999999/").status_code == 404


def test_coverage_result_shows_the_score(shop, client):
    station = shop["stations"][0]
    html = "".join(coverage_extras.extras(station))
    assert f"/providers/{station.pk}/" in html and 'data-testid="station-score"' in html
    service_area_add(station=station, division=shop["division"])
    page = client.get("/coverage/check/", {"address": "江苏省泰州市姜堰区人民路1号"}).content.decode()
    assert 'data-testid="station-score"' in page and f'href="/providers/{station.pk}/"' in page


def test_appeal_recorded_and_answered_by_managers(shop, client):
    station = shop["stations"][0]
    manager = staff_create(phone="13900000201", name="m", role=Role.MANAGER, password="a-long-staff-password")
    agent = staff_create(phone="13900000202", name="a", role=Role.AGENT, password="a-long-staff-password")
    url = f"/providers/{station.pk}/appeal/"
    body = {"from": "2026-11-01", "to": "2026-11-20", "reason": "两单是客户改约，不是迟到"}
    assert client.post(url, body).status_code in (302, 403)  # anonymous: refused
    client.force_login(agent)
    assert client.post(url, body).status_code == 403
    assert not ScoreAppeal.objects.exists()
    client.force_login(manager)
    assert client.post(url, {**body, "reason": " "}).status_code == 422
    assert client.post(url, body).status_code == 302
    appeal = ScoreAppeal.objects.get()
    assert (appeal.period_from, appeal.rule_version, appeal.reason) == (
        dt.date(2026, 11, 1),
        1,
        body["reason"],
    )
    event = Event.objects.get(kind="provider_score.appealed")
    assert event.payload["station"] == station.pk and event.payload["score"] is None
    page = client.get(f"/providers/{station.pk}/").content.decode()
    assert body["reason"] in page and "provider_appeal_answer" not in page
    answer = f"/providers/appeals/{appeal.pk}/answer/"
    assert client.post(answer, {"outcome": "rejected", "answer": ""}).status_code == 422
    assert client.post(answer, {"outcome": "upheld", "answer": "已更正"}).status_code == 302
    assert client.post(answer, {"outcome": "upheld", "answer": "again"}).status_code == 400
    answered = Event.objects.get(kind="provider_score.appeal_answered")
    assert answered.payload == {"station": station.pk, "outcome": "upheld", "has_note": True}


def test_technicians_own_page(shop, client):
    t0 = shop["techs"][0]
    assert client.get("/providers/me/").status_code == 302  # to the staff sign-in
    client.force_login(t0.user)
    page = client.get("/providers/me/").content.decode()
    assert "tech0" in page and 'data-testid="provider-score"' in page
    manager = staff_create(phone="13900000203", name="m", role=Role.MANAGER, password="a-long-staff-password")
    client.force_login(manager)
    page = client.get(f"/providers/me/?technician={shop['techs'][2].pk}").content.decode()
    assert "别的网点" in page and 'data-testid="provider-score"' in page
    agent = staff_create(phone="13900000204", name="a", role=Role.AGENT, password="a-long-staff-password")
    client.force_login(agent)
    assert client.get("/providers/me/").status_code == 403


def test_an_emergency_complaint_counts_for_the_arriving_technicians_station(shop):
    t0, _t1, other = shop["techs"]
    urgent = UrgentRequest.objects.create(
        reference="E2345678",
        phone=shop["customer"].phone,
        address="江苏省泰州市姜堰区人民路1号",
        division=shop["division"],
        station=shop["stations"][1],  # the request's station is not who came
    )
    for tech, arrived in ((other, None), (t0, _at(9))):  # the first offer was declined, t0 came
        Job.objects.create(
            urgent=urgent,
            technician=tech,
            eta_minutes=20,
            promised_at=_at(9),
            respond_by=_at(9),
            arrived_at=arrived,
        )
    complaint = Complaint.objects.create(
        customer=shop["customer"],
        category="technician_conduct",
        text="态度不好",
        subject_type="emergency",
        subject_reference=urgent.reference,
        received_at=_at(9),
        rule_version="2026-11",
        first_contact_by=_at(10),
        final_response_base_by=_at(20),
        hard_limit_by=_at(28),
    )
    _record(
        "complaint.responded",
        12,
        {"outcome": "upheld", "redress_fen": 0, "final_response_by": _at(12), "timely": True},
        subject=complaint,
    )
    ours = score.provider_score(station=shop["stations"][0], period_from=PERIOD[0], period_to=PERIOD[1])
    theirs = score.provider_score(station=shop["stations"][1], period_from=PERIOD[0], period_to=PERIOD[1])
    mine = score.provider_score(technician=t0, period_from=PERIOD[0], period_to=PERIOD[1])
    assert (ours.inputs.upheld, theirs.inputs.upheld, mine.inputs.upheld) == (1, 0, 1)


@pytest.mark.parametrize("query", ["?from=9999-12-31&to=9999-12-31", "?from=0001-01-01&to=0001-01-02"])
def test_a_date_at_the_calendars_edge_is_a_422_not_a_500(client, db, query):
    from fairdesk.regions.models import Division
    from fairdesk.regions.services import station_create

    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="边界站", address="姜堰区", division=division, hotline="400-100-2000")
    assert client.get(f"/providers/{station.pk}/{query}").status_code == 422
