"""Published rules: versions never apply backwards, a version in force is never edited, /rules/ lists every
rule in both languages, the rule page, and the API's shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.regions.models import Division, Station
from fairdesk.regions.services import station_create
from fairdesk.transparency import score, selectors
from fairdesk.transparency.demo import documents, rules_load_demo
from fairdesk.transparency.models import RuleDocument
from fairdesk.transparency.services import rule_document_publish

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 20, 4, 0, tzinfo=dt.UTC)
CODES = {
    "plan_change",
    "refund_terms",
    "renewal_notice",
    "support_queue",
    "complaint_deadlines",
    "emergency_allocation",
    "provider_score",
}


@pytest.fixture
def rules():
    with clock.frozen_at(NOW):
        rules_load_demo(verbosity=0)
        yield


def _v2(effective_from, **changes):
    doc = RuleDocument.objects.get(code="provider_score", version=1)
    fields = {
        "code": doc.code,
        "version": 2,
        "title": doc.title,
        "title_en": doc.title_en,
        "body": doc.body + "\n第 2 版。",
        "body_en": doc.body_en + "\nVersion 2.",
        "effective_from": effective_from,
        "stats_anchor": doc.stats_anchor,
        "recorded_in": doc.recorded_in,
        "params": {**doc.params, "min_jobs": 10},
    }
    fields.update(changes)
    return rule_document_publish(**fields)


def test_every_rule_is_published_once(rules):
    assert {doc.code for doc in selectors.rules_current()} == CODES == {d["code"] for d in documents()}
    assert rules_load_demo(verbosity=0) == ["rules: already published"]  # idempotent
    assert Event.objects.filter(kind="rule.published").count() == len(CODES)


def test_a_new_version_never_applies_backwards(rules):
    december_1 = dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # 1 December 00:00 in Beijing
    with clock.frozen_at(NOW):
        v2 = _v2(december_1)
        with pytest.raises(ValidationError):  # reaching back before now
            _v2(NOW - dt.timedelta(days=1), version=3)
        with pytest.raises(ValidationError):  # not after the latest version
            _v2(december_1 - dt.timedelta(hours=1), version=3)
        assert selectors.rule_version_at("provider_score").version == 1  # announced, not in force yet
        assert selectors.rule_upcoming("provider_score") == v2
    assert selectors.rule_version_at("provider_score", december_1 - dt.timedelta(seconds=1)).version == 1
    assert selectors.rule_version_at("provider_score", december_1).version == 2
    assert selectors.rule_version_at("provider_score", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)) is None
    with clock.frozen_at(december_1 + dt.timedelta(days=40)):
        # November is scored under version 1 even now that version 2 is in force; December under version 2
        november = score.provider_score(
            period_from=dt.date(2026, 11, 1), period_to=dt.date(2026, 11, 30), station=_station()
        )
        december = score.provider_score(
            period_from=dt.date(2026, 12, 1), period_to=dt.date(2026, 12, 31), station=_station()
        )
        assert (november.rule.version, november.min_jobs) == (1, 30)
        assert (december.rule.version, december.min_jobs) == (2, 10)
        assert {d.code: d.version for d in selectors.rules_current()}["provider_score"] == 2


def _station():

    station = Station.objects.filter(name="规则网点").first()
    if station is None:
        division = Division.objects.get(code="321204", valid_until=None)
        station = station_create(name="规则网点", address="x", division=division, hotline="400-100-2000")
    return station


def test_a_version_in_force_is_never_edited(rules):
    doc = RuleDocument.objects.get(code="plan_change")
    doc.body = "改写"
    with clock.frozen_at(NOW), pytest.raises(ValidationError):
        doc.save()
    with clock.frozen_at(NOW), pytest.raises(ValidationError):
        doc.delete()
    manager = staff_create(phone="13900000301", name="m", role=Role.MANAGER, password="a-long-staff-password")
    request = RequestFactory().get("/admin/")
    request.user = manager
    admin = site._registry[RuleDocument]
    with clock.frozen_at(NOW):
        future = _v2(NOW + dt.timedelta(days=3))
        assert not admin.has_change_permission(request, RuleDocument.objects.get(code="plan_change"))
        assert not admin.has_delete_permission(request, RuleDocument.objects.get(code="plan_change"))
        assert admin.has_change_permission(request, future)  # not in force yet: may still be corrected
        future.body_en += " Corrected."
        future.save()


def test_rules_page_lists_every_rule_in_both_languages(rules, client):
    with clock.frozen_at(NOW):
        zh = client.get("/rules/").content.decode()
        en = client.get("/rules/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for doc in documents():
        assert f'data-testid="rule-{doc["code"]}"' in zh
        assert doc["title"] in zh and doc["title_en"] in en
        assert f"/rules/{doc['code']}/" in zh
    assert "2026-01-01" in zh and "2026-11-01" in zh  # effective dates, local


def test_rule_page(rules, client):
    with clock.frozen_at(NOW):
        _v2(NOW + dt.timedelta(days=3))
        page = client.get("/rules/provider_score/").content.decode()
        english = client.get("/rules/complaint_deadlines/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert client.get("/rules/no_such_rule/").status_code == 404
    assert "服务商信用评分公式" in page and 'data-testid="rule-upcoming"' in page
    assert "provider_score.appealed: rule_version" in page
    assert 'href="/transparency/#emergencies"' in page
    assert "State Council" in english and "complaint.received: rule_version" in english
    assert 'href="/transparency/#complaints"' in english


def test_api_shape(rules, client):
    with clock.frozen_at(NOW):
        zh = client.get("/api/v1/rules").json()
        en = client.get("/api/v1/rules", HTTP_ACCEPT_LANGUAGE="en").json()
    assert {row["code"] for row in zh} == CODES
    for row in zh:
        assert set(row) == {"code", "title", "version", "effective_from", "url"}
        assert row["url"] == f"/rules/{row['code']}/" and row["version"] == 1
        assert dt.datetime.fromisoformat(row["effective_from"].replace("Z", "+00:00")).tzinfo is not None
    titles = {row["code"]: row["title"] for row in en}
    assert titles["support_queue"] == "Support queue order"
    assert {row["code"]: row["title"] for row in zh}["support_queue"] == "人工客服排队规则"


def test_admin_publishes_only_forward(rules, client):
    manager = staff_create(phone="13900000302", name="m", role=Role.MANAGER, password="a-long-staff-password")
    client.force_login(manager)
    form = {
        "code": "provider_score",
        "version": "2",
        "title": "服务商信用评分公式",
        "title_en": "Provider credit score formula",
        "body": "第 2 版",
        "body_en": "Version 2",
        "stats_anchor": "emergencies",
        "recorded_in": "provider_score.appealed: rule_version",
        "params": "{}",
    }
    url = "/admin/transparency/ruledocument/add/"
    with clock.frozen_at(NOW):
        back = client.post(url, {**form, "effective_from_0": "2026-11-19", "effective_from_1": "12:00:00"})
        assert back.status_code == 200 and not RuleDocument.objects.filter(version=2).exists()
        ahead = client.post(url, {**form, "effective_from_0": "2026-12-01", "effective_from_1": "00:00:00"})
        assert ahead.status_code == 302, ahead.content.decode()[:500]
        doc = RuleDocument.objects.get(code="provider_score", version=2)
        assert doc.effective_from == dt.datetime(2026, 11, 30, 16, tzinfo=dt.UTC)  # Beijing midnight
        published = Event.objects.filter(kind="rule.published").last()
        assert published.payload["version"] == 2 and published.actor_id == manager.pk
        v1 = RuleDocument.objects.get(code="provider_score", version=1)
        assert client.get(f"/admin/transparency/ruledocument/{v1.pk}/change/").status_code == 200  # view only
        edit = client.post(f"/admin/transparency/ruledocument/{v1.pk}/change/", {**form, "version": "1"})
        assert edit.status_code == 403
