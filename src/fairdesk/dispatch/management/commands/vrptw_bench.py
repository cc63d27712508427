"""Solve Solomon VRPTW instances through fairdesk's planner and compare with the best known distances.

    python manage.py vrptw_bench ../shared/data/vrptw/solomon/*.txt --seconds 10 --json

One JSON object per instance: {"instance", "cost", "vehicles", "bks", "gap"}; then a summary line with the
mean gap. Distances are Euclidean and not rounded in the reported cost.
"""

import json
import statistics
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from fairdesk.dispatch.planner import plan
from fairdesk.dispatch.solomon import read_solomon


def default_bks_path(first: Path) -> Path:
    return first.resolve().parent.parent / "solomon_bks.json"


class Command(BaseCommand):
    help = "Benchmark the route planner on Solomon VRPTW instances (distance minimisation)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--seconds", type=float, default=10.0, help="solver time per instance")
        parser.add_argument("--json", action="store_true", help="JSON lines (the default output is a table)")
        parser.add_argument("--bks", type=Path, help="best-known solutions (default: ../solomon_bks.json)")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        files = sorted(options["files"])
        bks_path = options["bks"] or default_bks_path(files[0])
        try:
            bks = json.loads(bks_path.read_text())
        except OSError as exc:
            raise CommandError(f"cannot read best-known solutions {bks_path}: {exc}") from exc
        gaps = []
        for path in files:
            name, problem = read_solomon(path)
            result = plan(problem, seconds=options["seconds"], seed=options["seed"])
            best = bks.get(f"{name}_distance", {}).get("best_known_cost")
            gap = (result.cost - best) / best if best else None
            if gap is not None:
                gaps.append(gap)
            row = {
                "instance": name,
                "cost": round(result.cost, 4),
                "vehicles": result.vehicles,
                "bks": best,
                "gap": round(gap, 6) if gap is not None else None,
            }
            if not result.feasible or result.unassigned:
                row["feasible"] = False
            if options["json"]:
                self.stdout.write(json.dumps(row))
            else:
                gap_text = f"{gap:.2%}" if gap is not None else "-"
                self.stdout.write(
                    f"{name:6} cost {result.cost:9.2f} vehicles {result.vehicles:3} bks {best} gap {gap_text}"
                )
            self.stdout.flush()
        mean = statistics.mean(gaps) if gaps else None
        summary = {
            "summary": True,
            "instances": len(files),
            "mean_gap": round(mean, 6) if mean is not None else None,
            "seconds": options["seconds"],
        }
        self.stdout.write(
            json.dumps(summary) if options["json"] else f"mean gap {mean:.3%} over {len(files)} instances"
        )
