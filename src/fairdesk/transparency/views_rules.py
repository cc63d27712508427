"""Published rules and provider scores: `/rules/` (every rule's version in force), `/rules/<code>/` (the
version in force, the earlier and announced ones, the statistics that measure it), `/providers/<station>/`
(a station's score with its inputs and the formula; managers record and answer appeals there) and
`/providers/me/` (a technician's own score; managers choose a technician)."""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fairdesk.accounts import permissions
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput
from fairdesk.core.pages import error_page, form_id
from fairdesk.dispatch.models import Technician
from fairdesk.regions.models import Station
from fairdesk.transparency import score, selectors, services
from fairdesk.transparency.models import AppealOutcome, ScoreAppeal

TECHNICIAN_PAGE = frozenset({*permissions.TECHNICIAN, *permissions.MANAGE})


def rule_row(doc) -> dict:
    language = get_language()
    return {
        "code": doc.code,
        "title": doc.display_title(language),
        "version": doc.version,
        "effective_from": doc.effective_from,
        "url": reverse("transparency:rule", args=[doc.code]),
    }


@require_GET
def rules_list(request):
    rows = [rule_row(doc) for doc in selectors.rules_current()]
    return render(request, "transparency/rules.html", {"rules": rows})


@require_GET
def rule_detail(request, code: str):
    versions = selectors.rule_versions(code)
    current = selectors.rule_version_at(code)
    if current is None:
        raise Http404(_("没有这条规则。"))
    language = get_language()
    context = {
        "doc": current,
        "title": current.display_title(language),
        "body": current.display_body(language),
        "versions": [
            {
                "version": v.version,
                "title": v.display_title(language),
                "effective_from": v.effective_from,
                "current": v.pk == current.pk,
                "upcoming": not v.in_force(),
            }
            for v in versions
        ],
        "upcoming": selectors.rule_upcoming(code),
        "stats_url": reverse("transparency:report")
        + (f"#{current.stats_anchor}" if current.stats_anchor else ""),
    }
    return render(request, "transparency/rule_detail.html", context)


def _period(request) -> tuple[dt.date, dt.date]:
    """?from=&to= (local dates), default the last 90 days; a bad value is a 422 in the user's language."""
    default_from, default_to = score.default_period()
    try:
        period_from = dt.date.fromisoformat(request.GET.get("from") or default_from.isoformat())
        period_to = dt.date.fromisoformat(request.GET.get("to") or default_to.isoformat())
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD。"), code="bad_date") from None
    if period_from > period_to:
        raise InvalidInput(_("期间的开始不能晚于结束。"), code="bad_period")
    if (period_to - period_from).days > 3660:
        raise InvalidInput(_("期间最长 10 年。"), code="bad_period")
    if period_from <= dt.date.min + dt.timedelta(days=1) or period_to >= dt.date.max - dt.timedelta(days=1):
        raise InvalidInput(_("日期超出范围。"), code="bad_date")  # the calendar's edge: no UTC bounds there
    return period_from, period_to


def _score_context(result: score.Score) -> dict:
    inputs = result.inputs
    mean = inputs.rating_mean
    return {
        "score": result,
        "inputs": inputs,
        "parts": result.parts_percent(),
        "params": score.formula(result.rule),
        "rating_mean": None if mean is None else f"{float(mean):.2f}",
        "formula_url": reverse("transparency:rule", args=[score.RULE_CODE]) if result.rule else "",
    }


@require_GET
def provider_station(request, station_id: int):
    station = get_object_or_404(Station, pk=station_id)
    try:
        period_from, period_to = _period(request)
    except DomainError as exc:
        return error_page(request, exc, back=request.path)
    result = score.provider_score(station=station, period_from=period_from, period_to=period_to)
    manager = permissions.has(request.user, permissions.MANAGE)
    context = {
        "station": station,
        **_score_context(result),
        "manager": manager,
        "appeals": list(ScoreAppeal.objects.filter(station=station).order_by("-created_at")[:20])
        if manager or permissions.has(request.user, permissions.AUDIT)
        else [],
        "outcomes": AppealOutcome.choices,
    }
    return render(request, "transparency/provider.html", context)


@require_POST
def provider_appeal(request, station_id: int):
    """A manager records the station's appeal (stations have no login of their own)."""
    station = get_object_or_404(Station, pk=station_id)
    back = reverse("transparency:provider", args=[station.pk])
    try:
        permissions.require(request.user, permissions.MANAGE, _("只有经理可以登记网点的申诉。"))
        period_from, period_to = _period(_PostQuery(request))
        result = score.provider_score(station=station, period_from=period_from, period_to=period_to)
        services.score_appeal_record(
            station=station,
            period_from=period_from,
            period_to=period_to,
            rule_version=result.rule.version if result.rule else 0,
            score=result.value,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect(back + "?appealed=1")


@require_POST
def provider_appeal_answer(request, appeal_id: int):
    appeal = get_object_or_404(ScoreAppeal, pk=form_id(appeal_id))
    back = reverse("transparency:provider", args=[appeal.station_id])
    try:
        services.score_appeal_answer(
            appeal_id=appeal.pk,
            outcome=request.POST.get("outcome", ""),
            answer=request.POST.get("answer", ""),
            actor=request.user,
        )
    except DomainError as exc:
        return error_page(request, exc, back=back)
    return redirect(back + "?answered=1")


class _PostQuery:
    """The appeal form's period fields read like the page's query (?from=&to=)."""

    def __init__(self, request):
        self.GET = request.POST


@require_GET
@permissions.page_requires(TECHNICIAN_PAGE)
def provider_me(request):
    """A technician's own score; a manager chooses a technician (?technician=<id>)."""
    technician = None
    choices = []
    if permissions.has(request.user, permissions.TECHNICIAN):
        technician = Technician.objects.filter(user=request.user).select_related("station", "user").first()
    else:
        choices = list(Technician.objects.select_related("station", "user").order_by("station__name", "pk"))
        wanted = form_id(request.GET.get("technician"))
        technician = next((t for t in choices if t.pk == wanted), None)
    context = {"technician": technician, "choices": choices}
    if technician is not None:
        try:
            period_from, period_to = _period(request)
        except DomainError as exc:
            return error_page(request, exc, back=request.path)
        result = score.provider_score(technician=technician, period_from=period_from, period_to=period_to)
        context.update(_score_context(result))
    return render(request, "transparency/provider_me.html", context)


SNIPPET_SECONDS = 600


def coverage_score_snippet(station) -> str:
    """What the coverage result shows next to the station that will serve the customer (regions hook)."""
    if station is None:
        return ""

    def render() -> str:
        result = score.provider_score(station=station)
        return render_to_string(
            "transparency/provider_snippet.html",
            {"station": station, "score": result, "url": reverse("transparency:provider", args=[station.pk])},
        )

    # Every coverage check shows it: computed from a period's events at most every 10 minutes per station,
    # day and language, not on each check.
    today = clock.local(clock.now()).date()
    key = f"fairdesk:provider_snippet:{station.pk}:{today}:{get_language()}"
    return cache.get_or_set(key, render, SNIPPET_SECONDS)
