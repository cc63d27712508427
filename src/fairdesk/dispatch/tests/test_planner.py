"""The route planner: skills are respected, time windows are met, and the benchmark command's interface."""

import io
import json
import math
from pathlib import Path

from django.core.management import call_command

from fairdesk.dispatch.planner import PlanningProblem, Technician, Visit, plan

# A copy of the one instance this needs lives in the repository (see its README): the test never skips.
SOLOMON = Path(__file__).resolve().parents[1] / "data" / "vrptw" / "solomon"


def test_a_visit_only_goes_to_a_technician_with_the_skill():
    home = (0.0, 0.0)
    visits = [
        Visit(place=(10, 0), ready=0, due=500, service=30, skills=frozenset({"safes"}), name="safe"),
        Visit(place=(0, 10), ready=0, due=500, service=30, skills=frozenset({"locks"}), name="lock"),
        Visit(place=(10, 10), ready=0, due=500, service=30, skills=frozenset({"safes"}), name="safe2"),
    ]
    techs = [
        Technician(
            start=home, end=home, shift_start=0, shift_end=600, skills=frozenset({"locks"}), name="李"
        ),
        Technician(
            start=home, end=home, shift_start=0, shift_end=600, skills=frozenset({"safes"}), name="赵"
        ),
    ]
    result = plan(PlanningProblem(visits=visits, technicians=techs), seconds=1)
    assert result.feasible and result.unassigned == []
    for route in result.routes:
        for visit in route.visits:
            assert visits[visit].skills <= techs[route.technician].skills


def test_time_windows_are_respected():
    home = (0.0, 0.0)
    visits = [
        Visit(place=(0, 50), ready=100, due=110, service=10),
        Visit(place=(0, 60), ready=0, due=70, service=10),
    ]
    techs = [Technician(start=home, end=home, shift_start=0, shift_end=400)]
    result = plan(PlanningProblem(visits=visits, technicians=techs), seconds=1)
    assert result.feasible
    assert result.routes[0].visits == [1, 0]  # the early window first
    assert math.isclose(result.cost, 60 + 10 + 50, rel_tol=1e-9)


def test_vrptw_bench_prints_one_json_object_per_instance_and_a_summary():
    out = io.StringIO()
    call_command("vrptw_bench", str(SOLOMON / "C101.txt"), "--seconds", "2", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    row, summary = lines
    assert set(row) == {"instance", "cost", "vehicles", "bks", "gap"}
    assert row["instance"] == "C101" and row["bks"] == 828.94
    assert row["cost"] != round(row["cost"])  # Euclidean, not rounded
    assert abs(row["gap"]) < 0.01
    assert summary["summary"] is True and summary["mean_gap"] == row["gap"]
