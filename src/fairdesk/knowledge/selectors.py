"""Reads of the knowledge base (never writes): the published article a reader sees, search, suggestions,
what the support bot answers from, and the learning links of a service type.

Search runs in the database: on PostgreSQL the generated `document` tsvector (title weight A, body B; GIN
index) against an OR of the query's terms, ranked by `ts_rank`; on SQLite the FTS5 mirror ranked by
`bm25` with the title weighted 5 to 1. When that finds nothing, the spelling fallback (search.fuzzy_terms)
replaces unknown terms with the nearest known ones and searches again."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Max
from django.urls import reverse

from fairdesk.knowledge import render, search
from fairdesk.knowledge.models import Article, ArticleVersion, Language, SearchEntry, Topic

SNIPPET_CHARS = 90
LOCKOUT_SLUG = "locked-out"  # the article behind /help/locked-out/


def language_of(value: str | None, default: str = Language.ZH) -> str:
    """zh-Hans / zh-hans / zh / en → the stored code; anything else is the default."""
    value = (value or "").lower()
    if value.startswith("zh"):
        return Language.ZH
    if value.startswith("en"):
        return Language.EN
    return default


@dataclass(frozen=True)
class Hit:
    article_id: int
    slug: str
    title: str
    snippet: str
    score: float
    url: str


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    terms: int  # how many terms the query had
    fuzzy: bool  # found by the spelling fallback


def article_url(slug: str) -> str:
    if slug == LOCKOUT_SLUG:
        return reverse("knowledge:locked_out")
    return reverse("knowledge:article", args=[slug])


def article_search(query: str, *, language: str, limit: int = 10) -> SearchResult:
    """The published articles of a language that match the query, best first."""
    language = language_of(language)
    limit = max(1, min(int(limit), 50))
    terms = search.query_terms(query)
    if not terms:
        return SearchResult(hits=[], terms=0, fuzzy=False)
    known = vocabulary(language)
    ranked = _search(terms, known, language, limit)
    fuzzy = False
    if not ranked:
        corrected = search.fuzzy_terms(query, known)
        if corrected:
            ranked = _search(corrected, known, language, limit)
            fuzzy = bool(ranked)
            terms_for_snippet = corrected
    if not fuzzy:
        terms_for_snippet = terms
    surface = _surface_words(query, terms_for_snippet)
    hits = [
        Hit(
            article_id=row.article_id,
            slug=row.slug,
            title=row.title,
            snippet=snippet(row.plain, surface),
            score=round(row.score, 6),
            url=article_url(row.slug),
        )
        for row in ranked
    ]
    return SearchResult(hits=hits, terms=len(terms), fuzzy=fuzzy)


# When the choosing terms could bring more candidates than this, the titles are searched first (ranking
# reads each candidate's whole document; the title outranks the body anyway).
TITLE_FIRST_FROM = 600
TITLE_CANDIDATES = 40  # how many of the best title matches are ranked on their whole document
SYNONYM_BOOST = 0.5  # PostgreSQL: a synonym group's term counts 1.5 times a word
NO_GROUP = search.SYNONYM_PREFIX + "none"  # a term never indexed (no such group)


class Ranked(NamedTuple):
    entry_id: int
    score: float
    article_id: int
    slug: str
    title: str
    plain: str


# The ranked entries with what a hit shows, in one query.
_ROWS = (
    "SELECT r.id, r.rank, e.article_id, a.slug, e.title, e.plain FROM ({ranked}) r "
    "JOIN knowledge_searchentry e ON e.id = r.id JOIN knowledge_article a ON a.id = e.article_id "
    "ORDER BY r.rank DESC, r.id"
)


def _rows(cursor, sql: str, params: list) -> list[Ranked]:
    cursor.execute(_ROWS.format(ranked=sql), params)
    return [
        Ranked(int(i), float(rank), int(a), slug, title, text) for i, rank, a, slug, title, text in cursor
    ]


def _search(terms: list[str], known: search.Vocabulary, language: str, limit: int) -> list[Ranked]:
    choosing = known.selective(terms)
    if not choosing:
        return []
    if known.candidates(choosing) > TITLE_FIRST_FROM:
        ranked = _ranked(terms, choosing, language, limit, titles_only=True)
        if len(ranked) >= limit:
            return ranked
    return _ranked(terms, choosing, language, limit)


def _ranked(
    terms: list[str], choosing: list[str], language: str, limit: int, *, titles_only: bool = False
) -> list[Ranked]:
    """(entry id, score) best first: the entries holding any of the `choosing` terms (in their title only
    with `titles_only`), ranked by all `terms` (title weighted over body)."""
    if connection.vendor == "postgresql":

        def either(words: list[str]) -> str:
            return " | ".join("'" + word.replace("'", "") + "'" for word in words)

        rank_query, choose_query = either(terms), either(choosing)
        # What the customer means (a synonym group) counts again on top of the words.
        groups = either([t for t in terms if t.startswith(search.SYNONYM_PREFIX)] or [NO_GROUP])
        if titles_only:
            # The best title matches by the small title vector, then the whole document of those only.
            sql = (
                "SELECT id, ts_rank(document, r) + %s * ts_rank(document, g) AS rank FROM ("
                " SELECT id, document FROM knowledge_searchentry, to_tsquery('simple', %s) r,"
                " to_tsquery('simple', %s) c, to_tsquery('simple', %s) g"
                " WHERE language = %s AND title_document @@ c"
                " ORDER BY ts_rank(title_document, r) + %s * ts_rank(title_document, g) DESC, id LIMIT %s"
                ") best, to_tsquery('simple', %s) r, to_tsquery('simple', %s) g"
                " ORDER BY rank DESC, id LIMIT %s"
            )
            params = [SYNONYM_BOOST, rank_query, choose_query, groups, language, SYNONYM_BOOST]
            params += [TITLE_CANDIDATES, rank_query, groups, limit]
        else:
            sql = (
                "SELECT id, ts_rank(document, r) + %s * ts_rank(document, g) AS rank "
                "FROM knowledge_searchentry, "
                "to_tsquery('simple', %s) r, to_tsquery('simple', %s) c, to_tsquery('simple', %s) g "
                "WHERE language = %s AND document @@ c ORDER BY rank DESC, id LIMIT %s"
            )
            params = [SYNONYM_BOOST, rank_query, choose_query, groups, language, limit]
    else:
        return _fts5_ranked(terms, choosing, language, limit, titles_only=titles_only)
    with connection.cursor() as cursor:
        return _rows(cursor, sql, params)


_FTS5 = (
    "SELECT e.id, -bm25(knowledge_searchentry_fts, 5.0, 1.0) AS rank FROM knowledge_searchentry_fts "
    "JOIN knowledge_searchentry e ON e.id = knowledge_searchentry_fts.rowid "
    "WHERE knowledge_searchentry_fts MATCH %s AND e.language = %s {among} ORDER BY rank DESC, e.id LIMIT %s"
)


def _fts5_ranked(
    terms: list[str], choosing: list[str], language: str, limit: int, *, titles_only: bool
) -> list[Ranked]:
    """SQLite: bm25 ranks by the MATCH expression itself, so the choosing terms find the candidates (in the
    titles only, first) and all the terms rank them."""

    def either(words: list[str]) -> str:
        return " OR ".join('"' + word.replace('"', "") + '"' for word in words)

    with connection.cursor() as cursor:
        if titles_only or choosing != terms:
            match = f"title_terms : ({either(choosing)})" if titles_only else either(choosing)
            size = TITLE_CANDIDATES if titles_only else TITLE_FIRST_FROM
            cursor.execute(_FTS5.format(among=""), [match, language, size])
            among = [int(pk) for pk, _rank in cursor.fetchall()]
            if not among:
                return []
            marks = ", ".join(["%s"] * len(among))
            ranked = _FTS5.format(among=f"AND e.id IN ({marks})")
            return _rows(cursor, ranked, [either(terms), language, *among, limit])
        return _rows(cursor, _FTS5.format(among=""), [either(terms), language, limit])


def _surface_words(query: str, terms: list[str]) -> list[str]:
    """Words to look for in the body for the snippet: the query's own words, longest first."""
    found = [t for t in terms if not t.startswith(search.SYNONYM_PREFIX)]
    for phrase_group in terms:
        if phrase_group.startswith(search.SYNONYM_PREFIX):
            found += list(search.synonym_groups().get(phrase_group[len(search.SYNONYM_PREFIX) :], ()))
    return sorted(set(found), key=len, reverse=True)


