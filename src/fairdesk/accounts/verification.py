"""Phone verification by a one-time SMS code: 6 random digits, valid 5 minutes, 5 guesses, rate-limited per
phone (1 a minute, 5 an hour) and per client address (30 an hour)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.accounts import events
from fairdesk.accounts.models import PhoneCode
from fairdesk.accounts.permissions import customer_phone_allowed
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.core import clock
from fairdesk.core.errors import DomainError, InvalidInput
from fairdesk.core.services import event_record

# Who carries a code to the phone. accounts sits below notify (core → accounts → regions → notify), so notify
# registers its scheduler here in NotifyConfig.ready() and accounts never imports it. The sender takes the
# keyword arguments of notify.services.message_schedule.
CodeSender = Callable[..., object]
_code_sender: CodeSender | None = None


def code_sender_register(sender: CodeSender) -> None:
    global _code_sender
    _code_sender = sender


def _code_send(**message) -> None:
    if _code_sender is None:
        raise ImproperlyConfigured("no SMS code sender registered (fairdesk.notify registers one in ready())")
    _code_sender(**message)


CODE_TTL = dt.timedelta(minutes=5)
MAX_GUESSES = 5


class TooManyRequests(DomainError):
    code = "rate_limited"
    status = 429


def _digest(phone: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


_phone = phone_or_invalid


@transaction.atomic
def phone_code_send(*, phone: str, client_ip: str | None = None, language: str = "zh-hans") -> PhoneCode:
    e164 = _phone(phone)
    customer_phone_allowed(e164)  # staff are never signed in by an SMS code
    now = clock.now()
    recent = PhoneCode.objects.select_for_update().filter(
        phone=e164, created_at__gte=now - dt.timedelta(hours=1)
    )
    codes = list(recent.order_by("-created_at"))
    if codes and codes[0].created_at > now - dt.timedelta(seconds=60):
        wait = 60 - int((now - codes[0].created_at).total_seconds())
        raise TooManyRequests(_("验证码已发送，请 %(s)d 秒后再试。") % {"s": max(wait, 1)})
    if len(codes) >= 5:
        raise TooManyRequests(_("这个号码一小时内请求验证码太多次，请稍后再试或拨打热线。"))
    if (
        client_ip
        and PhoneCode.objects.filter(client_ip=client_ip, created_at__gte=now - dt.timedelta(hours=1)).count()
        >= 30
    ):
        raise TooManyRequests(_("请求太频繁，请稍后再试。"))
    code = f"{secrets.randbelow(1_000_000):06d}"
    record = PhoneCode.objects.create(
        phone=e164, digest=_digest(e164, code), expires_at=now + CODE_TTL, client_ip=client_ip
    )
    with translation.override(language):
        body = _("【fairdesk】您的验证码是 %(code)s，5 分钟内有效。请勿告诉他人。") % {"code": code}
    _code_send(
        channel="sms",
        recipient=e164,
        kind="otp",
        body=body,
        secret=code,  # stored sealed, the body only with ****** (notify.services.message_build)
        expires_at=record.expires_at,  # a late code is useless: never sent after it expired
        urgent=True,
        subject_type="accounts.phonecode",
        subject_id=record.pk,
    )
    event_record(
        kind=events.PHONE_CODE_SENT,
        subject=record,
        actor_label="anonymous",
        payload={"ip": client_ip or None},
    )
    return record


def phone_code_verify(*, phone: str, code: str) -> str:
    """Returns the verified E.164 number or raises. Each wrong guess counts (the count is committed before
    the error is raised); a used code cannot be reused."""
    e164 = _phone(phone)
    with transaction.atomic():
        error = _check_code(e164, code)
    if error is not None:
        raise error
    return e164


def _check_code(e164: str, code: str) -> DomainError | None:
    now = clock.now()
    record = (
        PhoneCode.objects.select_for_update()
        .filter(phone=e164, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if record is None:
        return InvalidInput(_("验证码已过期或不存在，请重新获取。"), code="code_expired")
    if record.attempts >= MAX_GUESSES:
        return TooManyRequests(_("错误次数太多，请重新获取验证码。"))
    record.attempts += 1
    if not hmac.compare_digest(record.digest, _digest(e164, (code or "").strip())):
        record.save(update_fields=["attempts"])
        event_record(
            kind=events.PHONE_CODE_FAILED,
            subject=record,
            actor_label="anonymous",
            payload={"attempts": record.attempts, "burnt": record.attempts >= MAX_GUESSES},
        )
        return InvalidInput(_("验证码不正确。"), code="code_wrong")
    record.used_at = now
    record.save(update_fields=["attempts", "used_at"])
    event_record(kind=events.PHONE_CODE_VERIFIED, subject=record, actor_label="anonymous")
    return None
