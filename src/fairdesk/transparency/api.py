"""Public transparency over JSON: the published rules and the report computed from the event log."""

from ninja import Router

router = Router(tags=["transparency"])
