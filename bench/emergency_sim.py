"""A day of emergency requests over the demo coverage area: fairdesk's assignment against the naive baseline.

    .venv/bin/python bench/emergency_sim.py [--technicians 800] [--requests 2000] [--decision-techs 10000]
        [--json]

fairdesk: `TechnicianIndex.choose` (the latest arrival within the 30-minute promise, so the nearest stay free;
else the earliest arrival, idle first; when nobody arrives within reach, queued behind the first to arrive).
baseline: the nearest idle qualified technician; when none is idle, the one who becomes free first.
Prints the share of customers reached within 30 minutes, mean and p95 wait, and decision latency p50/p99
(measured separately with --decision-techs technicians in the index); --json prints the same figures as one
JSON object instead. Uses a temporary SQLite database for the divisions and demo coverage (imported first, not
timed).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))
SKILLS = ("locks", "safes")
REACH = 240.0  # minutes: farther than this, the customer is offered the earliest booking slot instead


def setup_django() -> None:
    tmp = tempfile.mkdtemp(prefix="fairdesk-sim-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/sim.sqlite3"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fairdesk.settings"
    import django

    django.setup()
    from importlib import resources

    from django.core.management import call_command

    from fairdesk.regions.services import demo_coverage_load

    call_command("migrate", verbosity=0)
    call_command("import_divisions", no_progress=True, verbosity=0)
    lines = (
        (resources.files("fairdesk.regions") / "data" / "service_areas.txt").read_text("utf-8").splitlines()
    )
    demo_coverage_load(lines=lines)


def covered_points() -> list[tuple[float, float, bool, int]]:
    """(lat, lng, urban, station id) of every covered county-level division."""
    from fairdesk.regions.models import ServiceArea

    out = []
    for area in ServiceArea.objects.select_related("division", "station"):
        d = area.division
        if d.lat is not None:
            out.append((d.lat, d.lng, d.name.endswith("区"), area.station_id))
    return out


def make_day(rng, points, technicians: int, requests: int):
    techs = []
    for n in range(technicians):
        lat, lng, _urban, _station = points[n % len(points)]
        skills = {s for s in SKILLS if rng.random() < (0.8 if s == "locks" else 0.5)} or {"locks"}
        techs.append((n, lat + rng.gauss(0, 0.05), lng + rng.gauss(0, 0.05), frozenset(skills)))
    # Emergencies cluster in busy districts (weights ~ Zipf) and in the evening.
    weights = [1 / (i + 1) ** 0.8 for i in range(len(points))]
    calls = []
    for _ in range(requests):
        lat, lng, urban, _station = rng.choices(points, weights)[0]
        minute = min(max(rng.gauss(19 * 60, 240), 0), 24 * 60 - 1)
        skill = "locks" if rng.random() < 0.75 else "safes"
        calls.append(
            (minute, lat + rng.gauss(0, 0.04), lng + rng.gauss(0, 0.04), urban, skill, rng.uniform(25, 70))
        )
    calls.sort()
    return techs, calls


def simulate(policy: str, techs, calls, travel) -> list[float]:
    from fairdesk.dispatch.assignment import TechnicianIndex, TechState

    index = TechnicianIndex(travel=travel)
    for tid, lat, lng, skills in techs:
        index.upsert(TechState(id=tid, lat=lat, lng=lng, skills=skills))
    waits = []
    for minute, lat, lng, urban, skill, service in calls:
        if policy == "fairdesk":
            decision = index.choose(lat=lat, lng=lng, skill=skill, now=minute, urban=urban, max_minutes=REACH)
            tid, eta = decision.technician, decision.eta_minutes
        else:
            tid, eta = _baseline(index, lat, lng, skill, minute, urban, travel)
        if tid is None:
            waits.append(float("inf"))
            continue
        tech = index.get(tid)
        arrival = minute + eta
        waits.append(eta)
        tech.lat, tech.lng, tech.busy_until = lat, lng, arrival + service
        index.upsert(tech)
    return waits


def _baseline(index, lat, lng, skill, now, urban, travel):
    from fairdesk.regions.geo import haversine_km

    qualified = [
        t for cell in index.cells.values() for t in cell.values() if skill in t.skills and t.on_shift
    ]
    idle = [
        t
        for t in qualified
        if t.busy_until <= now and travel.minutes(t.lat, t.lng, lat, lng, urban=urban) <= REACH
    ]
    if idle:
        tech = min(idle, key=lambda t: (haversine_km(t.lat, t.lng, lat, lng), t.id))
        return tech.id, travel.minutes(tech.lat, tech.lng, lat, lng, urban=urban)
    near = [t for t in qualified if travel.minutes(t.lat, t.lng, lat, lng, urban=urban) <= REACH]
    if not near:
        return None, None
    tech = min(near, key=lambda t: (t.busy_until, t.id))
    return tech.id, tech.busy_until - now + travel.minutes(tech.lat, tech.lng, lat, lng, urban=urban)


def summary(waits: list[float]) -> dict:
    finite = sorted(w for w in waits if w != float("inf"))
    return {
        "within_30_share": sum(1 for w in waits if w <= 30) / len(waits) if waits else 0.0,
        "mean_wait_min": statistics.mean(finite) if finite else None,
        "p95_wait_min": finite[int(0.95 * (len(finite) - 1))] if finite else None,
        "unserved": len(waits) - len(finite),
    }


def report(name: str, figures: dict) -> None:
    mean, p95 = figures["mean_wait_min"], figures["p95_wait_min"]
    print(
        f"{name:9} reached within 30 min: {figures['within_30_share']:6.1%}   "
        f"mean wait {mean if mean is not None else float('nan'):6.1f} min   "
        f"p95 {p95 if p95 is not None else float('nan'):6.1f} min   unserved {figures['unserved']}"
    )


def run_day(points, *, technicians: int, requests: int, seed: int, travel) -> dict:
    """Both policies over the same day: {"fairdesk": summary, "baseline": summary}."""
    techs, calls = make_day(random.Random(seed), points, technicians, requests)
    return {
        "fairdesk": summary(simulate("fairdesk", techs, calls, travel)),
        "baseline": summary(simulate("baseline", techs, calls, travel)),
    }


def decision_latency(rng, points, count: int, travel) -> dict:
    from fairdesk.dispatch.assignment import TechnicianIndex, TechState

    index = TechnicianIndex(travel=travel)
    for n in range(count):
        lat, lng, _urban, _station = points[n % len(points)]
        busy = rng.random() < 0.5
        index.upsert(
            TechState(
                id=n,
                lat=lat + rng.gauss(0, 0.08),
                lng=lng + rng.gauss(0, 0.08),
                skills=frozenset(s for s in SKILLS if rng.random() < 0.7) or frozenset({"locks"}),
                busy_until=rng.uniform(0, 60) if busy else 0,
            )
        )
    timings, examined = [], []
    for _ in range(5000):
        lat, lng, urban, _station = rng.choice(points)
        started = time.perf_counter()
        decision = index.choose(
            lat=lat + rng.gauss(0, 0.04),
            lng=lng + rng.gauss(0, 0.04),
            skill=rng.choice(SKILLS),
            now=0,
            urban=urban,
        )
        timings.append(time.perf_counter() - started)
        examined.append(decision.examined)
    timings.sort()
    return {
        "p50": timings[len(timings) // 2] * 1000,
        "p99": timings[int(len(timings) * 0.99)] * 1000,
        "examined_median": statistics.median(examined),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--technicians", type=int, default=800)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--decision-techs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object instead of the text report"
    )
    args = parser.parse_args()
    if args.json:  # nothing but the JSON object on stdout
        with contextlib.redirect_stdout(sys.stderr):
            setup_django()
    else:
        setup_django()
    from fairdesk.dispatch.travel import DEFAULT_TRAVEL

    rng = random.Random(args.seed)
    points = covered_points()
    day = run_day(
        points, technicians=args.technicians, requests=args.requests, seed=args.seed, travel=DEFAULT_TRAVEL
    )
    latency = decision_latency(rng, points, args.decision_techs, DEFAULT_TRAVEL)
    if args.json:
        day["decision_ms"] = {"p50": latency["p50"], "p99": latency["p99"]}
        print(json.dumps(day))
        return
    print(
        f"{len(points)} covered divisions, {args.technicians} technicians, {args.requests} emergencies a day"
    )
    report("fairdesk", day["fairdesk"])
    report("baseline", day["baseline"])
    print(
        f"decision latency with {args.decision_techs:,} technicians in the index: "
        f"p50 {latency['p50']:.3f} ms, "
        f"p99 {latency['p99']:.3f} ms (goal p99 <= 5 ms); "
        f"technicians examined per decision: median {latency['examined_median']:.0f}"
    )


if __name__ == "__main__":
    main()
