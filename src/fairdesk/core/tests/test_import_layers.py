"""Dependencies run one way: a lower app never imports a higher one (core.layers.APPS, lowest first), at
module level or inside a function, and no app imports the project modules above them all (api, urls, settings,
testing). Read from the source's syntax tree, so an import hidden in a function counts like any other."""

from __future__ import annotations

import ast
from pathlib import Path

from fairdesk.core.layers import ABOVE_APPS, APPS, rank

SRC = Path(__file__).resolve().parents[2]  # src/fairdesk


def _targets(node: ast.AST, package: str) -> list[str]:
    """The modules an import statement names (`from fairdesk import dispatch` names fairdesk.dispatch)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        module = node.module or ""
        if node.level:  # relative: resolved against the importing module's package
            parts = package.split(".")[: len(package.split(".")) - node.level + 1]
            module = ".".join(parts + ([module] if module else []))
        if module == "fairdesk":
            return [f"fairdesk.{alias.name}" for alias in node.names]
        return [module]
    return []


def violations(source: str, module: str) -> list[tuple[int, str]]:
    """(line, imported module) for every import in `source` (module `fairdesk.<app>....`) that goes up."""
    app = module.split(".")[1]
    package = module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        for target in _targets(node, package):
            parts = target.split(".")
            if parts[0] != "fairdesk" or len(parts) < 2 or parts[1] == app:
                continue
            if parts[1] in ABOVE_APPS or (parts[1] in APPS and rank(parts[1]) > rank(app)):
                found.append((node.lineno, target))
    return found


def _app_modules():
    for app in APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            relative = path.relative_to(SRC)
            if "tests" in relative.parts:  # tests stand above every app
                continue
            yield path, "fairdesk." + ".".join(relative.with_suffix("").parts)


def test_no_app_imports_a_higher_one():
    found = [
        f"{path.relative_to(SRC)}:{line} imports {target}"
        for path, module in _app_modules()
        for line, target in violations(path.read_text("utf-8"), module)
    ]
    assert found == [], "a lower app imports a higher one (see core/layers.py):\n" + "\n".join(found)


def test_the_check_sees_every_kind_of_upward_import():
    source = '''
from fairdesk.core import clock
from fairdesk.bookings.models import Slot
from fairdesk.dispatch.models import Job
import fairdesk.plans.services
from fairdesk import dispatch
from ..dispatch import selectors


def later():
    from fairdesk.dispatch.services import urgent_assign
    from fairdesk.urls import urlpatterns
'''
    found = violations(source, "fairdesk.bookings.views")
    assert found == [
        (4, "fairdesk.dispatch.models"),
        (6, "fairdesk.dispatch"),
        (7, "fairdesk.dispatch"),
        (11, "fairdesk.dispatch.services"),
        (12, "fairdesk.urls"),
    ]
    assert violations("import fairdesk.plans.services\n", "fairdesk.notify.services") == [
        (1, "fairdesk.plans.services")
    ]


def test_every_app_has_its_place_in_the_layers():
    apps = {path.parent.name for path in SRC.glob("*/apps.py")}
    assert apps == set(APPS), "place every app in core/layers.py APPS (lowest first)"
