"""The demo history (transparency/demo_history.py): through the real services, inside the last complete
half-year, so the report page opens on numbers; loading it twice changes nothing."""

import pytest

from fairdesk.accounts.demo import staff_load_demo
from fairdesk.core import clock
from fairdesk.core.models import Event
from fairdesk.dispatch.services import technicians_load_demo
from fairdesk.plans.demo import plans_load_demo
from fairdesk.regions.demo import coverage_load_demo
from fairdesk.support.demo import load_demo as support_answers_load_demo
from fairdesk.transparency import report
from fairdesk.transparency.demo_history import history_load_demo
from fairdesk.transparency.views_report import default_half, halves

pytestmark = pytest.mark.django_db


def test_the_demo_history_fills_the_default_half_year(django_capture_on_commit_callbacks):
    staff_load_demo()
    coverage_load_demo(verbosity=0)
    technicians_load_demo()
    plans_load_demo()
    support_answers_load_demo()
    with django_capture_on_commit_callbacks(execute=True):
        lines = history_load_demo()
    assert "8 plan changes, 5 support conversations, 3 complaints, 4 emergencies" in lines[0], lines
    half = default_half(halves(clock.local(clock.now()).date()))
    data = report.report_for(half.date_from, half.date_to)
    plan = data["plan_changes"]
    assert [plan[d]["count"] for d in report.DIRECTIONS] == [3, 2, 1, 1, 1]
    assert plan["up"]["self_service_share"] == 0.6667 and plan["down"]["self_service_share"] == 1.0
    support = data["support"]
    assert support["human_requests"] == 3 and support["closed_by_bot_alone_share"] == 0.4
    assert support["wait_to_first_human_reply_seconds"] == {"p50": 360, "p90": 660}
    assert support["rated"] == 4
    complaints = data["complaints"]
    assert complaints["count"] == 3 and complaints["first_contact_on_time_share"] == 0.6667
    assert complaints["upheld_share"] == 0.6667 and complaints["escalated_outside_share"] == 0.3333
    emergencies = data["emergencies"]
    assert emergencies["count"] == 4 and emergencies["on_site_within_30_min_share"] == 0.75
    assert emergencies["arrival_minutes"] == {"p50": 18, "p90": 44}
    stored = Event.objects.count()
    assert history_load_demo() == ["transparency: demo history already there"]
    assert Event.objects.count() == stored
