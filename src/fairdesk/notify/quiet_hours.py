"""Quiet hours: no non-urgent SMS at night (local time).

A reminder that would fall into quiet hours is sent just before they begin (the evening before), because a
reminder after the visit is useless; any other non-urgent message is held until they end. Urgent messages
(one-time codes, emergencies) are never held.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings


def _window() -> tuple[dt.time, dt.time] | None:
    """None when quiet hours are switched off (FAIRDESK_QUIET_HOURS=off)."""
    if settings.FAIRDESK_QUIET_HOURS.lower() in {"off", "none", ""}:
        return None
    start, end = settings.FAIRDESK_QUIET_HOURS.split("-")
    return dt.time.fromisoformat(start), dt.time.fromisoformat(end)


def in_quiet_hours(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> bool:
    window = _window()
    if window is None:
        return False
    start, end = window
    local = moment.astimezone(zone).time()
    if start <= end:
        return start <= local < end
    return local >= start or local < end


def adjust(moment: dt.datetime, *, zone: zoneinfo.ZoneInfo, reminder: bool) -> dt.datetime:
    if not in_quiet_hours(moment, zone):
        return moment
    start, end = _window()  # type: ignore[misc]  # not None: we are in quiet hours
    local = moment.astimezone(zone)
    if reminder:
        day = local.date() if local.time() >= start else local.date() - dt.timedelta(days=1)
        before = dt.datetime.combine(day, start, tzinfo=zone) - dt.timedelta(minutes=1)
        return before.astimezone(dt.UTC)
    day = local.date() if local.time() < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, end, tzinfo=zone).astimezone(dt.UTC)
