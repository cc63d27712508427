"""A local SMS gateway that speaks fairdesk's generic webhook protocol, for tests, the demo and benchmarks.

    python -m fairdesk.testing.sms_gateway --port 9100 [--delay 0.05] [--fail-first 3]

POST /send  {"to", "body", "kind", "idempotency_key"} (+ header Idempotency-Key) → 200 {"id"}; a repeated key
is acknowledged again but not delivered twice (as a real gateway with idempotency does).
GET /messages[?to=+86...] → what was delivered; GET /stats → {"requests", "delivered", "duplicates"}.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from fairdesk.testing.threaded import ThreadedServer


class GatewayState:
    def __init__(self, *, delay: float = 0.0, fail_first: int = 0) -> None:
        self.lock = threading.Lock()
        self.delivered: dict[str, dict] = {}
        self.order: list[str] = []
        self.requests = 0
        self.duplicates = 0
        self.delay = delay
        self.fail_first = fail_first

    def stats(self) -> dict:
        with self.lock:
            return {
                "requests": self.requests,
                "delivered": len(self.delivered),
                "duplicates": self.duplicates,
            }

    def messages(self, to: str | None = None) -> list[dict]:
        with self.lock:
            items = [self.delivered[key] for key in self.order]
        return [m for m in items if to is None or m["to"] == to]


def make_handler(state: GatewayState):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body go in two writes: without this, 40 ms per request

        def log_message(self, *args):  # quiet
            pass

        def _json(self, status: int, payload) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            url = urlparse(self.path)
            if url.path == "/stats":
                return self._json(200, state.stats())
            if url.path == "/messages":
                to = parse_qs(url.query).get("to", [None])[0]
                return self._json(200, state.messages(to))
            return self._json(404, {"error": "not found"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            if urlparse(self.path).path != "/send":
                self.rfile.read(length)
                return self._json(404, {"error": "not found"})
            try:
                payload = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._json(400, {"error": "bad json"})
            key = self.headers.get("Idempotency-Key") or payload.get("idempotency_key")
            if not key or not payload.get("to") or not payload.get("body"):
                return self._json(400, {"error": "to, body and an idempotency key are required"})
            if state.delay:
                time.sleep(state.delay)
            with state.lock:
                state.requests += 1
                if state.fail_first > 0:
                    state.fail_first -= 1
                    failing = True
                else:
                    failing = False
                    if key in state.delivered:
                        state.duplicates += 1
                        gateway_id = state.delivered[key]["id"]
                    else:
                        gateway_id = uuid.uuid4().hex[:16]
                        state.delivered[key] = {**payload, "id": gateway_id, "key": key, "at": time.time()}
                        state.order.append(key)
            if failing:
                return self._json(503, {"error": "temporarily unavailable"})
            return self._json(200, {"id": gateway_id})

    return Handler


class LocalSmsGateway(ThreadedServer):
    """Run the gateway in a background thread: `with LocalSmsGateway() as gw: gw.url ...`."""

    def __init__(self, *, port: int = 0, delay: float = 0.0, fail_first: int = 0) -> None:
        self.state = GatewayState(delay=delay, fail_first=fail_first)
        self._serve(make_handler(self.state), port=port)

    @property
    def url(self) -> str:
        return self.base + "/send"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    gateway = LocalSmsGateway(port=args.port, delay=args.delay, fail_first=args.fail_first)
    print(f"local SMS gateway on {gateway.url}", flush=True)
    gateway.server.serve_forever()


if __name__ == "__main__":
    main()
