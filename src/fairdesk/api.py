"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs).

Every refusal is `{"code", "message"}` with the message in the caller's language, whatever raised it: a domain
rule, a validation error, an unreadable body, a missing or bad credential, an unknown resource. The schema
documents every status an operation can answer (see `FairdeskAPI.get_openapi_schema`)."""

from __future__ import annotations

from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError

from fairdesk.accounts.api import router as accounts_router
from fairdesk.bookings.api import router as bookings_router
from fairdesk.complaints.api import router as complaints_router
from fairdesk.core.errors import DomainError
from fairdesk.courses.api import router as courses_router
from fairdesk.knowledge.api import router as knowledge_router
from fairdesk.notify.api import router as notify_router
from fairdesk.plans.api import router as plans_router
from fairdesk.regions.api import router as regions_router
from fairdesk.support.api import router as support_router
from fairdesk.transparency.api import router as transparency_router

ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "code": {"type": "string", "description": "stable, for programs"},
        "message": {"type": "string", "description": "for people, in the language of Accept-Language"},
        "errors": {"type": "array", "items": {"type": "object"}, "description": "422 only: each field"},
    },
    "required": ["code", "message"],
}
ERROR_REF = {"$ref": "#/components/schemas/Error"}

# What any operation may answer besides its own statuses, and why.
COMMON_ERRORS = {
    400: "Malformed request: unreadable JSON body or a NUL character anywhere in the request.",
    401: "Missing, unknown or revoked credentials (authenticated operations).",
    403: "Signed in, but this role may not do this (authenticated operations).",
    404: "No such resource, or not yours (a resource in the path, or a customer named by phone).",
    422: "Input failed validation; `errors` names each field.",
}


class FairdeskAPI(NinjaAPI):
    """NinjaAPI whose schema lists the common refusals on every operation they can happen to: 400
    everywhere, 401 and 403 where the operation needs credentials, 404 where the path names a resource, 422
    wherever there is input to validate. Operations' own statuses (409, 402, 429 …) come from their
    `response={…}`."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                statuses = {400}
                if operation.get("security"):
                    statuses |= {401, 403}
                if "{" in path or (operation.get("security") and _names_a_customer(operation, schema)):
                    statuses.add(404)
                if operation.get("parameters") or operation.get("requestBody"):
                    statuses.add(422)
                responses = operation["responses"]
                for status in sorted(statuses):
                    responses.setdefault(
                        status,
                        {
                            "description": COMMON_ERRORS[status],
                            "content": {"application/json": {"schema": ERROR_REF}},
                        },
                    )
        return schema


CUSTOMER_FIELDS = {"phone", "customer_phone"}


def _names_a_customer(operation: dict, schema: dict) -> bool:
    """Staff name the customer an operation is for by phone; one they may not see is "not found"."""
    names = {parameter.get("name") for parameter in operation.get("parameters", [])}
    for content in operation.get("requestBody", {}).get("content", {}).values():
        body = content.get("schema", {})
        ref = body.get("$ref", "")
        if ref:
            body = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
        names |= set(body.get("properties", {}))
    return bool(names & CUSTOMER_FIELDS)


api = FairdeskAPI(
    title="fairdesk API",
    version="1",
    description="After-sales service: coverage, bookings, dispatch, plans. Errors are "
    '`{"code", "message"}` with the message in the language of `Accept-Language` (zh-Hans default, en).',
    urls_namespace="api-v1",
)


def _error(request, status: int, code: str, message) -> object:
    return api.create_response(request, {"code": code, "message": str(message)}, status=status)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return _error(request, exc.status, exc.code, exc.message)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields = [".".join(str(p) for p in error.get("loc", ())[1:]) or "body" for error in exc.errors]
    message = _("输入有误：%(fields)s") % {"fields": "、".join(fields)}
    errors = [{key: error.get(key) for key in ("type", "loc", "msg")} for error in exc.errors]
    return api.create_response(
        request, {"code": "invalid", "message": message, "errors": errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    """Ninja's own refusals, in our shape and the caller's language."""
    if isinstance(exc, AuthenticationError):
        return _error(request, 401, "unauthorized", _("需要登录：请提供有效的 API 令牌或先验证手机号。"))
    if isinstance(exc, AuthorizationError):
        return _error(request, 403, "forbidden", _("您没有权限进行这个操作。"))
    if isinstance(exc, Throttled):
        return _error(request, 429, "throttled", _("请求过于频繁，请稍后再试。"))
    if exc.status_code == 400:
        return _error(request, 400, "bad_request", _("请求内容无法解析，请发送有效的 JSON。"))
    return _error(request, exc.status_code, "error", exc.message)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return _error(request, 404, "not_found", _("没有找到。"))


@api.exception_handler(DataError)
def data_error(request, exc: DataError):
    """The database refused a value (a number beyond its range, a malformed text): the input was invalid.
    Schemas bound what they can; this is the net under them."""
    return _error(request, 422, "invalid", _("输入的值超出允许范围。"))


@api.exception_handler(OverflowError)
def overflow_error(request, exc: OverflowError):
    return _error(request, 422, "invalid", _("输入的值超出允许范围。"))


api.add_router("/", regions_router)
api.add_router("/", bookings_router)
api.add_router("/", accounts_router)
api.add_router("/", plans_router)
api.add_router("/", notify_router)
api.add_router("/", knowledge_router)
api.add_router("/", courses_router)
api.add_router("/", support_router)
api.add_router("/", complaints_router)
api.add_router("/", transparency_router)
