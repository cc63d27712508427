"""Who may read or act on what: the one place every API route, page and service asks.

Identities: anonymous; a customer (a phone verified by a one-time SMS code in this session, or the customer's
own API session); staff signed in with a password (pages) or a Bearer token (API), each with one role:

| role        | acts for a customer | reads customers' records | dispatch | technician pages | manages |
|-------------|---------------------|--------------------------|----------|------------------|---------|
| agent       | yes                 | yes                      | no       | no               | no      |
| manager     | yes                 | yes                      | yes      | no               | yes     |
| dispatcher  | only emergencies    | only dispatch's          | yes      | no               | no      |
| technician  | no                  | own jobs and visits      | no       | own              | no      |
| auditor     | no (reads only)     | yes, read-only           | no       | no               | no      |

A customer reaches only their own records; someone else's is "not found" (never "forbidden", which would
say it exists). A staff member whose role does not allow an action gets "forbidden". Staff are never signed
in by an SMS code: a staff phone asking for a customer code is refused.
"""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fairdesk.accounts.models import STAFF_ROLES, Role, User
from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.accounts.selectors import user_by_phone
from fairdesk.accounts.services import customer_get_or_create
from fairdesk.core.errors import DomainError, InvalidInput, NotFound
from fairdesk.core.pages import error_page

# The roles allowed to do something, by capability. Pages, API routes and services all read these sets.
ACT_FOR_CUSTOMER = frozenset({Role.AGENT, Role.MANAGER})
READ_CUSTOMERS = frozenset({Role.AGENT, Role.MANAGER, Role.AUDITOR})
HOTLINE = frozenset({Role.AGENT, Role.MANAGER})
DISPATCH = frozenset({Role.DISPATCHER, Role.MANAGER})
CONFIRM_EMERGENCY = frozenset({Role.AGENT, Role.DISPATCHER, Role.MANAGER})
READ_JOBS = frozenset({Role.DISPATCHER, Role.MANAGER, Role.AUDITOR})
TECHNICIAN = frozenset({Role.TECHNICIAN})
MANAGE = frozenset({Role.MANAGER})
AUDIT = frozenset({Role.AUDITOR, Role.MANAGER})
# Opening records (开锁登记): identity and proof of residence. Read by auditors and managers; written only by
# the technician on the job; nobody edits them.
READ_OPENING_RECORDS = frozenset({Role.AUDITOR, Role.MANAGER})

STAFF_LOGIN_URL = "/staff/login/"


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


def staff_role(user) -> str | None:
    """The role of a signed-in, active staff member; None for anyone else (customers, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Role.MANAGER
    return user.role if user.role in STAFF_ROLES else None


# Where each role starts its day (the staff sign-in page sends them there).
STAFF_HOME = {
    Role.AGENT: "/hotline/",
    Role.DISPATCHER: "/dispatch/",
    Role.TECHNICIAN: "/tech/",
    Role.MANAGER: "/dispatch/",
    Role.AUDITOR: "/admin/",
}


def staff_home(user) -> str:
    return STAFF_HOME.get(staff_role(user), "/")


def has(user, roles: frozenset) -> bool:
    return staff_role(user) in roles


def is_customer(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and staff_role(user) is None


def require(user, roles: frozenset, message: str | None = None) -> None:
    """For services and API handlers: a staff role outside `roles` (or a customer) is refused."""
    if not has(user, roles):
        raise Forbidden(message or _("您的角色不能办理这项操作。"))


# ------------------------------------------------------------------------------------------ customers' data


def customer_phone_allowed(e164: str) -> None:
    """Staff are never signed in by an SMS code: a staff phone cannot verify as a customer."""
    if User.objects.filter(phone=e164, role__in=STAFF_ROLES).exists():
        raise InvalidInput(
            _("这个号码属于工作人员账号，不能用验证码登录；请用工作人员账号和密码登录。"), code="staff_phone"
        )


def may_read_customer_record(user, owner_id: int) -> bool:
    """A customer's booking, plan or conversation: the customer, or staff who read customers' records."""
    if is_customer(user):
        return user.pk == owner_id
    return has(user, READ_CUSTOMERS)


def may_change_customer_record(user, owner_id: int) -> bool:
    if is_customer(user):
        return user.pk == owner_id
    return has(user, ACT_FOR_CUSTOMER)


def check_customer_record(
    user, owner_id: int, *, write: bool, not_found: DomainError | None = None
) -> None:
    """Raise "not found" to a customer who is not the owner (and to staff who may not even read it), and
    "forbidden" to staff who may read but not change it (the auditor)."""
    if not may_read_customer_record(user, owner_id):
        raise not_found or NotFound(_("没有找到。"))
    if write and not may_change_customer_record(user, owner_id):
        raise Forbidden(_("您的角色只能查看，不能修改。"))


def acting_customer(user, customer_phone: str, *, write: bool, name: str = ""):
    """Whose records an API call is about: a customer acts for themselves; staff name the customer by phone
    (`customer_phone`), if their role may read (GET) or act (POST) for customers."""
    if is_customer(user):
        if customer_phone and phone_or_invalid(customer_phone) != user.phone:
            raise NotFound(_("没有找到这个客户。"))
        return user
    require(user, ACT_FOR_CUSTOMER if write else READ_CUSTOMERS)
    if not customer_phone:
        raise InvalidInput(_("代客办理需要填写 customer_phone。"), code="customer_phone_required")
    e164 = phone_or_invalid(customer_phone)
    customer = user_by_phone(phone=e164)
    if customer is not None and staff_role(customer) is not None:
        raise InvalidInput(_("这个号码属于工作人员账号。"), code="staff_phone")
    if customer is None:
        if not write:
            raise NotFound(_("没有找到这个客户。"))
        customer = customer_get_or_create(phone=e164, name=name, actor=user)
    return customer


# -------------------------------------------------------------------------------------------- field work


def may_work_job(user, technician_user_id: int) -> bool:
    """A technician acts on their own jobs and visits only."""
    return has(user, TECHNICIAN) and user.pk == technician_user_id


def may_act_on_job(user, technician_user_id: int) -> bool:
    """Jobs and visits move by their technician, by dispatch, or by the system (user None: periodic jobs)."""
    return user is None or may_work_job(user, technician_user_id) or has(user, DISPATCH)


def may_read_job(user, technician_user_id: int) -> bool:
    return may_work_job(user, technician_user_id) or has(user, READ_JOBS)


def may_read_opening_record(user, recorded_by_id: int) -> bool:
    """An opening record (and its proof photo): the technician who wrote it, auditors and managers; not
    dispatchers, who need the job, not the customer's papers."""
    return may_work_job(user, recorded_by_id) or has(user, READ_OPENING_RECORDS)


# ------------------------------------------------------------------------------------------- back office


def back_office_view_allowed(user, perm: str) -> bool:
    """In the Django admin, the auditor (and the manager) may view every record an audit needs; the role
    grants no add, change or delete (those come only from permissions assigned to the account)."""
    codename = perm.split(".", 1)[-1]
    return codename.startswith("view_") and has(user, AUDIT)


def back_office_app_visible(user) -> bool:
    return has(user, AUDIT)


# ------------------------------------------------------------------------------------------------- pages


def page_requires(roles: frozenset):
    """A staff page: anonymous visitors (and customers, who have no staff login) go to the staff sign-in;
    a signed-in staff member of another role gets the site's 403 page."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if staff_role(user) is None:
                return redirect_to_login(request.get_full_path(), STAFF_LOGIN_URL)
            if not has(user, roles):
                return error_page(request, Forbidden(gettext_lazy("您的角色不能打开这个页面。")))
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator
