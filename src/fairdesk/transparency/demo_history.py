"""The transparency report's demo history (`manage.py load_demo`, registered in transparency/wiring.py).

The other demos make their records now; the report page opens on the last complete half-year, so this loader
plays a little history inside it through the real services with the clock frozen at past moments (the same
clock the demo's test clock moves): eight demo customers join a plan at the counter (an agent took the
money), then on their own page upgrade (two), downgrade (two), cancel, ask for a refund and switch to yearly,
and one more upgrade is done by an agent on the caller's behalf; five written-support conversations (two the
bot closes alone, three with a human: asked by button or keyword, answered by the demo agent after a
wait, closed and rated); three complaints (contacted, answered, one disputed and so referred to 12315);
four emergencies the dispatcher sends the demo technician (泰州) to, on site after 12 to 44 minutes. Every
number the report shows for them comes from the events these calls record.
Idempotent: nothing is made again once the first history customer exists."""

import datetime as dt

from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.complaints import services as complaints
from fairdesk.complaints.models import Category, Outcome
from fairdesk.core import clock
from fairdesk.core import events as catalogue
from fairdesk.dispatch import services as dispatch
from fairdesk.dispatch.models import Technician
from fairdesk.plans.models import Plan, Provider
from fairdesk.plans.services import account_refund, subscription_change, subscription_create
from fairdesk.support import services as support
from fairdesk.support.models import Resolution

PHONE = "+86137000002{:02d}"
# (customer index, days after joining, what, by whom)
CHANGES = [
    (0, 3, "premium", "self"),
    (1, 5, "premium", "self"),
    (2, 2, "premium", "agent"),
    (3, 4, "basic", "self"),
    (4, 6, "basic", "self"),
    (5, 7, None, "self"),  # cancel
    (6, 8, "refund", "self"),
    (7, 9, "year", "self"),
]
# (customer index, first words, human asked how (None: the bot is enough), minutes to the first reply, rating)
CONVERSATIONS = [
    (0, "怎么改预约时间", None, None, None),
    (1, "套餐怎么退款", None, None, 5),
    (2, "转人工", "keyword", 2, 5),
    (3, "师傅什么时候到", "button", 6, 4),
    (4, "发票怎么开", "button", 11, 3),
]


def last_complete_half(today: dt.date) -> dt.date:
    """The first day of the last half-year that has ended."""
    return dt.date(today.year - 1, 7, 1) if today.month <= 6 else dt.date(today.year, 1, 1)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=clock.local_zone()).astimezone(dt.UTC)


def _as_channel(channel: str):
    class _Channel:
        def __enter__(self):
            self.token = catalogue.REQUEST_CHANNEL.set(channel)

        def __exit__(self, *exc):
            catalogue.REQUEST_CHANNEL.reset(self.token)

    return _Channel()


def _plans(start: dt.date, agent) -> int:
    plans = {p.code: p for p in Plan.objects.all()}
    if not {"basic", "standard", "premium"} <= set(plans):
        return 0
    done = 0
    for index, after_days, what, by in CHANGES:
        joined = start + dt.timedelta(days=12 + 17 * index)
        with clock.frozen_at(_at(joined)):
            customer = customer_get_or_create(phone=PHONE.format(index), name=f"透明度演示{index}")
            with transaction.atomic(), _as_channel("agent"):
                sub, _quote = subscription_create(
                    customer=customer,
                    plan=plans["standard"],
                    period="month",
                    provider=Provider.OFFLINE,
                    actor=agent,
                )
        actor = agent if by == "agent" else customer
        with (
            clock.frozen_at(_at(joined + dt.timedelta(days=after_days), 15)),
            _as_channel("agent" if by == "agent" else "self_service"),
            transaction.atomic(),
        ):
            if what == "refund":
                account_refund(customer=customer, actor=actor)
            elif what == "year":
                subscription_change(subscription=sub, to_plan=sub.plan, period="year", actor=actor)
            else:
                subscription_change(
                    subscription=sub,
                    to_plan=plans[what] if what else None,
                    refund_to="original",
                    actor=actor,
                )
        done += 1
    return done


