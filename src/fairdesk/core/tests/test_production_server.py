"""The Procfile's `web` line (gunicorn with deploy/gunicorn.conf.py) serves fairdesk with the documented
production environment: plain HTTP is redirected to HTTPS except the health probe, the proxy's
X-Forwarded-Proto is trusted, unknown hosts are refused, and pages carry HSTS, the CSP and secure cookies."""

from __future__ import annotations

import http.client
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from fairdesk.core.tests.test_production_settings import documented_env
from fairdesk.testing.liveserver import REPO, free_port, fresh_database_url

pytestmark = pytest.mark.browser  # a real server process: runs with the browser tests in `make test`
HOST = "fairdesk.example.com"


def procfile() -> dict[str, str]:
    lines = (REPO / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def get(port: int, path: str, headers: dict[str, str]) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.body = response.read()
    conn.close()
    return response


def test_the_procfile_web_process_serves_production_settings():
    processes = procfile()
    assert set(processes) == {"web", "live", "worker", "slowworker", "release"}
    command = shlex.split(processes["web"])
    assert command[0] == "gunicorn"
    with fresh_database_url() as database_url, tempfile.TemporaryDirectory() as static_root:
        port = free_port()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("FAIRDESK_", "SECURE_"))},
            **documented_env(),
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
            "FAIRDESK_TASKS_BACKEND": "database",
            "FAIRDESK_SMS_BACKEND": "console",
            "PORT": str(port),
            "WEB_WORKERS": "2",
            "STATIC_ROOT": static_root,
        }
        # The Procfile's release step: migrate, then collect the hashed static files the pages name.
        for step in (["migrate", "-v0"], ["collectstatic", "--noinput", "-v0"]):
            subprocess.run([sys.executable, str(REPO / "manage.py"), *step], env=env, check=True, timeout=300)
        log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *command[1:]],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, log.seek(0) or log.read()
                try:
                    health = get(port, "/healthz", {"Host": HOST})
                    break
                except OSError:
                    assert time.monotonic() < deadline, "gunicorn did not come up"
                    time.sleep(0.3)
            # The probe answers over plain HTTP (200, or 503 while no worker beats; never a redirect).
            assert health.status in (200, 503)
            assert "status" in json.loads(health.body)

            plain = get(port, "/coverage/", {"Host": HOST})
            assert plain.status == 301
            assert plain.getheader("Location") == f"https://{HOST}/coverage/"

            page = get(port, "/coverage/", {"Host": HOST, "X-Forwarded-Proto": "https"})
            assert page.status == 200, page.body[:500]
            hsts = page.getheader("Strict-Transport-Security")
            assert hsts == "max-age=31536000; includeSubDomains; preload"
            assert "script-src 'self'" in page.getheader("Content-Security-Policy")
            assert page.getheader("X-Frame-Options") == "DENY"
            cookies = page.headers.get_all("Set-Cookie") or []
            assert cookies and all("Secure" in cookie for cookie in cookies), cookies

            stranger = get(port, "/coverage/", {"Host": "evil.example", "X-Forwarded-Proto": "https"})
            assert stranger.status == 400
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # graceful: gunicorn lets running requests finish
            try:
                returncode = server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                raise
            log.seek(0)
            output = log.read()
            log.close()
        assert returncode == 0, output
        assert "Using worker: gthread" in output
        assert output.count("Booting worker with pid") >= 2
