"""Staff sign in with a phone and a password; guessing is limited per account and per client address.

Django's admin login (and any staff sign-in page built on AuthenticationForm) calls `authenticate()`, which
asks this backend, so every password form gets the same limits. Failures are Events (`staff.login_failed`, and
`staff.login_throttled` for each refused attempt), which are also what the limits count: all state stays in
the database, shared by every web process. Over a limit even the right password is refused until the window
has passed, so a guess that happens to be right is worth nothing.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.utils.translation import gettext_lazy as _

from fairdesk.accounts import events, permissions
from fairdesk.accounts.models import User
from fairdesk.accounts.phone import normalize_phone
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.core.services import event_record

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 20
SUBJECT_TYPE = "accounts.signin"  # events are about the sign-in of an account (it may not exist)


class LoginThrottled(ValidationError):
    """Raised through `authenticate()` to the sign-in form, which shows the message in place."""


def _account_key(username: str | None) -> str:
    try:
        return normalize_phone(username or "")
    except ValidationError:
        return (username or "").strip()[:60]


def _client_address(request) -> str:
    address = (request.META.get("REMOTE_ADDR") or "") if request is not None else ""
    try:
        validate_ipv46_address(address)
    except ValidationError:
        return ""
    return address


def _failures_since(*, account: str, address: str, since: dt.datetime) -> tuple[int, int]:
    failures = Event.objects.filter(kind=events.STAFF_LOGIN_FAILED.kind, at__gte=since)
    per_account = failures.filter(subject_type=SUBJECT_TYPE, subject_id=account).count()
    per_address = failures.filter(payload__address=address).count() if address else 0
    return per_account, per_address


class ThrottledModelBackend(ModelBackend):
    """Also answers the back office's permission questions from the role (accounts.permissions)."""

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and permissions.back_office_view_allowed(user_obj, perm):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and permissions.back_office_app_visible(user_obj):
            return True
        return super().has_module_perms(user_obj, app_label)

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        account, address = _account_key(username), _client_address(request)
        now = clock.now()
        since = now - WINDOW
        last_login = User.objects.filter(phone=account).values_list("last_login", flat=True).first()
        per_account, _n = _failures_since(account=account, address="", since=max(since, last_login or since))
        _n, per_address = _failures_since(account=account, address=address, since=since)
        limit = (
            "account"
            if per_account >= MAX_FAILURES_PER_ACCOUNT
            else "address"
            if per_address >= MAX_FAILURES_PER_ADDRESS
            else ""
        )
        if limit:
            event_record(
                kind=events.STAFF_LOGIN_THROTTLED,
                subject_type=SUBJECT_TYPE,
                subject_id=account,
                actor_label="anonymous",
                payload={"address": address, "limit": limit, "failures": max(per_account, per_address)},
            )
            raise LoginThrottled(
                _("登录失败次数过多，请 %(minutes)d 分钟后再试，或联系经理重置密码。")
                % {"minutes": int(WINDOW.total_seconds() // 60)},
                code="login_throttled",
            )
        # The phone as stored (E.164), so "139 0000 0001" signs in as well as "+8613900000001".
        user = super().authenticate(request, username=account, password=password, **kwargs)
        if user is None and password is not None:
            event_record(
                kind=events.STAFF_LOGIN_FAILED,
                subject_type=SUBJECT_TYPE,
                subject_id=account,
                actor_label="anonymous",
                payload={"address": address},
            )
        return user
