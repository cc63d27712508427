"""The transparency report: computed from the events alone (rebuilt from a copy of the event table, byte for
byte), an upgrade and a downgrade each move exactly their own counters, the same events give the same bytes,
the API, the command and the CSV agree, and the page renders in Chinese and English."""

import copy
import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.plans.demo import plans_load_demo
from fairdesk.plans.models import Plan
from fairdesk.plans.services import subscription_change, subscription_create
from fairdesk.transparency import report
from fairdesk.transparency.report import EventRow, compute, percentile
from fairdesk.transparency.views_report import csv_rows, default_half, halves

T0 = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai, in 2026's first half
H1 = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
API = "/api/v1/transparency/report"


def flat(data, prefix=""):
    """{"a.b.c": value} for every leaf."""
    if isinstance(data, dict):
        out = {}
        for key, value in data.items():
            out.update(flat(value, f"{prefix}.{key}" if prefix else key))
        return out
    return {prefix: data}


def changed(before: dict, after: dict) -> set[str]:
    a, b = flat(before), flat(after)
    return {k for k in a.keys() | b.keys() if a.get(k) != b.get(k)} - {"events", "sha256"}


def row(i, at, kind, subject="x:1", **payload):
    subject_type, subject_id = subject.split(":")
    return EventRow(id=i, at=at, kind=kind, subject_type=subject_type, subject_id=subject_id, payload=payload)


# --- the pure function ------------------------------------------------------------------------------------


def test_percentiles_are_nearest_rank_and_null_without_values():
    assert percentile([], 50) is None
    assert percentile([5], 95) == 5
    assert percentile([1, 2, 3, 4], 50) == 2
    assert percentile(list(range(1, 101)), 95) == 95
    assert percentile([10, 1, 7], 90) == 10


