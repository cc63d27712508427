"""What `import_divisions` stores: current units with centres, history with successors."""

import pytest

from fairdesk.regions.gazetteer import build_gazetteer
from fairdesk.regions.models import Division, Level

pytestmark = pytest.mark.django_db


def test_every_current_county_level_unit_and_county_less_city_has_a_centre():
    current = Division.objects.filter(valid_until=None)
    assert current.filter(level=Level.COUNTY).count() > 2800
    missing = current.exclude(level=Level.PROVINCE).filter(lat__isnull=True)
    assert list(missing.values_list("code", "name")) == []
    for division in current.exclude(level=Level.PROVINCE).iterator():
        assert 3 < division.lat < 54 and 73 < division.lng < 136, division


def test_outlines_are_kept_for_the_map():
    assert Division.objects.filter(level=Level.PROVINCE, valid_until=None).exclude(outline=None).count() >= 33
    with_outline = Division.objects.filter(level=Level.COUNTY, valid_until=None).exclude(outline=None).count()
    assert with_outline > 2800


def test_successors_always_point_at_current_units():
    current_codes = set(Division.objects.filter(valid_until=None).values_list("code", flat=True))
    for division in Division.objects.exclude(valid_until=None).iterator():
        assert set(division.successor_codes) <= current_codes, division


def test_units_abolished_since_2000_all_have_successors():
    recent = (
        Division.objects.exclude(valid_until=None).filter(valid_until__gte=2000).exclude(level=Level.PROVINCE)
    )
    assert recent.count() > 100
    assert list(recent.filter(successor_codes=[]).values_list("code", "name")) == []


def test_the_curated_successor_list_matches_the_data():
    """Each line of data/division_successors.csv names a real abolished unit and current successors."""
    assert build_gazetteer(with_shapes=False).warnings == []


def test_pseudo_prefectures_are_not_stored_as_cities():
    assert not Division.objects.filter(level=Level.CITY, name__in=["市辖区", "县", "直辖县"]).exists()
    qionghai = Division.objects.get(code="469002", valid_until=None)
    assert (qionghai.city_code, qionghai.city_name) == ("", "")


def test_county_less_cities_are_marked():
    codes = set(
        Division.objects.filter(level=Level.CITY, has_counties=False, valid_until=None).values_list(
            "code", flat=True
        )
    )
    assert {"441900", "442000", "460400", "620200"} <= codes
    assert "320100" not in codes
