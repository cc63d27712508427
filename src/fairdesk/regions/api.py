from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from fairdesk.core.errors import InvalidInput
from fairdesk.regions.schemas import CoverageOut, ErrorOut, ResolutionOut
from fairdesk.regions.services import address_resolve, coverage_lookup

router = Router(tags=["coverage"])


class CoverageQuery(Schema):
    address: str = Field("", max_length=200, description="自由文本地址，例如 江苏省南京市建邺区江东中路108号")
    lat: float | None = Field(None, ge=-90, le=90, description="WGS-84 纬度（不填地址时使用）")
    lng: float | None = Field(None, ge=-180, le=180, description="WGS-84 经度")


@router.get("/coverage", response={200: CoverageOut, 422: ErrorOut}, summary="Is an address covered?")
def coverage(request, query: Query[CoverageQuery]):
    """Resolve the address (or GPS point) and say whether it is covered and which station serves it."""
    result, resolution = coverage_lookup(address=query.address, lat=query.lat, lng=query.lng)
    division = result.division
    return {
        "covered": result.covered,
        "division": {"adcode": division.code, "name": division.name, "level": division.level},
        "station": {"name": result.station.name, "hotline": result.station.hotline}
        if result.station
        else None,
        "town": resolution.town if resolution else None,
        "abolished": not division.is_current,
        "successors": division.successor_codes,
        "distance_km": round(result.distance_km, 1) if result.distance_km is not None else None,
    }


@router.get("/resolve", response={200: ResolutionOut, 422: ErrorOut}, summary="Resolve an address")
def resolve_address(request, address: str = ""):
    if not address.strip():
        raise InvalidInput(_("请输入地址。"), code="address_required")
    return address_resolve(text=address).as_dict()
