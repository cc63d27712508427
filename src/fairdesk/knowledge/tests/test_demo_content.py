"""The demo articles: at least 20, in both languages, covering what the issue lists, and none teaches how to
open or get round a lock (several provinces forbid teaching 开锁技术)."""

import re

import pytest

from fairdesk.knowledge.demo_articles import ARTICLES

# Words of opening and bypass techniques that no article may contain (checked case-insensitively, spaces
# ignored in Chinese).
FORBIDDEN = (
    "开锁技术",
    "开锁技巧",
    "开锁教程",
    "技术开锁",
    "锡纸开锁",
    "锡纸",
    "插片",
    "单钩",
    "双钩",
    "万能钥匙",
    "拨片",
    "猫眼开锁",
    "撬锁方法",
    "破解",
    "解码器",
    "开锁工具",
    "bump key",
    "bumping",
    "lock picking",
    "lockpicking",
    "pick a lock",
    "picking a lock",
    "lock pick",
    "tension wrench",
    "rake",
    "shim",
    "bypass",
    "decoder",
    "skeleton key",
    "master key",
)


def _texts():
    for article in ARTICLES:
        yield article.slug, f"{article.title}\n{article.body}"
        yield article.slug, f"{article.title_en}\n{article.body_en}"


@pytest.mark.parametrize("word", FORBIDDEN)
def test_no_demo_article_teaches_opening_or_bypass_techniques(word):
    pattern = re.compile(re.escape(word) if not word.isascii() else rf"\b{re.escape(word)}", re.IGNORECASE)
    offending = [
        slug
        for slug, text in _texts()
        if pattern.search(text.replace(" ", "") if not word.isascii() else text)
    ]
    assert offending == [], f"{word!r} in {offending}"


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
