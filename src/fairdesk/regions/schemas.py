from __future__ import annotations

from ninja import Schema


class DivisionOut(Schema):
    adcode: str
    name: str
    level: str


class StationOut(Schema):
    name: str
    hotline: str


class CoverageOut(Schema):
    covered: bool
    division: DivisionOut
    station: StationOut | None
    town: str | None = None
    abolished: bool = False
    successors: list[str] = []
    distance_km: float | None = None


class ResolutionOut(Schema):
    input: str
    adcode: str
    level: str
    province: str
    city: str | None
    county: str | None
    town: str | None
    street: str | None
    abolished: bool
    successors: list[str]


class ErrorOut(Schema):
    code: str
    message: str
