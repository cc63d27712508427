"""Property: any current county, written as province+city+county (+ street), resolves back to itself."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fairdesk.regions.models import Division, Level
from fairdesk.regions.resolver import resolve

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def counties(django_db_blocker):
    with django_db_blocker.unblock():
        return list(
            Division.objects.filter(level=Level.COUNTY, valid_until=None).values(
                "code", "name", "province_name", "city_name"
            )
        )


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_full_names_round_trip(counties, data):
    county = data.draw(st.sampled_from(counties))
    street = data.draw(st.sampled_from(["", "人民路1号", "解放大道88号2栋301室", "中山北路"]))
    prefix = county["province_name"]
    if county["city_name"] and county["city_name"] != county["province_name"]:
        prefix += county["city_name"]
    result = resolve(prefix + county["name"] + street)
    assert result.adcode == county["code"]
    assert (result.street or "") == street
