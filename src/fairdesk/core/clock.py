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
    return dt.datetime.now(dt.UTC)


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
