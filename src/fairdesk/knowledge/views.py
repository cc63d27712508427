"""The help centre's pages: `/help/` (search with a shareable `?q=` and browse by topic), `/help/<slug>/` (an
article and "was this helpful"), `/help/locked-out/` ("Locked out? What to do now") and `/help/suggest/`
(the htmx fragment of suggested articles under a support message or a complaint). All public; every form
works without JavaScript."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fairdesk.core.errors import DomainError
from fairdesk.core.pages import error_page
from fairdesk.knowledge import selectors, services
from fairdesk.knowledge.models import Article

QUERY_MAX = 200


def _language() -> str:
    return selectors.language_of(get_language())


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:QUERY_MAX]


@require_GET
def help_home(request):
    query = _query(request)
    language = _language()
    result = None
    if query:
        result = selectors.article_search(query, language=language, limit=10)
        if not result.hits and result.terms:
            services.search_no_result_record(language=language, terms=result.terms, channel="page")
    context = {
        "query": query,
        "result": result,
        "topics": selectors.topics(language=language),
        "lockout_url": reverse("knowledge:locked_out") + "?from=help",
    }
    return render(request, "knowledge/help.html", context)


@require_GET
def suggest(request):
    """htmx: up to three articles for what someone is writing (`?q=`, or the form's `text`/`message`)."""
    text = (request.GET.get("q") or request.GET.get("text") or request.GET.get("message") or "")[:QUERY_MAX]
    hits = selectors.suggestions(text, language=_language())
    return render(request, "knowledge/_suggestions.html", {"hits": hits})


def _article_context(request, view) -> dict:
    return {
        "view": view,
        "history": selectors.article_history(view.article, language=view.language),
        "feedback": request.GET.get("feedback", ""),
        "feedback_url": reverse("knowledge:feedback", args=[view.slug]),
    }


@require_GET
def article(request, slug: str):
    if slug == selectors.LOCKOUT_SLUG:
        return redirect("knowledge:locked_out")
    view = selectors.article_current(slug, language=_language())
    if view is None:
        raise Http404(_("没有这篇文章。"))
    return render(request, "knowledge/article.html", _article_context(request, view))


@require_GET
def locked_out(request):
    language = _language()
    services.lockout_page_opened_record(language=language, source=request.GET.get("from", "direct"))
    view = selectors.article_current(selectors.LOCKOUT_SLUG, language=language)
    context = _article_context(request, view) if view is not None else {"view": None}
    return render(request, "knowledge/locked_out.html", context)


@require_POST
def feedback(request, slug: str):
    article_row = Article.objects.filter(slug=slug).first()
    if article_row is None:
        raise Http404(_("没有这篇文章。"))
    back = selectors.article_url(slug)
    helpful = request.POST.get("helpful", "")
    try:
        if helpful not in ("yes", "no"):
            raise DomainError(_("请选择“有帮助”或“没帮助”。"), code="helpful_required")
        services.article_feedback_record(
            article=article_row,
            language=_language(),
            helpful=helpful == "yes",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return error_page(request, exc, back=back, status=422)
    if request.headers.get("HX-Request"):
        return render(request, "knowledge/_feedback_thanks.html", {"helpful": helpful == "yes"})
    return redirect(back + "?feedback=thanks#feedback")
