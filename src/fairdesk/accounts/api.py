from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from pydantic import Field

from fairdesk.accounts import verification
from fairdesk.accounts.api_auth import is_json_write
from fairdesk.accounts.sessions import session_sign_in
from fairdesk.core.errors import DomainError
from fairdesk.core.idempotency import run_idempotent

router = Router(tags=["phone verification"])


class CodeRequest(Schema):
    phone: str = Field(..., max_length=32)


class CodeCheck(Schema):
    phone: str = Field(..., max_length=32)
    code: str = Field(..., min_length=4, max_length=8)


class ErrorOut(Schema):
    code: str
    message: str


class NotJson(DomainError):
    code = "unsupported_media_type"
    status = 415


def _json_only(request) -> None:
    """These two set up a session: a cross-site form must not be able to do it (see `is_json_write`)."""
    if not is_json_write(request):
        raise NotJson(_("请求体必须是 JSON（Content-Type: application/json）。"))


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _scope(request) -> str:
    """Anonymous callers are told apart by client address and session."""
    return f"anon:{client_ip(request)}:{request.session.session_key or ''}:{request.path}"


@router.post(
    "/auth/sms-code",
    response={202: dict, 415: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Send a one-time code",
)
def sms_code(request, body: CodeRequest, idempotency_key: str | None = Header(None, alias="Idempotency-Key")):
    """A replay with the same `Idempotency-Key` returns the first answer and sends no second code."""
    _json_only(request)

    def handler():
        verification.phone_code_send(
            phone=body.phone,
            client_ip=client_ip(request),
            language=getattr(request, "LANGUAGE_CODE", "zh-hans"),
        )
        return 202, {"sent": True, "expires_in_seconds": int(verification.CODE_TTL.total_seconds())}

    status, data = run_idempotent(
        key=idempotency_key, scope=_scope(request), payload=body.dict(), handler=handler
    )
    return Status(status, data)


@router.post(
    "/auth/verify",
    response={200: dict, 415: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Verify the code",
)
def verify(request, body: CodeCheck):
    _json_only(request)
    phone = session_sign_in(request, body.phone, body.code)
    return Status(200, {"verified": True, "phone": phone})
