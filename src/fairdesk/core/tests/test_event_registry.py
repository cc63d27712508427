"""The event vocabulary: the one writer refuses what its app did not declare."""

import datetime as dt
import json

import pytest
from django.core.management import call_command

from fairdesk.core import events
from fairdesk.core.events import EventError, declare
from fairdesk.core.models import Event
from fairdesk.core.services import event_record

pytestmark = pytest.mark.django_db

SAMPLE = declare(
    "registry_test.sampled",
    app="core",
    description="A test kind with one field of each type.",
    payload={
        "n": "int",
        "flag": "bool",
        "status": "code",
        "at": "datetime",
        "day": "date",
        "ids": "int[]",
        "codes": "code[]",
        "maybe": "int?",
    },
)
GOOD = {
    "n": 3,
    "flag": True,
    "status": "en_route",
    "at": dt.datetime(2026, 1, 2, 11, 30, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    "day": dt.date(2026, 1, 2),
    "ids": [1, 2],
    "codes": ["up", "down"],
    "maybe": None,
}


def test_a_declared_kind_is_recorded_with_times_as_utc_text():
    event = event_record(kind=SAMPLE, subject_type="demo", subject_id=1, payload=GOOD)
    stored = Event.objects.get(pk=event.pk)
    assert stored.kind == "registry_test.sampled"
    assert stored.payload["at"] == "2026-01-02T03:30:00+00:00"
    assert stored.payload["day"] == "2026-01-02"


def test_the_kind_may_be_named_by_its_string():
    assert event_record(kind="registry_test.sampled", subject_type="demo", subject_id=1, payload=GOOD).pk


def test_an_undeclared_kind_is_refused():
    with pytest.raises(EventError, match="not declared"):
        event_record(kind="registry_test.nobody_declared", subject_type="demo", subject_id=1)
    assert not Event.objects.filter(subject_type="demo").exists()


@pytest.mark.parametrize(
    "change, message",
    [
        ({"n": None}, "may not be null"),
        ({"n": "3"}, "should be int"),
        ({"n": True}, "should be int"),
        ({"flag": 1}, "should be bool"),
        ({"status": "师傅已出发"}, "should be code"),
        ({"status": "on the way"}, "should be code"),
        ({"at": dt.datetime(2026, 1, 2, 3, 30)}, "should be datetime"),
        ({"at": "yesterday"}, "should be datetime"),
        ({"day": "2026-13-01"}, "should be date"),
        ({"ids": [1, "2"]}, "should be int\\[\\]"),
        ({"codes": ["up", "两"]}, "should be code\\[\\]"),
        ({"extra": 1}, "not declared: extra"),
    ],
)
def test_a_payload_that_does_not_match_its_declaration_is_refused(change, message):
    with pytest.raises(EventError, match=message):
        event_record(kind=SAMPLE, subject_type="demo", subject_id=1, payload={**GOOD, **change})
    assert not Event.objects.filter(subject_type="demo").exists()


def test_a_missing_field_is_refused():
    payload = dict(GOOD)
    del payload["status"]
    with pytest.raises(EventError, match="misses status"):
        event_record(kind=SAMPLE, subject_type="demo", subject_id=1, payload=payload)


def test_a_kind_cannot_be_declared_twice_with_another_shape():
    with pytest.raises(EventError, match="declared twice"):
        declare("registry_test.sampled", app="plans", description="other", payload={"n": "int"})
    with pytest.raises(EventError, match="unknown type"):
        declare("registry_test.badly_typed", app="core", description="x", payload={"n": "float"})


def test_there_is_no_free_text_field_type():
    """What people type stays on their records; a payload field cannot be declared to hold it."""
    with pytest.raises(EventError, match="unknown type"):
        declare("registry_test.typed_words", app="core", description="x", payload={"reason": "text"})


def test_old_rows_with_typed_reasons_read_as_codes_without_the_words():
    step = {"job": 3, "technician": 2, "old_status": "offered"}
    cases = [
        ("booking.cancelled", {"old_status": "confirmed", "reason": "改天再约"}, True),
        ("booking.cancelled", {"old_status": "confirmed", "reason": "caller asked"}, False),
        ("job.declined", {**step, "new_status": "declined", "reason": "车坏了"}, True),
        ("job.declined", {**step, "new_status": "declined", "reason": ""}, False),
        ("job.expired", {**step, "new_status": "expired", "reason": "no answer"}, None),
        ("job.handed_over", {"from": 3, "to": 4, "technician": 5, "reason": "车坏了"}, None),
    ]
    for kind, old, has_note in cases:
        decl, payload = events.read(kind, old)
        assert "reason" not in payload and events.prose_in(payload) == [], (kind, payload)
        assert set(payload) <= set(decl.payload), (kind, payload)
        if has_note is not None:
            assert payload["has_note"] is has_note, (kind, old)
    assert events.read("booking.cancelled", {"reason": "customer"})[1]["reason_code"] == "customer_request"


def test_the_catalogue_command_prints_one_json_object_per_line(capsys):
    call_command("event_kinds", "--json")
    lines = capsys.readouterr().out.splitlines()
    rows = [json.loads(line) for line in lines]
    assert all(set(row) == {"kind", "app", "description", "payload"} for row in rows)
    by_kind = {row["kind"]: row for row in rows}
    assert by_kind["registry_test.sampled"]["payload"]["maybe"] == "int?"
    assert by_kind["admin.changed"] == {
        "kind": "admin.changed",
        "app": "core",
        "description": events.ADMIN_CHANGED.description,
        "payload": {"model": "code", "fields": "json"},
    }
    assert len(rows) == len(set(by_kind))


def test_old_admin_audit_kinds_map_to_todays_family():
    assert events.resolve("station.changed", {"via": "admin", "fields": {}}) is events.ADMIN_CHANGED
    assert events.resolve("slot.deleted", {"via": "admin", "before": {}}) is events.ADMIN_DELETED
    assert events.resolve("station.changed", {}) is None


def test_prose_is_found_in_nested_payloads():
    assert events.prose_in({"a": ["ok_code", {"b": "服务完成"}]}) == ["服务完成"]
    assert events.prose_in({"a": "the technician arrived"}) == ["the technician arrived"]
    assert events.prose_in({"a": "+8613800000001", "b": "2026-01-02T03:30:00+00:00", "c": 3}) == []


def test_old_rows_read_under_todays_names_and_defaults():
    old_arrival = {"job": 3, "within_30": True}
    decl, payload = events.read("job.on_site", old_arrival)
    assert decl.kind == "job.on_site" and payload["within_30_minutes"] is True and "within_30" not in payload
    decl, payload = events.read("visit.on_site", {"visit": 1, "technician": 2, "within_window": False})
    assert payload["within_promise"] is False
    old_quote = {"action": "upgrade", "effective_at": "2026-01-02T03:30:00+00:00", "rule": "immediate"}
    decl, payload = events.read("subscription.upgrade", old_quote)
    assert (payload["direction"], payload["channel"], payload["requested_at"]) == (
        "up",
        "unknown",
        "2026-01-02T03:30:00+00:00",
    )
    decl, payload = events.read("station.changed", {"via": "admin", "fields": {"hotline": "400"}})
    assert decl is events.ADMIN_CHANGED and payload["fields"] == {"hotline": "400"}
    assert events.read("never.declared", {"x": 1}) == (None, {"x": 1})


def test_timeline_labels_come_from_the_declaring_app_in_the_readers_language():
    from django.utils import translation

    from fairdesk.core.templatetags.fairdesk import event_label

    with translation.override("zh-hans"):
        assert event_label("job.on_site") == "师傅已到达"
    with translation.override("en"):
        assert event_label("job.on_site") != "师傅已到达"
    assert event_label("never.declared") == "never.declared"


def test_the_channel_is_the_agent_for_staff_else_the_requests():
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import customer_get_or_create, staff_create

    agent = staff_create(phone="16600000031", name="x", role=Role.AGENT, password="a-long-pass-1")
    customer = customer_get_or_create(phone="13800000061")
    assert events.channel_for(None) == events.channel_for(customer) == "system"
    token = events.REQUEST_CHANNEL.set("api")
    try:
        assert events.channel_for(customer) == "api" and events.channel_for(agent) == "agent"
    finally:
        events.REQUEST_CHANNEL.reset(token)


def test_every_timeline_label_has_an_english_translation():
    from django.utils import translation

    with translation.override("en"):
        untranslated = [
            decl.kind
            for decl in events.catalogue()
            if decl.label and any("\u3000" <= char <= "\u9fff" for char in str(decl.label))
        ]
    assert untranslated == []


def test_a_renamed_kind_keeps_its_old_spelling_readable():
    renamed = declare(
        "registry_test.renamed",
        app="core",
        description="A kind once recorded under another name.",
        payload={"n": "int"},
        label="renamed",
        aliases=("registry_test.old_name",),
    )
    assert events.resolve("registry_test.old_name") is renamed
    assert events.label_for("registry_test.old_name") == "renamed"
    with pytest.raises(EventError, match="not declared"):  # old spellings are read, never written
        event_record(kind="registry_test.old_name", subject_type="demo", subject_id=1, payload={"n": 1})
