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

If the last day is a statutory holiday, the period ends on the first day after it (Civil
Code art. 203). Vigil keeps no holiday calendar: pass the days off as `closed_days` to apply
that rule. Without them the computed last day is never later than the legal one, so an
alert is never late.

"提前10日通知" (A15) is read the same way: the day of the notice is not counted and the
removal may take place on the 10th day after it at the earliest — notice on 2017-03-01
allows removal from 2017-03-11; a removal on 2017-03-10 had only 9 days' notice.

All arguments are calendar dates in the unit's local time (`datetime.date`); a
`datetime.datetime` is refused, because turning an instant into a day needs a time zone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

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


def period_end(start: date, days: int, *, closed_days: Collection[date] = ()) -> date:
    """The last day of a period of `days` days counted from `start` (start not counted).

    A last day in `closed_days` (statutory holidays) moves to the next day not in it.
    """
    if days < 1:
        raise ValueError(f"a period has at least one day, got {days}")
    last = _day(start, "start") + timedelta(days=days)
    while last in closed_days:
        last += timedelta(days=1)
    return last


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

    def __str__(self) -> str:
        if self.state is DeadlineState.DUE:
            text = f"due by {self.due_date}, {_days(self.days_left)} left"
        elif self.state is DeadlineState.OVERDUE:
            text = f"overdue by {_days(self.days_overdue)} (due {self.due_date})"
        elif self.state is DeadlineState.LATE:
            text = f"met {_days(self.days_overdue)} late (due {self.due_date})"
        else:
            text = f"met (due {self.due_date})"
        return f"{text} — {self.article}"


def deadline_status(
    due_date: date, *, today: date, done_on: date | None = None, article: str
) -> DeadlineStatus:
    """The status of an act whose last allowed day is `due_date`."""
    due = _day(due_date, "due_date")
    if done_on is not None:
        late = (_day(done_on, "done_on") - due).days
        if late > 0:
            return DeadlineStatus(article, due, DeadlineState.LATE, 0, late)
        return DeadlineStatus(article, due, DeadlineState.MET, 0, 0)
    left = (due - _day(today, "today")).days
    if left >= 0:
        return DeadlineStatus(article, due, DeadlineState.DUE, left, 0)
    return DeadlineStatus(article, due, DeadlineState.OVERDUE, 0, -left)


def filing_article(delivered_on: date) -> str:
    """`A13.3` for a system delivered before the measures took effect, else `A13.2`."""
    return "A13.3" if _day(delivered_on, "delivered_on") < EFFECTIVE_DATE else "A13.2"


def filing_due_date(delivered_on: date, *, closed_days: Collection[date] = ()) -> date:
    """The last day to file a system with the county bureau (A13.2, A13.3)."""
    if filing_article(delivered_on) == "A13.3":
        return period_end(EFFECTIVE_DATE, LEGACY_FILING_DAYS, closed_days=closed_days)
    return period_end(delivered_on, FILING_DAYS, closed_days=closed_days)


def filing_status(
    delivered_on: date,
    *,
    today: date,
    filed_on: date | None = None,
    closed_days: Collection[date] = (),
) -> DeadlineStatus:
    """Whether a system delivered on `delivered_on` is filed in time (A13.2, A13.3)."""
    return deadline_status(
        filing_due_date(delivered_on, closed_days=closed_days),
        today=today,
        done_on=filed_on,
        article=filing_article(delivered_on),
    )


def site_visit_due_date(received_on: date, *, closed_days: Collection[date] = ()) -> date:
    """The last day for the bureau's site visit after receiving a filing (A13.2)."""
    return period_end(received_on, SITE_VISIT_DAYS, closed_days=closed_days)


def site_visit_status(
    received_on: date,
    *,
    today: date,
    visited_on: date | None = None,
    closed_days: Collection[date] = (),
) -> DeadlineStatus:
    """Whether the bureau visits in time after receiving a filing (A13.2)."""
    return deadline_status(
        site_visit_due_date(received_on, closed_days=closed_days),
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
