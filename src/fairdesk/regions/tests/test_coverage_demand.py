"""A covered result offers "book here" (to /book/?address=…); a not-covered one records the demand (address,
phone if given, time, division) for the business to see in the admin, instead of a promise."""

import pytest

from fairdesk.accounts.models import User
from fairdesk.core.models import Event
from fairdesk.regions.models import CoverageDemand, Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangyan():
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(name="泰州服务站", address="姜堰区", division=division, hotline="400-100-2000")
    service_area_add(station=station, division=division)
    return division


def test_a_covered_result_has_a_book_here_button(client, jiangyan):
    page = client.get("/coverage/", {"address": "江苏省泰州市姜堰区人民路1号"}).content.decode()
    assert 'data-testid="book-here"' in page
    assert "/book/?address=%E6%B1%9F%E8%8B%8F" in page  # the address carried over, encoded
    assert 'data-testid="demand-form"' not in page


def test_a_not_covered_result_records_the_demand(client, jiangyan):
    page = client.get("/coverage/check/", {"address": "我在广州天河"}).content.decode()
    assert 'data-testid="demand-form"' in page and 'data-testid="book-here"' not in page
    response = client.post("/coverage/demand/", {"address": "我在广州天河", "phone": "13800000001"})
    assert response.status_code == 302 and "demand=recorded" in response["Location"]
    demand = CoverageDemand.objects.get()
    assert (demand.address, demand.phone, demand.division.name) == (
        "我在广州天河",
        "+8613800000001",
        "天河区",
    )
    assert demand.created_at is not None
    event = Event.objects.get(kind="coverage.demand_recorded")
    assert event.payload == {"demand": demand.pk, "division": "440106", "has_phone": True}
    after = client.get(response["Location"]).content.decode()
    assert 'data-testid="demand-recorded"' in after


def test_a_demand_without_a_phone_or_resolution_is_still_kept_and_a_bad_phone_is_a_clear_4xx(
    client, jiangyan
):
    assert client.post("/coverage/demand/", {"address": "火星基地"}).status_code == 302
    assert CoverageDemand.objects.get().division is None
    bad = client.post("/coverage/demand/", {"address": "广州天河", "phone": "12"})
    assert bad.status_code == 422 and CoverageDemand.objects.count() == 1
    assert client.post("/coverage/demand/", {"address": " "}).status_code == 422


def test_the_business_sees_the_demand_in_the_admin(client, jiangyan):
    client.post("/coverage/demand/", {"address": "广州天河体育西路1号"})
    admin = User.objects.create_superuser("+8613500000088", "a-long-password-1", name="管理员")
    client.force_login(admin)
    page = client.get("/admin/regions/coveragedemand/")
    assert page.status_code == 200 and "广州天河体育西路1号" in page.content.decode()
