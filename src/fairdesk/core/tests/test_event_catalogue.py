"""Issue 10's Done-when for events: the demo flows (book, reschedule, cancel, emergency through done,
subscribe, upgrade, downgrade, renewal, cancel, refund) run through the API and the pages, and every event
they record matches the catalogue (`manage.py event_kinds`): a declared kind, every declared field of its
type and nothing else, no prose (Chinese or English) in any field (what people type stays on their records:
a cancellation's or a handover's reason; the events say which code was chosen and whether a note exists).

The flows go through URLs, periodic job names and the catalogue, not through service function names, so
this test outlives the refactoring of the apps' modules."""

import ast
import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY
from fairdesk.accounts.models import Role
from fairdesk.accounts.services import api_token_create, customer_get_or_create, staff_create
from fairdesk.bookings.models import Booking, Slot
from fairdesk.core import clock, events, periodic
from fairdesk.core.models import Event
from fairdesk.dispatch.models import Job, Shift, Technician
from fairdesk.regions.models import Division

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai
DAY = dt.timedelta(days=1)
ADDRESS = "江苏省泰州市姜堰区人民路1号"
SRC = Path(__file__).resolve().parents[2]


def post_json(client, path, body, key, **headers):
    return client.post(path, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def run_periodic(name: str) -> None:
    job = next(job for job in periodic.jobs() if job.name == name)
    job.run()


@pytest.fixture
def demo(settings, payment_sandbox):
    """The demo (`load_demo`: network, staff, technicians, plans) plus a station and a technician on shift
    at T0 where the flows happen."""
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    settings.FAIRDESK_QUIET_HOURS = "off"
    with clock.frozen_at(T0):
        call_command("load_demo", verbosity=0)
        from fairdesk.regions.services import service_area_add, station_create

        jiangyan = Division.objects.get(code="321204", valid_until=None)
        station = station_create(
            name="姜堰事件站", address="姜堰区", division=jiangyan, hotline="400-100-2000"
        )
        service_area_add(station=station, division=jiangyan)
        user = staff_create(
            phone="16600000009", name="王师傅", role=Role.TECHNICIAN, password="a-long-pass-1"
        )
        tech = Technician.objects.create(
            user=user, station=station, skills=["locks"], lat=jiangyan.lat + 0.01, lng=jiangyan.lng
        )
        Shift.objects.create(
            technician=tech, start=T0 - dt.timedelta(hours=1), end=T0 + dt.timedelta(hours=12)
        )
        from fairdesk.bookings.services import slots_ensure_ahead

        slots_ensure_ahead(station=station)
    agent = staff_create(
        phone="16600000021", name="李客服", role=Role.AGENT, password="a-long-staff-password"
    )
    return {
        "station": station,
        "tech": tech,
        "agent_headers": {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=agent)}"},
    }


def as_customer(client, phone):
    session = client.session
    session[VERIFIED_PHONE_SESSION_KEY] = customer_get_or_create(phone=phone).phone
    session.save()
    return client


def booking_flows(client, demo):
    """Book, reschedule and cancel through the API as an agent; book again as the customer."""
    headers = demo["agent_headers"]
    slots = list(
        Slot.objects.filter(station=demo["station"], start__gt=T0, capacity__gt=0).order_by("start")[:2]
    )
    assert len(slots) == 2
    body = {"slot_id": slots[0].pk, "service_type": "lock-repair", "address": ADDRESS, "phone": "13800000031"}
    made = post_json(client, "/api/v1/bookings", {**body, "name": "刘女士"}, "b1", **headers)
    assert made.status_code in (200, 201), made.content
    reference = made.json()["reference"]
    moved = post_json(
        client, f"/api/v1/bookings/{reference}/reschedule", {"slot_id": slots[1].pk}, "b2", **headers
    )
    assert moved.status_code == 200, moved.content
    gone = post_json(client, f"/api/v1/bookings/{reference}/cancel", {"reason": "改天再约"}, "b3", **headers)
    assert gone.status_code == 200, gone.content


def emergency_flow(client, demo):
    """Help now (the customer's page) → offered at once → the technician accepts, sets off, arrives, done."""
    page = client.post("/help-now/", {"phone": "13700000041", "address": ADDRESS, "description": "锁在门外"})
    assert page.status_code == 302, page.content.decode()[:500]
    # offered at once to the best technician (the demo's history has emergencies of its own)
    job = Job.objects.select_related("technician__user").get(urgent__phone="+8613700000041")
    client.force_login(job.technician.user)
    for action, minutes in (("accept", 1), ("en_route", 2), ("on_site", 12), ("done", 40)):
        with clock.frozen_at(T0 + dt.timedelta(minutes=minutes)):
            response = client.post(f"/tech/jobs/{job.pk}/", {"action": action})
        assert response.status_code == 302, (action, response.content.decode()[:500])
    client.logout()
    status_page = client.get(page["Location"]).content.decode()
    assert str(events.get("job.on_site").label) in status_page  # the timeline's words come from the catalogue
    return job


