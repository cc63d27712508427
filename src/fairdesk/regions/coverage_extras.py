"""What an app above regions adds to the coverage result next to the station that will serve the customer
(transparency: the station's provider score and a link to its inputs).

regions draws the result and never imports those apps: each registers `extra(station) -> html` in its
AppConfig.ready() with `extra_register(name, fn)`; the result shows them in the order registered (an empty
string shows nothing; an extra that fails is left out, the coverage answer never breaks for it)."""

from __future__ import annotations

import logging
from collections.abc import Callable

logger = logging.getLogger(__name__)

Extra = Callable[[object], str]

_extras: dict[str, Extra] = {}


def extra_register(name: str, extra: Extra) -> None:
    """Register (or replace, on a second ready()) the extra called `name`."""
    _extras[name] = extra


def extras(station) -> list[str]:
    """Every registered extra drawn for this station (HTML, safe from its template); empty ones left out."""
    if station is None:
        return []
    drawn = []
    for name, extra in _extras.items():
        try:
            html = extra(station)
        except Exception:  # an extra is decoration: the coverage answer must not fail for it
            logger.exception("coverage extra %s failed", name)
            continue
        if html:
            drawn.append(html)
    return drawn
