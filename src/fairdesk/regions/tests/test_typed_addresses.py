"""Addresses as people type them (regions.typed): filler words, functional areas read from their data file
(with sources), pinyin or English, and a message naming what was understood when nothing resolves."""

import pytest

from fairdesk.regions.models import Division
from fairdesk.regions.resolver import Unresolvable, resolve
from fairdesk.regions.typed import functional_areas

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "county"),
    [
        ("上海浦东", "浦东新区"),
        ("上海浦东张江路1号", "浦东新区"),
        ("苏州工业园区星湖街328号", "吴中区"),
        ("我在广州天河", "天河区"),
        ("我家住在广州天河体育西路", "天河区"),
        ("我在深圳南山附近", "南山区"),
        ("四川省成都高新区武侯区天府大道", "武侯区"),
        ("雄安新区雄县", "雄县"),
        ("雄安新区容城县白洋淀大道", "容城县"),
        ("深圳前海", "南山区"),
    ],
)
def test_typed_chinese_forms_resolve_to_the_division_they_lie_in(text, county):
    resolution = resolve(text)
    assert resolution.county == county and resolution.input == text


@pytest.mark.parametrize(
    ("text", "city", "county"),
    [
        ("shenzhen nanshan", "深圳市", "南山区"),
        ("Nanshan District, Shenzhen", "深圳市", "南山区"),
        ("guangzhou tianhe", "广州市", "天河区"),
        ("Tianhe District Guangzhou City", "广州市", "天河区"),
    ],
)
def test_pinyin_and_english_resolve(text, city, county):
    resolution = resolve(text)
    assert (resolution.city, resolution.county) == (city, county)


def test_an_area_over_several_counties_asks_which_naming_them():
    with pytest.raises(Unresolvable) as caught:
        resolve("雄安新区")
    message = str(caught.value.message)
    assert "雄县" in message and "容城县" in message and "安新县" in message


def test_an_unresolvable_text_names_what_was_understood():
    with pytest.raises(Unresolvable) as caught:
        resolve("人民路8号天河区")
    assert "天河区" in str(caught.value.message) and "认出" in str(caught.value.message)
    with pytest.raises(Unresolvable) as caught:
        resolve("xyzzy plugh")
    assert "shenzhen nanshan" in str(caught.value.message)


def test_every_functional_area_names_current_divisions_and_a_source():
    areas = functional_areas()
    assert len(areas) >= 15
    for area in areas:
        assert area.aliases and area.note and area.source
        for code in area.divisions:
            assert Division.objects.filter(code=code, valid_until=None).exists(), (area.aliases[0], code)
