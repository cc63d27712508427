"""The one source of "now" for services and tasks.

Tests freeze it per thread (like Kill Bill's test clock) without touching the system time.
Times are always aware and in UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import zoneinfo
from collections.abc import Iterator

_state = threading.local()


def now() -> dt.datetime:
    frozen = getattr(_state, "frozen", None)
    if frozen is not None:
        return frozen
    real = dt.datetime.now(dt.UTC)
    offset = _test_clock_offset()
    return real + offset if offset else real


_offset_cache: dict[str, object] = {"value": None, "read": 0.0}
TEST_CLOCK_TTL = 1.0  # seconds: every web and worker process sees a move within a second


def _test_clock_offset() -> dt.timedelta | None:
    """The demo's persisted test clock (FAIRDESK_TEST_CLOCK=true only), shared by all processes."""
    import time

    from django.conf import settings

    if not getattr(settings, "FAIRDESK_TEST_CLOCK", False):
        return None
    if time.monotonic() - _offset_cache["read"] > TEST_CLOCK_TTL:
        from django.db import connection

        # core.models takes its defaults from this module (clock.now): a top-level import is a cycle.
        from fairdesk.core.models import TestClock

        if (
            not _offset_cache.get("table")
            and TestClock._meta.db_table not in connection.introspection.table_names()
        ):
            return None  # not migrated yet (the first `migrate` itself asks the time): real time
        _offset_cache["table"] = True
        row = TestClock.objects.filter(pk=1).values_list("offset_seconds", flat=True).first()
        _offset_cache["value"] = dt.timedelta(seconds=row) if row else None
        _offset_cache["read"] = time.monotonic()
    return _offset_cache["value"]


def demo_clock_forget() -> None:
    _offset_cache["read"] = 0.0


def local(moment: dt.datetime) -> dt.datetime:
    """A stored (UTC) moment in the business's time zone, for text people read (admin lists, __str__)."""
    return moment.astimezone(local_zone())


def local_zone() -> zoneinfo.ZoneInfo:
    """The business's display time zone (settings.TIME_ZONE); customers may have their own."""
    from django.conf import settings

    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _as_utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("the clock only takes aware datetimes")
    return moment.astimezone(dt.UTC)


@contextlib.contextmanager
def frozen_at(moment: dt.datetime) -> Iterator[None]:
    """Freeze the clock for the current thread."""
    previous = getattr(_state, "frozen", None)
    _state.frozen = _as_utc(moment)
    try:
        yield
    finally:
        _state.frozen = previous
