import datetime as dt

from django.conf import settings

from fairdesk.core import clock


def business(request) -> dict:
    return {"NATIONAL_HOTLINE": settings.FAIRDESK_NATIONAL_HOTLINE}


def demo_clock(request) -> dict:
    """The demo clock's banner (every page, while "now" is moved): the simulated moment and the undo."""
    if not settings.FAIRDESK_TEST_CLOCK:
        return {}
    offset = clock._test_clock_offset()
    if not offset:
        return {}
    days = round(offset / dt.timedelta(days=1), 1)
    return {"demo_clock": {"now": clock.now(), "days": int(days) if days == int(days) else days}}


def live(request) -> dict:
    """The live channel's WebSocket base for static/fairdesk/live.js (`<body data-live-url>`; "": same
    origin)."""
    return {"live_url": settings.FAIRDESK_LIVE_URL}
