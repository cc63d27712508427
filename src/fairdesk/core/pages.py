"""What pages share: the one way to show a refused action or a failed request to a person.

`error_page` is for a view that refuses an action; the handlers below are Django's own
(`handler400/403/404/500` in the root URL conf, `CSRF_FAILURE_VIEW` in settings) and answer the same way: the
site's page in the caller's language with the national hotline, or under /api/ the API's
`{"code", "message"}`.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from fairdesk.core.errors import DomainError

logger = logging.getLogger(__name__)

TEMPLATE = "core/error.html"


def form_id(value) -> int:
    """A row id from a form or query; anything that is not a positive 64-bit number is 0, which no row has
    (the caller then answers "not found" or the service says what is wrong)."""
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


def error_page(request, error: DomainError | str, *, back: str = "", status: int | None = None, title=None):
    """The message in the user's language where the action was, with a way back; the status from the
    domain error (404, 409, 422 …) unless given."""
    message = str(error.message) if isinstance(error, DomainError) else str(error)
    code = status or (error.status if isinstance(error, DomainError) else 422)
    context = {"error": message, "back": back, "title": title}
    return render(request, TEMPLATE, context, status=code)


def _failed(request, *, status: int, code: str, title: str, message: str):
    if request.path_info.startswith("/api/"):
        return JsonResponse(
            {"code": code, "message": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    return error_page(request, message, back="/", status=status, title=title)


def bad_request(request, exception=None):
    return _failed(
        request, status=400, code="bad_request", title=_("请求无法处理"), message=_("请求内容无法读取。")
    )


def permission_denied(request, exception=None):
    return _failed(
        request,
        status=403,
        code="forbidden",
        title=_("不能打开这个页面"),
        message=_("您没有权限打开这个页面。"),
    )


def page_not_found(request, exception=None):
    return _failed(
        request,
        status=404,
        code="not_found",
        title=_("找不到这个页面"),
        message=_("这个地址没有页面，可能已经移动或输入有误。"),
    )


def server_error(request):
    """Our fault. Rendered with the least that can fail: if even the page cannot be drawn, plain text."""
    try:
        return _failed(
            request,
            status=500,
            code="server_error",
            title=_("出了点问题"),
            message=_("这是我们的问题，不是您的。请稍后再试；急事请直接拨打热线。"),
        )
    except Exception:  # the page itself failed (a template, the database behind a context processor)
        logger.exception("the 500 page could not be rendered")
        return HttpResponse("500 Server Error", status=500, content_type="text/plain; charset=utf-8")


def csrf_failure(request, reason: str = ""):
    """A form posted without a valid CSRF token (an old page, cookies off, another site): Django's own page
    has inline style our Content-Security-Policy refuses and is English only."""
    return _failed(
        request,
        status=403,
        code="csrf_failed",
        title=_("页面已过期"),
        message=_("这个表单已过期或来源无法确认，什么都没有改变。请刷新页面后再试（需要允许 Cookie）。"),
    )
