"""A map of China as SVG, drawn from the stored outlines: no tiles, no external requests."""

from __future__ import annotations

import math
import threading
from html import escape

from fairdesk.regions.models import Division, Level
from fairdesk.regions.selectors import coverage_fingerprint, covered_division_codes

WEST, EAST, NORTH, SOUTH = 73.0, 135.5, 54.0, 17.5
SCALE = 10.0
_COS = math.cos(math.radians(36))
WIDTH = round((EAST - WEST) * SCALE * _COS)
HEIGHT = round((NORTH - SOUTH) * SCALE)

_lock = threading.Lock()
_cache: dict[tuple, str] = {}  # one entry, keyed by the coverage fingerprint: any process sees changes


def project(lng: float, lat: float) -> tuple[float, float]:
    return (round((lng - WEST) * SCALE * _COS, 1), round((NORTH - lat) * SCALE, 1))


def path_for(rings: list) -> str:
    parts = []
    for ring in rings or ():
        points = [project(lng, lat) for lng, lat in ring]
        if len(points) < 3:
            continue
        parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
    return "".join(parts)


def _base_layers() -> tuple[str, str]:
    provinces = Division.objects.filter(level=Level.PROVINCE, valid_until=None).exclude(outline=None)
    province_paths = "".join(
        f'<path class="province" d="{path_for(p.outline)}"><title>{escape(p.name)}</title></path>'
        for p in provinces.only("name", "outline")
    )
    codes = covered_division_codes()
    covered = Division.objects.filter(code__in=codes, valid_until=None).exclude(level=Level.PROVINCE)
    covered_paths = []
    for division in covered.only("code", "name", "outline", "lat", "lng", "city_name"):
        title = escape(
            f"{division.city_name}{division.name}" if division.city_name != division.name else division.name
        )
        if division.outline:
            covered_paths.append(
                f'<path class="covered" data-adcode="{division.code}" d="{path_for(division.outline)}">'
                f"<title>{title}</title></path>"
            )
        elif division.lat is not None:
            x, y = project(division.lng, division.lat)
            covered_paths.append(
                f'<circle class="covered" cx="{x}" cy="{y}" r="3"><title>{title}</title></circle>'
            )
    return province_paths, "".join(covered_paths)


def coverage_map_svg(*, highlight: Division | None = None, label: str = "") -> str:
    """The map with covered divisions shaded and, optionally, the looked-up division marked."""
    key = coverage_fingerprint()
    with _lock:
        if key not in _cache:
            provinces, covered = _base_layers()
            _cache.clear()
            _cache[key] = f'<g class="provinces">{provinces}</g><g class="coverage">{covered}</g>'
        base = _cache[key]
    marker = ""
    if highlight is not None:
        if highlight.outline:
            marker += f'<path class="highlight" d="{path_for(highlight.outline)}"/>'
        if highlight.lat is not None:
            x, y = project(highlight.lng, highlight.lat)
            marker += f'<circle class="pin" cx="{x}" cy="{y}" r="7"/>'
    return (
        f'<svg class="china-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-label="{escape(label)}">{base}<g class="marker">{marker}</g></svg>'
    )


def reset_map_cache() -> None:
    with _lock:
        _cache.clear()