def declined_emergency_flow(client, demo):
    """Another emergency: the offered technician declines on their page (with a reason), the next offer goes
    unanswered and expires (the periodic job)."""
    page = client.post("/help-now/", {"phone": "13700000042", "address": ADDRESS, "description": "保险柜"})
    assert page.status_code == 302, page.content.decode()[:500]
    job = (
        Job.objects.select_related("technician__user")
        .filter(status="offered", urgent__phone="+8613700000042")
        .get()
    )
    client.force_login(job.technician.user)
    declined = client.post(
        f"/tech/jobs/{job.pk}/", {"action": "decline", "confirm": "1", "reason": "正在另一单上"}
    )
    assert declined.status_code == 302, declined.content.decode()[:500]
    client.logout()
    job.refresh_from_db()
    assert (job.status, job.end_note) == ("declined", "正在另一单上")  # the words stay on the job
    with clock.frozen_at(T0 + DAY / 2):
        run_periodic("dispatch.offers_expire")


def plan_flows(client, demo):
    """The customer (API) subscribes, upgrades, turns auto-renew on, downgrades; the renewal notice and the
    renewal run as periodic jobs; then cancel and refund. An agent subscribes someone else (on behalf)."""
    as_customer(client, "13800000051")
    made = post_json(client, "/api/v1/subscriptions", {"plan": "standard", "period": "month"}, "p1")
    assert made.status_code == 201, made.content
    sub = made.json()["subscription"]["id"]
    change = f"/api/v1/subscriptions/{sub}/change"
    assert post_json(client, change, {"to_plan": "premium"}, "p2").status_code == 200
    renew = post_json(client, f"/api/v1/subscriptions/{sub}/auto-renew", {"on": True}, "p3")
    assert renew.status_code == 200, renew.content
    down = post_json(client, change, {"to_plan": "basic", "refund_to": "credit"}, "p4")
    assert down.status_code == 200, down.content
    from fairdesk.plans.models import Subscription

    period_end = Subscription.objects.get(pk=sub).period_end
    with clock.frozen_at(period_end - 7 * DAY):
        run_periodic("plans.renewal_reminders")
    with clock.frozen_at(period_end + dt.timedelta(minutes=1)):
        run_periodic("plans.renewals")
        page = client.post("/plan/auto-renew/", {"on": "0"})  # the customer's own page
        assert page.status_code == 302, page.content.decode()[:500]
        cancel = post_json(client, change, {"to_plan": None, "refund_to": "credit"}, "p5")
        assert cancel.status_code == 200, cancel.content
        refund = post_json(client, "/api/v1/refunds", {}, "p6")
        assert refund.status_code == 200, refund.content
    channels = client.post("/notify/preferences/", {"push": "on"})  # no browser yet: stays on SMS
    assert channels.status_code == 302, channels.content.decode()[:500]
    keys = {"p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA", "auth": "tBHItJI5svbpez7KI4CCXg"}
    browser = {"endpoint": "https://push.example/catalogue", "keys": keys}
    assert post_json(client, "/api/v1/push/subscriptions", browser, "n1").status_code == 201
    client.logout()
    other = {"plan": "basic", "period": "year", "customer_phone": "13800000052", "provider": "offline"}
    on_behalf = post_json(client, "/api/v1/subscriptions", other, "p7", **demo["agent_headers"])
    assert on_behalf.status_code == 201, on_behalf.content


def check_against_catalogue(event: Event) -> list[str]:
    problems = []
    decl = events.resolve(event.kind, event.payload)
    if decl is None or decl.kind != event.kind:
        return [f"{event.kind}: not in the catalogue under its own name"]
    try:
        normalized = decl.validate(event.payload)
    except events.EventError as exc:
        return [str(exc)]
    if json.loads(json.dumps(normalized, default=str)) != event.payload:
        problems.append(f"{event.kind}: stored payload differs from its declared form: {event.payload}")
    for name, value in event.payload.items():
        type_ = decl.payload[name].rstrip("?")
        if type_ == "json":
            assert event.kind.startswith("admin."), f"{event.kind}.{name}: only the admin audit holds json"
            continue
        prose = events.prose_in(value)
        if prose:
            problems.append(f"{event.kind}.{name} holds prose: {prose}")
    return problems


