"""The order of fairdesk's apps, lowest first. Stated here once; the import-rule test
(core/tests/test_import_layers.py) and the demo loaders' order (core.demo) read it.

A lower app never imports a higher one, at module level or inside a function. A higher app calls a lower
app's services and selectors; a lower app that must react to a higher one exposes a hook (a registry the
higher app fills in its AppConfig.ready(), or a periodic job in core.periodic), never an import.
`fairdesk.api`, `fairdesk.urls`, `fairdesk.settings`, `fairdesk.testing` and every app's tests stand above
all apps and may import any of them."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

APPS = (
    "core",
    "accounts",
    "regions",
    "notify",
    "plans",
    "bookings",
    "dispatch",
    "knowledge",
    "courses",
    "support",
    "complaints",
    "transparency",
)

# Project modules above every app: an app never imports them (it reads settings through django.conf).
ABOVE_APPS = ("api", "urls", "settings", "test_settings", "testing", "conftest", "wsgi", "asgi")


def rank(app: str) -> int:
    """The app's place in APPS (0 for core); a name that is not an app ranks above them all."""
    return APPS.index(app) if app in APPS else len(APPS)


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


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # the module imported, e.g. "fairdesk.dispatch.models"
    app: str  # the fairdesk app or project module it belongs to ("dispatch", "urls"), "" outside fairdesk
    in_function: bool  # inside a function (a lazy import), not at module level


def imports_of(source: str, module: str) -> list[Import]:
    """Every import in `source` (the text of module `module`, e.g. "fairdesk.bookings.views")."""
    tree = ast.parse(source)
    package = module.rsplit(".", 1)[0]
    in_function: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function.update(child for child in ast.walk(node) if child is not node)
    found = []
    for node in ast.walk(tree):
        for target in _targets(node, package):
            parts = target.split(".")
            app = parts[1] if parts[0] == "fairdesk" and len(parts) > 1 else ""
            found.append(Import(node.lineno, target, app, node in in_function))
    return sorted(found, key=lambda i: (i.line, i.target))


def upward(source: str, module: str) -> list[Import]:
    """The imports of `module` (in app `fairdesk.<app>`) that break the rule: a higher app, or a project
    module above all apps."""
    app = module.split(".")[1]
    return [
        i
        for i in imports_of(source, module)
        if i.app and i.app != app and (i.app in ABOVE_APPS or (i.app in APPS and rank(i.app) > rank(app)))
    ]


def app_modules(src: Path) -> Iterator[tuple[Path, str]]:
    """(path, module name) of every app module under `src` (the fairdesk package), tests left out."""
    for app in APPS:
        for path in sorted((src / app).rglob("*.py")):
            relative = path.relative_to(src)
            if "tests" not in relative.parts:  # tests stand above every app
                yield path, "fairdesk." + ".".join(relative.with_suffix("").parts)
