"""The published deadline rule (version 2026-11) on fixed dates: the green channel on the eve of Spring
Festival, a complaint received on a Saturday (and late on a Friday in UTC, already Saturday in Beijing),
calendar days that never pause, the 45-working-day hard limit, a year not covered, and the escalation's
half-way point."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from fairdesk.complaints import rules
from fairdesk.complaints.calendar import CalendarNotCovered
from fairdesk.complaints.models import WorkdayOverride
from fairdesk.complaints.rules import RULE_VERSION, RULES, Deadlines, deadlines, half_way

pytestmark = pytest.mark.django_db

BEIJING = dt.timezone(dt.timedelta(hours=8))
UTC = dt.UTC


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BEIJING)


def end_of(y, m, d) -> dt.datetime:
    return local(y, m, d, 23, 59, 59).astimezone(UTC)


def test_the_current_version_and_its_numbers():
    assert RULE_VERSION == "2026-11" and RULE_VERSION in RULES
    rule = RULES["2026-11"]
    assert rule.green_first_contact == dt.timedelta(hours=4)
    assert rule.green_final_working_days == 3
    assert rule.first_contact == dt.timedelta(hours=24)
    assert rule.final_calendar_days == 15
    assert rule.hard_limit_working_days == 45
    assert rules.PAUSE_RULE == "pause.awaiting_customer"
    assert "45" in rule.description_zh and "45" in rule.description_en
    assert rule.description("en") == rule.description_en
    assert rule.description("zh-hans") == rule.description_zh
    with translation.override("en"):
        assert rule.description() == rule.description_en


def test_green_channel_on_the_eve_of_spring_festival_ends_after_the_holiday():
    # Friday 13 February 2026, 18:00 Beijing: the 1st working day is the make-up Saturday 14th, then the
    # holiday (15-23 February), then Tuesday 24th and Wednesday 25th.
    received = local(2026, 2, 13, 18, 0)
    got = deadlines(received_at=received, green_channel=True)
    assert got == Deadlines(
        first_contact_by=local(2026, 2, 13, 22, 0).astimezone(UTC),  # hours never pause
        final_response_by=end_of(2026, 2, 25),
        hard_limit_by=end_of(2026, 4, 24),
    )
    assert not got.provisional
    assert all(
        moment.tzinfo == UTC for moment in (got.first_contact_by, got.final_response_by, got.hard_limit_by)
    )
    # Received on the make-up Saturday itself (the last working day before the holiday): 24, 25, 26.
    saturday = deadlines(received_at=local(2026, 2, 14, 9, 30), green_channel=True)
    assert saturday.final_response_by == end_of(2026, 2, 26)
    # Received on 除夕 (16 February, a holiday): counts from the first day back the same way.
    eve = deadlines(received_at=local(2026, 2, 16, 20, 0), green_channel=True)
    assert eve.final_response_by == end_of(2026, 2, 26)
    assert eve.first_contact_by == local(2026, 2, 17, 0, 0).astimezone(UTC)


def test_outside_the_green_channel_calendar_days_run_through_the_holiday():
    got = deadlines(received_at=local(2026, 2, 13, 18, 0), green_channel=False)
    assert got.first_contact_by == local(2026, 2, 14, 18, 0).astimezone(UTC)
    assert got.final_response_by == local(2026, 2, 28, 18, 0).astimezone(UTC)  # 15 × 24 h, holiday or not
    assert got.hard_limit_by == end_of(2026, 4, 24)


def test_received_on_a_saturday():
    got = deadlines(received_at=local(2026, 3, 7, 10, 0), green_channel=True)
    assert got.first_contact_by == local(2026, 3, 7, 14, 0).astimezone(UTC)
    assert got.final_response_by == end_of(2026, 3, 11)  # Monday 9, Tuesday 10, Wednesday 11
    assert got.hard_limit_by == end_of(2026, 5, 13)
    # Friday 17:30 UTC is Saturday 01:30 in Beijing: the local day is what counts.
    late_friday_utc = deadlines(received_at=dt.datetime(2026, 3, 6, 17, 30, tzinfo=UTC), green_channel=True)
    assert late_friday_utc.final_response_by == end_of(2026, 3, 11)
    # Friday 15:30 UTC is still Friday 23:30 in Beijing: the same three days (Friday itself never counts).
    friday = deadlines(received_at=dt.datetime(2026, 3, 6, 15, 30, tzinfo=UTC), green_channel=True)
    assert friday.final_response_by == end_of(2026, 3, 11)


def test_national_day_and_its_make_up_saturday():
    got = deadlines(received_at=local(2026, 9, 30, 12, 0), green_channel=True)
    assert got.final_response_by == end_of(2026, 10, 10)  # 8, 9, then Saturday 10 October works
    assert got.hard_limit_by == end_of(2026, 12, 8)


def test_a_deadline_in_an_uncovered_year_raises_or_is_bounded_on_request():
    received = local(2026, 12, 30, 10, 0)
    with pytest.raises(CalendarNotCovered):
        deadlines(received_at=received, green_channel=True)
    with pytest.raises(CalendarNotCovered):  # the hard limit reaches 2027 for every complaint
        deadlines(received_at=received, green_channel=False)
    bound = deadlines(received_at=received, green_channel=True, uncovered="bound")
    assert bound.provisional and bound.provisional_years == frozenset({2027})
    assert bound.final_response_by == end_of(2027, 1, 2)  # 31 December, then every 2027 day counted
    # Entered (test rows, not the official schedule): the official deadline is never earlier than the bound.
    WorkdayOverride.objects.create(day=dt.date(2027, 1, 1), working=False)
    official = deadlines(received_at=received, green_channel=True)
    assert official.final_response_by == end_of(2027, 1, 5)
    assert official.final_response_by >= bound.final_response_by
    assert official.hard_limit_by >= bound.hard_limit_by
    assert not official.provisional


def test_bad_arguments():
    with pytest.raises(ValueError):
        deadlines(received_at=dt.datetime(2026, 3, 6, 12), green_channel=True)  # naive
    with pytest.raises(ValueError):
        deadlines(received_at=local(2026, 3, 6, 12), green_channel=True, version="1999-01")
    with pytest.raises(ValueError):
        deadlines(received_at=local(2026, 3, 6, 12), green_channel=True, uncovered="guess")


def test_every_version_in_rules_computes():
    for version in RULES:
        got = deadlines(received_at=local(2026, 6, 1, 9, 0), green_channel=True, version=version)
        assert local(2026, 6, 1, 9, 0) < got.first_contact_by <= got.final_response_by <= got.hard_limit_by


def test_half_way():
    start = dt.datetime(2026, 3, 7, 2, 0, tzinfo=UTC)
    assert half_way(start, start + dt.timedelta(hours=4)) == start + dt.timedelta(hours=2)
    assert half_way(start, rules.end_of_working_day(dt.date(2026, 3, 11))) == dt.datetime(
        2026, 3, 9, 8, 59, 59, 500000, tzinfo=UTC
    )
    assert half_way(local(2026, 3, 7, 10, 0), local(2026, 3, 7, 14, 0)) == start + dt.timedelta(hours=2)
    assert half_way(start, start - dt.timedelta(hours=1)) == start - dt.timedelta(hours=1)  # already due
    with pytest.raises(ValueError):
        half_way(dt.datetime(2026, 3, 7), start)
