"""The demo's service types and slots (registered as a demo loader in BookingsConfig.ready)."""

from __future__ import annotations

from fairdesk.bookings.services import service_types_load_demo, slots_ensure_ahead


def bookings_load_demo(*, verbosity: int = 1) -> list[str]:
    """Service types, then each station's slots ahead (made by a periodic job; once here so a fresh demo can
    be booked at once). Idempotent."""
    return [
        f"service types: {service_types_load_demo()} new",
        f"slots: {slots_ensure_ahead()} new (each station's booking horizon)",
    ]
