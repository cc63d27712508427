"""Who is calling the API: a staff member with a Bearer token, or a customer whose phone was verified in this
session (the SMS one-time-code flow stores `verified_phone` in the session)."""

from __future__ import annotations

from ninja.security import APIKeyHeader

from fairdesk.accounts.services import api_token_user, customer_get_or_create

VERIFIED_PHONE_SESSION_KEY = "verified_phone"


class StaffTokenOrVerifiedPhone(APIKeyHeader):
    param_name = "Authorization"
    openapi_description = "`Bearer <token>` from `manage.py create_api_token`, or a verified-phone session"

    def __call__(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            user = api_token_user(token=header[7:].strip())
            if user is not None:
                request.api_user, request.api_scope = user, f"user:{user.pk}"
                return user
            return None
        phone = request.session.get(VERIFIED_PHONE_SESSION_KEY) if hasattr(request, "session") else None
        if phone:
            user = customer_get_or_create(phone=phone)
            request.api_user, request.api_scope = user, f"user:{user.pk}"
            return user
        return None

    def authenticate(self, request, key):  # pragma: no cover - __call__ does the work
        return None


api_auth = StaffTokenOrVerifiedPhone()
