"""Django's own refusals and failures (404, 403, 400, 500, a failed CSRF check) are the site's error page: its
look, the caller's language, the national hotline, no inline style;
under /api/ the API's `{"code", "message"}`.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import get_resolver
from django.utils import translation

from fairdesk.core import pages

pytestmark = pytest.mark.django_db

EN = {"Accept-Language": "en"}


def _is_the_site_error_page(response, status: int) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert 'data-testid="page-error"' in html  # core/error.html …
    assert 'class="topbar"' in html  # … inside the site's layout
    assert f'href="tel:{settings.FAIRDESK_NATIONAL_HOTLINE}"' in re.search(
        r'data-testid="error-hotline".*?</p>', html, re.S
    )[0]
    assert not re.search(r"<style\b|\sstyle\s*=|<script\b(?![^>]*\bsrc=)", html, re.I)
    return html


def test_an_unknown_page_is_a_404_in_chinese_by_default(client):
    html = _is_the_site_error_page(client.get("/no-such-page/"), 404)
    assert "找不到这个页面" in html and "24小时报修热线" in html


def test_an_unknown_page_is_a_404_in_english_on_request(client):
    html = _is_the_site_error_page(client.get("/no-such-page/", headers=EN), 404)
    assert "Page not found" in html and "找不到" not in html


def test_an_unknown_api_path_is_a_json_404():
    for path in ("/api/v1/no-such-thing", "/api/v2/coverage"):
        response = Client().get(path, headers=EN)
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
        assert response.json()["message"].startswith("There is no page")


def test_a_crash_is_the_site_500_page_with_the_hotline(monkeypatch):
    from fairdesk.core import health

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(health, "report", broken)
    client = Client(raise_request_exception=False)
    html = _is_the_site_error_page(client.get("/healthz", headers=EN), 500)
    assert "Something went wrong" in html and "boom" not in html
    assert "出了点问题" in _is_the_site_error_page(client.get("/healthz"), 500)


def test_the_500_page_falls_back_to_plain_text_when_it_cannot_be_drawn(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(pages, "render", broken)
    response = pages.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and response.content == b"500 Server Error"


@pytest.mark.parametrize(
    "status,zh,en", [(400, "请求无法处理", "Bad request"), (403, "不能打开这个页面", "Not allowed")]
)
def test_400_and_403_are_the_site_error_page(status, zh, en):
    handler = get_resolver().resolve_error_handler(status)
    assert handler.__module__ == "fairdesk.core.pages"
    for language, title in (("zh-hans", zh), ("en", en)):
        request = RequestFactory().get("/somewhere/")
        with translation.override(language):
            html = _is_the_site_error_page(handler(request, exception=None), status)
        assert title in html
    request = RequestFactory().get("/api/v1/somewhere")
    assert handler(request, exception=None).status_code == status


def test_a_failed_csrf_check_is_the_site_page_in_the_callers_language():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/language/", {"language": "en", "next": "/"}, headers=EN)
    html = _is_the_site_error_page(response, 403)
    assert "This form has expired" in html and "Forbidden" not in html
    html = _is_the_site_error_page(client.post("/language/", {"language": "en"}), 403)
    assert "这个表单已过期" in html
