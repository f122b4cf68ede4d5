"""Deadlines of the measures (A11, A13, A15, A28) as pure functions of calendar dates.

How days are counted
--------------------
The measures write periods as "自交付使用之日起30日内" (A13.2), "收到备案材料之日起30日内"
(A13.2) and "自本办法施行之日起60日内" (A13.3). They do not define counting, so we apply
the general rule of Chinese law for periods counted in days (Civil Code art. 201, and
art. 154 of the General Principles of the Civil Law in force when the measures were made):
"开始的当日不计入,自下一日开始计算" — the starting day is not counted; day 1 is the next
day. A period of N days therefore ends at 24:00 of `start + N days`, and that is the last
day on which the act is in time:

- delivered 2017-03-01 → file by 2017-03-31 (day 30); filing on 2017-04-01 is 1 day late;
- in force 2017-01-01 → pre-existing systems file by 2017-03-02 (day 60);
- filing received 2017-03-10 → the bureau visits by 2017-04-09.

If the last day is a statutory holiday, the period ends on the day after the holiday
(Civil Code art. 203): on the next working day. Weekends count as rest days, and a weekend
day made a working day in exchange for a holiday (调休) counts as a working day, as the State
Council's yearly holiday notice sets them. Those notices come from the `chinesecalendar`
package (maintained, one release a year when the notice is out); it covers the years from
2004 to the latest notice. For a last day in a later year the result says so
(`uncovered_year`) and keeps the unmoved day: the legal last day is never earlier than it,
so an alert is never late, and nothing is guessed.

"提前10日通知" (A15) is read the same way: the day of the notice is not counted and the
removal may take place on the 10th day after it at the earliest — notice on 2017-03-01
allows removal from 2017-03-11; a removal on 2017-03-10 had only 9 days' notice.

All arguments are calendar dates in the unit's local time (`datetime.date`); a
`datetime.datetime` is refused, because turning an instant into a day needs a time zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache, lru_cache

import chinese_calendar

from vigil.errors import RefusedByLawError, ValidationError

EFFECTIVE_DATE = date(2017, 1, 1)
"""The measures are in force from this day (A28)."""

FILING_DAYS = 30
"""A unit-built system is filed within 30 days of delivery for use (A13.2)."""

LEGACY_FILING_DAYS = 60
"""A system built before `EFFECTIVE_DATE` is filed within 60 days of it (A13.3)."""

SITE_VISIT_DAYS = 30
"""The bureau visits the site within 30 days of receiving the filing (A13.2)."""

REMOVAL_NOTICE_DAYS = 10
"""The bureau is notified at least 10 days before a system is removed (A15)."""


def _day(value: date, field: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise ValidationError(
            f"must be a calendar date such as 2017-03-01, got {value!r}", field=field
        )
    return value


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def in_force(on: date) -> bool:
    """True if the measures apply on `on` (A28)."""
    return _day(on, "on") >= EFFECTIVE_DATE


@cache
def holiday_calendar_years() -> tuple[int, int]:
    """The first and last year the holiday calendar knows the State Council's notice for.
    Cached: the calendar is data installed with the package, fixed for the process."""
    days = chinese_calendar.holidays
    return min(days).year, max(days).year


def is_working_day(day: date) -> bool | None:
    """True on a working day (调休 weekend days included), False on a rest day or holiday,
    None if the holiday calendar does not cover the year."""
    first, last = holiday_calendar_years()
    if not first <= _day(day, "day").year <= last:
        return None
    return bool(chinese_calendar.is_workday(day))


@dataclass(frozen=True, slots=True)
class PeriodEnd:
    """The last day of a period (Civil Code art. 201, 203)."""

    counted: date
    """The start day plus the period's days."""
    last_day: date
    """`counted`, or the next working day when `counted` is a rest day or holiday."""
    uncovered_year: int | None = None
    """The year the holiday calendar lacks, if it was needed: then `last_day` is `counted`,
    not moved, and may be earlier than the legal last day (never later)."""


@lru_cache(maxsize=65536)
def period_end(start: date, days: int) -> PeriodEnd:
    """The last day of a period of `days` days counted from `start` (start not counted);
    a last day that is a rest day or holiday moves to the next working day. Cached: a
    bureau judges thousands of units' deadlines per page, on a few hundred distinct days."""
    if days < 1:
        raise ValueError(f"a period has at least one day, got {days}")
    counted = _day(start, "start") + timedelta(days=days)
    last = counted
    while (working := is_working_day(last)) is False:
        last += timedelta(days=1)
    if working is None:
        return PeriodEnd(counted, counted, uncovered_year=last.year)
    return PeriodEnd(counted, last)


