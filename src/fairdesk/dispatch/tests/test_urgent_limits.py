"""Emergencies are limited per phone and per client address WITHOUT blocking a genuine one: over a limit the
request is stored but held for a hotline agent to call back (no technician offer, no SMS), the customer's page
says a person will call, and the agent's confirm sends it to dispatch."""

import datetime as dt

import pytest

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Job, Shift, Technician, UrgentRequest, UrgentStatus
from fairdesk.notify.models import Message
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
PASSWORD = "a-long-staff-password"


@pytest.fixture
def team():
    jiangyan = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=jiangyan, hotline="400-100-2000")
    service_area_add(station=station, division=jiangyan)
    now = dt.datetime.now(dt.UTC)
    for n in range(3):
        user = staff_create(phone=f"1700000000{n}", name=f"王{n}", role=Role.TECHNICIAN, password=PASSWORD)
        tech = Technician.objects.create(
            user=user, station=station, skills=["locks"], lat=jiangyan.lat + 0.01 * n, lng=jiangyan.lng
        )
        Shift.objects.create(
            technician=tech, start=now - dt.timedelta(hours=1), end=now + dt.timedelta(hours=8)
        )
    return station


def help_now(client, phone, address="203.0.113.7"):
    response = client.post("/help-now/", {"phone": phone, "address": ADDRESS}, REMOTE_ADDR=address)
    assert response.status_code == 302, response.content.decode()[:500]
    return UrgentRequest.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[-1])


def sms_about(urgent) -> int:
    return Message.objects.filter(subject_type="bookings.urgentrequest", subject_id=urgent.pk).count()


def test_ten_phones_from_one_address_five_go_out_the_rest_wait_for_a_person(client, team):
    requests = [help_now(client, f"1370000{n:04d}") for n in range(10)]
    assert UrgentRequest.objects.count() == 10  # nothing dropped
    sent, held = requests[:5], requests[5:]
    assert all(u.status == UrgentStatus.ASSIGNED and not u.held_reason for u in sent)
    for urgent in held:
        urgent.refresh_from_db()
        assert urgent.status == UrgentStatus.HELD and urgent.held_reason == "address"
        assert not Job.objects.filter(urgent=urgent).exists() and sms_about(urgent) == 0
    assert Job.objects.filter(urgent__in=sent).count() == 5
    assert Event.objects.filter(kind="urgent.held").count() == 5
    other_place = help_now(client, "13711112222", address="198.51.100.9")
    assert other_place.status == UrgentStatus.ASSIGNED and Job.objects.filter(urgent=other_place).exists()


def test_a_fourth_request_from_one_phone_is_held_not_refused(client, team):
    for n in range(3):
        help_now(client, "13700000001", address=f"198.51.100.{n + 1}")
    fourth = help_now(client, "13700000001", address="198.51.100.99")
    assert fourth.status == UrgentStatus.HELD and fourth.held_reason == "phone"
    page = client.get(f"/help-now/{fourth.reference}/", headers={"accept-language": "en"})
    assert "will call you back" in page.content.decode()
    chinese = client.get(f"/help-now/{fourth.reference}/")
    assert "热线工作人员会尽快给您回电确认" in chinese.content.decode()


def test_the_agent_confirms_on_the_hotline_console_and_dispatch_starts(client, team):
    for n in range(3):
        help_now(client, "13700000001", address=f"198.51.100.{n + 1}")
    held = help_now(client, "13700000001")
    agent = staff_create(phone="13500000001", name="李客服", role=Role.AGENT, password=PASSWORD)
    client.force_login(agent)
    console = client.get("/hotline/")
    assert f"confirm-{held.reference}" in console.content.decode()
    confirm = f"/hotline/urgent/{held.reference}/confirm/"
    assert client.post(confirm).status_code == 302
    held.refresh_from_db()
    assert held.status == UrgentStatus.ASSIGNED and Job.objects.filter(urgent=held).exists()
    event = Event.objects.get(kind="urgent.confirmed")
    assert event.actor == agent and event.payload == {
        "old_status": "held",
        "new_status": "queued",
        "reason": "phone",
        "station": team.pk,
    }
    again = client.post(confirm)
    assert again.status_code == 409 and Event.objects.filter(kind="urgent.confirmed").count() == 1


def test_only_hotline_and_dispatch_staff_may_confirm(client, team):
    for n in range(3):
        help_now(client, "13700000001", address=f"198.51.100.{n + 1}")
    held = help_now(client, "13700000001")
    confirm = f"/hotline/urgent/{held.reference}/confirm/"
    assert client.post(confirm).status_code == 302 and "/staff/login/" in client.post(confirm)["Location"]
    auditor = staff_create(phone="13500000005", name="陈审计", role=Role.AUDITOR, password=PASSWORD)
    client.force_login(auditor)
    assert client.post(confirm).status_code == 403
    held.refresh_from_db()
    assert held.status == UrgentStatus.HELD
    dispatcher = staff_create(phone="13500000003", name="张调度", role=Role.DISPATCHER, password=PASSWORD)
    client.force_login(dispatcher)
    done = client.post(confirm)
    assert done.status_code == 302 and done["Location"].startswith("/dispatch/")  # no hotline console
    held.refresh_from_db()
    assert held.status == UrgentStatus.ASSIGNED


def test_behind_our_proxy_the_limit_counts_clients_not_the_proxy(client, team, settings):
    def via_proxy(phone, forwarded):
        response = client.post(
            "/help-now/",
            {"phone": phone, "address": ADDRESS},
            REMOTE_ADDR="127.0.0.1",
            headers={"x-forwarded-for": forwarded},
        )
        return UrgentRequest.objects.get(reference=response["Location"].rstrip("/").rsplit("/", 1)[-1])

    assert via_proxy("13700000001", "203.0.113.50").client_ip == "127.0.0.1"  # no proxy configured: ignored
    settings.FAIRDESK_PROXY_HOPS = 1
    forged = via_proxy("13700000002", "10.9.9.9, 203.0.113.50")  # the client prepended a forged address
    assert forged.client_ip == "203.0.113.50"
    assert via_proxy("13700000003", "not-an-address").client_ip == "127.0.0.1"
