"""The demo's complaints (`manage.py load_demo`, registered in complaints/wiring.py): six complaints of demo
customers in different states — received, the green channel, in progress, waiting for the customer,
responded, and disputed (so told about 12315). Made through the services, so each has its events, deadlines
and messages. Idempotent: a complaint with the same customer and text is not made again."""

from __future__ import annotations

from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.complaints import services
from fairdesk.complaints.models import Category, Complaint, Outcome

# (phone, name, category, text, what happens next)
DEMO_COMPLAINTS = [
    (
        "+8613700000101",
        "周女士",
        Category.PLAN_CHANGE,
        "我在“我的套餐”里降级，结果又扣了一个月的全价，请退回多扣的钱。",
        "received",
    ),
    (
        "+8613700000102",
        "吴先生",
        Category.SERVICE_QUALITY,
        "师傅换的锁芯第二天就卡住了，钥匙转不动。",
        "received",
    ),
    (
        "+8613700000103",
        "郑女士",
        Category.BILLING,
        "账单上多了一笔上门费，师傅当时说不收。",
        "contacted",
    ),
    (
        "+8613700000104",
        "冯先生",
        Category.TECHNICIAN_CONDUCT,
        "师傅在我家里抽烟，说了也不听。",
        "info",
    ),
    (
        "+8613700000105",
        "陈女士",
        Category.SERVICE_QUALITY,
        "预约上午十点，师傅十二点才到，也没提前通知。",
        "responded",
    ),
    (
        "+8613700000106",
        "褚先生",
        Category.BILLING,
        "取消套餐后退款少了 20 元，客服说是手续费，条款里没有写。",
        "disputed",
    ),
]


def _agent():
    return User.objects.filter(role=Role.AGENT, is_active=True).order_by("pk").first()


@transaction.atomic
def complaints_load_demo(*, verbosity: int = 1) -> list[str]:
    agent = _agent()
    made, kept = 0, 0
    for phone, name, category, text, state in DEMO_COMPLAINTS:
        customer = customer_get_or_create(phone=phone, name=name)
        if Complaint.objects.filter(customer=customer, text=text).exists():
            kept += 1
            continue
        if state != "received" and agent is None:
            continue  # the demo's staff come first (accounts' loader); without an agent only new complaints
        complaint = services.complaint_file(customer=customer, category=category, text=text, actor=customer)
        made += 1
        if state == "contacted":
            services.complaint_contact(complaint=complaint, staff=agent)
        elif state == "info":
            services.complaint_request_info(
                complaint=complaint, staff=agent, text="请问是哪一天的上门？方便告诉我们预约号吗？"
            )
        elif state in ("responded", "disputed"):
            services.complaint_contact(complaint=complaint, staff=agent)
            outcome, redress = (
                (Outcome.PARTLY_UPHELD, 5000) if state == "responded" else (Outcome.NOT_UPHELD, 0)
            )
            complaint = services.complaint_respond(
                complaint=complaint,
                staff=agent,
                outcome=outcome,
                redress_fen=redress,
                text="已核实情况，向您致歉。" if state == "responded" else "退款按当时公布的规则计算。",
            )
            if state == "disputed":
                services.complaint_dispute(
                    complaint=complaint, customer=customer, text="规则里没有手续费这一项。"
                )
    return [f"complaints: {made} demo complaints created, {kept} already there"]