class DeadlineState(StrEnum):
    DUE = "due"  # not done yet, and the last day has not passed
    OVERDUE = "overdue"  # not done, and the last day has passed
    MET = "met"  # done on or before the last day
    LATE = "late"  # done, but after the last day


@dataclass(frozen=True, slots=True)
class DeadlineStatus:
    """Where an act stands against its last day."""

    article: str
    due_date: date
    state: DeadlineState
    days_left: int
    """DUE: whole days after today up to the last day (0 on the last day itself)."""
    days_overdue: int
    """OVERDUE: days since the last day, as of today; LATE: days late when done."""
    counted_date: date | None = None
    """The day counted (start + N), when a rest day or holiday moved the last day past it."""
    uncovered_year: int | None = None
    """The holiday calendar does not cover this year: `due_date` is not moved past holidays."""

    def _state_en(self) -> str:
        if self.state is DeadlineState.DUE:
            return f"due by {self.due_date}, {_days(self.days_left)} left"
        if self.state is DeadlineState.OVERDUE:
            return f"overdue by {_days(self.days_overdue)} (due {self.due_date})"
        if self.state is DeadlineState.LATE:
            return f"met {_days(self.days_overdue)} late (due {self.due_date})"
        return f"met (due {self.due_date})"

    def calendar_note(self) -> str:
        """Why the last day is what it is, when a holiday moved it or could have (en)."""
        if self.uncovered_year is not None:
            return (
                f"the holiday calendar does not cover {self.uncovered_year}: if "
                f"{self.due_date} is a holiday, the period ends on the next working day"
            )
        if self.counted_date is not None:
            return f"{self.counted_date} is a rest day, so the period ends on the next working day"
        return ""

    def calendar_note_zh(self) -> str:
        """`calendar_note` in Chinese."""
        if self.uncovered_year is not None:
            return (
                f"节假日日历尚未包含 {self.uncovered_year} 年：{self.due_date} 如为法定休假日，"
                "期限顺延至其后第一个工作日"
            )
        if self.counted_date is not None:
            return f"{self.counted_date} 为法定休假日，期限顺延至 {self.due_date}"
        return ""

    def text_zh(self) -> str:
        """The status in Chinese, with the calendar note."""
        if self.state is DeadlineState.DUE:
            text = f"期限 {self.due_date}，还有 {self.days_left} 日"
        elif self.state is DeadlineState.OVERDUE:
            text = f"已逾期 {self.days_overdue} 日（期限 {self.due_date}）"
        elif self.state is DeadlineState.LATE:
            text = f"已办理，逾期 {self.days_overdue} 日（期限 {self.due_date}）"
        else:
            text = f"已按期办理（期限 {self.due_date}）"
        note = self.calendar_note_zh()
        return f"{text}；{note}" if note else text

    def __str__(self) -> str:
        note = self.calendar_note()
        return f"{self._state_en()}{'; ' + note if note else ''} — {self.article}"


def deadline_status(
    due: date | PeriodEnd, *, today: date, done_on: date | None = None, article: str
) -> DeadlineStatus:
    """The status of an act whose last allowed day is `due` (a day, or a period's end)."""
    if isinstance(due, PeriodEnd):
        last = due.last_day
        counted = due.counted if due.counted != due.last_day else None
        uncovered = due.uncovered_year
    else:
        last, counted, uncovered = _day(due, "due_date"), None, None

    def status(state: DeadlineState, left: int, over: int) -> DeadlineStatus:
        return DeadlineStatus(article, last, state, left, over, counted, uncovered)

    if done_on is not None:
        late = (_day(done_on, "done_on") - last).days
        if late > 0:
            return status(DeadlineState.LATE, 0, late)
        return status(DeadlineState.MET, 0, 0)
    left = (last - _day(today, "today")).days
    if left >= 0:
        return status(DeadlineState.DUE, left, 0)
    return status(DeadlineState.OVERDUE, 0, -left)


def filing_article(delivered_on: date) -> str:
    """`A13.3` for a system delivered before the measures took effect, else `A13.2`."""
    return "A13.3" if _day(delivered_on, "delivered_on") < EFFECTIVE_DATE else "A13.2"