def test_every_section_follows_its_written_rule():
    t = dt.datetime(2026, 2, 1, 4, 0, tzinfo=dt.UTC)
    iso = lambda m: m.isoformat()  # noqa: E731
    minute = dt.timedelta(minutes=1)
    rows = [
        row(1, t - dt.timedelta(days=40), "customer.created", "accounts.user:1"),
        row(2, t - dt.timedelta(days=40), "customer.created", "accounts.user:2"),
        # plan changes: an upgrade now by the customer, a downgrade at the period's end by an agent
        row(
            3,
            t,
            "subscription.upgrade",
            direction="up",
            channel="self_service",
            requested_at=iso(t),
            effective_at=iso(t),
        ),
        row(
            4,
            t,
            "subscription.downgrade",
            direction="down",
            channel="agent",
            requested_at=iso(t),
            effective_at=iso(t + dt.timedelta(days=3)),
        ),
        row(
            5,
            t,
            "subscription.created",
            direction="new",
            channel="api",
            requested_at=iso(t),
            effective_at=iso(t),
        ),
        # support
        row(6, t, "support.human_requested", "support.conversation:1", how="button"),
        row(7, t, "support.first_human_reply", "support.conversation:1", wait_seconds=40),
        row(8, t, "support.closed", "support.conversation:1", human_requested=True),
        row(9, t, "support.closed", "support.conversation:2", human_requested=False),
        row(10, t, "support.rated", "support.conversation:1", score=4),
        row(11, t, "support.rated", "support.conversation:2", score=5),
        # complaints: one contacted on time and upheld on time; one never contacted, its deadline passed
        row(
            12,
            t,
            "complaint.received",
            "c:1",
            green_channel=True,
            first_contact_by=iso(t + minute * 60),
            final_response_by=iso(t + dt.timedelta(days=15)),
        ),
        row(13, t + minute * 30, "complaint.contacted", "c:1", timely=True),
        row(14, t + dt.timedelta(days=2), "complaint.responded", "c:1", timely=True, outcome="partly_upheld"),
        row(15, t + dt.timedelta(days=2), "complaint.referred", "c:1", route="12315"),
        row(
            16,
            t,
            "complaint.received",
            "c:2",
            green_channel=False,
            first_contact_by=iso(t + minute * 60),
            final_response_by=iso(t + dt.timedelta(days=30)),
        ),
        # emergencies: one on site in 20 minutes, one in 50, one closed without an arrival, one declined
        row(17, t, "urgent.created", "u:1"),
        row(
            18,
            t + minute * 20,
            "job.on_site",
            "u:1",
            requested_at=iso(t),
            arrived_at=iso(t + minute * 20),
            within_30_minutes=True,
        ),
        row(19, t, "urgent.created", "u:2"),
        row(20, t + minute, "job.declined", "u:2"),
        row(
            21,
            t + minute * 50,
            "job.on_site",
            "u:2",
            requested_at=iso(t),
            arrived_at=iso(t + minute * 50),
            within_30_minutes=False,
        ),
        row(22, t, "urgent.created", "u:3"),
        row(23, t + minute * 5, "urgent.closed", "u:3"),
        # bookings: one kept, one cancelled by the business, one by the customer
        row(24, t, "booking.created", "b:1"),
        row(25, t, "booking.completed", "b:1"),
        row(26, t, "booking.created", "b:2"),
        row(27, t, "booking.cancelled", "b:2", reason_code="unable_to_serve"),
        row(28, t, "booking.created", "b:3"),
        row(29, t, "booking.cancelled", "b:3", reason_code="customer_request"),
        row(30, t + dt.timedelta(days=20), "support.duty", "a:1"),  # the "as of" moment
        row(31, dt.datetime(2026, 7, 1, 1, tzinfo=dt.UTC), "booking.created", "b:9"),  # after the period
    ]
    data = compute(rows, date_from=H1[0], date_to=H1[1], steps={"upgrade": 3, "downgrade": 3})
    assert data["events"] == 30
    assert data["period"] == {"from": "2026-01-01", "to": "2026-06-30"}
    up, down = data["plan_changes"]["up"], data["plan_changes"]["down"]
    assert up == {
        "count": 1,
        "self_service_share": 1.0,
        "effect_delay_seconds": {"p50": 0, "p95": 0},
        "steps": 3,
        "steps_source": "published_terms_now",
    }
    assert down["count"] == 1 and down["self_service_share"] == 0.0
    assert down["effect_delay_seconds"] == {"p50": 259200, "p95": 259200}
    assert data["plan_changes"]["cancel"]["count"] == 0
    assert data["plan_changes"]["cancel"]["self_service_share"] is None
    assert data["plan_changes"]["refund"]["steps"] is None
    assert data["support"] == {
        "human_requests": 1,
        "by_how": {
            "button": 1,
            "keyword": 0,
            "bot_failure": 0,
            "always_human": 0,
            "agent_opened": 0,
            "callback": 0,
        },
        "wait_to_first_human_reply_seconds": {"p50": 40, "p90": 40},
        "closed_by_bot_alone_share": 0.5,
        "rated": 2,
        "rating_mean": 4.5,
    }
    assert data["complaints"] == {
        "count": 2,
        "per_100k_customers": 100000.0,
        "green_channel": 1,
        "first_contact_on_time_share": 0.5,
        "final_response_on_time_share": 1.0,  # the second is not yet due: left out
        "resolution_seconds_median": 172800,
        "upheld_share": 1.0,
        "escalated_outside_share": 0.5,
    }
    assert data["emergencies"] == {
        "count": 3,
        "on_site_within_30_min_share": 0.3333,
        "arrival_minutes": {"p50": 20, "p90": 50},
        "provider_cancellations": 1,
    }
    assert data["bookings"] == {
        "count": 3,
        "kept_share": 0.3333,
        "cancelled_by_business": 1,
        "cancelled_by_customer": 1,
        "cancelled_other": 0,
    }
    assert report.verify(data)
    body = report.render_json(data)
    assert body.endswith(b"}\n") and b" " not in body.replace(b"published_terms_now", b"")
    assert json.loads(body) == data


