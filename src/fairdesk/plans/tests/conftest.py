import datetime as dt

import pytest

from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core import clock
from fairdesk.plans.demo import plans_load_demo
from fairdesk.plans.models import Plan

T0 = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


@pytest.fixture
def catalog(db, settings, payment_sandbox):
    settings.FAIRDESK_PAYMENT_SANDBOX_URL = payment_sandbox.url
    plans_load_demo()
    return {p.code: p for p in Plan.objects.all()}


@pytest.fixture
def customer(db):
    return customer_get_or_create(phone="13800138000")


@pytest.fixture
def at_t0():
    with clock.frozen_at(T0):
        yield T0
