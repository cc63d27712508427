from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.db import transaction

from fairdesk.accounts import events
from fairdesk.accounts.models import STAFF_ROLES, ApiToken, Role, User
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.core import clock
from fairdesk.core.services import event_record

# The demo's published staff password (printed by load_demo); never used outside the demo data.
DEMO_PASSWORD = "fairdesk-demo-2026"  # noqa: S105


@transaction.atomic
def staff_create(
    *, phone: str, name: str, role: str, password: str | None, actor: User | None = None
) -> User:
    if role not in Role.values or role == Role.CUSTOMER:
        raise ValueError(f"unknown staff role {role!r}")
    user = User.objects.create_user(phone, password, name=name, role=role)
    event_record(kind=events.STAFF_CREATED, subject=user, actor=actor, payload={"role": role})
    return user


@transaction.atomic
def customer_get_or_create(*, phone: str, name: str = "", actor: User | None = None) -> User:
    """Customers are created the first time we see their verified phone number. A number that is not one
    is the domain's InvalidInput (a 4xx in the caller's language), never a form ValidationError."""
    e164 = phone_or_invalid(phone)
    user, created = User.objects.get_or_create(phone=e164, defaults={"name": name, "role": Role.CUSTOMER})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        event_record(kind=events.CUSTOMER_CREATED, subject=user, actor=actor)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, label: str = "", actor: User | None = None) -> str:
    """Create a token for a staff user and return it; it cannot be read back later."""

    if user.role not in STAFF_ROLES:
        raise ValueError("API tokens are for staff")
    token = "fd_" + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(user=user, digest=_digest(token), label=label)
    event_record(kind=events.API_TOKEN_CREATED, subject=record, actor=actor, payload={"user": user.pk})
    return token


def api_token_user(*, token: str) -> User | None:
    """The active staff user behind a token, or None. `last_used_at` is refreshed at most once a minute, so
    a busy integration does not write on every call."""

    record = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = clock.now()
    if record.last_used_at is None or now - record.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user
