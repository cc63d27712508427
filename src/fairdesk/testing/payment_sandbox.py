"""A local payment service for the demo and the tests: charges and refunds over HTTP JSON, idempotent by key,
refunds bounded by what was charged. Token `tok_declined` is refused (402). `GET /v1/summary` gives the
totals (what the ledger must agree with).

    python -m fairdesk.testing.payment_sandbox --port 8790
"""

from __future__ import annotations

import argparse
import itertools
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler

from fairdesk.testing.threaded import ThreadedServer


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.charges: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.by_key: dict[str, tuple[int, dict]] = {}
        self.ids = itertools.count(1)
        self.requests = 0

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

    def charge(self, body: dict) -> tuple[int, dict]:
        amount = body.get("amount_fen")
        if not isinstance(amount, int) or amount <= 0:
            return 400, {"status": "failed", "message": "amount_fen must be a positive integer"}
        if body.get("token") == "tok_declined":
            return 402, {"status": "failed", "message": "card declined"}
        charge = {
            "id": f"ch_{next(self.ids)}",
            "amount_fen": amount,
            "refunded_fen": 0,
            "status": "succeeded",
        }
        self.charges[charge["id"]] = charge
        return 201, dict(charge)

    def refund(self, body: dict) -> tuple[int, dict]:
        charge = self.charges.get(str(body.get("charge")))
        amount = body.get("amount_fen")
        if charge is None:
            return 404, {"status": "failed", "message": "no such charge"}
        if (
            not isinstance(amount, int)
            or amount <= 0
            or charge["refunded_fen"] + amount > charge["amount_fen"]
        ):
            return 400, {"status": "failed", "message": "refund exceeds the charge"}
        charge["refunded_fen"] += amount
        refund = {
            "id": f"re_{next(self.ids)}",
            "charge": charge["id"],
            "amount_fen": amount,
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 201, dict(refund)


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
            if self.path == "/v1/summary":
                return self._send(200, state.totals())
            self._send(404, {"message": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._send(400, {"status": "failed", "message": "invalid JSON"})
            key = self.headers.get("Idempotency-Key") or body.get("idempotency_key") or ""
            with state.lock:
                state.requests += 1
                if key and (self.path, key) in state.by_key:
                    return self._send(*state.by_key[(self.path, key)])
                if self.path == "/v1/charges":
                    result = state.charge(body)
                elif self.path == "/v1/refunds":
                    result = state.refund(body)
                else:
                    return self._send(404, {"message": "not found"})
                if key and result[0] < 500:
                    state.by_key[(self.path, key)] = result
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
