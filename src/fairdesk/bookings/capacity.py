"""How many visits a new slot takes: the one place where bookings hears about capacity from above.

bookings knows only its schedules' fixed number (`StationSchedule.capacity_per_window`). An app above it that
plans people (dispatch: technicians' shifts) registers a provider in its AppConfig.ready(); bookings never
imports it. A provider answers one capacity per window, or None when it has nothing to say for that station
(then the schedule's number applies). Later changes are pushed down through
`bookings.services.slot_capacities_set`, never pulled."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from fairdesk.regions.models import Station

Window = tuple[dt.datetime, dt.datetime]
# provider(*, station, windows) -> one capacity per window, or None
Provider = Callable[..., "list[int] | None"]

_providers: dict[str, Provider] = {}


def provider_register(name: str, provider: Provider) -> None:
    """Register (or replace, on a second ready()) the provider called `name`."""
    _providers[name] = provider


def capacities_for(*, station: Station, windows: list[Window]) -> list[int] | None:
    """The first registered provider's answer for these windows, or None (the schedule's fixed number)."""
    for provider in _providers.values():
        capacities = provider(station=station, windows=windows)
        if capacities is not None:
            return capacities
    return None