def test_the_same_rows_in_any_order_give_the_same_bytes():
    t = dt.datetime(2026, 2, 1, 4, 0, tzinfo=dt.UTC)
    rows = [row(i, t + dt.timedelta(seconds=i), "booking.created", f"b:{i}") for i in range(5)]
    first = report.render_json(compute(rows, date_from=H1[0], date_to=H1[1]))
    again = report.render_json(compute(list(reversed(rows)), date_from=H1[0], date_to=H1[1]))
    assert first == again


def test_the_period_is_business_dates_in_shanghai_inclusive():
    # 2026-06-30 23:30 in Shanghai is 15:30 UTC: inside H1; 2026-07-01 00:10 local is 16:10 UTC on 06-30: not
    inside = row(1, dt.datetime(2026, 6, 30, 15, 30, tzinfo=dt.UTC), "booking.created", "b:1")
    outside = row(2, dt.datetime(2026, 6, 30, 16, 10, tzinfo=dt.UTC), "booking.created", "b:2")
    before = row(3, dt.datetime(2025, 12, 31, 15, 59, tzinfo=dt.UTC), "booking.created", "b:3")
    data = compute([inside, outside, before], date_from=H1[0], date_to=H1[1])
    assert data["bookings"]["count"] == 1 and data["events"] == 2


def test_half_years_default_to_the_last_complete_one():
    options = [h for h in halves(dt.date(2026, 11, 28)) if h.date_from.year == 2026]
    assert [h.code for h in options] == ["2026-H2", "2026-H1"]
    assert options[0].provisional and not options[1].provisional
    assert default_half(options).code == "2026-H1"


# --- from the database ------------------------------------------------------------------------------------

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(db, settings, payment_sandbox):
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    plans_load_demo()
    return {p.code: p for p in Plan.objects.all()}


@pytest.fixture
def subscribed(catalog, django_capture_on_commit_callbacks):
    customer = customer_get_or_create(phone="13800138077")
    with clock.frozen_at(T0), django_capture_on_commit_callbacks(execute=True):
        sub, _quote = subscription_create(
            customer=customer, plan=catalog["standard"], period="month", actor=customer
        )
    return customer, sub


def _change(sub, plan, customer, at, capture):
    with clock.frozen_at(at), capture(execute=True):
        subscription_change(subscription=sub, to_plan=plan, refund_to="original", actor=customer)
    sub.refresh_from_db()


def test_an_upgrade_and_a_downgrade_each_move_exactly_their_own_counters(
    catalog, subscribed, django_capture_on_commit_callbacks
):
    customer, sub = subscribed
    before = report.report_for(*H1)
    _change(sub, catalog["premium"], customer, T0 + dt.timedelta(days=3), django_capture_on_commit_callbacks)
    after_up = report.report_for(*H1)
    moved = changed(before, after_up)
    assert moved and all(key.startswith("plan_changes.up.") for key in moved), moved
    assert after_up["plan_changes"]["up"]["count"] == before["plan_changes"]["up"]["count"] + 1
    assert after_up["events"] > before["events"] and after_up["sha256"] != before["sha256"]

    _change(sub, catalog["basic"], customer, T0 + dt.timedelta(days=5), django_capture_on_commit_callbacks)
    after_down = report.report_for(*H1)
    moved = changed(after_up, after_down)
    assert moved and all(key.startswith("plan_changes.down.") for key in moved), moved
    assert after_down["plan_changes"]["down"]["count"] == 1
    assert after_down["plan_changes"]["up"] == after_up["plan_changes"]["up"]


