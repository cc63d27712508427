"""The /coverage/ page works without JavaScript (plain GET) and as an htmx partial."""

import pytest

from fairdesk.regions.models import Division
from fairdesk.regions.services import service_area_add, station_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def jiangyan():
    division = Division.objects.get(code="321204", valid_until=None)
    station = station_create(
        name="泰州服务站", address="姜堰区人民路1号", division=division, hotline="400-100-2000"
    )
    service_area_add(station=station, division=division)
    return station


def test_the_empty_page_shows_the_form_and_the_map(client, jiangyan):
    page = client.get("/coverage/").content.decode()
    assert 'name="address"' in page
    assert "<svg" in page and 'class="covered"' in page and 'data-adcode="321204"' in page


def test_a_covered_address_shows_station_and_hotline(client, jiangyan):
    page = client.get("/coverage/", {"address": "泰州市姜堰区"}).content.decode()
    assert "在服务范围内" in page
    assert "泰州服务站" in page
    assert 'href="tel:400-100-2000"' in page


def test_an_uncovered_address_says_so(client, jiangyan):
    page = client.get("/coverage/check/", {"address": "北京市朝阳区"}).content.decode()
    assert "暂不在服务范围内" in page
    assert "<html" not in page  # a partial for htmx


def test_bad_input_is_explained_in_english_too(client, jiangyan):
    client.cookies["fairdesk_language"] = "en"
    page = client.get("/coverage/", {"address": "南京市"}).content.decode()
    assert "too broad" in page
    assert 'lang="en"' in page


def test_the_map_is_served_as_svg(client, jiangyan):
    response = client.get("/coverage/map.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert b'data-adcode="321204"' in response.content


def test_admin_edits_are_audited(client, jiangyan):
    from fairdesk.accounts.models import Role
    from fairdesk.accounts.services import staff_create
    from fairdesk.core.models import Event

    manager = staff_create(
        phone="13600000009", name="经理", role=Role.MANAGER, password="a-long-staff-password"
    )
    manager.is_superuser = True
    manager.save()
    client.force_login(manager)
    url = f"/admin/regions/station/{jiangyan.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {"division": jiangyan.division_id, "hotline": "400-100-3000", "is_active": "on", "covers": []}
    )
    data.update(
        {
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
            "areas-MIN_NUM_FORMS": "0",
            "areas-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.filter(kind="admin.changed").last()
    assert event.payload["model"] == "regions.station"
    assert event.actor == manager
    assert event.payload["fields"]["hotline"] == "400-100-3000"


def test_an_abolished_district_marks_its_successor_on_the_map(client):
    xinjian = Division.objects.get(code="360112", valid_until=None)
    station = station_create(name="南昌服务站", address="新建区", division=xinjian, hotline="400-100-2001")
    service_area_add(station=station, division=xinjian)
    page = client.get("/coverage/check/", {"address": "南昌市湾里区"}).content.decode()
    assert "在服务范围内" in page and "新建区" in page
    assert 'class="highlight"' in page
