"""The demo catalog, change rule and terms (`plans_load_demo`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from fairdesk.plans import selectors
from fairdesk.plans.models import (
    ChangeRule,
    Effective,
    Period,
    Plan,
    PlanPrice,
)


@transaction.atomic
def plans_load_demo() -> int:
    """The demo catalog (prices in fen), the fair change rule and the fair terms. Idempotent."""
    catalog = [
        (
            "basic",
            "基础保养",
            "Basic care",
            10,
            1_900,
            19_000,
            "每年一次上门保养检查",
            "One maintenance visit a year",
            {"checkups_per_year": 1},
        ),
        (
            "standard",
            "安心",
            "Peace of mind",
            20,
            3_900,
            39_000,
            "每年两次保养，维修 9 折",
            "Two visits a year, 10% off repairs",
            {"checkups_per_year": 2, "repair_discount_pct": 10},
        ),
        (
            "premium",
            "尊享24h",
            "Premium 24h",
            30,
            6_900,
            69_000,
            "每年四次保养，维修 8 折，紧急上门免上门费（含夜间）",
            "Four visits a year, 20% off repairs, no call-out fee for emergencies, nights included",
            {
                "checkups_per_year": 4,
                "repair_discount_pct": 20,
                "emergency_callout_free": True,
                "night_callout_free": True,
            },
        ),
    ]
    created = 0
    epoch = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for code, name, name_en, rank, month, year, desc, desc_en, benefits in catalog:
        plan, made = Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "rank": rank,
                "benefits": benefits,
                "description": desc,
                "description_en": desc_en,
            },
        )
        created += made
        for period, amount in ((Period.MONTH, month), (Period.YEAR, year)):
            PlanPrice.objects.get_or_create(
                plan=plan,
                period=period,
                version=1,
                defaults={"amount_fen": amount, "effective_from": epoch, "announced_at": epoch},
            )
    if not ChangeRule.objects.filter(is_active=True).exists():
        ChangeRule.objects.create(applies_to="all", effective=Effective.IMMEDIATE)
    selectors.plan_settings()
    return created