def test_the_report_is_rebuilt_from_a_copy_of_the_event_table_byte_for_byte(
    catalog, subscribed, django_capture_on_commit_callbacks
):
    customer, sub = subscribed
    _change(sub, catalog["premium"], customer, T0 + dt.timedelta(days=1), django_capture_on_commit_callbacks)
    stored = Event.objects.count()
    published = report.report_bytes(*H1)
    # A copy: plain dicts, nothing shared with the ORM (and nothing deleted).
    table = copy.deepcopy(
        list(Event.objects.values("id", "at", "kind", "subject_type", "subject_id", "payload"))
    )
    rows = [EventRow.from_stored(**values) for values in reversed(table)]
    rebuilt = report.render_json(
        compute(rows, date_from=H1[0], date_to=H1[1], steps=report.published_steps())
    )
    assert rebuilt == published
    assert Event.objects.count() == stored
    _start, end = report.period_bounds(*H1)
    assert json.loads(published)["events"] == Event.objects.filter(at__lt=end).count()
    assert report.report_bytes(*H1) == published  # the same events, the same bytes, again


def test_the_api_and_the_command_give_the_same_bytes(subscribed, capsysbinary):
    response = Client().get(API, {"from": "2026-01-01", "to": "2026-06-30"})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.content == report.report_bytes(*H1)
    body = json.loads(response.content)
    assert set(body) == {
        "period",
        "events",
        "sha256",
        "plan_changes",
        "support",
        "complaints",
        "emergencies",
        "bookings",
    }
    assert report.verify(body)
    capsysbinary.readouterr()
    call_command("transparency_report", "--from", "2026-01-01", "--to", "2026-06-30", "--json")
    assert capsysbinary.readouterr().out == response.content


@pytest.mark.parametrize(
    "params,code",
    [
        ({"from": "2026-06-30", "to": "2026-01-01"}, "range_invalid"),
        ({"from": "2010-01-01", "to": "2026-01-01"}, "range_too_long"),
        ({"from": "2026-13-01", "to": "2026-01-01"}, "invalid"),
        ({"from": "2026-01-01"}, "invalid"),
        ({"from": "9999-12-30", "to": "9999-12-31"}, "date_invalid"),
    ],
)
def test_bad_ranges_are_a_422_in_the_callers_language(params, code):
    for language in ("zh-hans", "en"):
        response = Client().get(API, params, headers={"Accept-Language": language})
        assert response.status_code == 422, response.content
        body = response.json()
        assert body["code"] == code and body["message"]
        if code.startswith(("range", "date")):
            english = language == "en"
            assert english != any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body


def test_the_page_renders_in_chinese_and_english_with_charts_tables_and_links(subscribed):
    for language, words in (("zh-hans", "透明度报告"), ("en", "Transparency report")):
        response = Client().get("/transparency/", {"half": "2026-H1"}, headers={"Accept-Language": language})
        assert response.status_code == 200
        html = response.content.decode()
        data = report.report_for(*H1)
        assert data["sha256"] in html and f'data-testid="event-count">{data["events"]}<' in html
        assert html.count("<svg") >= 8 and html.count("<title id=") == html.count("<svg")
        assert "transparency/report.csv?from=2026-01-01&amp;to=2026-06-30" in html
        assert f"{API}?from=2026-01-01&amp;to=2026-06-30" in html
        if language == "en":
            assert 'lang="en"' in html
        assert words in html


def test_the_csv_is_deterministic_and_has_every_number(subscribed):
    first = Client().get("/transparency/report.csv", {"from": "2026-01-01", "to": "2026-06-30"})
    again = Client().get("/transparency/report.csv", {"from": "2026-01-01", "to": "2026-06-30"})
    assert first.status_code == 200 and first.content == again.content
    lines = first.content.decode().splitlines()
    assert lines[0] == "section,metric,value"
    assert "plan_changes,up.effect_delay_seconds.p95," in "\n".join(lines)
    assert len(lines) == 1 + len(csv_rows(report.report_for(*H1)))
    bad = Client().get("/transparency/report.csv", {"from": "2026-06-30", "to": "2026-01-01"})
    assert bad.status_code == 422
