"""The demo loader shows coverage demand in the admin (addresses outside the demo network, as typed)."""

import pytest

from fairdesk.regions.demo import coverage_load_demo
from fairdesk.regions.models import CoverageDemand

pytestmark = pytest.mark.django_db


def test_the_demo_records_demand_outside_the_network_once():
    coverage_load_demo(verbosity=0)
    count = CoverageDemand.objects.count()
    assert count >= 2 and CoverageDemand.objects.exclude(division=None).exists()
    coverage_load_demo(verbosity=0)
    assert CoverageDemand.objects.count() == count
