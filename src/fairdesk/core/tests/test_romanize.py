"""Issue 16 item 10: in English, names from the data read in English (pinyin with the kind of place
translated); in Chinese they are shown as stored."""

import pytest
from django.utils import translation

from fairdesk.core.romanize import division_name, person, place

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name,english",
    [
        ("南京服务站", "Nanjing Service Station"),
        ("姜堰区", "Jiangyan District"),
        ("西安市", "Xi'an City"),
        ("重庆市", "Chongqing City"),
        ("长沙市", "Changsha City"),
        ("广西壮族自治区", "Guangxi Zhuang Autonomous Region"),
        ("江东中路108号", "Jiangdongzhonglu108Hao"),
    ],
)
def test_places_in_english_and_as_stored_in_chinese(name, english):
    with translation.override("en"):
        assert place(name) == english
    with translation.override("zh-hans"):
        assert place(name) == name


def test_people_and_divisions():
    from fairdesk.regions.models import Division

    jiangyan = Division.objects.get(code="321204", valid_until=None)
    with translation.override("en"):
        assert person("赵师傅") == "Technician Zhao"
        assert division_name(jiangyan) == "Jiangyan District, Taizhou City, Jiangsu Province"
    with translation.override("zh-hans"):
        assert person("赵师傅") == "赵师傅" and division_name(jiangyan) == "江苏省泰州市姜堰区"


def test_the_pages_show_english_names(client):
    from fairdesk.bookings.tests.test_user_text_in_links import network  # noqa: F401

    page = client.get(
        "/coverage/", {"address": "江苏省泰州市姜堰区人民路1号"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Jiangyan District, Taizhou City, Jiangsu Province" in page
    assert "姜堰区" not in page.split('data-testid="division"')[1].split("</dd>")[0]
