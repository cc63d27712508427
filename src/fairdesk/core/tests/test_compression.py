"""Issue 16 item 18: pages are gzip-compressed when the browser asks, and static files are served (by
WhiteNoise, after collectstatic) under content-hashed names, pre-compressed, with a year of caching."""

from __future__ import annotations

import gzip
import re
import urllib.request

import pytest

pytestmark = pytest.mark.django_db


def test_a_page_is_gzip_encoded_when_asked(client):
    plain = client.get("/coverage/")
    packed = client.get("/coverage/", headers={"accept-encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert "<main" in html and len(packed.content) < len(plain.content) / 2


def get(url: str, encoding: str | None = None):
    headers = {"Accept-Encoding": encoding} if encoding else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - local test server
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
        return response.status, dict(response.headers), response.read()


def test_static_files_are_hashed_compressed_and_cached_for_a_year(production_site):
    status, _headers, raw = get(production_site.url + "/coverage/")
    assert status == 200
    html = raw.decode()
    _, zheaders, zipped = get(production_site.url + "/coverage/", "gzip")
    assert zheaders["Content-Encoding"] == "gzip" and len(zipped) < len(raw) / 2
    names = re.findall(r'(?:href|src)="(/static/fairdesk/[^"]+)"', html)
    hashed = {name for name in names if re.search(r"\.[0-9a-f]{12}\.", name)}
    assert {n.split("/")[-1].split(".")[0] for n in hashed} >= {"site", "htmx", "favicon"}, names
    assert hashed == set(names), "every static file is named by its content"
    sizes = {}
    for name in sorted(hashed):
        status, plain_headers, body = get(production_site.url + name)
        assert status == 200, name
        assert "max-age=31536000" in plain_headers["Cache-Control"], (name, plain_headers)
        assert "immutable" in plain_headers["Cache-Control"], (name, plain_headers)
        _, br_headers, br_body = get(production_site.url + name, "br")
        _, gz_headers, gz_body = get(production_site.url + name, "gzip")
        if len(body) > 1000:
            assert br_headers.get("Content-Encoding") == "br", name
            assert gz_headers.get("Content-Encoding") == "gzip", name
            assert len(br_body) < len(body) / 2, name
        sizes[name] = (len(body), len(gz_body), len(br_body))
    # The old name, unhashed, is not what pages use; htmx (52 KB) travels as about 15 KB.
    htmx = next(v for k, v in sizes.items() if "/htmx." in k)
    assert htmx[0] > 50_000 and htmx[2] < 20_000, sizes
    print("page", len(raw), "gzip", len(zipped), "static", sizes)  # figures for the report (-s)
