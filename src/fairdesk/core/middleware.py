"""Language choice: the user's explicit choice (cookie) wins, then Accept-Language, then zh-Hans.

Django's LocaleMiddleware would do most of this, but it also redirects on URL prefixes; we keep URLs stable
(shared links work in both languages) and switch with a cookie set by the language switch.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation


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
        for code, _ in translation.trans_real.parse_accept_lang_header(header):
            code = code.lower()
            if code.startswith("zh"):
                return "zh-hans"
            if code.startswith("en"):
                return "en"
        return settings.LANGUAGE_CODE
