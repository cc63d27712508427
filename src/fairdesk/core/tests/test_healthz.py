"""GET /healthz: public, a few reads, never a write; 200 when healthy, 503 when the database is unreachable or
background work lags behind its configured limits."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fairdesk.core import clock
from fairdesk.core.models import TaskChain
from fairdesk.notify.services import message_schedule

pytestmark = pytest.mark.django_db


def beat(age_seconds: float = 0) -> None:
    TaskChain.objects.create(
        name="notify:0", generation=1, beat_at=timezone.now() - dt.timedelta(seconds=age_seconds)
    )


def test_healthy_is_200_with_every_figure(client):
    beat(age_seconds=2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert 1.5 <= body["worker_heartbeat_age_seconds"] < 10
    assert body["oldest_due_message_age_seconds"] is None
    assert response["Cache-Control"] == "no-store"
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    assert statements and set(statements) <= {"SELECT"}, statements  # never writes
    assert len(statements) <= 5


def test_no_worker_ever_is_degraded(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["worker_heartbeat_age_seconds"] is None


def test_a_silent_worker_is_503_after_the_configured_limit(client, settings):
    settings.FAIRDESK_HEALTH_MAX_HEARTBEAT_SECONDS = 60
    beat(age_seconds=59)
    assert client.get("/healthz").status_code == 200
    TaskChain.objects.update(beat_at=timezone.now() - dt.timedelta(seconds=61))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["late"] == ["worker_heartbeat_age_seconds"]


def test_a_message_waiting_too_long_is_503(client, settings):
    settings.FAIRDESK_HEALTH_MAX_DUE_SECONDS = 120
    beat()
    now = clock.now()
    message_schedule(channel="sms", recipient="+8613800000001", kind="t", body="x", due_at=now, urgent=True)
    message_schedule(
        channel="sms", recipient="+8613800000001", kind="t", body="later", due_at=now + dt.timedelta(hours=1)
    )
    assert client.get("/healthz").status_code == 200
    with clock.frozen_at(now + dt.timedelta(seconds=121)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert 120 < response.json()["oldest_due_message_age_seconds"] < 130
    assert response.json()["late"] == ["oldest_due_message_age_seconds"]


def test_an_unreachable_database_is_down(client, monkeypatch):
    beat()

    class Unreachable:
        def __enter__(self):
            raise DatabaseError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr("fairdesk.core.health.connection.cursor", lambda: Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "down",
        "database": "unreachable",
        "worker_heartbeat_age_seconds": None,
        "oldest_due_message_age_seconds": None,
    }


def test_only_reads_are_allowed(client):
    assert client.post("/healthz").status_code == 405


def test_a_real_unreachable_database_is_503_down_not_an_error():
    """A process whose PostgreSQL does not answer (nothing listens on the port): /healthz says so."""
    import json
    import os
    import subprocess
    import sys

    from fairdesk.testing.liveserver import REPO, free_port

    probe = (
        "import json; from django.test import Client; r = Client().get('/healthz'); "
        "print(json.dumps({'status': r.status_code, 'body': r.json()}))"
    )
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{free_port()}/nowhere",
        "DEBUG": "true",
        "ALLOWED_HOSTS": "testserver",
        "DJANGO_SETTINGS_MODULE": "fairdesk.settings",
    }
    out = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), "shell", "-c", probe],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    assert answer["body"]["status"] == "down" and answer["body"]["database"] == "unreachable"
