"""fairdesk's settings plus a periodic job that sleeps (test_worker_survives.py)."""

from fairdesk.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "fairdesk.core.tests.slow_job_app.SlowJobConfig"]  # noqa: F405
