"""Which app imports which, read from the syntax tree of every app module (tests left out), with the imports
that break the layering (core/layers.py) and the function-level ones. Reads files only; imports no app."""

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand

from fairdesk.core.layers import APPS, app_modules, imports_of, upward

SRC = Path(__file__).resolve().parents[3]  # src/fairdesk


class Command(BaseCommand):
    help = "Print the import graph between apps (and upward and function-level imports)."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="one JSON object instead of text")

    def handle(self, *args, **options):
        edges: dict[str, Counter] = {app: Counter() for app in APPS}
        lazy, lazy_files, broken = 0, set(), []
        for path, module in app_modules(SRC):
            app = module.split(".")[1]
            source = path.read_text("utf-8")
            for i in imports_of(source, module):
                if i.app in APPS and i.app != app:
                    edges[app][i.app] += 1
                if i.in_function and i.app and "migrations" not in module:
                    lazy += 1
                    lazy_files.add(str(path.relative_to(SRC)))
            broken += [f"{path.relative_to(SRC)}:{i.line} {i.target}" for i in upward(source, module)]
        if options["json"]:
            graph = {app: dict(sorted(c.items(), key=lambda e: APPS.index(e[0]))) for app, c in edges.items()}
            result = {"imports": graph, "upward": broken, "function_level": lazy, "files": len(lazy_files)}
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for app in APPS:
            ordered = sorted(edges[app].items(), key=lambda e: APPS.index(e[0]))
            targets = ", ".join(f"{target} ({count})" for target, count in ordered)
            self.stdout.write(f"{app} -> {targets or '-'}")
        self.stdout.write(f"upward imports: {len(broken)}")
        for line in broken:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"function-level imports of fairdesk modules: {lazy} in {len(lazy_files)} files")
