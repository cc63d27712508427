"""Language choice: the user's explicit choice (cookie) wins, then Accept-Language, then zh-Hans.

Django's LocaleMiddleware would do most of this, but it also redirects on URL prefixes; we keep URLs stable
(shared links work in both languages) and switch with a cookie set by the language switch.
"""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_ipv46_address
from django.http import JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.core.events import REQUEST_CHANNEL
from fairdesk.core.pages import error_page


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = self._choose(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        vary = response.headers.get("Vary", "")
        if "Accept-Language" not in vary:
            response.headers["Vary"] = f"{vary}, Accept-Language" if vary else "Accept-Language"
        translation.deactivate()
        return response

    def _choose(self, request) -> str:
        wanted = request.GET.get("lang") or request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if wanted in self.supported:
            return wanted
        header = request.headers.get("Accept-Language", "")
        for code, _quality in translation.trans_real.parse_accept_lang_header(header):
            code = code.lower()
            if code.startswith("zh"):
                return "zh-hans"
            if code.startswith("en"):
                return "en"
        return settings.LANGUAGE_CODE


def refusal(request, message, *, code: str, status: int):
    """A refused request in the caller's language: `{"code", "message"}` under /api/, the site's error page
    elsewhere."""
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": str(message)}, status=status, json_dumps_params={"ensure_ascii": False}
        )

    return error_page(request, str(message), status=status)


_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulBytesMiddleware:
    """No field of ours may hold a NUL character, and PostgreSQL refuses one in any text (an error deep inside
    a query, a 500). Refused here, once, for the path, the query string, form fields, file names and JSON
    bodies: a 400 `invalid_characters` in the caller's language. Sits after LanguageMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            has_nul = self._has_nul(request)
        except (MultiPartParserError, SuspiciousOperation):  # an unreadable form or too big a body
            return refusal(request, _("请求内容无法读取。"), code="bad_request", status=400)
        if has_nul:
            message = _("请求中含有不允许的字符（NUL）。")
            return refusal(request, message, code="invalid_characters", status=400)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "\x00" in request.path_info or b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", "")):
            return True
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return False
        content_type = request.content_type or ""
        if content_type in _FORM_TYPES:
            if request.path_info.startswith("/api/"):
                # The API reads the raw body after us (a form sent to a JSON endpoint): keep it readable by
                # reading it first (a multipart parse would consume the stream: a 500 instead of a 4xx).
                request.body  # noqa: B018
            fields = request.POST.lists()
            if any("\x00" in key or any("\x00" in v for v in values) for key, values in fields):
                return True
            return any("\x00" in (upload.name or "") for upload in request.FILES.values())
        body = request.body  # JSON and anything else a client sends; Django caps its size
        if b"\x00" in body:
            return True
        if b"\\u0000" not in body:
            return False
        try:  # an escaped NUL inside a JSON string (not a literal backslash followed by "u0000")
            return _holds_nul(json.loads(body))
        except ValueError:
            return False  # not JSON: the API answers its own 400 for an unreadable body


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


class ClientAddressMiddleware:
    """The client's address behind our own reverse proxies. With FAIRDESK_PROXY_HOPS = n (nginx in front: 1),
    REMOTE_ADDR becomes the n-th address from the right of X-Forwarded-For: the one our outermost proxy saw
    (a client may prepend anything to the header, but cannot append after our proxy). Every per-address limit
    (one-time codes, emergencies, staff sign-in) then counts clients, not the proxy. With 0 (the default, no
    proxy) the header is ignored: anyone could forge it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        hops = getattr(settings, "FAIRDESK_PROXY_HOPS", 0)
        if hops > 0:
            forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
            forwarded = [p for p in forwarded if p]
            if len(forwarded) >= hops:
                candidate = forwarded[-hops]
                try:
                    validate_ipv46_address(candidate)
                except ValidationError:
                    pass
                else:
                    request.META["REMOTE_ADDR"] = candidate
        # The channel a change came through, for the events that record it (core/events.py).
        token = REQUEST_CHANNEL.set("api" if request.path.startswith("/api/") else "self_service")
        try:
            return self.get_response(request)
        finally:
            REQUEST_CHANNEL.reset(token)
