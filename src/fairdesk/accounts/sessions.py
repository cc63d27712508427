"""The customer's page session: a phone number verified with a one-time SMS code (no password). The one
reader of that session for pages, the API and every app."""

from __future__ import annotations

from fairdesk.accounts import verification
from fairdesk.accounts.permissions import customer_phone_allowed, staff_role
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.accounts.selectors import user_by_phone
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core.errors import DomainError

VERIFIED_PHONE_SESSION_KEY = "verified_phone"


def verified_phone(request) -> str | None:
    session = getattr(request, "session", None)
    return session.get(VERIFIED_PHONE_SESSION_KEY) if session is not None else None


def session_customer(request, *, create: bool = False):
    """The customer signed in by a verified phone, or None. A read never writes: the customer row is made
    only when `create` (a first booking or payment). A staff phone never counts as a customer session."""
    phone = verified_phone(request)
    if not phone:
        return None
    user = user_by_phone(phone=phone)
    if user is None and create:
        user = customer_get_or_create(phone=phone)
    if user is None or staff_role(user) is not None or not user.is_active:
        return None
    return user


def page_actor(request):
    """Who is acting on a page: a signed-in staff member, else the verified-phone customer, else None."""
    if staff_role(getattr(request, "user", None)) is not None:
        return request.user
    return session_customer(request)


def session_sign_in(request, phone: str, code: str) -> str:
    """Check the code (always) and sign this session in as that customer, under a new session key."""
    e164 = phone_or_invalid(phone)
    customer_phone_allowed(e164)
    verified = verification.phone_code_verify(phone=e164, code=code)
    customer_get_or_create(phone=verified)  # the one write: reads of this session never create anyone
    request.session.cycle_key()
    request.session[VERIFIED_PHONE_SESSION_KEY] = verified
    return verified


def verify_session(request, phone: str, code: str) -> str:
    """For forms: a phone this session has verified already needs no new code; otherwise `session_sign_in`."""
    e164 = phone_or_invalid(phone)
    if verified_phone(request) == e164 and session_customer(request) is not None:
        return e164
    return session_sign_in(request, e164, code)


def session_resume(request, phone: str) -> None:
    """Sign this session in as `phone` without a new code, for a request that has just proved it holds the
    code another request of the same person used (a double tap of one form: the first tap's new session
    cookie may never have reached the browser). Only the booking page calls it, after matching that proof."""
    request.session.cycle_key()
    request.session[VERIFIED_PHONE_SESSION_KEY] = phone


def page_code_send(request) -> tuple[dict, int]:
    """A sign-in form's "获取验证码" without JavaScript (a real submit with `action=send_code`): send the code
    to the typed phone and return what the re-shown form says (`code_sent` or `code_error`, the phone kept)
    and the status to show it with. With JavaScript the same button answers in place (bookings:send_code)."""
    phone = request.POST.get("phone", "")
    try:
        verification.phone_code_send(
            phone=phone, client_ip=request.META.get("REMOTE_ADDR"), language=request.LANGUAGE_CODE
        )
    except DomainError as exc:
        return {"phone_input": phone, "code_error": str(exc.message)}, exc.status
    return {"phone_input": phone, "code_sent": True}, 200
