"""The one source of "now" for services and tasks.

Tests and the demo can freeze or move it (like Kill Bill's test clock) without touching the system time.
Times are always aware and in UTC.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Iterator

_state = threading.local()
_global_offset = dt.timedelta(0)
_global_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    frozen = getattr(_state, "frozen", None) or _global_frozen
    if frozen is not None:
        return frozen
    return dt.datetime.now(dt.UTC) + _global_offset


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


def travel_to(moment: dt.datetime | None) -> None:
    """Freeze the clock process-wide (None returns to real time); used by the demo's time-travel control."""
    global _global_frozen
    _global_frozen = None if moment is None else _as_utc(moment)
