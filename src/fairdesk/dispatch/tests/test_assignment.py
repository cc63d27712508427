"""The assignment index finds what a full scan would find, and keeps the 30-minute promise where it can."""

import random

import pytest

from fairdesk.dispatch.assignment import TechnicianIndex, TechState
from fairdesk.dispatch.travel import DEFAULT_TRAVEL


def brute_force(techs, lat, lng, skill, now, urban):
    best = None
    for t in techs:
        if skill not in t.skills:
            continue
        eta = max(t.busy_until - now, 0) + DEFAULT_TRAVEL.minutes(t.lat, t.lng, lat, lng, urban=urban)
        if best is None or eta < best[0] or (eta == best[0] and t.id < best[1]):
            best = (eta, t.id)
    return best


@pytest.mark.parametrize("seed", range(5))
def test_the_ring_search_agrees_with_a_full_scan(seed):
    rng = random.Random(seed)
    index, techs = TechnicianIndex(), []
    for n in range(2000):
        tech = TechState(
            id=n,
            lat=rng.uniform(30, 32),
            lng=rng.uniform(118, 121),
            skills=frozenset(rng.sample(["locks", "safes"], rng.randint(1, 2))),
            busy_until=rng.choice([0, 0, rng.uniform(0, 90)]),
        )
        techs.append(tech)
        index.upsert(tech)
    for _ in range(200):
        lat, lng, skill = rng.uniform(30, 32), rng.uniform(118, 121), rng.choice(["locks", "safes"])
        decision = index.best(lat=lat, lng=lng, skill=skill, now=10, urban=True)
        eta, tech_id = brute_force(techs, lat, lng, skill, 10, True)
        assert decision.technician == tech_id
        assert decision.eta_minutes == pytest.approx(eta)
        assert decision.examined < len(techs)  # no full scan


def test_the_promise_keeper_who_arrives_latest_goes_and_the_nearest_stays_free():
    index = TechnicianIndex()
    index.upsert(TechState(id=1, lat=31.0, lng=120.0, skills=frozenset({"locks"})))  # next door
    index.upsert(TechState(id=2, lat=31.05, lng=120.0, skills=frozenset({"locks"})))  # ~7 km, still in time
    index.upsert(TechState(id=3, lat=32.0, lng=120.0, skills=frozenset({"locks"})))  # far
    decision = index.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=True)
    assert decision.technician == 2 and decision.eta_minutes <= 30


def test_when_nobody_can_keep_the_promise_the_real_eta_is_given():
    index = TechnicianIndex()
    index.upsert(TechState(id=3, lat=32.0, lng=120.0, skills=frozenset({"safes"})))
    decision = index.choose(lat=31.0, lng=120.0, skill="safes", now=0, urban=False)
    assert decision.technician == 3 and decision.eta_minutes > 30
    assert index.choose(lat=31.0, lng=120.0, skill="locks", now=0, urban=False).technician is None


def test_a_busy_technician_counts_from_when_the_job_ends():
    index = TechnicianIndex()
    index.upsert(TechState(id=1, lat=31.0, lng=120.0, skills=frozenset({"locks"}), busy_until=50))
    decision = index.best(lat=31.0, lng=120.0, skill="locks", now=20, urban=True)
    assert decision.eta_minutes == pytest.approx(30 + DEFAULT_TRAVEL.setup_minutes)
