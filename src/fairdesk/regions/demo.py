"""The demo's divisions and coverage network (registered as a demo loader in RegionsConfig.ready)."""

from __future__ import annotations

from importlib import resources

from django.core.management import call_command

from fairdesk.regions.models import Division
from fairdesk.regions.services import demo_coverage_load


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
    return out
