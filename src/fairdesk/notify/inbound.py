"""SMS customers send us: the gateway's inbound webhook (`POST /notify/sms/inbound/`) and the hook through
which an app above notify takes them (support: an SMS reply joins the sender's open conversation).

The gateway authenticates with `Authorization: Bearer <FAIRDESK_SMS_INBOUND_TOKEN>` (no token configured: the
webhook is off, 404). Body, JSON or form-encoded: `from` (the sender's phone), `text`, `id` (the gateway's
message id; a retry with the same id is answered 200 and handled once). The phone is normalised like every
phone here; a staff phone's SMS is stored and not handed to any app."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.core.errors import InvalidInput
from fairdesk.core.services import event_record
from fairdesk.notify import events
from fairdesk.notify.models import InboundSms

Handler = Callable[..., bool]  # (*, phone: str, text: str) -> True when it took the message

_handlers: dict[str, Handler] = {}
TEXT_MAX = 2000


def handler_register(name: str, handler: Handler) -> None:
    _handlers[name] = handler


def sms_receive(*, gateway_id: str, phone: str, text: str) -> tuple[InboundSms, bool]:
    """Store the SMS and hand it to the first app that takes it. Returns (row, new): a repeated gateway id is
    the first row, not handled again."""
    gateway_id = (gateway_id or "").strip()
    if not gateway_id or len(gateway_id) > 120:
        raise InvalidInput(_("缺少或过长的短信编号（id）。"), code="sms_id_invalid")
    e164 = phone_or_invalid(phone)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("短信内容为空。"), code="text_empty")
    text = text[:TEXT_MAX]
    # The row and its handling commit together: a handler that fails rolls the row back too, so the gateway's
    # retry (same id) is handled again instead of being taken for a duplicate.
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = InboundSms.objects.create(gateway_id=gateway_id, phone=e164, text=text)
        except IntegrityError:
            return InboundSms.objects.get(gateway_id=gateway_id), False
        handled_by = ""
        for name, handler in _handlers.items():
            if handler(phone=e164, text=text):
                handled_by = name
                break
        InboundSms.objects.filter(pk=row.pk).update(handled_by=handled_by)
        event_record(kind=events.SMS_RECEIVED, subject=row, payload={"handled_by": handled_by or "none"})
    row.handled_by = handled_by
    return row, True
