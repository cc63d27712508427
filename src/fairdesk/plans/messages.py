"""What customers are told about their plan, in their language, on the channels they chose (through
`notify.services.customer_notify`, like every app's messages.py): the renewal notice and the plan ended.

Each is written in the same transaction as the change that causes it (an outbox): if the change rolls back,
so does its message."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.core import clock
from fairdesk.core.money import format_fen
from fairdesk.notify.services import customer_notify
from fairdesk.plans.models import PlanPrice, Subscription

SUBJECT = "plans.subscription"


def _local_date(moment: dt.datetime) -> str:
    return moment.astimezone(clock.local_zone()).strftime("%Y-%m-%d")


def renewal_notice(sub: Subscription, *, price: PlanPrice, off_url: str) -> None:
    """At least `renewal_notice_days` before an automatic renewal: the date, the price, a one-tap off link."""
    customer = sub.customer
    with translation.override(customer.language or "zh-hans"):
        body = _(
            "【fairdesk】您的%(plan)s将于 %(date)s 自动续费 %(amount)s。不想续费？点此一键关闭：%(url)s"
        ) % {
            "plan": sub.plan.display_name,
            "date": _local_date(sub.period_end),
            "amount": format_fen(price.amount_fen),
            "url": off_url,
        }
    customer_notify(user=customer, kind="renewal_notice", body=body, subject_type=SUBJECT, subject_id=sub.pk)


def plan_ended(sub: Subscription, *, end: dt.datetime) -> None:
    """The plan ran out without a renewal charge (not renewed, cancelled, no notice sent, payment failed)."""
    customer = sub.customer
    with translation.override(customer.language or "zh-hans"):
        body = _("【fairdesk】您的%(plan)s已于 %(date)s 到期结束，没有续费扣款。") % {
            "plan": sub.plan.display_name,
            "date": _local_date(end),
        }
    customer_notify(user=customer, kind="plan_ended", body=body, subject_type=SUBJECT, subject_id=sub.pk)
