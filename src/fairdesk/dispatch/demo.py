"""The demo's technicians (registered as a demo loader in DispatchConfig.ready)."""

from __future__ import annotations

from fairdesk.dispatch.models import Technician
from fairdesk.dispatch.services import slots_recount, technicians_load_demo
from fairdesk.regions.models import Station


def dispatch_load_demo(*, verbosity: int = 1) -> list[str]:
    """One technician per station, on shift; then the stations' future slots take the capacity their shifts
    give (pushed down through bookings.services.slot_capacities_set: bookings made them before dispatch's
    loader ran). Idempotent."""
    created = technicians_load_demo()
    recounted = sum(
        slots_recount(station=station)
        for station in Station.objects.filter(pk__in=Technician.objects.values("station")).order_by("pk")
    )
    return [
        f"technicians: {created} new (one per station, on shift)",
        f"slots: {recounted} took their station's shift capacity",
    ]
