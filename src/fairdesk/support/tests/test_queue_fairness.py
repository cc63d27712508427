"""The queue's order depends on the published safety class and the time of the request, nothing else: not the
plan, not what the customer paid, not how many subscriptions they hold (issue 11; Zammad #4543 is what we
refuse)."""

from __future__ import annotations

import ast
import contextlib
import datetime as dt
import random
from pathlib import Path

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock
from fairdesk.plans.demo import plans_load_demo
from fairdesk.plans.models import Plan
from fairdesk.plans.services import subscription_create
from fairdesk.support import queue, selectors
from fairdesk.support.models import Conversation, HumanHow, SafetyClass, Status

QUEUE_SOURCE = Path(queue.__file__)


class _Rollback(Exception):
    pass


def _waiting(customers, classes, offsets, base):
    rows = []
    for customer, cls, offset in zip(customers, classes, offsets, strict=True):
        rows.append(
            Conversation.objects.create(
                customer=customer,
                status=Status.WAITING_HUMAN,
                human_requested_at=base + dt.timedelta(seconds=offset),
                human_how=HumanHow.BUTTON,
                safety_class=cls,
            )
        )
    return rows


def _order():
    return [row["conversation_id"] for row in selectors.queue_rows()]


def _cashier():
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.selectors import user_by_phone
    from fairdesk.accounts.services import staff_create

    return user_by_phone(phone="+8613900000777") or staff_create(
        phone="13900000777", name="cashier", role=Role.AGENT, password="a-long-staff-password"
    )


def _subscribe(customer, plan, period):
    """A paid subscription (recorded offline by staff: the ledger has the payment); a second one while the
    first is active may be refused, which is fine: the attempt is what "more spending" means here."""
    from fairdesk.core.errors import DomainError

    with contextlib.suppress(DomainError):
        subscription_create(customer=customer, plan=plan, period=period, provider="offline", actor=_cashier())


def _spend(customers, rng, plans):
    """Give some customers subscriptions (paid, the ledger records it), some two, some none."""
    for customer in customers:
        for _ in range(rng.choice([0, 0, 1, 2])):
            _subscribe(customer, rng.choice(plans), rng.choice(["month", "year"]))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    classes=st.lists(st.sampled_from([c.value for c in SafetyClass]), min_size=2, max_size=7),
    seed=st.integers(0, 10_000),
    data=st.data(),
)
def test_spending_never_changes_the_order(db, classes, seed, data):
    offsets = data.draw(st.lists(st.integers(0, 600), min_size=len(classes), max_size=len(classes)))
    plans_load_demo()
    plans = list(Plan.objects.all())
    rng = random.Random(seed)
    try:
        with transaction.atomic():
            customers = [
                customer_get_or_create(phone=f"1380010{seed % 1000:03d}{i}") for i in range(len(classes))
            ]
            base = clock.now() - dt.timedelta(hours=1)
            rows = _waiting(customers, classes, offsets, base)
            before = _order()
            expected = [
                r.id for r in sorted(rows, key=lambda r: (r.safety_class, r.human_requested_at, r.id))
            ]
            assert before == expected
            _spend(customers, rng, plans)
            assert _order() == before
            raise _Rollback
    except _Rollback:
        pass


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), paid_first=st.booleans())
def test_two_customers_alike_but_for_plan_and_payments_get_the_same_position(db, seed, paid_first):
    """Customer P pays (one or two subscriptions), customer F pays nothing; everything else is equal. Each in
    turn is the one waiting: their positions are the same."""
    plans_load_demo()
    plans = list(Plan.objects.all())
    rng = random.Random(seed)
    positions = {}
    for who in ("paying", "free"):
        try:
            with transaction.atomic():
                others = [customer_get_or_create(phone=f"1380020{i:04d}") for i in range(4)]
                base = clock.now() - dt.timedelta(hours=1)
                _waiting(others, [3, 3, 1, 2], [10, 50, 30, 70], base)
                me = customer_get_or_create(phone="13800299999")
                if who == "paying":
                    for _ in range(rng.choice([1, 2])):
                        _subscribe(me, rng.choice(plans), "year")
                    assert me.subscriptions.exists()
                _spend(others, rng, plans)
                (mine,) = _waiting([me], [3], [40], base)
                positions[who] = queue.position(mine)
                raise _Rollback
        except _Rollback:
            pass
    assert positions["paying"] == positions["free"] == 4  # behind safety (1), in service (2), an earlier 3


def test_the_ordering_code_reads_nothing_about_money():
    """The queue module imports no app that knows about plans or payments and names no such field."""
    tree = ast.parse(QUEUE_SOURCE.read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    assert not {
        m for m in imported if m.startswith(("fairdesk.plans", "fairdesk.bookings", "fairdesk.dispatch"))
    }
    code_names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    }
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    strings = {
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
    }
    words = " ".join(code_names | strings).lower()
    for banned in ("plan", "subscription", "payment", "spend", "ledger", "fen", "tier", "vip", "value"):
        assert banned not in words.replace("queue_fields", ""), banned
    assert queue.QUEUE_FIELDS == ("safety_class", "human_requested_at", "id")
