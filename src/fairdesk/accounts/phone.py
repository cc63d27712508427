"""Phone numbers: customers are identified by their mobile number, stored in E.164 (+8613812345678)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from fairdesk.core.errors import InvalidInput

_CN_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def normalize_phone(raw: str) -> str:
    """Accepts `138 1234 5678`, `+86 138-1234-5678`, `008613812345678`; returns E.164 or raises."""
    text = re.sub(r"[\s\-()（）]", "", raw or "")
    text = text.translate(str.maketrans("０１２３４５６７８９＋", "0123456789+"))
    if text.startswith("00"):
        text = "+" + text[2:]
    if _CN_MOBILE.match(text):
        return "+86" + text
    if text.startswith("+86") and _CN_MOBILE.match(text[3:]):
        return text
    if text.startswith("86") and _CN_MOBILE.match(text[2:]):
        return "+" + text
    if _E164.match(text) and not text.startswith("+86"):
        return text
    raise ValidationError(_("请输入有效的手机号码，例如 138 1234 5678。"), code="invalid_phone")


def phone_or_invalid(raw: str) -> str:
    """normalize_phone for services and APIs: a bad number is the domain's InvalidInput (a 422 with the
    message in the user's language), not a form ValidationError."""
    try:
        return normalize_phone(raw)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], code="invalid_phone") from None


def mask_phone(e164: str) -> str:
    """138****5678: enough for the customer to recognise, not enough to call."""
    local = e164[3:] if e164.startswith("+86") else e164
    if len(local) < 7:
        return "*" * len(local)
    return f"{local[:3]}****{local[-4:]}"
