"""The JSON API under /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import ValidationError

from fairdesk.accounts.api import router as accounts_router
from fairdesk.bookings.api import router as bookings_router
from fairdesk.core.errors import DomainError
from fairdesk.plans.api import router as plans_router
from fairdesk.regions.api import router as regions_router

api = NinjaAPI(
    title="fairdesk API",
    version="1",
    description="After-sales service: coverage, bookings, dispatch, plans. Errors are "
    '`{"code", "message"}` with the message in the language of `Accept-Language` (zh-Hans default, en).',
    urls_namespace="api-v1",
)


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    return api.create_response(request, {"code": exc.code, "message": str(exc.message)}, status=exc.status)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    fields = [".".join(str(p) for p in error.get("loc", ())[1:]) or "body" for error in exc.errors]
    message = _("输入有误：%(fields)s") % {"fields": "、".join(fields)}
    return api.create_response(
        request, {"code": "invalid", "message": message, "errors": exc.errors}, status=422
    )


api.add_router("/", regions_router)
api.add_router("/", bookings_router)
api.add_router("/", accounts_router)
api.add_router("/", plans_router)
