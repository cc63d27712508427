"""A local payment service for the demo and the tests: charges and refunds over HTTP JSON, idempotent by key,
refunds bounded by what was charged. Token `tok_declined` is refused (402).

Idempotency as real providers do it: the same key with the same body replays the first answer; the same key
with a different body is refused (409 `idempotency_key_reused`), never answered with someone else's charge.

Reading back (what reconciliation needs; real providers have "retrieve by idempotency key" and "list"):
    GET /v1/charges?key=K              {"data": [charge]} or {"data": []}
    GET /v1/charges?starting_after=ID&limit=N   {"data": [...], "has_more": bool}  (oldest first)
    GET /v1/refunds?key=K, GET /v1/refunds?...  the same for refunds
    GET /v1/summary                    the totals (what the ledger must agree with)

    python -m fairdesk.testing.payment_sandbox --port 8790
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from fairdesk.testing.threaded import ThreadedServer

MAX_PAGE = 1000


def _fingerprint(body: dict) -> str:
    """What makes two requests "the same": the body without the key itself."""
    rest = {k: v for k, v in body.items() if k != "idempotency_key"}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[tuple[str, str], tuple[str, tuple[int, dict]]] = {}
        self.ids = itertools.count(1)
        self.requests = 0
        self.delay_seconds = 0.0  # tests: answer charges this late (the caller waits, holding its locks)
        self.delayed = 0  # charge requests that have arrived and are being held back

    def totals(self) -> dict:
        """The sandbox's own books: what it charged and refunded."""
        with self.lock:
            return {
                "charged_fen": sum(c["amount_fen"] for c in self.charges.values()),
                "refunded_fen": sum(r["amount_fen"] for r in self.refunds.values()),
                "charges": len(self.charges),
                "refunds": len(self.refunds),
                "requests": self.requests,
            }

    def _now(self) -> str:
        return dt.datetime.now(dt.UTC).isoformat()

    def charge(self, body: dict, key: str) -> tuple[int, dict]:
        amount = body.get("amount_fen")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            return 400, {"status": "failed", "message": "amount_fen must be a positive integer"}
        if body.get("token") == "tok_declined":
            return 402, {"status": "failed", "message": "card declined"}
        charge = {
            "id": f"ch_{next(self.ids)}",
            "key": key,
            "amount_fen": amount,
            "refunded_fen": 0,
            "currency": body.get("currency") or "CNY",
            "metadata": body.get("metadata") if isinstance(body.get("metadata"), dict) else {},
            "status": "succeeded",
            "created": self._now(),
        }
        self.charges[charge["id"]] = charge
        return 201, dict(charge)

    def refund(self, body: dict, key: str) -> tuple[int, dict]:
        charge = self.charges.get(str(body.get("charge")))
        amount = body.get("amount_fen")
        if charge is None:
            return 404, {"status": "failed", "message": "no such charge"}
        if (
            not isinstance(amount, int)
            or isinstance(amount, bool)
            or amount <= 0
            or charge["refunded_fen"] + amount > charge["amount_fen"]
        ):
            return 400, {"status": "failed", "message": "refund exceeds the charge"}
        charge["refunded_fen"] += amount
        refund = {
            "id": f"re_{next(self.ids)}",
            "key": key,
            "charge": charge["id"],
            "amount_fen": amount,
            "status": "succeeded",
            "created": self._now(),
        }
        self.refunds[refund["id"]] = refund
        return 201, dict(refund)

    def listing(self, kind: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        records = self.charges if kind == "charges" else self.refunds
        with self.lock:
            if "key" in query:
                wanted = set(query["key"])
                found = [dict(r) for r in records.values() if r["key"] in wanted]
                return 200, {"data": found, "has_more": False}
            try:
                limit = min(max(int((query.get("limit") or ["100"])[0]), 1), MAX_PAGE)
            except ValueError:
                return 400, {"message": "limit must be an integer"}
            after = (query.get("starting_after") or [""])[0]
            rows = list(records.values())  # insertion order: oldest first
            if after:
                ids = [r["id"] for r in rows]
                rows = rows[ids.index(after) + 1 :] if after in ids else []
            page = rows[:limit]
            return 200, {"data": [dict(r) for r in page], "has_more": len(rows) > limit}


def make_handler(state: SandboxState):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def setup(self) -> None:
            super().setup()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, *args) -> None:  # quiet
            return

        def _send(self, status: int, data: dict) -> None:
            raw = json.dumps(data).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/v1/summary":
                return self._send(200, state.totals())
            if url.path in ("/v1/charges", "/v1/refunds"):
                return self._send(*state.listing(url.path.rsplit("/", 1)[1], parse_qs(url.query)))
            self._send(404, {"message": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._send(400, {"status": "failed", "message": "invalid JSON"})
            if not isinstance(body, dict):
                return self._send(400, {"status": "failed", "message": "a JSON object is expected"})
            key = self.headers.get("Idempotency-Key") or body.get("idempotency_key") or ""
            if self.path not in ("/v1/charges", "/v1/refunds"):
                return self._send(404, {"message": "not found"})
            if self.path == "/v1/charges" and state.delay_seconds:
                with state.lock:
                    state.delayed += 1
                time.sleep(state.delay_seconds)
            fingerprint = _fingerprint(body)
            with state.lock:
                state.requests += 1
                if key and (self.path, key) in state.by_key:
                    first, answer = state.by_key[(self.path, key)]
                    if first != fingerprint:
                        return self._send(
                            409,
                            {
                                "status": "failed",
                                "code": "idempotency_key_reused",
                                "message": "this Idempotency-Key was used with a different request",
                            },
                        )
                    return self._send(*answer)
                make = state.charge if self.path == "/v1/charges" else state.refund
                result = make(body, key)
                if key and result[0] < 500:
                    state.by_key[(self.path, key)] = (fingerprint, result)
            self._send(*result)

    return Handler


class PaymentSandbox(ThreadedServer):
    """Start in a thread: `with PaymentSandbox() as sandbox: sandbox.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = SandboxState()
        self._serve(make_handler(self.state), host=host, port=port)

    @property
    def url(self) -> str:
        return self.base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    sandbox = PaymentSandbox(host=args.host, port=args.port)
    print(f"payment sandbox on {sandbox.url}", flush=True)
    sandbox.server.serve_forever()


if __name__ == "__main__":
    main()