def snippet(plain: str, words: list[str], *, size: int = SNIPPET_CHARS) -> str:
    """About `size` characters of the body around the first place one of the words occurs (else its
    beginning)."""
    lowered = search.normalize(plain)
    positions = [lowered.find(w) for w in words if w and len(w) > 1]
    positions = [p for p in positions if p >= 0]
    if not positions:
        return plain[:size] + ("…" if len(plain) > size else "")
    start = max(0, min(positions) - size // 3)
    text = plain[start : start + size]
    return ("…" if start > 0 else "") + text + ("…" if start + size < len(plain) else "")


# ------------------------------------------------------------------------------------------- vocabulary

_vocabulary_lock = threading.Lock()
_vocabulary_cache: dict[str, tuple[float, Hashable, search.Vocabulary]] = {}
VOCABULARY_CHECK_SECONDS = 10.0  # how often a process asks whether the index changed


def _index_version(language: str) -> Hashable:
    agg = SearchEntry.objects.filter(language=language).aggregate(
        n=Count("id"), updated=Max("updated_at"), top=Max("id")
    )
    return (agg["n"], agg["updated"], agg["top"])


def vocabulary(language: str) -> search.Vocabulary:
    """The index's terms of a language with their document frequencies (cached per process; whether the
    index changed is asked at most every VOCABULARY_CHECK_SECONDS, and at once after a write in this
    process: `vocabulary_forget`)."""
    now = time.monotonic()
    cached = _vocabulary_cache.get(language)
    if cached is not None and now - cached[0] < VOCABULARY_CHECK_SECONDS:
        return cached[2]
    key = _index_version(language)
    if cached is not None and cached[1] == key:
        _vocabulary_cache[language] = (now, key, cached[2])
        return cached[2]
    with _vocabulary_lock:
        df: Counter[str] = Counter()
        documents = 0
        rows = SearchEntry.objects.filter(language=language).values_list("title_terms", "body_terms")
        for title_terms, body_terms in rows.iterator(chunk_size=1000):
            df.update(set(title_terms.split()) | set(body_terms.split()))
            documents += 1
        built = search.Vocabulary(dict(df), documents)
        _vocabulary_cache[language] = (now, key, built)
        return built


def vocabulary_forget() -> None:
    _vocabulary_cache.clear()


# --------------------------------------------------------------------------------------------- articles


@dataclass(frozen=True)
class ArticleView:
    article: Article
    version: ArticleVersion
    title: str
    body_html: str
    language: str  # the version's language (may differ from the reader's when only the other exists)

    @property
    def slug(self) -> str:
        return self.article.slug


def article_current(slug: str, *, language: str) -> ArticleView | None:
    """The highest published version in the reader's language (else the other language's), or None."""
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        return None
    language = language_of(language)
    versions = ArticleVersion.objects.filter(article=article, published=True).order_by("-version")
    version = versions.filter(language=language).first() or versions.first()
    if version is None:
        return None
    return ArticleView(
        article=article,
        version=version,
        title=version.title,
        body_html=render.body_html(version.body),
        language=version.language,
    )


def article_history(article: Article, *, language: str) -> list[ArticleVersion]:
    return list(
        ArticleVersion.objects.filter(article=article, language=language_of(language), published=True)
        .select_related("reviewer")
        .order_by("-version")
    )


@dataclass(frozen=True)
class TopicGroup:
    code: str
    label: str
    articles: list[tuple[str, str, str]]  # (slug, title, url)


def topics(*, language: str) -> list[TopicGroup]:
    """Every published article of a language grouped by topic, in the topics' order."""
    language = language_of(language)
    entries = SearchEntry.objects.filter(language=language).select_related("article").order_by("title")
    grouped: dict[str, list[tuple[str, str, str]]] = {}
    for entry in entries:
        grouped.setdefault(entry.article.topic, []).append(
            (entry.article.slug, entry.title, article_url(entry.article.slug))
        )
    return [
        TopicGroup(code=code, label=str(label), articles=grouped[code])
        for code, label in Topic.choices
        if code in grouped
    ]


def suggestions(query: str, *, language: str, limit: int = 3) -> list[Hit]:
    """Articles to offer while someone writes to support or files a complaint (nothing for short text)."""
    if len(search.normalize(query).strip()) < 2:
        return []
    return article_search(query, language=language, limit=limit).hits


# --------------------------------------------------------------------------------- for support's bot


@dataclass(frozen=True)
class BotArticle:
    """What support's bot needs from an article: the id, the phrasings to match, the first paragraph as
    the answer in both languages, and the slug (the bot links the article)."""

    id: int
    slug: str
    topic: str
    questions: tuple[str, ...]
    text: str
    text_en: str


_FIRST_PARAGRAPH = re.compile(r"\n\s*\n")


def _summary(body: str) -> str:
    for block in _FIRST_PARAGRAPH.split(body or ""):
        text = render.plain_text(block)
        if text and not block.lstrip().startswith("#"):
            return text
    return render.plain_text(body)[:200]


def bot_articles() -> list[BotArticle]:
    """Every article with a published version, for the bot's index."""
    latest: dict[tuple[int, str], ArticleVersion] = {}
    for version in (
        ArticleVersion.objects.filter(published=True).select_related("article").order_by("version")
    ):
        latest[(version.article_id, version.language)] = version
    articles: dict[int, dict] = {}
    for (article_id, language), version in sorted(latest.items()):
        row = articles.setdefault(
            article_id, {"slug": version.article.slug, "topic": version.article.topic, "zh": None, "en": None}
        )
        row["zh" if language == Language.ZH else "en"] = version
    result = []
    for article_id, row in sorted(articles.items()):
        zh, en = row["zh"], row["en"]
        first = zh or en
        questions = tuple(v.title for v in (zh, en) if v is not None)
        result.append(
            BotArticle(
                id=article_id,
                slug=row["slug"],
                topic=row["topic"],
                questions=questions,
                text=_summary(first.body),
                text_en=_summary(en.body) if en is not None else "",
            )
        )
    return result


def bot_articles_version() -> Hashable:
    agg = ArticleVersion.objects.filter(published=True).aggregate(
        n=Count("id"), top=Max("id"), reviewed=Max("reviewed_at")
    )
    return ("kb", agg["n"], agg["top"], agg["reviewed"])


def article_ids(slugs) -> list[int]:
    return sorted(Article.objects.filter(slug__in=list(slugs)).values_list("pk", flat=True))


def article_title(slug: str, *, language: str) -> str | None:
    """The published title of an article in a language (else the other one), None when unknown."""
    view = article_current(slug, language=language)
    return view.title if view is not None else None


# ------------------------------------------------------------------------------------------- learning


def articles_for_service_type(code: str, *, language: str, limit: int = 2) -> list[tuple[str, str]]:
    """(title, url) of the published articles that relate to a service type, the lock-out page first."""
    language = language_of(language)
    entries = (
        SearchEntry.objects.filter(language=language).select_related("article").order_by("article__slug")
    )
    found = [e for e in entries if code in (e.article.service_types or [])]
    found.sort(key=lambda e: (e.article.slug != LOCKOUT_SLUG, e.article.slug))
    return [(e.title, article_url(e.article.slug)) for e in found[:limit]]
