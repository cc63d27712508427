from __future__ import annotations

from django.db import transaction

from fairdesk.accounts.models import Role, User
from fairdesk.accounts.phone import normalize_phone
from fairdesk.core.services import event_record


@transaction.atomic
def staff_create(*, phone: str, name: str, role: str, password: str, actor: User | None = None) -> User:
    if role not in Role.values or role == Role.CUSTOMER:
        raise ValueError(f"unknown staff role {role!r}")
    user = User.objects.create_user(phone, password, name=name, role=role)
    event_record(kind="staff.created", subject=user, actor=actor, payload={"role": role})
    return user


@transaction.atomic
def customer_get_or_create(*, phone: str, name: str = "", actor: User | None = None) -> User:
    """Customers are created the first time we see their verified phone number."""
    e164 = normalize_phone(phone)
    user, created = User.objects.get_or_create(phone=e164, defaults={"name": name, "role": Role.CUSTOMER})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        event_record(kind="customer.created", subject=user, actor=actor)
    return user
