"""The order of fairdesk's apps, lowest first. Stated here once; the import-rule test
(core/tests/test_import_layers.py) and the demo loaders' order (core.demo) read it.

A lower app never imports a higher one, at module level or inside a function. A higher app calls a lower
app's services and selectors; a lower app that must react to a higher one exposes a hook (a registry the
higher app fills in its AppConfig.ready(), or a periodic job in core.periodic), never an import.
`fairdesk.api`, `fairdesk.urls`, `fairdesk.settings`, `fairdesk.testing` and every app's tests stand above
all apps and may import any of them."""

APPS = ("core", "accounts", "regions", "notify", "plans", "bookings", "dispatch")

# Project modules above every app: an app never imports them (it reads settings through django.conf).
ABOVE_APPS = ("api", "urls", "settings", "test_settings", "testing", "conftest", "wsgi")


def rank(app: str) -> int:
    """The app's place in APPS (0 for core); a name that is not an app ranks above them all."""
    return APPS.index(app) if app in APPS else len(APPS)
