"""Writes of the knowledge base, one transaction each: articles, versions (submit → review publishes), the
search index, readers' feedback and the usage events (searches without a result, the lock-out page opened,
a human asked for after reading)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from fairdesk.accounts import permissions
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.services import event_record
from fairdesk.knowledge import events, render, search, selectors
from fairdesk.knowledge.forbidden import forbidden_in
from fairdesk.knowledge.models import (
    Article,
    ArticleFeedback,
    ArticleVersion,
    Language,
    SearchEntry,
    Topic,
)

TITLE_MAX = 200
BODY_MAX = 40_000
COMMENT_MAX = 1000
LANGUAGES = frozenset(Language.values)


class ReviewRefused(DomainError):
    code = "review_refused"
    status = 409


def _language(language: str) -> str:
    language = (language or "").lower()
    if language not in LANGUAGES:
        raise InvalidInput(_("语言应为 zh-Hans 或 en。"), code="bad_language")
    return language


@transaction.atomic
def article_create(*, slug: str, topic: str, service_types: Sequence[str] = ()) -> Article:
    if topic not in Topic.values:
        raise InvalidInput(_("没有这个主题。"), code="bad_topic")
    article = Article(slug=slug, topic=topic, service_types=sorted(set(service_types)))
    article.full_clean()
    article.save()
    return article


@transaction.atomic
def article_version_submit(
    *, article: Article, language: str, title: str, body: str, author=None
) -> ArticleVersion:
    """A new version (number: one more than the article's highest in that language), unpublished until a
    reviewer approves it."""
    language = _language(language)
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InvalidInput(_("标题和正文都不能为空。"), code="empty")
    if len(title) > TITLE_MAX or len(body) > BODY_MAX:
        raise InvalidInput(_("标题或正文太长。"), code="too_long")
    found = forbidden_in(f"{title}\n{body}")
    if found:
        raise InvalidInput(
            _("帮助文章不能讲授开锁或绕过门锁的方法（%(words)s）。") % {"words": "、".join(found)},
            code="forbidden_topic",
        )
    Article.objects.select_for_update().filter(pk=article.pk).first()  # version numbers one at a time
    highest = ArticleVersion.objects.filter(article=article, language=language).aggregate(n=Max("version"))[
        "n"
    ]
    version = ArticleVersion.objects.create(
        article=article,
        language=language,
        version=(highest or 0) + 1,
        title=title,
        body=body,
        author=author if getattr(author, "is_authenticated", False) else None,
    )
    event_record(
        kind=events.VERSION_SUBMITTED,
        subject=article,
        actor=author,
        actor_label="" if author else "system",
        payload={
            "article": article.pk,
            "slug": article.slug,
            "language": language,
            "version": version.version,
        },
    )
    return version


@transaction.atomic
def article_version_review(*, version_id: int, reviewer=None, system: bool = False) -> ArticleVersion:
    """A manager approves a version: it is published (readers of its language see it from now on; earlier
    versions stay as the history) and the search index is rewritten. The reviewer is never its author.
    `system=True` only for the demo loader (no person reviews its fixed texts)."""
    version = (
        ArticleVersion.objects.select_for_update().select_related("article").filter(pk=version_id).first()
    )
    if version is None:
        raise NotFound(_("没有这个文章版本。"))
    if not system:
        permissions.require(reviewer, permissions.MANAGE, _("只有经理可以审核发布文章。"))
        if version.author_id is not None and version.author_id == reviewer.pk:
            raise ReviewRefused(_("作者不能审核自己写的版本。"), code="own_version")
    if version.published:
        raise ReviewRefused(_("这个版本已经发布。"), code="already_published")
    newer = ArticleVersion.objects.filter(
        article=version.article, language=version.language, published=True, version__gt=version.version
    ).exists()
    if newer:
        raise ReviewRefused(_("已有更新的版本发布，不能再发布旧版本。"), code="stale_version")
    version.reviewer = reviewer if getattr(reviewer, "is_authenticated", False) else None
    version.reviewed_at = clock.now()
    version.published = True
    version.save(update_fields=["reviewer", "reviewed_at", "published"])
    _entry_write(version)
    event_record(
        kind=events.ARTICLE_PUBLISHED,
        subject=version.article,
        actor=version.reviewer,
        actor_label="" if version.reviewer else "system",
        payload={
            "article": version.article_id,
            "slug": version.article.slug,
            "language": version.language,
            "version": version.version,
            "reviewer": version.reviewer_id,
            "reviewed_at": version.reviewed_at,
        },
    )
    return version


def _entry_row(version: ArticleVersion) -> SearchEntry:
    plain = render.plain_text(version.body)
    return SearchEntry(
        article_id=version.article_id,
        language=version.language,
        version=version,
        title=version.title,
        plain=plain,
        title_terms=search.joined(search.terms(version.title)),
        body_terms=search.joined(search.terms(plain)),
        updated_at=clock.now(),
    )


def _vocabulary_changed() -> None:
    """This process forgets its term statistics now (its own reads see the new rows) and again after the
    commit (a thread may have read the old ones meanwhile); other processes notice within seconds."""
    selectors.vocabulary_forget()
    transaction.on_commit(selectors.vocabulary_forget)


def _entry_write(version: ArticleVersion) -> None:
    # Delete then insert (not UPDATE): the FTS5 mirror's triggers and PostgreSQL's generated column follow.
    SearchEntry.objects.filter(article_id=version.article_id, language=version.language).delete()
    _entry_row(version).save()
    _vocabulary_changed()


@transaction.atomic
def search_index_rebuild(*, batch: int = 500) -> int:
    """Rewrite every index row from the published versions (after the synonym file changed); the number
    of rows written."""
    SearchEntry.objects.all().delete()
    current = _current_versions()
    rows: list[SearchEntry] = []
    written = 0
    for version in current:
        rows.append(_entry_row(version))
        if len(rows) >= batch:
            SearchEntry.objects.bulk_create(rows)
            written += len(rows)
            rows = []
    SearchEntry.objects.bulk_create(rows)
    _vocabulary_changed()
    return written + len(rows)


def _current_versions() -> Iterable[ArticleVersion]:
    latest: dict[tuple[int, str], ArticleVersion] = {}
    for version in ArticleVersion.objects.filter(published=True).order_by(
        "article_id", "language", "version"
    ):
        latest[(version.article_id, version.language)] = version
    return latest.values()


@transaction.atomic
def article_feedback_record(
    *, article: Article, language: str, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """A reader's "was this helpful": yes or no, with an optional comment (kept on the row, not the event)."""
    language = _language(language)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(_("意见太长（最多 1000 字）。"), code="too_long")
    if not isinstance(helpful, bool):
        raise InvalidInput(_("请选择“有帮助”或“没帮助”。"), code="helpful_required")
    version = (
        ArticleVersion.objects.filter(article=article, language=language, published=True)
        .order_by("-version")
        .first()
    )
    feedback = ArticleFeedback.objects.create(
        article=article, version=version, language=language, helpful=helpful, comment=comment
    )
    event_record(
        kind=events.FEEDBACK_RECORDED,
        subject=article,
        actor_label="reader",
        payload={
            "article": article.pk,
            "version": version.version if version else None,
            "language": language,
            "helpful": helpful,
            "comment": bool(comment),
        },
    )
    return feedback


@transaction.atomic
def search_no_result_record(*, language: str, terms: int, channel: str) -> None:
    event_record(
        kind=events.SEARCH_NO_RESULT,
        subject_type="knowledge.search",
        actor_label="reader",
        payload={"language": _language(language), "terms": int(terms), "channel": channel},
    )


LOCKOUT_SOURCES = frozenset({"home", "help_now", "help", "bot", "direct"})


@transaction.atomic
def lockout_page_opened_record(*, language: str, source: str) -> None:
    event_record(
        kind=events.LOCKOUT_PAGE_OPENED,
        subject_type="knowledge.lockout",
        actor_label="reader",
        payload={
            "language": _language(language),
            "source": source if source in LOCKOUT_SOURCES else "direct",
        },
    )


@transaction.atomic
def human_after_article_record(*, conversation_id: int, article_ids: Sequence[int], language: str) -> None:
    """Support calls this when a customer asks for a person after the bot linked them articles."""
    event_record(
        kind=events.HUMAN_AFTER_ARTICLE,
        subject_type="support.conversation",
        subject_id=conversation_id,
        actor_label="customer",
        payload={
            "conversation": conversation_id,
            "articles": sorted({int(a) for a in article_ids}),
            "language": "en" if (language or "").lower().startswith("en") else "zh-hans",
        },
    )
