"""Overbooking is impossible: many simultaneous HTTP requests against a real server and database
(PostgreSQL in CI's second run), exactly `capacity` of them succeed, every other one is a clean 409."""

import datetime as dt
import json
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.browser  # needs the live server, like the browser tests
ADDRESS = "江苏省泰州市姜堰区人民路1号"


def call(url, method="GET", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 - local test server
        url, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - local test server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def token(production_site):
    return production_site.manage("create_api_token", "--role", "agent").stdout.strip()


def slots_for(production_site, days_ahead):
    day = (dt.datetime.now(dt.UTC) + dt.timedelta(days=days_ahead)).date().isoformat()
    query = urllib.parse.urlencode({"address": ADDRESS, "service_type": "lock-repair", "date": day})
    status, body = call(f"{production_site.url}/api/v1/slots?{query}")
    assert status == 200, body
    return body


def set_capacity(production_site, slot_ids, capacity):
    production_site.manage(
        "shell",
        "-c",
        "from fairdesk.bookings.models import Slot; "
        f"Slot.objects.filter(pk__in={list(slot_ids)}).update(capacity={capacity})",
    )


def test_64_concurrent_bookings_for_3_places(production_site, token):
    slot = slots_for(production_site, 3)[0]
    set_capacity(production_site, [slot["id"]], 3)

    def body(n):
        return {
            "slot_id": slot["id"],
            "service_type": "lock-repair",
            "address": ADDRESS,
            "phone": f"137{n:08d}",
            "name": "并发",
        }

    with ThreadPoolExecutor(max_workers=64) as pool:
        results = list(
            pool.map(
                lambda n: call(f"{production_site.url}/api/v1/bookings", "POST", body(n), token), range(64)
            )
        )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == 3, results
    assert statuses.count(409) == 61, results
    assert all(data["code"] == "slot_full" for status, data in results if status == 409)
    assert slots_for(production_site, 3)[0]["id"] != slot["id"]  # full: no longer offered


def test_concurrent_reschedules_into_a_nearly_full_slot(production_site, token):
    slots = slots_for(production_site, 4)
    target, others = slots[0], slots[1:]
    set_capacity(production_site, [s["id"] for s in slots], 20)
    set_capacity(production_site, [target["id"]], 3)
    references = []
    for n in range(2):  # two of the target's three places are taken
        status, data = call(
            f"{production_site.url}/api/v1/bookings",
            "POST",
            {
                "slot_id": target["id"],
                "service_type": "lock-repair",
                "address": ADDRESS,
                "phone": f"136{n:08d}",
            },
            token,
        )
        assert status == 201, data
    for n in range(16):
        status, data = call(
            f"{production_site.url}/api/v1/bookings",
            "POST",
            {
                "slot_id": others[n % len(others)]["id"],
                "service_type": "lock-repair",
                "address": ADDRESS,
                "phone": f"135{n:08d}",
            },
            token,
        )
        assert status == 201, data
        references.append(data["reference"])
    url = production_site.url + "/api/v1/bookings/{}/reschedule"
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(lambda ref: call(url.format(ref), "POST", {"slot_id": target["id"]}, token), references)
        )
    statuses = sorted(status for status, _ in results)
    assert statuses.count(200) == 1, results
    assert statuses.count(409) == 15, results
