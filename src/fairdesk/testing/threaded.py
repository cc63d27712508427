"""A local HTTP server in a background thread, for the stand-ins of outside services (SMS, payments)."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer


class ThreadedServer:
    """`with Subclass(...) as server: server.base ...`; subclasses set `self.server` before `__enter__`."""

    server: ThreadingHTTPServer

    def _serve(self, handler, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = ThreadingHTTPServer((host, port), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
