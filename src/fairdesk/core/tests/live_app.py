"""A test app for the live channel's tests against real servers (test_live.py, test_live_browser.py): it
registers the topics `test.open.*` (anyone may follow) and `test.staff.*` (staff only); live_urls.py adds
`POST /test-live/publish/`. Loaded only through fairdesk.core.tests.settings_live; never part of the app."""

from __future__ import annotations

from django.apps import AppConfig

from fairdesk.core import live


def anyone(actor, topic: str) -> bool:
    return True


class LiveTestConfig(AppConfig):
    name = "fairdesk.core.tests"
    label = "live_test"

    def ready(self) -> None:
        from fairdesk.accounts.permissions import staff_role  # models: only once the apps are loaded

        live.topic_register("test.open.", anyone)
        live.topic_register("test.staff.", lambda actor, topic: staff_role(actor) is not None)
