"""What customers are told by dispatch, in their language and time zone, through the one notify function
(`notify.services.customer_notify`) like every app's messages.py.

- The arrival window of a planned visit goes on the channels the customer chose (SMS unless they turned it
  off for email or push).
- Emergency status (a colleague takes over the job) is the written exception, SMS-first: an SMS to the phone
  number given for the emergency, whatever the channel choice (the caller is waiting for help now, the number
  may not be an account's, and quiet hours do not apply), plus the other channels that number's customer
  chose, if it is a customer's. One-time codes (accounts) are the other exception: always SMS.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from fairdesk.accounts.models import User
from fairdesk.notify.services import customer_notify


def visit_window(booking, *, start: dt.datetime, end: dt.datetime) -> None:
    """Tomorrow's visit is planned: the narrowed arrival window."""
    customer = booking.customer
    zone = zoneinfo.ZoneInfo(customer.time_zone or settings.TIME_ZONE)
    with translation.override(customer.language):
        body = _("【fairdesk】明天的上门时间已排好：%(start)s–%(end)s 之间到达，预约号 %(ref)s。") % {
            "start": f"{start.astimezone(zone):%H:%M}",
            "end": f"{end.astimezone(zone):%H:%M}",
            "ref": booking.reference,
        }
    customer_notify(
        user=customer,
        kind="visit_window",
        body=body,
        subject_type="bookings.booking",
        subject_id=booking.pk,
    )


def job_handed_over(job, *, to) -> None:
    """An emergency job went to a colleague: who comes now (the promise stands). SMS-first, see above."""
    urgent = job.urgent
    customer = User.objects.filter(phone=urgent.phone, is_active=True).first()  # stored normalised
    with translation.override(customer.language if customer is not None else settings.LANGUAGE_CODE):
        body = _("【fairdesk】您的报修 %(ref)s 改由 %(name)s 上门，承诺时间不变。") % {
            "ref": urgent.reference,
            "name": to.given_name,
        }
    customer_notify(
        user=customer,
        sms_to=urgent.phone,
        kind="job_handed_over",
        urgent=True,
        body=body,
        subject_type=urgent.event_subject_type,
        subject_id=urgent.pk,
    )
