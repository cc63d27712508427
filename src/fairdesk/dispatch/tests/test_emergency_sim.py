"""bench/emergency_sim.py on a smaller day (no database: synthetic covered places in two provinces, a busy
city and far rural counties): fairdesk's policy serves everyone the nearest-idle baseline serves and reaches
at least as many within 30 minutes."""

import importlib.util
import random
from pathlib import Path

import pytest

from fairdesk.dispatch.assignment import TechnicianIndex, TechState
from fairdesk.dispatch.travel import DEFAULT_TRAVEL

BENCH = Path(__file__).resolve().parents[4] / "bench" / "emergency_sim.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("emergency_sim", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def places(seed: int) -> list[tuple[float, float, bool, int]]:
    rng = random.Random(seed)
    out = [(31.2 + rng.gauss(0, 0.08), 121.45 + rng.gauss(0, 0.08), True, 1) for _ in range(12)]  # a city
    out += [(30.0 + rng.uniform(-1.2, 1.2), 103.5 + rng.uniform(-1.5, 1.5), False, 2) for _ in range(10)]
    return out


# (seed, technicians, emergencies): a normal day, and overloaded days where everyone is busy (rule 1 of
# emergency_allocation, capped at the reach, left ~400 of 800 unserved there; the baseline 1 to 3).
@pytest.mark.parametrize(
    ("seed", "technicians", "requests"), [(1, 60, 400), (1, 30, 800), (2, 30, 800), (3, 30, 800)]
)
def test_fairdesk_serves_everyone_the_baseline_serves_and_keeps_its_30_minute_share(
    seed, technicians, requests
):
    bench = load_bench()
    day = bench.run_day(
        places(seed), technicians=technicians, requests=requests, seed=seed, travel=DEFAULT_TRAVEL
    )
    fairdesk, baseline = day["fairdesk"], day["baseline"]
    assert set(fairdesk) == {"within_30_share", "mean_wait_min", "p95_wait_min", "unserved"}
    assert fairdesk["unserved"] <= baseline["unserved"]
    assert fairdesk["within_30_share"] >= baseline["within_30_share"]


def test_when_everyone_near_is_busy_the_request_still_gets_a_technician():
    index = TechnicianIndex()
    index.upsert(TechState(id=1, lat=31.0, lng=120.0, skills=frozenset({"locks"}), busy_until=600))
    decision = index.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=True, max_minutes=240)
    assert decision.technician == 1 and decision.eta_minutes > 240  # queued, not abandoned
    far = TechnicianIndex()
    far.upsert(TechState(id=2, lat=40.0, lng=120.0, skills=frozenset({"locks"})))  # ~1,000 km away
    assert (
        far.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=True, max_minutes=240).technician is None
    )


def test_a_request_that_waited_past_the_threshold_gets_the_nearest():
    index = TechnicianIndex()
    index.upsert(TechState(id=1, lat=31.0, lng=120.0, skills=frozenset({"locks"})))  # next door
    index.upsert(TechState(id=2, lat=31.05, lng=120.0, skills=frozenset({"locks"})))  # in time, but farther
    fresh = index.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=True)
    waited = index.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=True, waited_minutes=6)
    assert (fresh.technician, waited.technician) == (2, 1)
