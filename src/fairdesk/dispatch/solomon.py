"""Solomon (1987) VRPTW instances → PlanningProblem (format: ../shared/data/vrptw/README.md)."""

from __future__ import annotations

from pathlib import Path

from fairdesk.dispatch.planner import PlanningProblem, Technician, Visit


def read_solomon(path: Path) -> tuple[str, PlanningProblem]:
    lines = [line.split() for line in path.read_text().splitlines() if line.strip()]
    name = lines[0][0]
    header = next(i for i, parts in enumerate(lines) if parts[:1] == ["NUMBER"])
    vehicles, capacity = int(lines[header + 1][0]), int(lines[header + 1][1])
    rows = [parts for parts in lines if len(parts) == 7 and all(p.replace(".", "").isdigit() for p in parts)]
    depot, customers = rows[0], rows[1:]
    home = (float(depot[1]), float(depot[2]))
    visits = [
        Visit(
            place=(float(r[1]), float(r[2])),
            demand=int(float(r[3])),
            ready=float(r[4]),
            due=float(r[5]),
            service=float(r[6]),
            name=r[0],
        )
        for r in customers
    ]
    fleet = Technician(
        start=home,
        end=home,
        shift_start=float(depot[4]),
        shift_end=float(depot[5]),
        capacity=capacity,
        count=vehicles,
        name="fleet",
    )
    return name, PlanningProblem(visits=visits, technicians=[fleet])
