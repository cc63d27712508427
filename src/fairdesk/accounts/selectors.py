from __future__ import annotations

from fairdesk.accounts.models import User
from fairdesk.accounts.phone import normalize_phone


def user_by_phone(*, phone: str) -> User | None:
    return User.objects.filter(phone=normalize_phone(phone)).first()
