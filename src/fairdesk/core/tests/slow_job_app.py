"""A test app with a periodic job that sleeps (see test_worker_survives.py): it shows that a slow job on the
scheduler's slow lane does not hold up message sending. Used only through settings_slow_job."""

import os
import time

from django.apps import AppConfig


def sleep_a_while() -> None:
    marker = os.environ.get("FAIRDESK_TEST_SLOW_JOB_MARKER")
    if marker:
        with open(marker, "a") as out:
            out.write(f"{time.time()}\n")
    time.sleep(float(os.environ.get("FAIRDESK_TEST_SLOW_JOB_SECONDS", "20")))


class SlowJobConfig(AppConfig):
    name = "fairdesk.core.tests"
    label = "slow_job_test"

    def ready(self) -> None:
        from fairdesk.core import periodic

        periodic.register("test.sleeps", sleep_a_while, every_seconds=1, lane=periodic.SLOW)
