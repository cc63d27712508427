"""zh-Hans by default, English on request; the switch remembers the choice."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_chinese_is_the_default(client):
    page = client.get("/").content.decode()
    assert 'lang="zh-Hans"' in page and "查询服务区域" in page


def test_the_browser_language_is_honoured(client):
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="en"' in page and "Check coverage" in page


def test_the_switch_sets_a_cookie_and_returns_to_the_page(client):
    response = client.post("/language/", {"language": "en", "next": "/coverage/"})
    assert response.status_code == 302 and response["Location"] == "/coverage/"
    assert response.cookies["fairdesk_language"].value == "en"
    assert "Is your address covered?" in client.get("/coverage/").content.decode()


def test_the_switch_does_not_redirect_off_site(client):
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_the_english_catalog_is_complete():
    po = (Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po").read_text(
        "utf-8"
    )
    entries = po.split("\n\n")[1:]
    untranslated = [entry for entry in entries if entry.rstrip().endswith('msgstr ""') or "#, fuzzy" in entry]
    assert untranslated == []
