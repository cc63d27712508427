"""Serve the site and run the background worker beside it (what `make run` uses).

Children: the web server (uvicorn on fairdesk.asgi: HTTP and the live channel's WebSocket `/ws/live/` in one
process, so the in-memory channel layer reaches every socket; `--server runserver` for Django's development
server, HTTP only; no auto-reload either way), two `manage.py worker` processes (sending and the fast
scheduler lane; the slow lane, so that route planning's CPU never holds up a one-time code) and, when
payments point at a free local port, the payment sandbox. A child that exits is started again (with a line
saying so), not the end of all.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand


def _sandbox_is_local() -> bool:
    """Start the demo payment sandbox only when payments point at it and nothing listens there yet."""
    import socket
    import urllib.parse

    url = urllib.parse.urlparse(settings.FAIRDESK_PAYMENT_SANDBOX_URL)
    if url.hostname not in {"127.0.0.1", "localhost"} or not url.port:
        return False
    with socket.socket() as sock:
        return sock.connect_ex((url.hostname, url.port)) != 0


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started: float = 0.0
    restarts: int = 0
    next_start: float = field(default=0.0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 - our own manage.py / sandbox
        self.started = time.monotonic()


class Command(BaseCommand):
    help = "Run the development web server together with the background workers (restarted if they exit)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true")
        parser.add_argument(
            "--server",
            choices=["uvicorn", "runserver"],
            default="uvicorn",
            help="uvicorn (HTTP + WebSocket, default) or Django's runserver (HTTP only: pages poll instead)",
        )
        parser.add_argument(
            "--no-sandbox", action="store_true", help="do not start the local payment sandbox (port 8790)"
        )

    def handle(self, *args, **options):
        # SIGTERM (from a supervisor or a test) stops the children the same way Ctrl-C does.
        signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
        manage = [sys.executable, os.path.abspath(sys.argv[0])]
        if options["server"] == "uvicorn" and not settings.FAIRDESK_CHANNEL_LAYER_URL:
            # The in-memory channel layer lives in the web server: the workers hand it what they publish
            # over loopback HTTP with a secret of this run (core/live.py, relay_application).
            relay_host = "127.0.0.1" if options["host"] in {"0.0.0.0", "::", ""} else options["host"]  # noqa: S104
            os.environ["FAIRDESK_LIVE_RELAY"] = f"http://{relay_host}:{options['port']}"
            os.environ.setdefault("FAIRDESK_LIVE_RELAY_TOKEN", secrets.token_urlsafe(32))
        children = []
        if not options["no_worker"]:
            subprocess.run([*manage, "worker_start"], check=True)  # noqa: S603 - our own manage.py
            children.append(Child("worker", [*manage, "worker", "--queues", "default,periodic_fast"]))
            children.append(Child("worker (slow lane)", [*manage, "worker", "--queues", "periodic_slow"]))
        if not options["no_sandbox"] and _sandbox_is_local():
            port = settings.FAIRDESK_PAYMENT_SANDBOX_URL.rsplit(":", 1)[1].split("/")[0]
            children.append(
                Child(
                    "payment sandbox",
                    [sys.executable, "-m", "fairdesk.testing.payment_sandbox", "--port", port],
                )
            )
        children.append(Child("web server", self._web_command(manage, options)))
        for child in children:
            child.start()
        address = f"{options['host']}:{options['port']}"
        live = f", live channel ws://{address}/ws/live/" if options["server"] == "uvicorn" else ""
        self.stdout.write(f"serving http://{address}/{live} (Ctrl-C stops)")
        self.stdout.flush()
        try:
            while True:
                for child in children:
                    self._watch(child)
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            for child in children:
                if child.process and child.process.poll() is None:
                    child.process.send_signal(signal.SIGINT)
            for child in children:
                if child.process is None:
                    continue
                try:
                    child.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.process.kill()

    @staticmethod
    def _web_command(manage: list[str], options: dict) -> list[str]:
        if options["server"] == "runserver":
            return [*manage, "runserver", f"{options['host']}:{options['port']}", "--noreload"]
        # uvicorn serves static files through WhiteNoise (core/static.py; from the finders with DEBUG).
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "fairdesk.asgi:application",
            "--app-dir",
            str(settings.PACKAGE_DIR.parent),
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--lifespan",
            "off",  # Channels' router has no lifespan protocol
            "--ws-max-size",
            "65536",
            "--timeout-graceful-shutdown",
            "3",  # open sockets do not hold up Ctrl-C or a restart
        ]

    def _watch(self, child: Child) -> None:
        """Start a child again when it has exited; one that keeps dying at once waits longer (up to 30 s)."""
        now = time.monotonic()
        if child.process is not None:
            code = child.process.poll()
            if code is None:
                return
            pid, child.process = child.process.pid, None
            quick = now - child.started < 10
            delay = min(2**child.restarts, 30) if quick else 0.5
            child.restarts = child.restarts + 1 if quick else 0
            child.next_start = now + delay
            self.stderr.write(
                f"serve: {child.name} (pid {pid}) exited with code {code}; restarting in {delay:g} s"
            )
            self.stderr.flush()
            return
        if now >= child.next_start:
            child.start()
            self.stderr.write(f"serve: {child.name} restarted (pid {child.process.pid})")
            self.stderr.flush()
