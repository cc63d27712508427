"""fairdesk's settings plus the live channel's test topics (core/tests/live_app.py) and its publish endpoint
(core/tests/live_urls.py)."""

from fairdesk.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "fairdesk.core.tests.live_app.LiveTestConfig"]  # noqa: F405
ROOT_URLCONF = "fairdesk.core.tests.live_urls"
