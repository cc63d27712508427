"""Address resolution speed: at least 100,000 generated addresses through the resolver built once.

    .venv/bin/python bench/resolve.py [--count N]

Uses its own temporary SQLite database (imports the divisions first, ~10 s, not timed). Prints addresses per
second for one process and for one process per core (forked after the resolver is built, as a batch job
would run), including JSON serialisation of every result, plus the share that resolved.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=0, help="processes (0: all cores)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="fairdesk-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DEBUG", "true")
    os.environ["DJANGO_SETTINGS_MODULE"] = "fairdesk.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("import_divisions", no_progress=True, verbosity=0)

    from fairdesk.regions.models import Division, Level
    from fairdesk.regions.resolver import Unresolvable, get_resolver

    rng = random.Random(args.seed)
    counties = list(
        Division.objects.filter(level=Level.COUNTY).values(
            "name", "short_name", "province_name", "city_name", "valid_until"
        )
    )
    streets = ["", "", "人民路12号", "解放大道88号3栋2单元501室", "长坡镇", "中山北路1号院", "建设街道7号"]
    addresses = []
    for _ in range(args.count):
        c = rng.choice(counties)
        form = rng.random()
        province = c["province_name"] if form < 0.6 else ""
        city = c["city_name"] if c["city_name"] != c["province_name"] and form > 0.2 else ""
        name = c["short_name"] if c["short_name"] and len(c["short_name"]) >= 2 and form > 0.9 else c["name"]
        addresses.append(f"{province}{city}{name}{rng.choice(streets)}")

    build_start = time.perf_counter()
    resolver = get_resolver()
    build_seconds = time.perf_counter() - build_start

    tracemalloc.start()
    ok = failed = 0
    for text in addresses[:20_000]:
        try:
            resolver.resolve(text)
            ok += 1
        except Unresolvable:
            failed += 1
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"resolver build: {build_seconds * 1000:.0f} ms for {len(resolver.entities)} divisions")
    # This virtual machine's speed drifts by +-30 % from minute to minute: report every repeat.
    single = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = _resolve_chunk(addresses)
        single.append(len(addresses) / (time.perf_counter() - start))
    print(
        f"1 process: {len(addresses):,} addresses, addresses/s per repeat: "
        + ", ".join(f"{rate:,.0f}" for rate in single)
        + f" (median {statistics.median(single):,.0f})"
    )
    workers = args.workers or os.cpu_count() or 1
    parallel = []
    if workers > 1:
        chunks = [addresses[i : i + 10_000] for i in range(0, len(addresses), 10_000)]
        context = multiprocessing.get_context("fork")  # children share the resolver built above
        with context.Pool(workers) as pool:
            for _ in range(args.repeat):
                start = time.perf_counter()
                lines = sum(len(part) for part in pool.map(_resolve_chunk, chunks))
                parallel.append(lines / (time.perf_counter() - start))
        print(
            f"{workers} processes: addresses/s per repeat: "
            + ", ".join(f"{rate:,.0f}" for rate in parallel)
            + f" (median {statistics.median(parallel):,.0f})"
        )
    headline = statistics.median(parallel or single)
    print(f"addresses/s: {headline:,.0f} (median, all cores; goal >= 50,000/s on 2 cores; JSON included)")
    print(f"resolved: {ok / (ok + failed):.1%} (the rest are ambiguous or too coarse, by design)")
    print(f"peak extra memory while resolving 20,000: {peak / 1e6:.1f} MB; results kept: {len(results):,}")


def _resolve_chunk(chunk: list[str]) -> list[str]:
    """Resolve and serialise like `resolve_areas` does: one JSON line per address."""
    from fairdesk.regions.resolver import Unresolvable, get_resolver

    resolver = get_resolver()
    out = []
    for text in chunk:
        try:
            out.append(json.dumps(resolver.resolve(text).as_dict(), ensure_ascii=False))
        except Unresolvable as exc:
            out.append(json.dumps({"input": text, "error": str(exc.message)}, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
