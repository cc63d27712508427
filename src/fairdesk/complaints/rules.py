"""The published complaint deadline rules, versioned. A complaint stores the version that computed its
deadlines (`Complaint.rule_version`); a new version is a new entry in `RULES` and earlier versions stay, so
every stored deadline can be recomputed and explained with the rule that made it.

How the deadlines run (published; version "2026-11"):

- **Hours and calendar days** run from the moment of receipt and never pause for nights, weekends or
  holidays: first human contact within 4 hours (green channel: plan change, cancellation, refund) or 24
  hours (every other complaint); the final response of a complaint outside the green channel within 15
  calendar days, i.e. receipt + 15 x 24 hours.
- **"N working days"** ends at 23:59:59 local time (core.clock.local_zone(), Asia/Shanghai) of the N-th
  working day after the day of receipt. The day of receipt never counts, whatever the hour; a complaint
  received on a weekend or a holiday counts the same way from the next working day, which is its 1st working
  day (received on a Saturday, "3 working days" ends on Wednesday in an ordinary week, as for a Friday).
  Working days follow the official schedule with its make-up working days (complaints/calendar.py). The
  green channel's final response: 3 working days.
- **The hard limit** of every complaint: 45 working days, counted the same way.
- Only the final-response deadline pauses, and only while the business waits for information it asked the
  customer for (Complaint.paused_seconds, each pause an event); first contact and the hard limit never pause.

`deadlines` computes all three as aware UTC datetimes; `half_way` is the escalation's moment of "half the
time to the deadline".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Literal

from fairdesk.complaints import calendar
from fairdesk.core import clock

END_OF_DAY = dt.time(23, 59, 59)


@dataclasses.dataclass(frozen=True)
class Rule:
    green_first_contact: dt.timedelta
    green_final_working_days: int
    first_contact: dt.timedelta
    final_calendar_days: int
    hard_limit_working_days: int
    description_zh: str
    description_en: str

    def description(self, language: str | None = None) -> str:
        """The published text in `language` (default: the active one): English for "en…", else Chinese."""
        if language is None:
            from django.utils import translation

            language = translation.get_language() or ""
        return self.description_en if language.lower().startswith("en") else self.description_zh


@dataclasses.dataclass(frozen=True)
class Deadlines:
    first_contact_by: dt.datetime
    final_response_by: dt.datetime
    hard_limit_by: dt.datetime
    # Years no calendar covered whose every day was counted as a working day (deadlines(uncovered="bound")):
    # empty means the deadlines follow the official schedule.
    provisional_years: frozenset[int] = frozenset()

    @property
    def provisional(self) -> bool:
        return bool(self.provisional_years)


RULE_VERSION = "2026-11"

# The one clause that pauses a clock (the final response, while the business waits for information it asked
# the customer for); a pause event names it as "<rule version>:<PAUSE_RULE>".
PAUSE_RULE = "pause.awaiting_customer"

RULES: dict[str, Rule] = {
    "2026-11": Rule(
        green_first_contact=dt.timedelta(hours=4),
        green_final_working_days=3,
        first_contact=dt.timedelta(hours=24),
        final_calendar_days=15,
        hard_limit_working_days=45,
        description_zh=(
            "首次人工联系：套餐变更、取消和退款的投诉（绿色通道）在受理后 4 小时内，其他投诉在 24 小时内。"
            "最终答复：绿色通道在受理日之后第 3 个工作日的 23:59:59（北京时间）前，"
            "其他投诉在受理后 15 个自然日内。"
            "每件投诉最迟在受理日之后第 45 个工作日的 23:59:59 前办结。"
            "小时和自然日从受理时刻起连续计算，夜间和节假日不停；"
            "工作日按国务院公布的放假安排（含调休上班日）计算，"
            "受理当天不计入，周末或节假日受理的从下一个工作日起算。"
            "只有在我们等待您补充我们所要求的信息期间，最终答复的期限才暂停。"
        ),
        description_en=(
            "First contact by a person: within 4 hours for complaints about a plan change, cancellation or "
            "refund (the green channel), within 24 hours for any other complaint. Final response: by "
            "23:59:59 Beijing time on the 3rd working day after the day of receipt in the green channel, "
            "within 15 calendar days of receipt for any other complaint. Every complaint is closed at the "
            "latest by 23:59:59 on the 45th working day after the day of receipt. Hours and calendar days "
            "run from the moment of receipt, through nights and holidays; working days follow the State "
            "Council's holiday schedule, make-up working days included; the day of receipt does not count, "
            "and a complaint received on a weekend or holiday counts from the next working day. Only the "
            "final-response deadline pauses, and only while we wait for information we asked you for."
        ),
    ),
}


def _aware(moment: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment


def end_of_working_day(day: dt.date) -> dt.datetime:
    """23:59:59 local time of `day`, in UTC."""
    return dt.datetime.combine(day, END_OF_DAY, tzinfo=clock.local_zone()).astimezone(dt.UTC)


def deadlines(
    *,
    received_at: dt.datetime,
    green_channel: bool,
    version: str = RULE_VERSION,
    uncovered: Literal["raise", "bound"] = "raise",
) -> Deadlines:
    """The deadlines of a complaint received at `received_at` under rule `version` (module docstring).

    A working-day deadline reaching into a year no calendar covers raises `calendar.CalendarNotCovered`
    (uncovered="raise"). With uncovered="bound" every day of such a year counts as a working day instead: the
    deadline is then never later than the official schedule could make it (in the customer's favour, not a
    guess), and `Deadlines.provisional_years` names the years so counted, for the record and the managers'
    warning (calendar.coverage_warnings)."""
    received_at = _aware(received_at, "received_at").astimezone(dt.UTC)
    try:
        rule = RULES[version]
    except KeyError:
        raise ValueError(f"unknown complaint rule version {version!r}") from None
    if uncovered not in ("raise", "bound"):
        raise ValueError(f"uncovered must be 'raise' or 'bound', not {uncovered!r}")
    day = received_at.astimezone(clock.local_zone()).date()
    assumed: set[int] = set()

    def nth_working_day(n: int) -> dt.date:
        if uncovered == "raise":
            return calendar.working_days_after(day, n)
        found, years = calendar.working_days_after_at_latest(day, n)
        assumed.update(years)
        return found

    if green_channel:
        first_contact_by = received_at + rule.green_first_contact
        final_response_by = end_of_working_day(nth_working_day(rule.green_final_working_days))
    else:
        first_contact_by = received_at + rule.first_contact
        final_response_by = received_at + dt.timedelta(days=rule.final_calendar_days)
    hard_limit_by = end_of_working_day(nth_working_day(rule.hard_limit_working_days))
    return Deadlines(
        first_contact_by=first_contact_by,
        final_response_by=final_response_by,
        hard_limit_by=hard_limit_by,
        provisional_years=frozenset(assumed),
    )


def half_way(start: dt.datetime, deadline: dt.datetime) -> dt.datetime:
    """The moment half the time from `start` to `deadline` has passed (the escalation's alert to the team
    lead), in UTC. A deadline at or before `start` is its own half-way point (already due)."""
    start = _aware(start, "start").astimezone(dt.UTC)
    deadline = _aware(deadline, "deadline").astimezone(dt.UTC)
    if deadline <= start:
        return deadline
    return start + (deadline - start) / 2
