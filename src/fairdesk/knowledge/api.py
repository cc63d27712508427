"""The help centre over JSON, public (no credentials): search, an article's published version, and a reader's
"was this helpful". The feedback POST follows the rules of the API's other public writes: a JSON body only
(a cross-site form cannot send one without asking first) and `Idempotency-Key` honoured."""

from __future__ import annotations

from typing import Literal

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Header, Query, Router, Schema, Status
from pydantic import Field

from fairdesk.accounts.api import ErrorOut, _json_only, client_ip
from fairdesk.core.errors import NotFound
from fairdesk.core.idempotency import run_idempotent
from fairdesk.knowledge import selectors, services
from fairdesk.knowledge.models import Article
from fairdesk.knowledge.schemas import ArticleOut, FeedbackIn, FeedbackOut, HitOut

router = Router(tags=["knowledge base"])


class SearchQuery(Schema):
    q: str = Field(..., max_length=200, description="What the reader typed (Chinese or English)")
    lang: Literal["zh-Hans", "en", "zh-hans"] | None = Field(
        None, description="The articles' language (default: the caller's, from Accept-Language)"
    )
    limit: int = Field(10, ge=1, le=50)


def _language(lang: str | None) -> str:
    return selectors.language_of(lang or get_language())


@router.get(
    "/kb/search",
    response=list[HitOut],
    summary="Public: search the help centre's published articles, best first",
)
def kb_search(request, params: Query[SearchQuery]):
    language = _language(params.lang)
    result = selectors.article_search(params.q, language=language, limit=params.limit)
    if not result.hits and result.terms:
        services.search_no_result_record(language=language, terms=result.terms, channel="api")
    return [
        {"slug": h.slug, "title": h.title, "snippet": h.snippet, "score": h.score, "url": h.url}
        for h in result.hits
    ]


@router.get(
    "/kb/articles/{slug}",
    response={200: ArticleOut, 404: ErrorOut},
    summary="Public: an article's published version (in `lang`, else the other language)",
)
def kb_article(request, slug: str, lang: Literal["zh-Hans", "en", "zh-hans"] | None = None):
    view = selectors.article_current(slug, language=_language(lang))
    if view is None:
        raise NotFound(_("没有这篇文章。"))
    return {
        "slug": view.slug,
        "title": view.title,
        "body_html": view.body_html,
        "version": view.version.version,
        "reviewed_at": view.version.reviewed_at,
        "service_types": list(view.article.service_types or []),
    }


def _scope(request) -> str:
    return f"anon:{client_ip(request)}:{request.session.session_key or ''}:{request.path}"


@router.post(
    "/kb/articles/{slug}/feedback",
    response={201: FeedbackOut, 404: ErrorOut, 415: ErrorOut, 422: ErrorOut},
    summary="Public: say whether an article helped (`helpful`, optional `comment`)",
)
def kb_feedback(
    request,
    slug: str,
    body: FeedbackIn,
    lang: Literal["zh-Hans", "en", "zh-hans"] | None = None,
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    _json_only(request)
    article = Article.objects.filter(slug=slug).first()
    if article is None:
        raise NotFound(_("没有这篇文章。"))
    language = _language(lang)

    def handler():
        feedback = services.article_feedback_record(
            article=article, language=language, helpful=body.helpful, comment=body.comment
        )
        return 201, {
            "id": feedback.pk,
            "slug": slug,
            "helpful": feedback.helpful,
            "version": feedback.version.version if feedback.version else None,
        }

    status, data = run_idempotent(
        key=idempotency_key, scope=_scope(request), payload={"slug": slug, **body.dict()}, handler=handler
    )
    return Status(status, data)