def filing_period(delivered_on: date) -> PeriodEnd:
    """The end of the filing period (A13.2: 30 days from delivery; A13.3: 60 days from
    2017-01-01 for a system delivered before)."""
    if filing_article(delivered_on) == "A13.3":
        return period_end(EFFECTIVE_DATE, LEGACY_FILING_DAYS)
    return period_end(delivered_on, FILING_DAYS)


def filing_due_date(delivered_on: date) -> date:
    """The last day to file a system with the county bureau (A13.2, A13.3)."""
    return filing_period(delivered_on).last_day


def filing_rule(delivered_on: date) -> str:
    """The rule that sets the filing deadline, in words (en)."""
    if filing_article(delivered_on) == "A13.3":
        return (
            f"a system built before the measures took effect is filed within "
            f"{LEGACY_FILING_DAYS} days of {EFFECTIVE_DATE} (A13.3)"
        )
    return f"a unit-built system is filed within {FILING_DAYS} days of its delivery (A13.2)"


def filing_rule_zh(delivered_on: date) -> str:
    """`filing_rule` in Chinese."""
    if filing_article(delivered_on) == "A13.3":
        return (
            f"本办法施行前已建成的系统，自 {EFFECTIVE_DATE} 起 {LEGACY_FILING_DAYS} 日内备案"
            "（第十三条第三款）"
        )
    return f"自交付使用之日起 {FILING_DAYS} 日内备案（第十三条第二款）"


def filing_status(
    delivered_on: date, *, today: date, filed_on: date | None = None
) -> DeadlineStatus:
    """Whether a system delivered on `delivered_on` is filed in time (A13.2, A13.3)."""
    return deadline_status(
        filing_period(delivered_on),
        today=today,
        done_on=filed_on,
        article=filing_article(delivered_on),
    )


def site_visit_due_date(received_on: date) -> date:
    """The last day for the bureau's site visit after receiving a filing (A13.2)."""
    return period_end(received_on, SITE_VISIT_DAYS).last_day


def site_visit_status(
    received_on: date, *, today: date, visited_on: date | None = None
) -> DeadlineStatus:
    """Whether the bureau visits in time after receiving a filing (A13.2)."""
    return deadline_status(
        period_end(received_on, SITE_VISIT_DAYS),
        today=today,
        done_on=visited_on,
        article="A13.2",
    )


def latest_removal_notice_date(removal_date: date) -> date:
    """The last day on which the bureau can be notified of a removal on `removal_date` (A15)."""
    return _day(removal_date, "removal_date") - timedelta(days=REMOVAL_NOTICE_DAYS)


def removal_notice_ok(notice_date: date, removal_date: date) -> bool:
    """True if notice on `notice_date` is at least 10 days before `removal_date` (A15)."""
    return _day(notice_date, "notice_date") <= latest_removal_notice_date(removal_date)


def check_removal_notice(
    notice_date: date, removal_date: date, *, field: str = "removal_date"
) -> None:
    """Refuse a removal planned with less than 10 days' notice to the bureau (A15)."""
    if not removal_notice_ok(notice_date, removal_date):
        earliest = notice_date + timedelta(days=REMOVAL_NOTICE_DAYS)
        raise RefusedByLawError(
            f"the bureau must be notified at least {REMOVAL_NOTICE_DAYS} days before a "
            f"removal (提前10日通知); after notice on {notice_date}, remove on {earliest} "
            f"or later, not on {removal_date}",
            field=field,
            article="A15",
        )


@dataclass(frozen=True, slots=True)
class CommissioningCheck:
    """Whether a system went into use together with its project's main works (A11)."""

    late: bool
    days_late: int
    """Days from the main works' start of use to the system's (or to today, if not yet)."""
    article: str = "A11"


def commissioning_check(
    main_works_in_use_on: date, system_in_use_on: date | None, *, today: date
) -> CommissioningCheck:
    """Flag a system put into use after the main works of its project (同步投入使用, A11).

    A system still not in use counts as late from the day after the main works went into use.
    """
    main = _day(main_works_in_use_on, "main_works_in_use_on")
    end = (
        _day(today, "today")
        if system_in_use_on is None
        else _day(system_in_use_on, "system_in_use_on")
    )
    days = (end - main).days
    return CommissioningCheck(late=days > 0, days_late=max(days, 0))
