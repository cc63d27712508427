"""Working days in the business's zone (core.clock.local_zone(), Asia/Shanghai) on China's official schedule.

Where a day's answer comes from, first match wins:

1. a `WorkdayOverride` row for that day (admin "工作日调整"): an override wins over the package;
2. the `chinese-calendar` package, for the years it ships a State Council schedule for (holidays and make-up
   working days, 调休);
3. a year the package does not know but the table has at least one row for: weekdays (Monday-Friday) are
   working days and weekends are off, except the days the table lists. The table must then list *every*
   holiday and every make-up working day of that year as published by the State Council (ordinary weekends are
   weekends and need no row);
4. otherwise the year is not covered and `CalendarNotCovered` is raised: never a silent guess.
   `coverage_warnings` tells managers in time (this year; next year from 1 November).

Nothing here is cached across calls: an override entered in the admin counts at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import chinese_calendar
from chinese_calendar import constants as _package_data
from django.utils.translation import gettext as _

# Next year's schedule is published by the State Council in the autumn: from this day of the year on, managers
# are warned while next year is not covered.
NEXT_YEAR_WARNING_FROM = (11, 1)  # (month, day)


class CalendarNotCovered(Exception):
    """A year neither the `chinese-calendar` package nor the `WorkdayOverride` table covers."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"the official working-day schedule for {year} is unknown: neither the chinese-calendar package "
            f"nor the WorkdayOverride table (admin 工作日调整) covers it"
        )


def package_years() -> range:
    """The years the installed `chinese-calendar` has a schedule for (it refuses any other year)."""
    days = _package_data.holidays.keys()
    return range(min(days).year, max(days).year + 1)


def _table_years(years: Iterable[int]) -> set[int]:
    from fairdesk.complaints.models import WorkdayOverride

    wanted = sorted(set(years))
    if not wanted:
        return set()
    rows = WorkdayOverride.objects.filter(day__year__gte=wanted[0], day__year__lte=wanted[-1])
    return {day.year for day in rows.values_list("day", flat=True)} & set(wanted)


class _Calendar:
    """One reading of the override table, a year at a time (one query per year touched), for one call.
    With `uncovered_working`, every day of an uncovered year is taken as a working day (and the year noted in
    `assumed`) instead of raising."""

    def __init__(self, *, uncovered_working: bool = False) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}
        self._package = package_years()
        self._uncovered_working = uncovered_working
        self.assumed: set[int] = set()

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            from fairdesk.complaints.models import WorkdayOverride

            self._overrides[year] = dict(
                WorkdayOverride.objects.filter(day__year=year).values_list("day", "working")
            )
        return self._overrides[year]

    def is_working_day(self, day: dt.date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        if day.year in self._package:
            return chinese_calendar.is_workday(day)
        if overrides:  # the table covers the year: every other weekday works, every other weekend is off
            return day.weekday() < 5
        if self._uncovered_working:
            self.assumed.add(day.year)
            return True
        raise CalendarNotCovered(day.year)


def _as_date(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):  # a datetime's date would depend on its zone: say which day is meant
        raise TypeError("pass a date (the local day), not a datetime")
    return day


def is_working_day(day: dt.date) -> bool:
    """Whether `day` (a local calendar day) is an official working day; `CalendarNotCovered` for a year
    neither the package nor the override table covers."""
    return _Calendar().is_working_day(_as_date(day))


def working_days_after(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n >= 1); `day` itself never counts, working or not. So from a Friday,
    the 1st is (normally) Monday; from a Saturday or a holiday, the 1st is the next working day."""
    return _count(_Calendar(), day, n)


def working_days_after_at_latest(day: dt.date, n: int) -> tuple[dt.date, frozenset[int]]:
    """`working_days_after`, except that every day of a year nobody covers counts as a working day instead of
    raising; also returns those years (empty: the answer is the official one). Each counted day is still a
    distinct day after `day`, so the answer is never later than the official schedule, whatever it turns out
    to be, could give: a bound in the customer's favour, never a guess in the business's."""
    calendar = _Calendar(uncovered_working=True)
    return _count(calendar, day, n), frozenset(calendar.assumed)


def _count(calendar: _Calendar, day: dt.date, n: int) -> dt.date:
    day = _as_date(day)
    if n < 1:
        raise ValueError("n must be at least 1")
    counted = 0
    while counted < n:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def years_covered(years: Iterable[int]) -> dict[int, bool]:
    """For each year: whether working days can be computed for it (the package has it, or the table has
    at least one row for a year the package lacks; the module docstring says what the
    table must then hold)."""
    years = list(years)
    package = package_years()
    table = _table_years(y for y in years if y not in package)
    return {year: (year in package or year in table) for year in years}


def coverage_warnings(*, today: dt.date) -> list[str]:
    """Warnings for managers (translated, in the active language): this year not covered, or, from 1 November,
    next year not covered, each with what to do. Empty when all is well.

    A year counts as covered by the table when it has at least one `WorkdayOverride` row and the package lacks
    it: the table must then list every holiday and make-up working day of that year (ordinary weekends are
    weekends). Deadlines that reach into an uncovered year cannot be computed on the official calendar."""
    from fairdesk.complaints.models import WorkdayOverride

    today = _as_date(today)
    years = [today.year]
    if (today.month, today.day) >= NEXT_YEAR_WARNING_FROM:
        years.append(today.year + 1)
    covered = years_covered(years)
    admin = str(WorkdayOverride._meta.verbose_name_plural)
    warnings = []
    for year in years:
        if covered[year]:
            continue
        if year == today.year:
            text = _(
                "系统还没有 %(year)s 年的法定节假日安排，按工作日计算的投诉期限无法按官方日历计算。"
                "请立即在管理后台“%(admin)s”中录入国务院公布的 %(year)s 年全部放假日和调休上班日"
                "（普通周末不用录入）。"
            )
        else:
            text = _(
                "系统还没有 %(year)s 年的法定节假日安排，期限跨入 %(year)s 年的投诉将无法按官方日历计算。"
                "国务院公布 %(year)s 年放假安排后，请在管理后台“%(admin)s”中录入全部放假日和调休上班日"
                "（普通周末不用录入）。"
            )
        warnings.append(text % {"year": year, "admin": admin})
    return warnings
