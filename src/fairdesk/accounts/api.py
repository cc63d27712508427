from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from fairdesk.accounts import verification
from fairdesk.accounts.api_auth import VERIFIED_PHONE_SESSION_KEY

router = Router(tags=["phone verification"])


class CodeRequest(Schema):
    phone: str = Field(..., max_length=32)


class CodeCheck(Schema):
    phone: str = Field(..., max_length=32)
    code: str = Field(..., min_length=4, max_length=8)


class ErrorOut(Schema):
    code: str
    message: str


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")


@router.post(
    "/auth/sms-code", response={202: dict, 422: ErrorOut, 429: ErrorOut}, summary="Send a one-time code"
)
def sms_code(request, body: CodeRequest):
    verification.phone_code_send(
        phone=body.phone, client_ip=client_ip(request), language=getattr(request, "LANGUAGE_CODE", "zh-hans")
    )
    return Status(202, {"sent": True, "expires_in_seconds": int(verification.CODE_TTL.total_seconds())})


@router.post("/auth/verify", response={200: dict, 422: ErrorOut, 429: ErrorOut}, summary="Verify the code")
def verify(request, body: CodeCheck):
    phone = verification.phone_code_verify(phone=body.phone, code=body.code)
    request.session.cycle_key()
    request.session[VERIFIED_PHONE_SESSION_KEY] = phone
    return Status(200, {"verified": True, "phone": phone})
