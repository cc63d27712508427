"""The demo's divisions and coverage network (registered as a demo loader in RegionsConfig.ready)."""

from __future__ import annotations

from importlib import resources

from django.core.management import call_command

from fairdesk.core.errors import InvalidInput
from fairdesk.regions.models import CoverageDemand, Division
from fairdesk.regions.services import coverage_demand_record, coverage_lookup, demo_coverage_load

# Demand where the demo network has no station (the admin: 未覆盖地区的服务需求), as customers type it.
DEMO_DEMAND = ("我在西藏拉萨城关区北京中路", "xinjiang kashgar", "青海省玉树市结古街道", "雄安新区容城县")


def coverage_load_demo(*, verbosity: int = 1) -> list[str]:
    """Divisions (if missing) and the demo service network from data/service_areas.txt. Idempotent."""
    if not Division.objects.exists():
        call_command("import_divisions", no_progress=verbosity < 2, verbosity=verbosity)
    lines = (
        (resources.files("fairdesk.regions") / "data" / "service_areas.txt").read_text("utf-8").splitlines()
    )
    report = demo_coverage_load(lines=lines)
    out = [
        f"demo coverage: {report.lines} lines, {report.areas} new service areas, {report.stations} stations"
    ]
    for text, codes in report.replaced:
        out.append(f"  abolished, covered through successors: {text} -> {', '.join(codes)}")
    for number, text, reason in report.unresolved:
        out.append(f"  line {number} not resolved: {text}: {reason}")
    if not CoverageDemand.objects.exists():
        kept = 0
        for text in DEMO_DEMAND:
            try:
                covered = coverage_lookup(address=text)[0].covered
            except InvalidInput:
                covered = False
            if not covered:  # the demo network may cover some after all: those are no demand
                coverage_demand_record(address=text)
                kept += 1
        out.append(f"demo coverage demand: {kept} addresses outside the network")
    return out
