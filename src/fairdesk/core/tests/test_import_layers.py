"""Dependencies run one way: a lower app never imports a higher one (core.layers.APPS, lowest first), at
module level or inside a function, and no app imports the project modules above them all (api, urls, settings,
testing). Read from the source's syntax tree, so an import hidden in a function counts like any other."""

from __future__ import annotations

from pathlib import Path

from fairdesk.core.layers import APPS, app_modules, upward

SRC = Path(__file__).resolve().parents[2]  # src/fairdesk


def test_no_app_imports_a_higher_one():
    found = [
        f"{path.relative_to(SRC)}:{i.line} imports {i.target}"
        for path, module in app_modules(SRC)
        for i in upward(path.read_text("utf-8"), module)
    ]
    assert found == [], "a lower app imports a higher one (see core/layers.py):\n" + "\n".join(found)


def test_the_check_sees_every_kind_of_upward_import():
    source = """
from fairdesk.core import clock
from fairdesk.bookings.models import Slot
from fairdesk.dispatch.models import Job
import fairdesk.plans.services
from fairdesk import dispatch
from ..dispatch import selectors


def later():
    from fairdesk.dispatch.services import urgent_assign
    from fairdesk.urls import urlpatterns
"""
    found = [(i.line, i.target, i.in_function) for i in upward(source, "fairdesk.bookings.views")]
    assert found == [
        (4, "fairdesk.dispatch.models", False),
        (6, "fairdesk.dispatch", False),
        (7, "fairdesk.dispatch", False),
        (11, "fairdesk.dispatch.services", True),
        (12, "fairdesk.urls", True),
    ]
    lower = upward("import fairdesk.plans.services\n", "fairdesk.notify.services")
    assert [(i.line, i.target) for i in lower] == [(1, "fairdesk.plans.services")]


def test_every_app_has_its_place_in_the_layers():
    apps = {path.parent.name for path in SRC.glob("*/apps.py")}
    assert apps == set(APPS), "place every app in core/layers.py APPS (lowest first)"
