"""The event kinds regions records (declared for core.events; see `manage.py event_kinds`)."""

from fairdesk.core.events import declare

DIVISIONS_IMPORTED = declare(
    "divisions.imported",
    app="regions",
    description="The administrative divisions were imported (counts created and updated, latest year).",
    payload={"created": "int", "updated": "int", "year": "int?"},
)
STATION_CREATED = declare(
    "station.created",
    app="regions",
    description="A service station was opened in a division (its division code).",
    payload={"division": "code"},
)
SERVICE_AREA_ADDED = declare(
    "service_area.added",
    app="regions",
    description="A station now covers a division (station id, division code; address text: on the area).",
    payload={"station": "int", "division": "code"},
)
COVERAGE_DEMAND_RECORDED = declare(
    "coverage.demand_recorded",
    app="regions",
    description="Someone asked for service where there is no coverage (the division, if resolved; whether a"
    " phone was left for a call-back).",
    payload={"demand": "int", "division": "code?", "has_phone": "bool"},
)
