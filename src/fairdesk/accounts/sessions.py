"""The customer's page session: a phone number verified with a one-time SMS code (no password)."""

from __future__ import annotations

from fairdesk.accounts import verification
from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY
from fairdesk.accounts.phone import phone_or_invalid


def verified_phone(request) -> str | None:
    return request.session.get(VERIFIED_PHONE_SESSION_KEY)


def verify_session(request, phone: str, code: str) -> str:
    """Check the code and remember the phone in a new session key (raises the domain error otherwise)."""
    e164 = phone_or_invalid(phone)
    if verified_phone(request) == e164:
        return e164
    verified = verification.phone_code_verify(phone=e164, code=code)
    request.session.cycle_key()
    request.session[VERIFIED_PHONE_SESSION_KEY] = verified
    return verified
