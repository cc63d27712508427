"""Every page and form, fed junk (ids that are not numbers or too big, impossible and overflowing dates, bad
phones, NUL characters), as anonymous and as each staff role: a 4xx or a normal page, never a 500. Routes come
from the URL resolver, so a new page is covered without being listed."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from fairdesk.accounts.models import Role
from fairdesk.accounts.services import staff_create
from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead
from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db
ADDRESS = "江苏省泰州市姜堰区人民路1号"
HUGE = "9" * 30
JUNK_PATH_VALUES = ["abc", HUGE, "0", "ZZZZZZZZ", "AB%00CD"]
JUNK_QUERY = {
    "station": "abc",
    "day": "9999-12-31",
    "date": "0000-00-00",
    "reschedule": "1",
    "phone": "x",
    "address": ADDRESS,
    "service_type": "lock-repair",
    "slot_id": HUGE,
    "lang": "xx",
}
JUNK_FORM = {
    "slot_id": "abc",
    "to": HUGE,
    "technician": "abc",
    "station": HUGE,
    "day": "9999-99-99",
    "date": "9999-12-31",
    "phone": "x",
    "code": "abc",
    "lat": "abc",
    "lng": "nan",
    "action": "zzz",
    "reference": "",
    "address": ADDRESS,
    "service_type": "lock-repair",
    "text": "x",
    "reason": "x",
    "plan": "nope",
    "period": "century",
    "on": "maybe",
    "next": "//evil.example",
    "language": "xx",
}

# Every field with a NUL inside (PostgreSQL refuses it in any text: a 500 unless refused first).
NUL_FORM = {key: value[:1] + "\x00" + value[1:] for key, value in JUNK_FORM.items() if value}


def routes():
    found = []

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith(("admin/", "api/")):
                    continue  # the admin is Django's; the API has its own schemathesis run
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                found.append(prefix + str(pattern.pattern))

    walk(get_resolver().url_patterns)
    return sorted(set(found))


def fill(route: str, value: str) -> str:
    return "/" + re.sub(
        r"<(?:(\w+):)?\w+>", lambda m: value if m.group(1) != "int" or value.isdigit() else "1", route
    )


@pytest.fixture
def people():
    service_types_load_demo()
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    slots_ensure_ahead(station=station)
    staff = {
        role: staff_create(phone=f"1350000000{n}", name=role, role=role, password="a-long-staff-password")
        for n, role in enumerate([Role.AGENT, Role.DISPATCHER, Role.TECHNICIAN, Role.MANAGER, Role.AUDITOR])
    }
    return {"anonymous": None, **staff}


@pytest.mark.parametrize("route", routes())
def test_junk_never_gives_a_500(client, people, route):
    client.raise_request_exception = False  # a crash must show up as its status, not stop the loop
    failures = []
    for who, user in people.items():
        client.logout()
        if user is not None:
            client.force_login(user)
        for value in JUNK_PATH_VALUES:
            url = fill(route, value)
            for method, response in [
                ("GET", lambda url=url: client.get(url, JUNK_QUERY)),
                ("POST", lambda url=url: client.post(url, JUNK_FORM)),
                ("POST nul", lambda url=url: client.post(url, NUL_FORM)),
            ]:
                status = response().status_code
                if status >= 500 and not (
                    route == "healthz" and status == 503
                ):  # its answer without a worker
                    failures.append((who, method, url, status))
            if "<" not in route:
                break
    assert failures == []
