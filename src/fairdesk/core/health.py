"""Health of the running system for `GET /healthz`: the database, the background chains' heartbeat, and ages
that apps register (notify: the oldest due message). A few cheap reads; never writes.

Each registered check returns an age in seconds (or None when there is nothing to measure) and has a limit;
an age above its limit makes the status `degraded`. An unreachable database is `down`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, connection

from fairdesk.core import chains


@dataclass(frozen=True)
class AgeCheck:
    measure: Callable[[], float | None]
    limit: Callable[[], int]


_checks: dict[str, AgeCheck] = {}


def register(key: str, measure: Callable[[], float | None], *, limit: Callable[[], int]) -> None:
    _checks[key] = AgeCheck(measure=measure, limit=limit)


def _all_checks() -> dict[str, AgeCheck]:
    return {
        "worker_heartbeat_age_seconds": AgeCheck(
            measure=chains.heartbeat_age_seconds,
            limit=lambda: chains.setting_int("FAIRDESK_HEALTH_MAX_HEARTBEAT_SECONDS", 60),
        ),
        **_checks,
    }


def report() -> dict:
    checks = _all_checks()
    out: dict = {"status": "ok", "database": "ok", **{key: None for key in checks}}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        for key, check in checks.items():
            out[key] = check.measure()
    except DatabaseError:
        return {**out, "status": "down", "database": "unreachable", **{key: None for key in checks}}
    late = [
        key
        for key, check in checks.items()
        # No heartbeat at all: no worker has ever run here.
        if (out[key] is None and key == "worker_heartbeat_age_seconds")
        or (out[key] is not None and out[key] > check.limit())
    ]
    if late:
        out["status"] = "degraded"
        out["late"] = late
    return out
