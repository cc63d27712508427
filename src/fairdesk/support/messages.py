"""What customers are told by support, in their language, through notify (like every app's messages.py).

- A conversation that came by SMS is answered by SMS, to the number it came from (the customer chose that
  channel by writing from it), bot answers and agents' replies alike; self-service links as short addresses.
- A web conversation's first human reply is announced on the customer's chosen channels (they may have left
  the page while waiting); later replies are not (one notice per conversation, not one per message)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.notify.services import customer_notify, message_schedule

SMS_MAX = 500


def sms_reply(*, conversation, text: str, links) -> None:
    from fairdesk.support.links import link_url

    phone = conversation.customer.phone
    if not phone:
        return
    body = text
    if links:
        body += "\n" + " ".join(f"{settings.FAIRDESK_SITE_URL}{link_url(code)}" for code in links)
    with translation.override(conversation.language):
        body = _("【fairdesk客服】") + body[:SMS_MAX] + "\n" + _("回复“人工”转人工客服。")
    message_schedule(
        channel="sms",
        recipient=phone,
        kind="support.reply",
        body=body,
        urgent=True,  # the customer is writing now: quiet hours are for reminders, not answers
        subject_type="support.conversation",
        subject_id=conversation.pk,
    )


def agent_replied(*, conversation) -> None:
    from django.urls import reverse

    customer = conversation.customer
    with translation.override(conversation.language):
        body = _("【fairdesk】人工客服回复了您的消息，请打开 %(url)s 查看。") % {
            "url": f"{settings.FAIRDESK_SITE_URL}{reverse('support:home')}"
        }
    customer_notify(
        user=customer,
        kind="support.agent_replied",
        body=body,
        subject_type="support.conversation",
        subject_id=conversation.pk,
    )
