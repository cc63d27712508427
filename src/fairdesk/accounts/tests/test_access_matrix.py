"""The access matrix: every page and every API operation × every identity (anonymous, customer A, customer B,
and each staff role), generated from the URL resolver and the OpenAPI schema, so that a new endpoint cannot be
forgotten: an endpoint without a row in EXPECTED fails `test_every_endpoint_has_a_row`.

"allow" means the identity got past the permission check (any answer but 401/403/404; a 5xx never
counts; for a GET page, no redirect to a sign-in page); "deny" means 401, 403 or 404 (a customer never
learns that someone else's record exists), or for a GET page a redirect to a sign-in page. Customer A owns
the booking, the subscription and the emergency used in the paths; customer B owns none of them. Each
identity's request runs in its own savepoint, rolled back after, so one cell never changes another's data.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from fairdesk.accounts.sessions import VERIFIED_PHONE_SESSION_KEY

pytestmark = pytest.mark.django_db

IDENTITIES = (
    "anonymous",
    "customer_a",
    "customer_b",
    "agent",
    "dispatcher",
    "technician",
    "manager",
    "auditor",
)
STAFF = ("agent", "dispatcher", "technician", "manager", "auditor")
CUSTOMERS = ("customer_a", "customer_b")
EVERYONE = frozenset(IDENTITIES)
STAFF_SIGN_IN = {"/staff/login/", "/admin/login/"}  # the back office's sign-in is the staff page too
SIGN_IN = {*STAFF_SIGN_IN, "/my/", "/plan/", "/learn/verify/"}


def allow(*who: str) -> frozenset:
    return frozenset(who)


# (method, route) → who is allowed. Page routes as the URL resolver writes them, API routes as the OpenAPI
# schema does. Everyone else is denied.
EXPECTED: dict[tuple[str, str], frozenset] = {
    # public pages
    ("GET", ""): EVERYONE,
    ("POST", "language/"): EVERYONE,
    ("GET", "coverage/"): EVERYONE,
    ("GET", "coverage/check/"): EVERYONE,
    ("GET", "coverage/map.svg"): EVERYONE,
    ("POST", "coverage/demand/"): EVERYONE,  # a not-covered result records the demand (no account needed)
    ("GET", "book/"): EVERYONE,
    ("POST", "book/code/"): EVERYONE,
    ("POST", "book/confirm/"): EVERYONE,  # checks the SMS code itself
    ("GET", "my/"): EVERYONE,  # the sign-in form, or one's own appointments
    ("POST", "my/"): EVERYONE,  # signing in with phone + code
    ("GET", "help-now/"): EVERYONE,
    ("POST", "help-now/"): EVERYONE,  # an emergency never waits for a sign-in
    ("GET", "help-now/<str:reference>/"): EVERYONE,  # the reference is the capability (SMS link)
    ("GET", "sw.js"): EVERYONE,
    ("POST", "notify/sms/inbound/"): allow(),  # the SMS gateway's bearer token, not a person's session
    ("GET", "plan/"): EVERYONE,
    ("POST", "plan/"): EVERYONE,
    ("GET", "plans/auto-renew-off/<str:token>/"): EVERYONE,  # the signed token is the capability
    ("GET", "api/v1/docs"): EVERYONE,
    ("GET", "api/v1/openapi.json"): EVERYONE,
    ("GET", "healthz"): EVERYONE,
    ("GET", "staff/login/"): EVERYONE,
    ("POST", "staff/login/"): EVERYONE,  # the password check is the gate (throttled)
    ("POST", "staff/logout/"): EVERYONE,
    # a customer's own records
    ("GET", "my/<str:reference>/"): allow("customer_a", "agent", "manager", "auditor"),
    ("GET", "my/<str:reference>/calendar.ics"): allow("customer_a", "agent", "manager", "auditor"),
    ("POST", "my/<str:reference>/cancel/"): allow("customer_a", "agent", "manager"),
    ("POST", "my/<str:reference>/reschedule/"): allow("customer_a", "agent", "manager"),
    ("POST", "notify/preferences/"): allow(*CUSTOMERS),
    ("POST", "plan/auto-renew/"): allow(*CUSTOMERS),
    ("GET", "plan/<str:action>/"): allow(*CUSTOMERS),
    ("POST", "plan/<str:action>/confirm/"): allow(*CUSTOMERS),
    ("POST", "plan/demo-clock/"): allow(),  # only with FAIRDESK_TEST_CLOCK (a demo); off here
    ("POST", "demo-clock/back/"): allow(),  # likewise
    ("GET", "favicon.ico"): EVERYONE,
    # published rules and provider scores (public; managers record and answer a station's appeal)
    ("GET", "rules/"): EVERYONE,
    ("GET", "rules/<slug:code>/"): EVERYONE,
    ("GET", "providers/<int:station_id>/"): EVERYONE,
    ("POST", "providers/<int:station_id>/appeal/"): allow("manager"),
    ("POST", "providers/appeals/<int:appeal_id>/answer/"): allow("manager"),
    ("GET", "providers/me/"): allow("technician", "manager"),
    ("GET", "/api/v1/rules"): EVERYONE,
    # the help centre (public: reading, searching and saying whether an article helped)
    ("GET", "help/"): EVERYONE,
    ("GET", "help/suggest/"): EVERYONE,
    ("GET", "help/locked-out/"): EVERYONE,
    ("GET", "help/<slug:slug>/"): EVERYONE,
    ("POST", "help/<slug:slug>/feedback/"): EVERYONE,
    ("GET", "/api/v1/kb/search"): EVERYONE,
    ("GET", "/api/v1/kb/articles/{slug}"): EVERYONE,
    ("POST", "/api/v1/kb/articles/{slug}/feedback"): EVERYONE,
    # transparency report (public; the API without from/to is a 422, which is an answer, not a refusal)
    ("GET", "transparency/"): EVERYONE,
    ("GET", "transparency/report.csv"): EVERYONE,
    ("GET", "/api/v1/transparency/report"): EVERYONE,
    # staff pages
    ("GET", "hotline/"): allow("agent", "manager"),
    ("POST", "hotline/book/"): allow("agent", "manager"),
    ("POST", "hotline/note/"): allow("agent", "manager"),
    ("POST", "hotline/urgent/<str:reference>/confirm/"): allow("agent", "dispatcher", "manager"),
    ("GET", "tech/"): allow("technician"),
    ("POST", "tech/jobs/<int:job_id>/"): allow("technician"),
    ("POST", "tech/jobs/<int:job_id>/note/"): allow("technician"),
    ("POST", "tech/jobs/<int:job_id>/handover/"): allow("technician"),
    ("POST", "tech/visits/<int:visit_id>/"): allow("technician"),
    ("POST", "tech/position/"): allow("technician"),
    ("GET", "tech/photos/<int:note_id>/"): allow("technician", "dispatcher", "manager", "auditor"),
    # opening records (开锁登记): the technician on the job writes; auditors and managers read; nobody edits
    ("GET", "tech/jobs/<int:job_id>/opening/"): allow("technician"),
    ("POST", "tech/jobs/<int:job_id>/opening/"): allow("technician"),
    ("GET", "tech/visits/<int:visit_id>/opening/"): allow("technician"),
    ("POST", "tech/visits/<int:visit_id>/opening/"): allow("technician"),
    ("GET", "tech/opening-records/"): allow("manager", "auditor"),
    ("GET", "tech/opening-records/<int:record_id>/photo/"): allow("technician", "manager", "auditor"),
    ("GET", "dispatch/"): allow("dispatcher", "manager"),
    ("POST", "dispatch/plan/"): allow("dispatcher", "manager"),
    ("POST", "dispatch/assign/"): allow("dispatcher", "manager"),
    ("GET", "admin/"): allow(*STAFF),
    # courses: reading is public; progress is a verified phone's (anyone else posting is asked to verify:
    # a redirect to the verify page, which for a POST is an answer, not a refusal); a certificate is
    # one's own
    ("GET", "learn/"): EVERYONE,
    ("GET", "learn/verify/"): EVERYONE,
    ("POST", "learn/verify/"): EVERYONE,  # sending or checking the SMS code
    ("GET", "learn/certificates/<str:certificate_code>/"): EVERYONE,  # the code is the capability
    ("GET", "learn/media/<int:lesson_id>/<str:kind>/"): EVERYONE,
    ("GET", "learn/<slug:code>/"): EVERYONE,
    ("GET", "learn/<slug:code>/lessons/<int:order>/"): EVERYONE,
    ("POST", "learn/<slug:code>/lessons/<int:order>/done/"): EVERYONE,
    ("GET", "learn/<slug:code>/quiz/"): EVERYONE,
    ("POST", "learn/<slug:code>/quiz/"): EVERYONE,
    ("GET", "learn/<slug:code>/certificate/"): allow(*CUSTOMERS),  # B has none: 409, their own answer
    ("GET", "l/<str:short_code>"): EVERYONE,
    ("GET", "/api/v1/courses"): EVERYONE,
    ("POST", "/api/v1/courses/progress"): allow(*CUSTOMERS),
    # written support: the chat (customers), the desk (agents; the auditor reads)
    ("GET", "support/"): EVERYONE,  # the sign-in form, or one's own chat
    ("POST", "support/"): EVERYONE,  # signing in with phone + code
    ("POST", "support/send/"): allow(*CUSTOMERS),
    ("POST", "support/human/"): allow(*CUSTOMERS),
    ("POST", "support/callback/"): allow(*CUSTOMERS),
    ("POST", "support/always-human/"): allow(*CUSTOMERS),
    ("POST", "support/rate/"): allow("customer_a"),
    ("POST", "support/end/"): allow("customer_a"),
    ("GET", "support/desk/"): allow("agent", "manager", "auditor"),
    ("POST", "support/desk/next/"): allow("agent", "manager"),
    ("POST", "support/desk/duty/"): allow("agent", "manager"),
    ("POST", "support/desk/open/"): allow("agent", "manager"),
    ("GET", "support/desk/<int:conversation_id>/"): allow("agent", "manager", "auditor"),
    ("POST", "support/desk/<int:conversation_id>/reply/"): allow("agent", "manager"),
    ("POST", "support/desk/<int:conversation_id>/transfer/"): allow("agent", "manager"),
    ("POST", "support/desk/<int:conversation_id>/close/"): allow(
        "agent", "manager"
    ),  # the back office's own per-model permissions apply inside
    # the API: public
    ("GET", "/api/v1/coverage"): EVERYONE,
    ("GET", "/api/v1/resolve"): EVERYONE,
    ("GET", "/api/v1/service-types"): EVERYONE,
    ("GET", "/api/v1/slots"): EVERYONE,
    ("POST", "/api/v1/auth/sms-code"): EVERYONE,
    ("POST", "/api/v1/auth/verify"): EVERYONE,
    ("GET", "/api/v1/plans"): EVERYONE,
    ("GET", "/api/v1/plans/terms"): EVERYONE,
    # the API: customers for themselves, agents and managers for a customer
    ("POST", "/api/v1/bookings"): allow(*CUSTOMERS, "agent", "manager"),
    ("POST", "/api/v1/bookings/{reference}/cancel"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/bookings/{reference}/reschedule"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/subscriptions"): allow(*CUSTOMERS, "agent", "manager"),
    ("GET", "/api/v1/subscriptions"): allow(*CUSTOMERS, "agent", "manager", "auditor"),
    ("POST", "/api/v1/subscriptions/{subscription_id}/change"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/subscriptions/{subscription_id}/auto-renew"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/refunds"): allow(*CUSTOMERS, "agent", "manager"),
    ("POST", "/api/v1/plans/change-rule"): allow("manager"),
    # a push subscription is a customer's own device: staff tokens are refused
    ("POST", "/api/v1/push/subscriptions"): allow(*CUSTOMERS),
    # written support: customers (or agents for a caller), then the agents' queue
    ("POST", "/api/v1/support/conversations"): allow(*CUSTOMERS, "agent", "manager"),
    ("GET", "/api/v1/support/conversations/{conversation_id}"): allow(
        "customer_a", "agent", "manager", "auditor"
    ),
    ("POST", "/api/v1/support/conversations/{conversation_id}/messages"): allow(
        "customer_a", "agent", "manager"
    ),
    ("POST", "/api/v1/support/conversations/{conversation_id}/human"): allow(
        "customer_a", "agent", "manager"
    ),
    ("POST", "/api/v1/support/conversations/{conversation_id}/rating"): allow("customer_a"),
    ("POST", "/api/v1/support/preferences"): allow(*CUSTOMERS, "agent", "manager"),
    ("GET", "/api/v1/support/queue"): allow("agent", "manager", "auditor"),
    ("POST", "/api/v1/support/queue/next"): allow("agent", "manager"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/reply"): allow("agent", "manager"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/close"): allow("agent", "manager"),
    ("POST", "/api/v1/support/conversations/{conversation_id}/transfer"): allow("agent", "manager"),
    ("POST", "/api/v1/support/duty"): allow("agent", "manager"),
    # complaints: customers (or agents for a caller) file and answer; staff handle; audit exports
    ("POST", "/api/v1/complaints"): allow(*CUSTOMERS, "agent", "manager"),
    ("GET", "/api/v1/complaints/export"): allow("manager", "auditor"),
    ("GET", "/api/v1/complaints/{reference}"): allow("customer_a", "agent", "manager", "auditor"),
    ("POST", "/api/v1/complaints/{reference}/contact"): allow("agent", "manager"),
    ("POST", "/api/v1/complaints/{reference}/request-info"): allow("agent", "manager"),
    ("POST", "/api/v1/complaints/{reference}/respond"): allow("agent", "manager"),
    ("POST", "/api/v1/complaints/{reference}/reply"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/complaints/{reference}/accept"): allow("customer_a", "agent", "manager"),
    ("POST", "/api/v1/complaints/{reference}/dispute"): allow("customer_a", "agent", "manager"),
    # complaint pages: filing is open (the phone comes after the text), a case is its customer's; the desk
    ("GET", "complaints/"): EVERYONE,  # the sign-in form, one's own complaints, or (staff) to the desk
    ("POST", "complaints/"): EVERYONE,  # signing in with phone + code
    ("GET", "complaints/new/"): EVERYONE,
    ("POST", "complaints/new/"): EVERYONE,  # step 1 → the phone step; filed only with a verified phone
    ("POST", "complaints/code/"): EVERYONE,  # the no-JavaScript "send code" button
    ("GET", "complaints/<str:complaint>/"): allow("customer_a", "agent", "manager", "auditor"),  # staff: desk
    ("GET", "complaints/<str:complaint>/record.txt"): allow("customer_a", "agent", "manager", "auditor"),
    ("POST", "complaints/<str:complaint>/reply/"): allow("customer_a"),
    ("POST", "complaints/<str:complaint>/accept/"): allow("customer_a"),
    ("POST", "complaints/<str:complaint>/dispute/"): allow("customer_a"),
    ("GET", "complaints/desk/"): allow("agent", "manager", "auditor"),
    ("GET", "complaints/desk/<str:complaint>/"): allow("agent", "manager", "auditor"),
    ("POST", "complaints/desk/<str:complaint>/contact/"): allow("agent", "manager"),
    ("POST", "complaints/desk/<str:complaint>/request-info/"): allow("agent", "manager"),
    ("POST", "complaints/desk/<str:complaint>/respond/"): allow("agent", "manager"),
}

# Django admin's own pages (each model's add/change/delete) are guarded by Django's model permissions and are
# not listed one by one; only its index is in the matrix.
SKIPPED_PREFIXES = ("admin/", "static/", "media/")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def page_routes() -> set[str]:
    routes = set()
    for route in _walk(get_resolver().url_patterns):
        route = route.lstrip("^").rstrip("$")
        if route == "admin/" or not route.startswith(SKIPPED_PREFIXES):
            routes.add(route)
    # Ninja's operations are checked from the schema (with methods); its docs and schema pages stay here.
    return {r for r in routes if not r.startswith("api/v1/") or r in {"api/v1/docs", "api/v1/openapi.json"}}


def api_operations() -> set[tuple[str, str]]:
    from fairdesk.api import api

    schema = api.get_openapi_schema()
    return {(method.upper(), path) for path, ops in schema["paths"].items() for method in ops}


def test_every_endpoint_has_a_row():
    listed_pages = {route for method, route in EXPECTED if not route.startswith("/api/")}
    listed_api = {(m, r) for m, r in EXPECTED if r.startswith("/api/")}
    pages = page_routes()
    assert pages - listed_pages == set(), "pages without a row in the access matrix"
    assert listed_pages - pages == set(), "rows for pages that no longer exist"
    operations = api_operations()
    assert operations - listed_api == set(), "API operations without a row in the access matrix"
    assert listed_api - operations == set(), "rows for API operations that no longer exist"


# The `world` fixture (customer A's booking, subscription and emergency; one user per staff role) is in
# conftest.py beside this file.


def _client(world, identity: str, *, api: bool) -> tuple[Client, dict]:
    client = Client()
    headers: dict = {}
    if identity in CUSTOMERS:
        session = client.session
        session[VERIFIED_PHONE_SESSION_KEY] = world["a" if identity == "customer_a" else "b"].phone
        session.save()
    elif identity in STAFF:
        if api:
            headers["Authorization"] = f"Bearer {world['tokens'][identity]}"
        else:
            client.force_login(world["staff"][identity])
    return client, headers


def _fill(route: str, world) -> str:
    import re

    def value(match):
        if route.startswith("/api/v1/complaints/"):
            return world["complaint"].reference
        if route.startswith(("help-now/", "hotline/urgent/")):
            return world["urgent"].reference
        if route.startswith(("rules/", "providers/")):
            return str(_transparency_path(match.group("name"), world))
        if route.startswith(("help/", "/api/v1/kb/")):
            from fairdesk.knowledge.demo import load_demo

            load_demo()
            return "lost-keys"
        return str(world["path"][match.group("name")])

    route = re.sub(r"<(?:\w+:)?(?P<name>\w+)>", value, route)
    return re.sub(r"\{(?P<name>\w+)\}", value, route)


def _transparency_path(name: str, world):
    """The published rules (transparency's loader) and a station's score appeal waiting for an answer."""
    from fairdesk.transparency.demo import rules_load_demo
    from fairdesk.transparency.models import ScoreAppeal

    rules_load_demo(verbosity=0)
    if name == "code":
        return "provider_score"
    if name == "station_id":
        return world["station"].pk
    today = dt.date.today()
    appeal = ScoreAppeal.objects.create(
        station=world["station"],
        period_from=today,
        period_to=today,
        rule_version=1,
        reason="matrix",
        recorded_by=world["staff"]["manager"],
    )
    return appeal.pk


def _body(route: str, identity: str, world) -> dict:
    """A plausible request body: what this identity would send if it were allowed."""
    phone = world["a"].phone if identity in STAFF else ""
    slot = world["slots"][1].pk
    bodies = {
        "/api/v1/bookings": {
            "slot_id": slot,
            "service_type": "lock-repair",
            "address": "江苏省泰州市姜堰区人民路1号",
            "phone": phone,
            "name": "A",
        },
        "/api/v1/bookings/{reference}/cancel": {"reason": "matrix"},
        "/api/v1/bookings/{reference}/reschedule": {"slot_id": slot},
        "/api/v1/subscriptions": {
            "plan": "standard",
            "period": "month",
            "preview": True,
            "customer_phone": phone,
        },
        "/api/v1/subscriptions/{subscription_id}/change": {
            "to_plan": "standard",
            "period": "month",
            "preview": True,
            "customer_phone": phone,
        },
        "/api/v1/subscriptions/{subscription_id}/auto-renew": {"on": False, "customer_phone": phone},
        "/api/v1/refunds": {"preview": True, "customer_phone": phone},
        "/api/v1/plans/change-rule": {"effective": "immediate"},
        "/api/v1/push/subscriptions": {
            "endpoint": "https://push.example/matrix",
            "keys": {"p256dh": "BKey", "auth": "secret"},
        },
        "/api/v1/support/conversations": {"message": "怎么改预约时间", "customer_phone": phone},
        "/api/v1/support/conversations/{conversation_id}/messages": {"text": "你好", "customer_phone": phone},
        "/api/v1/support/conversations/{conversation_id}/human": {"customer_phone": phone},
        "/api/v1/support/conversations/{conversation_id}/rating": {"score": 5},
        "/api/v1/support/preferences": {"always_human": True, "customer_phone": phone},
        "/api/v1/support/conversations/{conversation_id}/reply": {"text": "您好"},
        "/api/v1/support/conversations/{conversation_id}/close": {"resolution": "answered"},
        "/api/v1/support/conversations/{conversation_id}/transfer": {
            "to_agent": world["staff"]["manager"].pk
        },
        "/api/v1/support/duty": {"on_duty": True},
        "/api/v1/complaints": {"category": "plan_change", "text": "退款太慢", "customer_phone": phone},
        "/api/v1/complaints/{reference}/request-info": {"text": "请提供付款截图"},
        "/api/v1/complaints/{reference}/respond": {
            "outcome": "upheld",
            "redress_fen": 1000,
            "text": "已退款",
        },
        "/api/v1/complaints/{reference}/reply": {"text": "截图已上传", "customer_phone": phone},
        "/api/v1/complaints/{reference}/accept": {"customer_phone": phone},
        "/api/v1/complaints/{reference}/dispute": {"text": "不同意", "customer_phone": phone},
        "support/send/": {"text": "怎么改预约时间"},
        "complaints/": {"phone": "13800000009", "code": "000000"},
        "complaints/new/": {"category": "other", "text": "矩阵"},
        "complaints/code/": {"phone": "13800000009"},
        "complaints/<str:complaint>/reply/": {"text": "补充"},
        "complaints/<str:complaint>/dispute/": {"text": "不同意"},
        "complaints/desk/<str:complaint>/request-info/": {"text": "请提供付款截图"},
        "complaints/desk/<str:complaint>/respond/": {
            "outcome": "upheld",
            "redress_yuan": "10",
            "text": "已退款",
        },
        "support/callback/": {
            "at": (world["slots"][0].start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
        },
        "support/always-human/": {"on": "1"},
        "support/rate/": {"conversation": world["path"]["conversation_id"], "score": "5"},
        "support/end/": {"conversation": world["path"]["conversation_id"]},
        "support/desk/duty/": {"on": "1"},
        "support/desk/open/": {"phone": world["a"].phone},
        "support/desk/<int:conversation_id>/reply/": {"text": "您好"},
        "support/desk/<int:conversation_id>/transfer/": {
            "to": str(world["staff"]["manager"].pk),
            "note": "x",
        },
        "support/desk/<int:conversation_id>/close/": {"resolution": "answered"},
        "providers/<int:station_id>/appeal/": {"reason": "matrix"},
        "providers/appeals/<int:appeal_id>/answer/": {"outcome": "upheld", "answer": "matrix"},
        "/api/v1/auth/sms-code": {"phone": "13800000009"},
        "/api/v1/kb/articles/{slug}/feedback": {"helpful": True},
        "help/<slug:slug>/feedback/": {"helpful": "yes"},
        "/api/v1/auth/verify": {"phone": "13800000009", "code": "000000"},
        "my/<str:reference>/reschedule/": {"slot_id": slot},
        "my/<str:reference>/cancel/": {"reason": "matrix"},
        "hotline/book/": {
            "phone": world["a"].phone,
            "slot_id": slot,
            "service_type": "lock-repair",
            "address": "江苏省泰州市姜堰区人民路1号",
            "name": "A",
        },
        "hotline/note/": {"phone": world["a"].phone, "text": "called"},
        "/api/v1/courses/progress": {"course": "lock-care", "lesson": 1},
        "tech/jobs/<int:job_id>/": {"action": "accept"},
        "tech/visits/<int:visit_id>/": {"action": "en_route"},
        "tech/position/": {"lat": "32.5", "lng": "120.1"},
        "tech/jobs/<int:job_id>/note/": {"text": "on my way"},
        "tech/jobs/<int:job_id>/handover/": {"to": str(world["colleague"].pk), "reason": "x"},
        "dispatch/plan/": {
            "station": str(world["station"].pk),
            "day": world["slots"][0].start.date().isoformat(),
        },
        "dispatch/assign/": {
            "reference": world["urgent"].reference,
            "technician": str(world["job"].technician_id),
        },
        "help-now/": {"phone": "13800000003", "address": "江苏省泰州市姜堰区人民路1号"},
        "plan/<str:action>/confirm/": {"plan": "standard", "period": "month"},
        "plan/auto-renew/": {"on": "0"},
        "notify/preferences/": {"sms": "on"},
        "language/": {"language": "en", "next": "/"},
        "book/code/": {"phone": "13800000009"},
        "my/": {"phone": "13800000009", "code": "000000"},
        "plan/": {"phone": "13800000009", "code": "000000"},
    }
    return bodies.get(route, {})


def _outcome(method: str, route: str, response) -> str:
    status = response.status_code
    # /healthz says 503 when no worker runs (as here): that is its answer, not an error.
    assert status < 500 or (route == "healthz" and status == 503), f"{method} {route}: {status}"
    if status in (401, 403, 404):
        return "deny"
    if status in (301, 302) and not route.startswith("/api/"):
        target = urlsplit(response.headers.get("Location", "")).path
        if target in STAFF_SIGN_IN or (method == "GET" and target in SIGN_IN):
            return "deny"
    return "allow"


class _Rollback(Exception):
    pass


@pytest.mark.parametrize("method,route", sorted(EXPECTED), ids=lambda v: v or "home")
def test_access(world, method, route):
    allowed = EXPECTED[(method, route)]
    is_api = route.startswith("/api/")
    url = _fill(route, world) if is_api else "/" + _fill(route, world)
    if route == "coverage/check/" or route == "/api/v1/coverage" or route == "/api/v1/resolve":
        url += "?address=" + "江苏省泰州市姜堰区人民路1号"
    if route == "/api/v1/slots":
        url += (
            "?address=江苏省泰州市姜堰区&service_type=lock-repair&date="
            + world["slots"][0].start.date().isoformat()
        )
    if route == "book/":
        url += "?address=江苏省泰州市姜堰区人民路1号&service_type=lock-repair"
    if route == "/api/v1/subscriptions":
        url += "" if method == "POST" else "?customer_phone=%2B8613800000001"
    if route in ("/api/v1/kb/search", "help/", "help/suggest/"):
        url += "?q=钥匙丢了"
    if route == "/api/v1/complaints/export":
        url += "?from=2020-01-01&to=2030-12-31&format=csv"
    got = {}
    for identity in IDENTITIES:
        client, headers = _client(world, identity, api=is_api)
        if route == "/api/v1/subscriptions" and method == "GET" and identity in CUSTOMERS:
            target = url.split("?")[0]
        else:
            target = url
        try:
            with transaction.atomic():
                body = _body(route, identity, world)
                if method == "GET":
                    response = client.get(target, headers=headers)
                elif is_api:
                    response = client.post(target, body, content_type="application/json", headers=headers)
                else:
                    response = client.post(target, body, headers=headers)
                got[identity] = (_outcome(method, route, response), response.status_code)
                raise _Rollback
        except _Rollback:
            pass
    wrong = [
        f"{identity}: {outcome} ({status}), expected {'allow' if identity in allowed else 'deny'}"
        for identity, (outcome, status) in got.items()
        if (outcome == "allow") != (identity in allowed)
    ]
    assert not wrong, f"{method} {route}: " + "; ".join(wrong)
