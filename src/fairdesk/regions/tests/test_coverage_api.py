"""GET /api/v1/coverage: covered, not covered, abolished, GPS, nearest station, errors in two languages."""

import pytest

from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanjing_network():
    jianye = Division.objects.get(code="320105", valid_until=None)
    xinjian = Division.objects.get(code="360112", valid_until=None)
    nanjing_city = Division.objects.get(code="320100", level="city", valid_until=None)
    west = station_create(
        name="南京河西站", address="建邺区江东中路1号", division=jianye, hotline="025-8888-0001"
    )
    far = station_create(
        name="南京仙林站",
        address="栖霞区",
        division=nanjing_city,
        hotline="025-8888-0002",
        lat=32.10,
        lng=118.93,
    )
    service_area_add(station=west, division=jianye)
    service_area_add(station=far, division=nanjing_city)  # the whole city
    nanchang = station_create(name="南昌站", address="新建区", division=xinjian, hotline="0791-8888-0001")
    service_area_add(station=nanchang, division=xinjian)
    return west, far, nanchang


def test_a_covered_address_names_the_nearest_station(client, nanjing_network):
    response = client.get("/api/v1/coverage", {"address": "江苏省南京市建邺区江东中路108号"})
    assert response.status_code == 200
    body = response.json()
    assert body["covered"] is True
    assert body["division"] == {"adcode": "320105", "name": "建邺区", "level": "county"}
    assert body["station"] == {"name": "南京河西站", "hotline": "025-8888-0001"}


def test_a_station_covering_a_city_covers_its_counties(client, nanjing_network):
    body = client.get("/api/v1/coverage", {"address": "南京市玄武区"}).json()
    assert body["covered"] is True
    assert body["station"]["name"] in {"南京河西站", "南京仙林站"}
    assert body["station"]["name"] == "南京仙林站"  # 河西站 does not cover 玄武区


def test_an_uncovered_address(client, nanjing_network):
    body = client.get("/api/v1/coverage", {"address": "北京市朝阳区建国路1号"}).json()
    assert body["covered"] is False
    assert body["station"] is None
    assert body["division"]["adcode"] == "110105"


def test_an_abolished_district_is_covered_through_its_successor(client, nanjing_network):
    body = client.get("/api/v1/coverage", {"address": "南昌市湾里区"}).json()
    assert body["covered"] is True
    assert body["division"]["adcode"] == "360105"
    assert body["abolished"] is True and body["successors"] == ["360112"]
    assert body["station"]["name"] == "南昌站"


def test_a_gps_point_is_looked_up_in_the_polygons(client, nanjing_network):
    body = client.get("/api/v1/coverage", {"lat": 32.03, "lng": 118.72}).json()
    assert body["division"]["adcode"] == "320105"
    assert body["covered"] is True


def test_an_unresolvable_address_is_422_with_a_message_in_the_callers_language(client):
    response = client.get("/api/v1/coverage", {"address": "南京市"})
    assert response.status_code == 422
    assert response.json()["code"] == "address_unresolvable"
    assert "范围太大" in response.json()["message"]
    english = client.get("/api/v1/coverage", {"address": "南京市"}, headers={"accept-language": "en"})
    assert english.status_code == 422
    assert "too broad" in english.json()["message"]


def test_no_address_and_no_point_is_422(client):
    response = client.get("/api/v1/coverage")
    assert response.status_code == 422
    assert response.json()["code"] == "address_required"


def test_out_of_range_coordinates_are_422(client):
    response = client.get("/api/v1/coverage", {"lat": 123, "lng": 500})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_the_openapi_schema_lists_coverage(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/coverage" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200