def _support(start: dt.date, agent) -> int:
    done = 0
    for index, words, how, reply_minutes, rating in CONVERSATIONS:
        began = _at(start + dt.timedelta(days=20 + 23 * index), 11)
        customer = User.objects.filter(phone=PHONE.format(index)).first()
        if customer is None:
            continue
        with clock.frozen_at(began):
            support.duty_set(agent=agent, on_duty=True, capacity=5)
            conversation = support.conversation_start(customer=customer, text=words)
            if how == "button":
                support.human_request(conversation=conversation, actor=customer)
        conversation.refresh_from_db()
        if how is None:
            with clock.frozen_at(began + dt.timedelta(minutes=3)):
                support.conversation_close(
                    conversation=conversation, actor=customer, resolution=Resolution.ANSWERED, by="customer"
                )
        else:
            with clock.frozen_at(began + dt.timedelta(minutes=reply_minutes)):
                if conversation.assigned_to_id is None:
                    support.queue_take_next(agent=agent)
                    conversation.refresh_from_db()
                support.agent_reply(conversation=conversation, agent=agent, text="您好，我来帮您处理。")
            with clock.frozen_at(began + dt.timedelta(minutes=reply_minutes + 9)):
                support.conversation_close(
                    conversation=conversation, actor=agent, resolution=Resolution.ANSWERED
                )
        if rating:
            with clock.frozen_at(began + dt.timedelta(minutes=30)):
                support.conversation_rate(conversation=conversation, customer=customer, score=rating)
        with clock.frozen_at(began + dt.timedelta(minutes=31)):
            support.duty_set(agent=agent, on_duty=False)
        done += 1
    return done


# (customer index, category, text, hours to first contact, days to the final response, outcome, disputed)
COMPLAINTS = [
    (
        0,
        Category.PLAN_CHANGE,
        "升级后想改回原来的套餐，页面上没找到入口。",
        1,
        2,
        Outcome.PARTLY_UPHELD,
        False,
    ),
    (3, Category.SERVICE_QUALITY, "师傅迟到了一个小时，也没有提前通知。", 3, 5, Outcome.UPHELD, False),
    (6, Category.BILLING, "退款到账比页面上写的慢了两天。", 30, 9, Outcome.NOT_UPHELD, True),
]
# (days into the half-year, minutes until the technician is on site)
EMERGENCIES = [(40, 18), (75, 26), (110, 44), (150, 12)]
EMERGENCY_ADDRESS = "江苏省泰州市姜堰区人民路1号"


def _complaints(start: dt.date, agent) -> int:
    done = 0
    for position, (index, category, text, contact_hours, answer_days, outcome, disputed) in enumerate(
        COMPLAINTS
    ):
        customer = User.objects.filter(phone=PHONE.format(index)).first()
        if customer is None:
            continue
        filed = _at(start + dt.timedelta(days=30 + 45 * position), 9)
        with clock.frozen_at(filed):
            complaint = complaints.complaint_file(
                customer=customer, category=category, text=text, actor=customer
            )
        with clock.frozen_at(filed + dt.timedelta(hours=contact_hours)):
            complaints.complaint_contact(complaint=complaint, staff=agent)
        with clock.frozen_at(filed + dt.timedelta(days=answer_days)):
            complaint = complaints.complaint_respond(
                complaint=complaint,
                staff=agent,
                outcome=outcome,
                redress_fen=3000 if outcome != Outcome.NOT_UPHELD else 0,
                text="已核实，处理结果见上。",
            )
        with clock.frozen_at(filed + dt.timedelta(days=answer_days, hours=5)):
            if disputed:
                complaints.complaint_dispute(complaint=complaint, customer=customer, text="不同意这个结果。")
            else:
                complaints.complaint_accept(complaint=complaint, customer=customer)
        done += 1
    return done


def _emergencies(start: dt.date) -> int:
    dispatcher = User.objects.filter(role=Role.DISPATCHER, is_active=True).order_by("pk").first()
    technician = Technician.objects.filter(station__name="泰州服务站").select_related("user").first()
    if dispatcher is None or technician is None:
        return 0
    done = 0
    for index, (day, minutes) in enumerate(EMERGENCIES):
        asked = _at(start + dt.timedelta(days=day), 21)
        with clock.frozen_at(asked), transaction.atomic():
            urgent = dispatch.urgent_request_create(phone=PHONE.format(index), address=EMERGENCY_ADDRESS)
            job = dispatch.urgent_override(urgent=urgent, technician=technician, actor=dispatcher)
        for after, step in ((1, "accept"), (3, "en_route"), (minutes, "on_site"), (minutes + 40, "done")):
            with clock.frozen_at(asked + dt.timedelta(minutes=after)):
                if step == "accept":
                    with transaction.atomic():
                        dispatch.job_accept(job_id=job.pk, actor=technician.user)
                else:
                    dispatch.job_advance(job_id=job.pk, actor=technician.user, to=step)
        done += 1
    return done


def history_load_demo(*, verbosity: int = 1) -> list[str]:
    if User.objects.filter(phone=PHONE.format(0)).exists():
        return ["transparency: demo history already there"]
    agent = User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()
    if agent is None:
        return ["transparency: no demo agent, no history"]
    start = last_complete_half(clock.local(clock.now()).date())
    changes = _plans(start, agent)
    conversations = _support(start, agent)
    filed = _complaints(start, agent)
    emergencies = _emergencies(start)
    return [
        f"transparency: history from {start}: {changes} plan changes, {conversations} support conversations,"
        f" {filed} complaints, {emergencies} emergencies"
    ]
