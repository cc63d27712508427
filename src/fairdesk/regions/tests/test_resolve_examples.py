"""The address forms customers and partner lists actually use, each resolving without per-name rules."""

import pytest

from fairdesk.regions.resolver import Unresolvable, resolve

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "adcode", "province", "city", "county"),
    [
        ("泰州市姜堰区", "321204", "江苏省", "泰州市", "姜堰区"),
        ("湘西州凤凰县", "433123", "湖南省", "湘西土家族苗族自治州", "凤凰县"),
        ("黔南平塘县", "522727", "贵州省", "黔南布依族苗族自治州", "平塘县"),
        ("凉山越西县", "513434", "四川省", "凉山彝族自治州", "越西县"),
        ("内蒙古乌兰察布市卓资县", "150921", "内蒙古自治区", "乌兰察布市", "卓资县"),
        ("广西钦州市钦北区", "450703", "广西壮族自治区", "钦州市", "钦北区"),
        ("上海市崇明区", "310151", "上海市", "上海市", "崇明区"),
        ("汉中市勉县", "610725", "陕西省", "汉中市", "勉县"),
    ],
)
def test_full_and_short_forms(text, adcode, province, city, county):
    result = resolve(text)
    assert (result.adcode, result.level, result.province, result.city, result.county) == (
        adcode,
        "county",
        province,
        city,
        county,
    )
    assert result.abolished is False
    assert result.town is None and result.street is None


def test_a_prefecture_named_like_a_province_is_found_by_its_county():
    result = resolve("海南同德县")
    assert result.adcode == "632522"
    assert result.province == "青海省"
    assert result.city == "海南藏族自治州"


@pytest.mark.parametrize(
    ("text", "adcode", "town"),
    [
        ("东莞市虎门镇", "441900", "虎门镇"),
        ("中山市石岐街道", "442000", "石岐街道"),
        ("儋州市南丰镇", "460400", "南丰镇"),
        ("嘉峪关市峪泉镇", "620200", "峪泉镇"),
    ],
)
def test_towns_in_cities_without_counties_resolve_to_the_city(text, adcode, town):
    result = resolve(text)
    assert (result.adcode, result.level, result.county, result.town) == (adcode, "city", None, town)


@pytest.mark.parametrize(
    ("text", "adcode", "town"),
    [
        ("琼海市长坡镇", "469002", "长坡镇"),
        ("五指山市毛阳", "469001", "毛阳"),
        ("东方市天安乡", "469007", "天安乡"),
    ],
)
def test_towns_under_county_level_units_keep_the_town(text, adcode, town):
    result = resolve(text)
    assert (result.adcode, result.level, result.town, result.city) == (adcode, "county", town, None)


def test_an_abolished_district_keeps_its_code_and_names_its_successor():
    result = resolve("南昌市湾里区")
    assert result.adcode == "360105"
    assert result.abolished is True
    assert result.successors == ["360112"]  # 新建区


def test_a_renamed_county_points_at_the_current_unit():
    result = resolve("宜宾市宜宾县")
    assert result.abolished is True
    assert result.successors == ["511504"]  # 叙州区


def test_a_full_street_address_keeps_the_street_part():
    result = resolve("江苏省南京市建邺区江东中路108号3栋")
    assert (result.adcode, result.county, result.town) == ("320105", "建邺区", None)
    assert result.street == "江东中路108号3栋"


def test_spaces_full_width_digits_and_a_country_prefix_are_tolerated():
    result = resolve("中国 江苏省 南京市 建邺区 江东中路１０８号")
    assert result.adcode == "320105"
    assert result.street == "江东中路108号"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("朝阳区", "北京市朝阳区"),  # two current districts share the name
        ("南京市", "范围太大"),  # a city with districts needs the district
        ("江苏省", "范围太大"),
        ("hello", "hello"),
        ("", "请输入地址"),
        ("路" * 300, "太长"),
    ],
)
def test_what_cannot_be_resolved_says_why(text, needle):
    with pytest.raises(Unresolvable) as caught:
        resolve(text)
    assert needle in str(caught.value.message)


def test_errors_are_translated_to_english():
    from django.utils import translation

    with translation.override("en"), pytest.raises(Unresolvable) as caught:
        resolve("南京市")
    assert "too broad" in str(caught.value.message)
