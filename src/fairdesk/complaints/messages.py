"""What customers (and the team leads) are told about complaints, in their language, through notify.

The receipt goes by SMS whatever the customer's channel choice (the issue's promise: an SMS within 60 s with
the reference and the deadlines), plus their other chosen channels; the rest on their chosen channels. Team
leads (managers) get the escalation alerts by SMS to their staff phone."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.notify.services import customer_notify, message_schedule


def _when(moment) -> str:
    return f"{clock.local(moment):%Y-%m-%d %H:%M}"


def _url(complaint) -> str:
    from django.urls import reverse

    return settings.FAIRDESK_SITE_URL.rstrip("/") + reverse("complaints:detail", args=[complaint.reference])


def receipt(complaint) -> None:
    customer = complaint.customer
    with translation.override(customer.language):
        body = _(
            "【fairdesk】已收到您的投诉，编号 %(ref)s。我们最晚 %(contact)s 前联系您，%(final)s 前正式答复"
            "（最长不超过 %(hard)s）。进度：%(url)s"
        ) % {
            "ref": complaint.reference,
            "contact": _when(complaint.first_contact_by),
            "final": _when(complaint.final_response_by),
            "hard": _when(complaint.hard_limit_by),
            "url": _url(complaint),
        }
    customer_notify(
        user=customer,
        sms_to=customer.phone,
        kind="complaint.receipt",
        urgent=True,  # within 60 s, day or night: the customer just filed it
        body=body,
        subject_type="complaints.complaint",
        subject_id=complaint.pk,
    )


def info_requested(complaint, *, text: str) -> None:
    customer = complaint.customer
    with translation.override(customer.language):
        body = _("【fairdesk】关于投诉 %(ref)s，我们需要您补充信息：%(text)s 回复请打开 %(url)s") % {
            "ref": complaint.reference,
            "text": text[:200],
            "url": _url(complaint),
        }
    customer_notify(
        user=customer,
        kind="complaint.info_requested",
        body=body,
        subject_type="complaints.complaint",
        subject_id=complaint.pk,
    )


def responded(complaint) -> None:
    customer = complaint.customer
    with translation.override(customer.language):
        body = _("【fairdesk】您的投诉 %(ref)s 已正式答复：%(outcome)s。接受或不同意都只需一步：%(url)s") % {
            "ref": complaint.reference,
            "outcome": complaint.get_outcome_display(),
            "url": _url(complaint),
        }
    customer_notify(
        user=customer,
        kind="complaint.responded",
        body=body,
        subject_type="complaints.complaint",
        subject_id=complaint.pk,
    )


def referred(complaint) -> None:
    customer = complaint.customer
    with translation.override(customer.language):
        body = _(
            "【fairdesk】投诉 %(ref)s：如您对处理不满意，可向全国 12315 平台（www.12315.cn 或拨打 "
            "12315）投诉，请提供投诉编号 %(ref)s，并可下载本案记录：%(record)s"
        ) % {"ref": complaint.reference, "record": _url(complaint) + "record.txt"}
    customer_notify(
        user=customer,
        kind="complaint.referred",
        body=body,
        subject_type="complaints.complaint",
        subject_id=complaint.pk,
    )


def escalated(complaint, *, level: int, reason: str) -> None:
    from fairdesk.accounts.models import Role, User

    for manager in User.objects.filter(role=Role.MANAGER, is_active=True).exclude(phone=""):
        with translation.override(manager.language):
            body = _("【fairdesk】投诉 %(ref)s 已升级到第 %(level)d 级（%(reason)s），请处理。") % {
                "ref": complaint.reference,
                "level": level,
                "reason": reason,
            }
        message_schedule(
            channel="sms",
            recipient=manager.phone,
            kind="complaint.escalated",
            body=body,
            urgent=True,
            subject_type="complaints.complaint",
            subject_id=complaint.pk,
        )
