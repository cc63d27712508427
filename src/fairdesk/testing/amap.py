"""A local stand-in for AMap's Web Service (geocoding and distance matrix), answering as the real API
does, for tests and the demo.

    python -m fairdesk.testing.amap --port 9200 [--key test-key]

GET /v3/geocode/geo?key=&address= → {"status": "1", "count": "1", "geocodes": [{"location": "lng,lat",
    "level", "formatted_address", "adcode", ...}]} with GCJ-02 points, for the addresses in KNOWN (matched by
    their distinctive part); others → count 0. A wrong key → {"status": "0", "info": "INVALID_USER_KEY"}.
GET /v3/distance?key=&origins=lng,lat|lng,lat&destination=lng,lat&type=1 → {"status": "1", "results":
    [{"origin_id", "dest_id", "distance" (m), "duration" (s)}]}: road distance 1.4 × straight line at 30 km/h
    plus two minutes, so travel between towns takes real time.
GET /tiles/{z}/{x}/{y}.png → a 256×256 PNG (a map tile for Leaflet). GET /stats → request counts.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from fairdesk.testing.threaded import ThreadedServer

# (distinctive part of the address, GCJ-02 "lng,lat", AMap level, formatted address); the three addresses of
# issue 15 in 泰州市姜堰区, about 20 km apart, plus the district's own name.
KNOWN = [
    ("三水街道人民路8号", "120.158213,32.522431", "门牌号", "江苏省泰州市姜堰区三水街道人民路8号"),
    ("溱潼镇湖南路5号", "120.085176,32.671950", "门牌号", "江苏省泰州市姜堰区溱潼镇湖南路5号"),
    ("罗塘街道东大街20号", "120.131642,32.505127", "门牌号", "江苏省泰州市姜堰区罗塘街道东大街20号"),
    ("溱潼镇", "120.083512,32.668010", "乡镇", "江苏省泰州市姜堰区溱潼镇"),
]


def _haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def _png(rgb=(0xE8, 0xEC, 0xE4)) -> bytes:
    width = height = 256
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


TILE = _png()


class AmapState:
    def __init__(self, *, key: str) -> None:
        self.key = key
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {"geocode": 0, "distance": 0, "tiles": 0}
        self.down = False  # answer 503 to everything (a provider outage)

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1


def _geocode(address: str) -> dict:
    for part, location, level, formatted in KNOWN:
        if part in address:
            return {
                "status": "1",
                "info": "OK",
                "infocode": "10000",
                "count": "1",
                "geocodes": [
                    {
                        "formatted_address": formatted,
                        "country": "中国",
                        "province": "江苏省",
                        "city": "泰州市",
                        "citycode": "0523",
                        "district": "姜堰区",
                        "adcode": "321204",
                        "location": location,
                        "level": level,
                    }
                ],
            }
    return {"status": "1", "info": "OK", "infocode": "10000", "count": "0", "geocodes": []}


def _distance(origins: str, destination: str) -> dict:
    dlng, dlat = (float(v) for v in destination.split(","))
    results = []
    for n, origin in enumerate(origins.split("|"), 1):
        olng, olat = (float(v) for v in origin.split(","))
        metres = _haversine_m(olng, olat, dlng, dlat) * 1.4
        seconds = 120 + metres / (30_000 / 3600)
        results.append(
            {
                "origin_id": str(n),
                "dest_id": "1",
                "distance": str(round(metres)),
                "duration": str(round(seconds)),
            }
        )
    return {"status": "1", "info": "OK", "infocode": "10000", "count": str(len(results)), "results": results}


def make_handler(state: AmapState):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args):  # quiet
            pass

        def _send(self, status: int, data: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(data)

        def _json(self, status: int, payload) -> None:
            self._send(
                status, json.dumps(payload, ensure_ascii=False).encode(), "application/json;charset=UTF-8"
            )

        def do_GET(self):
            url = urlparse(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == "/stats":
                with state.lock:
                    return self._json(200, dict(state.counts))
            if url.path.startswith("/tiles/") and url.path.endswith(".png"):
                state.count("tiles")
                return self._send(200, TILE, "image/png")
            if state.down:
                return self._json(503, {"error": "down"})
            if url.path in {"/v3/geocode/geo", "/v3/distance"} and query.get("key") != state.key:
                return self._json(200, {"status": "0", "info": "INVALID_USER_KEY", "infocode": "10001"})
            if url.path == "/v3/geocode/geo":
                state.count("geocode")
                if not query.get("address"):
                    return self._json(200, {"status": "0", "info": "INVALID_PARAMS", "infocode": "20000"})
                return self._json(200, _geocode(query["address"]))
            if url.path == "/v3/distance":
                state.count("distance")
                try:
                    return self._json(200, _distance(query.get("origins", ""), query.get("destination", "")))
                except ValueError:
                    return self._json(200, {"status": "0", "info": "INVALID_PARAMS", "infocode": "20000"})
            return self._json(404, {"error": "not found"})

    return Handler


class LocalAmap(ThreadedServer):
    """`with LocalAmap(key="k") as amap: amap.base ...` (set FAIRDESK_AMAP_URL to amap.base)."""

    def __init__(self, *, key: str = "test-key", port: int = 0) -> None:
        self.state = AmapState(key=key)
        self._serve(make_handler(self.state), port=port)

    @property
    def tile_url(self) -> str:
        return self.base + "/tiles/{z}/{x}/{y}.png"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9200)
    parser.add_argument("--key", default="test-key")
    args = parser.parse_args()
    amap = LocalAmap(key=args.key, port=args.port)
    print(f"local AMap on {amap.base}", flush=True)
    amap.server.serve_forever()


if __name__ == "__main__":
    main()