def test_the_demo_flows_record_only_catalogued_events_without_prose(client, demo):
    before = Event.objects.count()
    with clock.frozen_at(T0):
        booking_flows(client, demo)
        emergency_flow(client, demo)
        declined_emergency_flow(client, demo)
    with clock.frozen_at(T0 + DAY):
        plan_flows(client, demo)
    recorded = list(Event.objects.all())
    assert len(recorded) > before
    problems = [problem for event in recorded for problem in check_against_catalogue(event)]
    assert problems == []

    kinds = {event.kind for event in recorded}
    expected = {
        "booking.created",
        "booking.rescheduled",
        "booking.cancelled",
        "urgent.created",
        "urgent.offered",
        "job.accepted",
        "job.en_route",
        "job.on_site",
        "job.done",
        "job.declined",
        "job.expired",
        "subscription.created",
        "subscription.upgrade",
        "subscription.auto_renew_on",
        "subscription.auto_renew_off",
        "subscription.downgrade",
        "subscription.renewal_notice",
        "subscription.renewed",
        "subscription.cancel",
        "subscription.refund",
        "push_subscription.added",
        "channel_preference.changed",
    }
    assert expected <= kinds, expected - kinds

    def one(kind, **match):
        rows = [
            e for e in recorded if e.kind == kind and all(e.payload.get(k) == v for k, v in match.items())
        ]
        assert len(rows) >= 1, (kind, match)
        return rows[-1].payload

    cancelled = one("booking.cancelled")
    assert (cancelled["old_status"], cancelled["new_status"]) == ("confirmed", "cancelled")
    assert (cancelled["reason_code"], cancelled["has_note"]) == ("customer_request", True)
    booking = Booking.objects.get(status="cancelled")
    # the words stay on the booking
    assert (booking.cancel_reason, booking.cancel_note) == ("customer_request", "改天再约")
    arrival = one("job.on_site")
    assert (arrival["old_status"], arrival["new_status"]) == ("en_route", "on_site")
    assert dt.datetime.fromisoformat(arrival["arrived_at"]) == T0 + dt.timedelta(minutes=12)
    promised = dt.datetime.fromisoformat(arrival["promised_at"])
    assert arrival["within_promise"] is (T0 + dt.timedelta(minutes=12) <= promised)
    assert arrival["within_30_minutes"] is True
    assert one("job.declined")["has_note"] is True
    done = one("job.done")
    assert done["arrived_at"] == arrival["arrived_at"] and done["new_status"] == "done"
    up = one("subscription.upgrade")
    assert (up["direction"], up["channel"], up["from_plan"], up["to_plan"]) == (
        "up",
        "api",
        "standard",
        "premium",
    )
    assert up["rule"] == "immediate" and isinstance(up["rule_id"], int)
    assert up["requested_at"] == up["effective_at"] == (T0 + DAY).isoformat()
    assert one("subscription.downgrade")["direction"] == "down"
    assert one("subscription.cancel")["direction"] == "cancel"
    assert one("subscription.refund")["direction"] == "refund"
    assert one("subscription.created", to_plan="basic")["channel"] == "agent"  # on behalf of a customer
    assert one("subscription.created", to_plan="standard")["channel"] == "api"
    assert one("subscription.auto_renew_off")["channel"] == "self_service"
    assert one("channel_preference.changed")["new_channels"] == ["sms", "push"]


def test_every_kind_the_code_records_is_in_the_catalogue():
    """Every `event_record(kind=...)` in the source names a declared kind: a string, an app's `events.X`
    constant, a constant imported from an events module, or a table of them."""
    declared = {decl.kind for decl in events.catalogue()}
    modules = {}
    for path in SRC.rglob("events.py"):
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        modules[path.parent.name] = __import__(module, fromlist=["*"])
    unresolved, seen = [], 0
    for path in SRC.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "event_record"):
                continue
            kind = next(k.value for k in node.keywords if k.arg == "kind")
            seen += 1
            for candidate in _kinds_of(kind, modules, path):
                if candidate not in declared:
                    unresolved.append(f"{path.relative_to(SRC)}:{node.lineno} {candidate}")
    assert seen >= 40
    assert unresolved == []


def _kinds_of(node, modules, path) -> list[str]:
    """The kind(s) an expression names; '?' for anything this check cannot read (which fails it)."""
    app = path.parent.name if path.parent.name != "management" else "core"
    if isinstance(node, ast.Constant):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _kinds_of(node.body, modules, path) + _kinds_of(node.orelse, modules, path)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "events":
        return [str(getattr(modules[_owning_app(path)], node.attr))]
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
        table = getattr(modules[_owning_app(path)], node.value.attr)
        return [str(kind) for kind in table.values()]
    if isinstance(node, ast.Name):
        for module in modules.values():
            if hasattr(module, node.id):
                return [str(getattr(module, node.id))]
    return [f"? {ast.unparse(node)} ({app})"]


def _owning_app(path: Path) -> str:
    return path.relative_to(SRC).parts[0]
