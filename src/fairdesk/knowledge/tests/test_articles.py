"""Articles: a version is published only after a manager other than its author reviews it; the history is
kept; feedback and usage are recorded as declared events without the words people typed."""

import pytest
from django.db import IntegrityError

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.core.errors import DomainError
from fairdesk.core.models import Event
from fairdesk.knowledge import selectors, services
from fairdesk.knowledge.models import ArticleFeedback, ArticleVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "manager": staff_create(
            phone="16600000101", name="经理", role=Role.MANAGER, password="a-long-pass-1"
        ),
        "manager2": staff_create(
            phone="16600000102", name="经理2", role=Role.MANAGER, password="a-long-pass-1"
        ),
        "agent": staff_create(phone="16600000103", name="客服", role=Role.AGENT, password="a-long-pass-1"),
    }


def test_a_version_is_published_only_after_review_by_another_manager(people):
    article = services.article_create(slug="t1", topic="care", service_types=["lock-repair"])
    v1 = services.article_version_submit(
        article=article, language="zh-hans", title="标题", body="正文", author=people["manager"]
    )
    assert not v1.published and selectors.article_current("t1", language="zh-hans") is None
    with pytest.raises(DomainError) as refused:
        services.article_version_review(version_id=v1.pk, reviewer=people["agent"])
    assert refused.value.status == 403
    with pytest.raises(DomainError) as own:
        services.article_version_review(version_id=v1.pk, reviewer=people["manager"])
    assert own.value.code == "own_version"
    services.article_version_review(version_id=v1.pk, reviewer=people["manager2"])
    view = selectors.article_current("t1", language="zh-hans")
    assert view.version.version == 1 and view.version.reviewer == people["manager2"]
    event = Event.objects.get(kind="kb.article_published")
    assert event.payload["version"] == 1 and event.payload["reviewer"] == people["manager2"].pk


def test_history_is_kept_and_readers_see_the_newest_published(people):
    article = services.article_create(slug="t2", topic="care")
    v1 = services.article_version_submit(article=article, language="en", title="One", body="first")
    services.article_version_review(version_id=v1.pk, reviewer=people["manager"])
    v2 = services.article_version_submit(article=article, language="en", title="Two", body="second")
    assert selectors.article_current("t2", language="en").title == "One"  # v2 waits for review
    services.article_version_review(version_id=v2.pk, reviewer=people["manager"])
    assert selectors.article_current("t2", language="en").title == "Two"
    assert [v.version for v in selectors.article_history(article, language="en")] == [2, 1]
    with pytest.raises(DomainError):
        services.article_version_review(version_id=v1.pk, reviewer=people["manager"])  # already


def test_the_database_refuses_a_published_version_without_a_review_date():
    article = services.article_create(slug="t3", topic="care")
    with pytest.raises(IntegrityError):
        ArticleVersion.objects.create(
            article=article, language="en", version=1, title="x", body="y", published=True
        )


def test_a_reader_in_a_language_without_a_version_gets_the_other(people):
    article = services.article_create(slug="t4", topic="care")
    version = services.article_version_submit(article=article, language="zh-hans", title="中文", body="正文")
    services.article_version_review(version_id=version.pk, system=True)
    assert selectors.article_current("t4", language="en").language == "zh-hans"


def test_feedback_is_recorded_with_an_event_that_holds_no_comment(demo_articles):
    from fairdesk.knowledge.models import Article

    article = Article.objects.get(slug="broken-key")
    services.article_feedback_record(
        article=article, language="zh-hans", helpful=True, comment="很有用，谢谢"
    )
    feedback = ArticleFeedback.objects.get()
    assert feedback.helpful and feedback.comment == "很有用，谢谢" and feedback.version.version == 1
    event = Event.objects.get(kind="kb.feedback_recorded")
    assert event.payload == {
        "article": article.pk,
        "version": 1,
        "language": "zh-hans",
        "helpful": True,
        "comment": True,
    }
    with pytest.raises(DomainError):
        services.article_feedback_record(
            article=article, language="zh-hans", helpful=True, comment="x" * 1001
        )


def test_markdown_is_rendered_safely():
    from fairdesk.knowledge.render import body_html

    html = body_html('**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror="y">')
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "javascript:" not in html.replace("[x](javascript:", "")
    assert "<img" not in html and "onerror=" not in html.split("&lt;")[0]


def test_the_learning_hook_links_the_articles_of_a_service_type(demo_articles):
    from fairdesk.bookings.learning import learning_links

    links = learning_links(service_type_code="lockout-emergency", language="zh-hans")
    articles = [link for link in links if link.kind == "article"]
    assert articles and articles[0].path == "/help/locked-out/"
    english = learning_links(service_type_code="safe-opening", language="en")
    assert any(link.kind == "article" and link.title.isascii() for link in english)
