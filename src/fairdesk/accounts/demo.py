"""The demo's staff: one account per role (registered as a demo loader in AccountsConfig.ready)."""

from __future__ import annotations

from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.services import DEMO_PASSWORD, staff_create

DEMO_STAFF = [
    ("+8613900000001", "王经理", Role.MANAGER),
    ("+8613900000002", "李客服", Role.AGENT),
    ("+8613900000003", "张调度", Role.DISPATCHER),
    ("+8613900000004", "赵师傅", Role.TECHNICIAN),
    ("+8613900000005", "陈审计", Role.AUDITOR),
]


@transaction.atomic
def staff_load_demo(*, verbosity: int = 1) -> list[str]:
    """One account per staff role (the manager is a superuser, for the admin). Idempotent."""
    for phone, name, role in DEMO_STAFF:
        if not User.objects.filter(phone=phone).exists():
            user = staff_create(phone=phone, name=name, role=role, password=DEMO_PASSWORD)
            if role == Role.MANAGER:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
    return [
        "demo staff (admin at /admin/, password "
        + DEMO_PASSWORD
        + "): "
        + ", ".join(f"{phone} {role.label}" for phone, _name, role in DEMO_STAFF)
    ]
