"""Demo data loaders, declared by each app (registered in its AppConfig.ready()) and run by
`manage.py load_demo` in the apps' dependency order (core.layers.APPS), so core never imports an app above it.

A loader is idempotent: `loader(*, verbosity) -> list[str]`, the lines it reports (what it created, what it
skipped)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fairdesk.core.layers import rank

Loader = Callable[..., "list[str]"]  # loader(*, verbosity: int) -> report lines


@dataclass(frozen=True)
class DemoLoader:
    name: str  # "<app>.<what>", e.g. "regions.coverage"
    app: str
    load: Loader


_loaders: dict[str, DemoLoader] = {}


def register(name: str, load: Loader) -> None:
    """Declare a demo loader; its app is the name's first part. Registering a name again replaces it."""
    app = name.split(".", 1)[0]
    _loaders[name] = DemoLoader(name=name, app=app, load=load)


def loaders() -> list[DemoLoader]:
    """Every loader, lower apps first; within an app, in the order they were registered."""
    order = list(_loaders)
    return sorted(_loaders.values(), key=lambda loader: (rank(loader.app), order.index(loader.name)))
