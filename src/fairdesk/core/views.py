from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from fairdesk.core import health
from fairdesk.core.services import demo_clock_reset


def home(request):
    return render(request, "core/home.html")


@require_POST
def set_language(request):
    """The language switch: remembers the choice in a cookie and goes back where the user was."""
    language = request.POST.get("language", "")
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in {code for code, _ in settings.LANGUAGES}:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax", httponly=False
        )
    return response


@require_POST
def demo_clock_back(request):
    """Demo only (FAIRDESK_TEST_CLOCK): back to real time, from the banner on every page. Anyone on the demo
    may (the demo is public on `make run`); production has no test clock and answers 404."""
    if not settings.FAIRDESK_TEST_CLOCK:
        raise Http404
    demo_clock_reset(actor=request.user if request.user.is_authenticated else None)
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return HttpResponseRedirect(target)


@require_safe
def healthz(request):
    """Public and cheap: 200 when healthy, 503 when the database is unreachable or background work lags."""

    report = health.report()
    response = JsonResponse(report, status=200 if report["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response
