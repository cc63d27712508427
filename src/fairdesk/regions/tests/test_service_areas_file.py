"""Every line of the network's claimed coverage list resolves, and the demo loads all of it."""

import hashlib
from importlib import resources
from pathlib import Path

import pytest

from fairdesk.regions.models import ServiceArea, Station
from fairdesk.regions.resolver import resolve
from fairdesk.regions.services import demo_coverage_load

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[5] / "shared" / "data" / "service_areas.txt"


def demo_lines() -> list[str]:
    text = (resources.files("fairdesk.regions") / "data" / "service_areas.txt").read_text("utf-8")
    return [line.strip() for line in text.splitlines() if line.strip()]


# The network's list as copied from ../shared/data/service_areas.txt (its 210 non-blank lines, stripped,
# joined by newlines). The packaged copy is what the code uses; this pins it so that an edit is deliberate.
SHARED_LINES_SHA256 = "1e9ccc3820dca39749736a08161c5454a6ed95ec6b6c6e237c271b204bd3a968"


def _digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def test_the_packaged_copy_is_the_shared_list():
    """Never skipped: against the pinned digest always, and against ../shared itself when it is beside us."""
    assert _digest(demo_lines()) == SHARED_LINES_SHA256, "the packaged list changed: update the pin"
    if SHARED.exists():
        shared = [line.strip() for line in SHARED.read_text("utf-8").splitlines() if line.strip()]
        assert demo_lines() == shared


def test_all_210_lines_resolve_to_a_county_or_a_county_less_city():
    lines = demo_lines()
    assert len(lines) == 210
    for line in lines:
        result = resolve(line)
        assert result.level in {"county", "city"}, line
        assert len(result.adcode) == 6 and result.adcode.isdigit(), line


def test_the_demo_covers_every_line_and_is_idempotent():
    first = demo_coverage_load(lines=demo_lines())
    assert first.unresolved == []
    assert [text for text, _codes in first.replaced] == ["南昌市湾里区"]
    areas, stations = ServiceArea.objects.count(), Station.objects.count()
    # 210 lines, 6 repeated, 湾里区 covered through 新建区 → 203 distinct divisions.
    assert areas == 203
    assert 100 < stations < 210
    second = demo_coverage_load(lines=demo_lines())
    assert second.areas == 0
    assert (ServiceArea.objects.count(), Station.objects.count()) == (areas, stations)
