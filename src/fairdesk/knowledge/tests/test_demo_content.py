"""The demo articles: at least 20, in both languages, covering what the issue lists, and none teaches how to
open or get round a lock (several provinces forbid teaching 开锁技术); a submitted version that does is
refused."""

import pytest

from fairdesk.core.errors import DomainError
from fairdesk.knowledge import services
from fairdesk.knowledge.demo_articles import ARTICLES
from fairdesk.knowledge.forbidden import FORBIDDEN_TOPICS, forbidden_in


def _texts():
    for article in ARTICLES:
        yield article.slug, f"{article.title}\n{article.body}"
        yield article.slug, f"{article.title_en}\n{article.body_en}"


def test_no_demo_article_teaches_opening_or_bypass_techniques():
    offending = {slug: forbidden_in(text) for slug, text in _texts() if forbidden_in(text)}
    assert offending == {}


@pytest.mark.parametrize("word", FORBIDDEN_TOPICS)
def test_the_check_sees_every_forbidden_topic(word):
    spaced = " ".join(word) if not word.isascii() else word.upper()
    assert word in forbidden_in(f"这里讲 {spaced} 的方法")


def test_ordinary_words_are_not_forbidden():
    assert forbidden_in("The technician checks your ID; keep a spare key with family. 开锁前核实身份。") == []


def test_at_least_twenty_articles_in_both_languages_covering_the_topics():
    assert len(ARTICLES) >= 20
    assert all(a.title and a.body and a.title_en and a.body_en for a in ARTICLES)
    topics = {a.topic for a in ARTICLES}
    assert topics >= {
        "lockout",
        "keys",
        "safes",
        "care",
        "choosing",
        "prices",
        "plans",
        "complaints",
        "lawful",
    }


@pytest.mark.django_db
def test_a_version_teaching_a_technique_is_refused():
    article = services.article_create(slug="bad", topic="care")
    with pytest.raises(DomainError) as refused:
        services.article_version_submit(article=article, language="zh-hans", title="锡纸开锁教程", body="……")
    assert refused.value.code == "forbidden_topic"
