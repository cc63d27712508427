"""Who is calling the API: a staff member with a Bearer token, or a customer whose phone was verified in this
session (the SMS one-time-code flow stores `verified_phone` in the session).

A session is a cookie the browser sends by itself, so a write authenticated by the session must also pass
Django's CSRF check (the `X-CSRFToken` header, and an Origin of this site); a Bearer token is never sent by a
browser on its own and needs no such check. The session never signs in a staff member: staff use tokens."""

from __future__ import annotations

from ninja.security import APIKeyHeader
from ninja.utils import check_csrf

from fairdesk.accounts.services import api_token_user
from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY, session_customer

__all__ = ["VERIFIED_PHONE_SESSION_KEY", "StaffTokenOrVerifiedPhone", "api_auth", "is_json_write"]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def is_json_write(request) -> bool:
    """A write whose body is declared JSON. A cross-site form can only send `text/plain`,
    `multipart/form-data` or `application/x-www-form-urlencoded` without asking the server first (CORS
    preflight), so a cookie-borne write must say `application/json` (or carry no body at all)."""
    if request.method not in UNSAFE:
        return True
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    return content_type == "application/json" or (not content_type and not request.META.get("CONTENT_LENGTH"))


class StaffTokenOrVerifiedPhone(APIKeyHeader):
    param_name = "Authorization"
    openapi_description = (
        "`Bearer <token>` from `manage.py create_api_token` (staff), or a customer's verified-phone session "
        "(writes then need the `X-CSRFToken` header)"
    )

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = api_token_user(token=header[7:].strip())
            if user is not None:
                request.api_user, request.api_scope = user, f"user:{user.pk}"
                return user
            return None
        user = session_customer(request, create=request.method not in ("GET", "HEAD", "OPTIONS"))
        if user is None:
            return None
        if not is_json_write(request) or check_csrf(request) is not None:
            return None  # a cross-site write riding on the customer's cookie
        request.api_user, request.api_scope = user, f"user:{user.pk}"
        return user

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


api_auth = StaffTokenOrVerifiedPhone()
