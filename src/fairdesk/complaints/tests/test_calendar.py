"""The working-day calendar on China's official schedule (chinese-calendar 1.11, which ships 2004-2026), the
admin's `WorkdayOverride` table, and the warnings when a year is not covered. Every date here is fixed; none
depends on today."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from fairdesk.complaints import calendar
from fairdesk.complaints.calendar import (
    CalendarNotCovered,
    coverage_warnings,
    is_working_day,
    working_days_after,
    working_days_after_at_latest,
    years_covered,
)
from fairdesk.complaints.models import WorkdayOverride

D = dt.date
pytestmark = pytest.mark.django_db


def test_the_package_ships_2026_and_not_2027():
    # If a newer chinese-calendar adds 2027, the "not covered" tests below need another year: say so loudly.
    assert 2026 in calendar.package_years()
    assert 2027 not in calendar.package_years()


def test_spring_festival_2026_week_and_its_make_up_saturdays():
    # State Council 2026: 15-23 February off (Sunday to Monday, nine days), Saturdays 14 and 28 February work.
    for day in range(15, 24):
        assert not is_working_day(D(2026, 2, day)), f"2026-02-{day} is a Spring Festival holiday"
    assert D(2026, 2, 14).weekday() == 5 and is_working_day(D(2026, 2, 14))  # make-up Saturday
    assert D(2026, 2, 28).weekday() == 5 and is_working_day(D(2026, 2, 28))  # make-up Saturday
    assert is_working_day(D(2026, 2, 13))  # the Friday before
    assert is_working_day(D(2026, 2, 24))  # the first Tuesday back
    # From the Friday before the holiday: the make-up Saturday, then the week after the holiday.
    assert working_days_after(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert working_days_after(D(2026, 2, 13), 2) == D(2026, 2, 24)
    assert working_days_after(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # From a day inside the holiday (除夕, 16 February): the 1st is the first day back.
    assert working_days_after(D(2026, 2, 16), 1) == D(2026, 2, 24)


def test_national_day_2026_and_the_make_up_saturday():
    for day in range(1, 8):
        assert not is_working_day(D(2026, 10, day)), f"2026-10-0{day} is a National Day holiday"
    assert D(2026, 10, 10).weekday() == 5 and is_working_day(D(2026, 10, 10))  # make-up Saturday
    assert D(2026, 9, 20).weekday() == 6 and is_working_day(D(2026, 9, 20))  # make-up Sunday
    assert not is_working_day(D(2026, 10, 11))  # the Sunday after stays off
    assert working_days_after(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert working_days_after(D(2026, 9, 30), 3) == D(2026, 10, 10)  # 8, 9, then the make-up Saturday
    assert working_days_after(D(2026, 10, 9), 2) == D(2026, 10, 12)  # 10 (Saturday works), 12 (Monday)


def test_a_plain_weekend():
    assert is_working_day(D(2026, 3, 6))  # Friday
    assert not is_working_day(D(2026, 3, 7))  # Saturday
    assert not is_working_day(D(2026, 3, 8))  # Sunday
    assert working_days_after(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday → Monday
    assert working_days_after(D(2026, 3, 7), 1) == D(2026, 3, 9)  # Saturday → Monday
    assert working_days_after(D(2026, 3, 7), 3) == D(2026, 3, 11)


def test_counting_agrees_with_the_package_over_2026():
    workdays = chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31))
    start = D(2025, 12, 31)
    for n in (1, 3, 45, 100, len(workdays)):
        assert working_days_after(start, n) == workdays[n - 1]


def test_arguments_are_checked():
    with pytest.raises(ValueError):
        working_days_after(D(2026, 3, 6), 0)
    with pytest.raises(TypeError):
        is_working_day(dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))  # a datetime's day depends on its zone


def test_counting_45_working_days_reads_the_table_once_per_year(django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        assert working_days_after(D(2026, 2, 13), 45) == D(2026, 4, 24)


def test_2027_is_not_covered_it_raises_and_managers_are_warned():
    assert years_covered([2026, 2027]) == {2026: True, 2027: False}
    with pytest.raises(CalendarNotCovered) as raised:
        is_working_day(D(2027, 1, 4))
    assert raised.value.year == 2027
    assert "2027" in str(raised.value)
    # 31 December 2026 is a Thursday and works; the count then needs 2027 and refuses to guess.
    assert working_days_after(D(2026, 12, 30), 1) == D(2026, 12, 31)
    with pytest.raises(CalendarNotCovered):
        working_days_after(D(2026, 12, 30), 2)

    # Next year is warned about from 1 November, this year always.
    assert coverage_warnings(today=D(2026, 10, 31)) == []
    warnings = coverage_warnings(today=D(2026, 11, 1))
    assert len(warnings) == 1
    assert "2027" in warnings[0] and "工作日调整" in warnings[0]
    assert coverage_warnings(today=D(2026, 11, 28)) == warnings
    this_year = coverage_warnings(today=D(2027, 1, 5))
    assert len(this_year) == 1 and "2027" in this_year[0] and this_year[0] != warnings[0]
    assert len(coverage_warnings(today=D(2027, 12, 1))) == 2  # 2027 and 2028


def test_the_bound_counts_an_uncovered_year_every_day_and_is_never_later_than_the_official_count():
    assert working_days_after_at_latest(D(2026, 12, 30), 3) == (D(2027, 1, 2), frozenset({2027}))
    assert working_days_after_at_latest(D(2026, 3, 6), 3) == (D(2026, 3, 11), frozenset())
    # Once 2027 is entered (rows for illustration, not the official schedule), the real answer is later.
    WorkdayOverride.objects.create(day=D(2027, 1, 1), working=False, note="test")
    assert working_days_after(D(2026, 12, 30), 3) == D(2027, 1, 5)  # 31 Dec, Mon 4, Tue 5 January


def test_rows_for_2027_in_the_table_cover_it():
    # Test rows only (the State Council's 2027 schedule is what managers enter): a three-day New Year with a
    # make-up Sunday before it.
    WorkdayOverride.objects.create(day=D(2027, 1, 1), working=False, note="元旦")
    WorkdayOverride.objects.create(day=D(2027, 1, 4), working=False, note="元旦")
    WorkdayOverride.objects.create(day=D(2026, 12, 27), working=True, note="2026 row: package year")
    WorkdayOverride.objects.create(day=D(2027, 1, 10), working=True, note="调休上班")

    assert years_covered([2026, 2027, 2028]) == {2026: True, 2027: True, 2028: False}
    assert coverage_warnings(today=D(2026, 11, 28)) == []
    assert coverage_warnings(today=D(2027, 3, 1)) == []
    assert not is_working_day(D(2027, 1, 1))  # table holiday (a Friday)
    assert not is_working_day(D(2027, 1, 2))  # ordinary Saturday
    assert not is_working_day(D(2027, 1, 4))  # table holiday (a Monday)
    assert is_working_day(D(2027, 1, 5))  # ordinary Tuesday
    assert is_working_day(D(2027, 1, 10))  # table make-up Sunday
    assert not is_working_day(D(2027, 1, 17))  # ordinary Sunday
    assert working_days_after(D(2026, 12, 31), 1) == D(2027, 1, 5)
    assert working_days_after(D(2027, 1, 8), 1) == D(2027, 1, 10)
    with pytest.raises(CalendarNotCovered):
        is_working_day(D(2028, 3, 1))


def test_an_override_for_a_2026_day_wins_over_the_package():
    assert is_working_day(D(2026, 10, 10)) and not is_working_day(D(2026, 10, 5))
    assert is_working_day(D(2026, 12, 24))
    WorkdayOverride.objects.create(day=D(2026, 10, 10), working=False, note="make-up day cancelled")
    WorkdayOverride.objects.create(day=D(2026, 10, 5), working=True, note="holiday moved")
    WorkdayOverride.objects.create(day=D(2026, 12, 24), working=False, note="extra holiday")
    assert not is_working_day(D(2026, 10, 10))
    assert is_working_day(D(2026, 10, 5))
    assert not is_working_day(D(2026, 12, 24))
    assert working_days_after(D(2026, 9, 30), 1) == D(2026, 10, 5)
    assert working_days_after(D(2026, 10, 9), 1) == D(2026, 10, 12)
    assert working_days_after(D(2026, 12, 23), 1) == D(2026, 12, 25)
