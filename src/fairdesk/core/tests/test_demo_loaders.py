"""load_demo imports no app: each app declares its demo loader (core.demo) and they run lower apps first."""

import io

import pytest
from django.core.management import call_command

from fairdesk.core import demo
from fairdesk.core.layers import rank


def test_every_app_with_demo_data_declares_a_loader_run_in_layer_order():
    names = [loader.name for loader in demo.loaders()]
    assert names == [
        "accounts.staff",
        "regions.coverage",
        "plans.catalog",
        "bookings.service_types_and_slots",
        "dispatch.technicians",
        "knowledge.articles",
        "courses.demo",
        "support.bot_answers",
        "complaints.demo",
        "transparency.rules",
        "transparency.history",
    ]
    ranks = [rank(loader.app) for loader in demo.loaders()]
    assert ranks == sorted(ranks)


def test_a_loader_registered_late_still_runs_in_its_layers_place():
    try:
        demo.register("accounts.late_test", lambda *, verbosity=1: [])
        names = [loader.name for loader in demo.loaders()]
        assert names.index("accounts.late_test") < names.index("regions.coverage")
    finally:
        demo._loaders.pop("accounts.late_test", None)


@pytest.mark.django_db
def test_load_demo_runs_the_loaders_and_is_idempotent(monkeypatch):
    calls = []
    for loader in demo.loaders():  # the real loaders are exercised by the event catalogue test
        monkeypatch.setitem(
            demo._loaders,
            loader.name,
            demo.DemoLoader(
                loader.name, loader.app, lambda *, verbosity, name=loader.name: calls.append(name) or [name]
            ),
        )
    out = io.StringIO()
    call_command("load_demo", stdout=out, verbosity=0)
    assert out.getvalue().split() == calls == [loader.name for loader in demo.loaders()]
