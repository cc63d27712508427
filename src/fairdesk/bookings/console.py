"""Panels an app above bookings adds to the hotline console (dispatch: emergencies waiting for a call-back).

bookings draws the console and never imports those apps: each registers `panel(request) -> html` in its
AppConfig.ready(), and the console shows the panels in the order they were registered (an empty string shows
nothing)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest

Panel = Callable[[HttpRequest], str]

_panels: dict[str, Panel] = {}


def panel_register(name: str, panel: Panel) -> None:
    """Register (or replace, on a second ready()) the panel called `name`."""
    _panels[name] = panel


def panels(request: HttpRequest) -> list[str]:
    """Every registered panel drawn for this request (HTML, safe from its template); empty ones left out."""
    return [html for html in (panel(request) for panel in _panels.values()) if html]
