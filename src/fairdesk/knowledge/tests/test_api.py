"""The kb API: exact names and shapes, public, 4xx in the caller's language, Idempotency-Key on the POST."""

import pytest

from fairdesk.core.models import Event
from fairdesk.knowledge.models import ArticleFeedback

pytestmark = pytest.mark.django_db


def test_search_returns_the_exact_fields_best_first(client, demo_articles):
    response = client.get("/api/v1/kb/search", {"q": "钥匙丢了进不了门", "lang": "zh-Hans", "limit": 3})
    assert response.status_code == 200
    hits = response.json()
    assert len(hits) == 3 and set(hits[0]) == {"slug", "title", "snippet", "score", "url"}
    assert hits[0]["slug"] == "locked-out" and hits[0]["url"] == "/help/locked-out/"
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)


def test_search_in_english_and_by_the_callers_language(client, demo_articles):
    hits = client.get("/api/v1/kb/search", {"q": "locked out", "lang": "en"}).json()
    assert "locked-out" in [h["slug"] for h in hits[:3]] and hits[0]["title"].isascii()
    hits = client.get("/api/v1/kb/search", {"q": "refund"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert hits[0]["slug"] == "refunds"


def test_no_result_is_an_empty_list_and_an_event_without_the_words(client, demo_articles):
    assert client.get("/api/v1/kb/search", {"q": "qqxxzz", "lang": "en"}).json() == []
    event = Event.objects.get(kind="kb.search_no_result")
    assert event.payload == {"language": "en", "terms": 1, "channel": "api"}


@pytest.mark.parametrize(
    "params",
    [{}, {"q": "x" * 201}, {"q": "锁", "lang": "fr"}, {"q": "锁", "limit": 0}, {"q": "锁", "limit": 51}],
)
def test_bad_search_input_is_a_422_in_the_callers_language(client, demo_articles, params):
    response = client.get("/api/v1/kb/search", params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    assert response.json()["message"].isascii()


def test_an_article(client, demo_articles):
    response = client.get("/api/v1/kb/articles/broken-key", {"lang": "en"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"slug", "title", "body_html", "version", "reviewed_at", "service_types"}
    assert body["title"] == "A key broke off in the lock" and body["version"] == 1
    assert "<h2>" in body["body_html"] and body["service_types"] == ["lock-repair", "lockout-emergency"]
    missing = client.get("/api/v1/kb/articles/nope", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_feedback_is_public_json_only_and_idempotent(client, demo_articles):
    url = "/api/v1/kb/articles/broken-key/feedback"
    first = client.post(
        url, {"helpful": True, "comment": "清楚"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201 and first.json()["helpful"] is True and first.json()["version"] == 1
    again = client.post(
        url, {"helpful": True, "comment": "清楚"}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert again.json() == first.json() and ArticleFeedback.objects.count() == 1
    reused = client.post(url, {"helpful": False}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    form = client.post(url, {"helpful": "true"})  # a cross-site form cannot send JSON
    assert form.status_code in (400, 415, 422) and ArticleFeedback.objects.count() == 1
    assert client.post(url, {"helpful": "yes"}, content_type="application/json").status_code == 422
    assert client.post(url, {"comment": "x"}, content_type="application/json").status_code == 422
    assert (
        client.post("/api/v1/kb/articles/nope/feedback", {"helpful": True}, content_type="application/json")
    ).status_code == 404
