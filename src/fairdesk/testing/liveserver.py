"""A real fairdesk server in a subprocess, on its own fresh database, for browser tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    url: str
    env: dict[str, str]

    log: object = None  # the server's combined output (a temp file)
    live_url: str = ""  # the live channel's WebSocket (`live=True`), e.g. ws://127.0.0.1:1234/ws/live/

    def log_tail(self, lines: int = 40) -> str:
        self.log.seek(0)
        return "".join(self.log.readlines()[-lines:])

    def manage(self, *args: str, input_text: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, str(REPO / "manage.py"), *args],
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            check=True,
        )


@contextlib.contextmanager
def fresh_database_url() -> Iterator[str]:
    """A new empty database: a temp SQLite file, or a new PostgreSQL database if DATABASE_URL is one."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        name = f"fairdesk_live_{uuid.uuid4().hex[:10]}"
        admin_url = base.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        try:
            yield base.rsplit("/", 1)[0] + "/" + name
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        with tempfile.TemporaryDirectory(prefix="fairdesk-live-") as tmp:
            yield f"sqlite:///{tmp}/live.sqlite3"


@contextlib.contextmanager
def live_server(
    *,
    demo: bool = True,
    extra_env: dict[str, str] | None = None,
    production: bool = False,
    live: bool = False,
) -> Iterator[LiveServer]:
    """`production`: gunicorn (threaded workers, DEBUG off) instead of the development server.

    `live`: the live channel's WebSocket is served too (`server.live_url`). Without `production`, `manage.py
    serve` runs uvicorn on fairdesk.asgi (HTTP and WebSocket in one process, the in-memory channel layer)
    instead of runserver. With `production`, gunicorn serves HTTP as above and a separate `live` process
    (deploy/live.sh, uvicorn) the WebSocket, both on the channel layer in Redis (FAIRDESK_CHANNEL_LAYER_URL,
    default 127.0.0.1:6379, under a prefix of this server's own so parallel runs never cross), and pages
    connect to it through FAIRDESK_LIVE_URL (another origin: the CSP's connect-src names it)."""
    with fresh_database_url() as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        # Map tiles never come from outside in a test: same-origin paths (404) unless a test serves them.
        env.setdefault("FAIRDESK_TILE_URL", "/tiles-not-served/{z}/{x}/{y}.png")
        port = free_port()
        server = LiveServer(url=f"http://127.0.0.1:{port}", env=env)
        live_port = free_port() if live and production else port
        if live:
            server.live_url = f"ws://127.0.0.1:{live_port}/ws/live/"
        if live and production:
            env.setdefault("FAIRDESK_CHANNEL_LAYER_URL", "redis://127.0.0.1:6379/0")
            env["FAIRDESK_CHANNEL_LAYER_PREFIX"] = f"fdtest{uuid.uuid4().hex[:12]}"
            env["FAIRDESK_LIVE_URL"] = server.live_url
        server.manage("migrate", "--noinput", "-v0")
        if demo:
            server.manage("load_demo", "-v0")
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - outlives this block, closed below
        if production:
            env.update(
                DEBUG="false",
                SECURE_SSL_REDIRECT="false",
                SECURE_COOKIES="false",
                SECRET_KEY=env.get("SECRET_KEY") or "live-server-secret-key-for-the-deploy-check-0123456789",
                ALLOWED_HOSTS="127.0.0.1,localhost",
                # As the Procfile's release line: hashed, compressed static files (WhiteNoise serves them).
                STATIC_ROOT=env.get("STATIC_ROOT") or tempfile.mkdtemp(prefix="fairdesk-static-"),
            )
            server.manage("collectstatic", "--noinput", "-v0")
            command = [
                sys.executable,
                "-m",
                "gunicorn",
                "fairdesk.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                env.get("WEB_WORKERS", "2"),
                "--threads",
                env.get("WEB_THREADS", "8"),
                "--worker-class",
                "gthread",
                "--backlog",
                "2048",
                "--chdir",
                str(REPO / "src"),
                "--log-level",
                "warning",
            ]
        else:
            command = [
                sys.executable,
                str(REPO / "manage.py"),
                "serve",
                "--no-sandbox",
                "--server",
                "uvicorn" if live else "runserver",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ]
        commands = [(command, env)]
        if live and production:  # the Procfile's `live` line
            live_env = {
                **env,
                "PYTHON": sys.executable,
                "LIVE_BIND": f"127.0.0.1:{live_port}",
                "LOG_LEVEL": "WARNING",
            }
            commands.append((["sh", str(REPO / "deploy" / "live.sh")], live_env))
        processes = []
        server.log = log
        try:
            for argv, process_env in commands:
                processes.append(
                    subprocess.Popen(  # noqa: S603
                        argv,
                        env=process_env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )
            _wait_until_up(server.url + "/api/v1/service-types", processes[0], log)
            if len(processes) > 1:  # the live process serves HTTP too (only /ws/ is routed to it)
                _wait_until_up(f"http://127.0.0.1:{live_port}/healthz", processes[1], log, ok=(200, 503))
            yield server
        finally:
            # Each server runs in its own session: stop the whole group (web server and task worker).
            for process in processes:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
            log.close()


def _wait_until_up(url: str, process: subprocess.Popen, log, ok: tuple[int, ...] = (200,)) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
                if response.status in ok:
                    return
        except urllib.error.HTTPError as error:
            if error.code in ok:
                return
            time.sleep(0.3)
        except OSError:
            time.sleep(0.3)
    log.seek(0)
    raise RuntimeError(f"server did not come up at {url}:\n{log.read()}")
