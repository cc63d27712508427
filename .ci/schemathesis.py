"""Schemathesis against a real fairdesk: a fresh database (SQLite, or PostgreSQL when DATABASE_URL is one)
with the demo loaded, served by gunicorn with DEBUG off, and the local payment sandbox. Two runs over the
OpenAPI schema at the same time, one with a hotline agent's Bearer token and one anonymous, each bounded by
--max-examples and a wall-clock budget (--seconds; the whole step stays under five minutes). Checks: no 5xx
(`not_a_server_error`) and no undocumented status (`status_code_conformance`). Prints the figures
(requests, 5xx, undocumented statuses) and exits 1 on any failure.

    .venv/bin/python .ci/schemathesis.py [--max-examples N] [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

CHECKS = "not_a_server_error,status_code_conformance"


def run_schemathesis(
    *, url: str, label: str, headers: list[str], max_examples: int, seconds: int, report_dir: Path
) -> dict:
    """One schemathesis run; returns its figures from the NDJSON event stream."""
    events = report_dir / f"{label}.ndjson"
    command = [
        str(REPO / ".venv" / "bin" / "schemathesis"),
        "run",
        f"{url}/api/v1/openapi.json",
        "--checks",
        CHECKS,
        "--max-examples",
        str(max_examples),
        "--max-time",
        str(seconds),
        "--workers",
        "1",
        "--seed",
        os.environ.get("SCHEMATHESIS_SEED", "20261128"),
        "--request-timeout",
        "20",
        "--suppress-health-check",
        "all",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(events),
        "--no-color",
    ]
    for header in headers:
        command += ["--header", header]
    started = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 - our own venv's schemathesis
            # In the report directory: schemathesis keeps its cache (.schemathesis/) in the working directory.
            command, capture_output=True, text=True, timeout=seconds + 90, check=False, cwd=report_dir
        )
        output, exit_code = result.stdout + result.stderr, result.returncode
    except subprocess.TimeoutExpired as exc:
        output = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        exit_code = "timeout"
    figures = _figures(events)
    figures.update(label=label, exit_code=exit_code, seconds=round(time.monotonic() - started))
    return figures | {"output": output}


def _figures(events: Path) -> dict:
    """Requests sent, 5xx answers and undocumented statuses, counted from the recorded interactions."""
    requests = server_errors = 0
    failures: dict[str, set[str]] = {}
    statuses: dict[int, int] = {}
    if not events.exists():
        return {"requests": 0, "server_errors": 0, "undocumented": 0, "statuses": {}, "failures": {}}
    for line in events.read_text().splitlines():
        try:
            event = json.loads(line)
        except ValueError:
            continue
        for interaction in _walk(event, "interactions"):
            for item in interaction.values() if isinstance(interaction, dict) else interaction:
                response = (item or {}).get("response") if isinstance(item, dict) else None
                if not response:
                    continue
                requests += 1
                status = response.get("status_code", 0)
                statuses[status] = statuses.get(status, 0) + 1
                server_errors += status >= 500
        for check in _walk(event, "checks"):
            for name_or_item in check.values() if isinstance(check, dict) else check:
                items = name_or_item if isinstance(name_or_item, list) else [name_or_item]
                for item in items:
                    if isinstance(item, dict) and item.get("status") in {"failure", "FAILURE"}:
                        name = item.get("name", "?")
                        failures.setdefault(name, set()).add(str(item.get("failure_info", item))[:300])
    undocumented = len(failures.get("status_code_conformance", ()))
    return {
        "requests": requests,
        "server_errors": server_errors,
        "undocumented": undocumented,
        "statuses": dict(sorted(statuses.items())),
        "failures": {name: sorted(found)[:10] for name, found in failures.items()},
    }


def _walk(node, key: str):
    """Every value stored under `key` anywhere in a JSON tree."""
    if isinstance(node, dict):
        for name, value in node.items():
            if name == key:
                yield value
            else:
                yield from _walk(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("SCHEMATHESIS_EXAMPLES", 30)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("SCHEMATHESIS_SECONDS", 90)))
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fairdesk.settings")
    from fairdesk.testing.liveserver import live_server
    from fairdesk.testing.payment_sandbox import PaymentSandbox

    started = time.monotonic()
    report_dir = Path(tempfile.mkdtemp(prefix="fairdesk-schemathesis-"))
    with PaymentSandbox() as sandbox, live_server(
        production=True,
        extra_env={"FAIRDESK_PAYMENT_SANDBOX_URL": sandbox.url, "FAIRDESK_QUIET_HOURS": "off"},
    ) as server:
        print(f"server up after {time.monotonic() - started:.0f}s at {server.url}", flush=True)
        token = server.manage("create_api_token", "--role", "agent").stdout.strip()
        # Both runs at once (one schemathesis worker each): the step stays within its five minutes.
        from concurrent.futures import ThreadPoolExecutor

        identities = {"agent": [f"Authorization: Bearer {token}"], "anonymous": []}
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = [
                pool.submit(
                    run_schemathesis,
                    url=server.url,
                    label=label,
                    headers=headers,
                    max_examples=args.max_examples,
                    seconds=args.seconds,
                    report_dir=report_dir,
                )
                for label, headers in identities.items()
            ]
            runs = [future.result() for future in futures]
        server_log = server.log_tail(60)
    failed = False
    for run in runs:
        output = run.pop("output")
        print(
            f"schemathesis {run['label']}: {run['requests']} requests in {run['seconds']}s, "
            f"{run['server_errors']} × 5xx, {run['undocumented']} undocumented statuses, "
            f"statuses {run['statuses']}, exit {run['exit_code']}"
        )
        if run["exit_code"] != 0 or run["server_errors"] or run["undocumented"] or not run["requests"]:
            failed = True
            print(output[-6000:])
            for name, found in run["failures"].items():
                print(f"  {name}:", *found, sep="\n    ")
    if failed:
        print("--- server log (last lines) ---\n" + server_log)
    print(f"schemathesis step: {'FAILED' if failed else 'ok'} in {time.monotonic() - started:.0f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
