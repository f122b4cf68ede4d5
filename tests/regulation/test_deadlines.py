"""Deadlines (A11, A13, A15, A28) at their boundaries, and their numbers against the text."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation import (
    EFFECTIVE_DATE,
    FILING_DAYS,
    LEGACY_FILING_DAYS,
    REMOVAL_NOTICE_DAYS,
    SITE_VISIT_DAYS,
    DeadlineState,
    PeriodEnd,
    check_removal_notice,
    commissioning_check,
    deadline_status,
    filing_article,
    filing_due_date,
    filing_period,
    filing_rule,
    filing_status,
    holiday_calendar_years,
    in_force,
    is_working_day,
    latest_removal_notice_date,
    period_end,
    removal_notice_ok,
    site_visit_due_date,
    site_visit_status,
)

from ._source import SOURCES, Source, article_text

D = date


@pytest.mark.parametrize("source", SOURCES)
def test_the_numbers_are_the_measures_numbers(source: Source) -> None:
    a13 = article_text(source, 13)
    assert f"自交付使用之日起{FILING_DAYS}日内" in a13
    assert f"公安机关收到备案材料之日起{SITE_VISIT_DAYS}日内" in a13
    assert f"自本办法施行之日起{LEGACY_FILING_DAYS}日内" in a13
    assert f"提前{REMOVAL_NOTICE_DAYS}日通知" in article_text(source, 15)
    year, month, day = re.findall(r"(\d{4})年(\d{1,2})月(\d{1,2})日", article_text(source, 28))[0]
    assert date(int(year), int(month), int(day)) == EFFECTIVE_DATE


def test_the_numbers_pinned() -> None:
    assert FILING_DAYS == 30
    assert SITE_VISIT_DAYS == 30
    assert LEGACY_FILING_DAYS == 60
    assert REMOVAL_NOTICE_DAYS == 10
    assert (EFFECTIVE_DATE.year, EFFECTIVE_DATE.month, EFFECTIVE_DATE.day) == (2017, 1, 1)


# --- counting: the start day is not counted; the last day is start + N ------------------------


def test_a_period_ends_on_start_plus_n_days() -> None:
    assert period_end(D(2017, 3, 1), 30).last_day == D(2017, 3, 31)
    assert period_end(D(2017, 1, 31), 30).last_day == D(2017, 3, 2)  # across a short February
    assert period_end(D(2020, 2, 1), 30).last_day == D(2020, 3, 2)  # leap year
    assert period_end(D(2017, 3, 1), 30) == PeriodEnd(D(2017, 3, 31), D(2017, 3, 31), None)


# --- Civil Code art. 203: a last day that is a rest day or holiday moves to the next working day


def test_a_last_day_on_a_weekend_moves_to_monday() -> None:
    end = period_end(D(2017, 12, 15), 30)
    assert (end.counted, end.last_day) == (D(2018, 1, 14), D(2018, 1, 15))  # Sunday → Monday


def test_a_last_day_in_the_national_day_holiday_moves_past_the_holiday() -> None:
    # delivered 2024-09-01: day 30 is 2024-10-01; the holiday runs to 10-07
    end = filing_period(D(2024, 9, 1))
    assert (end.counted, end.last_day) == (D(2024, 10, 1), D(2024, 10, 8))
    status = filing_status(D(2024, 9, 1), today=D(2024, 10, 8))
    assert (status.state, status.days_left, status.due_date) == (
        DeadlineState.DUE,
        0,
        D(2024, 10, 8),
    )
    assert status.counted_date == D(2024, 10, 1)
    assert "2024-10-01 is a rest day" in str(status)
    assert "2024-10-01 为法定休假日，期限顺延至 2024-10-08" in status.text_zh()
    filed_on_the_8th = filing_status(D(2024, 9, 1), today=D(2024, 10, 9), filed_on=D(2024, 10, 8))
    assert filed_on_the_8th.state is DeadlineState.MET


def test_a_weekend_made_a_working_day_is_a_working_day() -> None:
    # 2024-10-12 is a Saturday worked in exchange for the National Day holiday (调休)
    assert is_working_day(D(2024, 10, 12)) is True
    assert is_working_day(D(2024, 10, 13)) is False
    end = period_end(D(2024, 9, 12), 30)
    assert (end.counted, end.last_day) == (D(2024, 10, 12), D(2024, 10, 12))


def test_the_spring_festival_moves_the_first_filings_of_2017() -> None:
    # delivered on the effective day: day 30 is 2017-01-31, inside the Spring Festival holiday
    assert filing_due_date(D(2017, 1, 1)) == D(2017, 2, 3)


def test_a_year_the_holiday_calendar_lacks_is_said_not_guessed() -> None:
    first, last = holiday_calendar_years()
    assert first <= 2017 and last >= 2025
    beyond = D(last + 1, 3, 1)
    assert is_working_day(beyond) is None
    end = period_end(beyond, 30)
    assert end.uncovered_year == last + 1
    assert end.last_day == end.counted == D(last + 1, 3, 31)  # not moved: nothing guessed
    status = filing_status(beyond, today=beyond)
    assert status.uncovered_year == last + 1
    assert f"the holiday calendar does not cover {last + 1}" in str(status)
    assert f"节假日日历尚未包含 {last + 1} 年" in status.text_zh()
    # a period that runs out of the covered years at its end says so too
    end = period_end(D(last, 12, 20), 30)
    assert end.uncovered_year == last + 1


def test_a_period_has_at_least_one_day() -> None:
    with pytest.raises(ValueError):
        period_end(D(2017, 3, 1), 0)


# --- A13.2 filing --------------------------------------------------------------------------


def test_filing_on_day_30_is_in_time_and_day_31_is_late() -> None:
    delivered = D(2017, 3, 1)
    assert filing_due_date(delivered) == D(2017, 3, 31)
    day_30 = filing_status(delivered, today=D(2017, 4, 10), filed_on=D(2017, 3, 31))
    assert day_30.state is DeadlineState.MET
    assert day_30.article == "A13.2"
    day_31 = filing_status(delivered, today=D(2017, 4, 10), filed_on=D(2017, 4, 1))
    assert day_31.state is DeadlineState.LATE
    assert day_31.days_overdue == 1


def test_unfiled_system_is_due_through_day_30_and_overdue_from_day_31() -> None:
    delivered = D(2017, 3, 1)
    on_delivery = filing_status(delivered, today=delivered)
    assert (on_delivery.state, on_delivery.days_left) == (DeadlineState.DUE, 30)
    day_30 = filing_status(delivered, today=D(2017, 3, 31))
    assert (day_30.state, day_30.days_left) == (DeadlineState.DUE, 0)
    day_31 = filing_status(delivered, today=D(2017, 4, 1))
    assert (day_31.state, day_31.days_overdue) == (DeadlineState.OVERDUE, 1)
    assert str(day_31) == "overdue by 1 day (due 2017-03-31) — A13.2"
    day_40 = filing_status(delivered, today=D(2017, 4, 10))
    assert day_40.days_overdue == 10
    assert str(day_40).startswith("overdue by 10 days")


def test_filing_early_is_met() -> None:
    status = filing_status(D(2017, 3, 1), today=D(2017, 3, 2), filed_on=D(2017, 3, 1))
    assert status.state is DeadlineState.MET
    assert str(status) == "met (due 2017-03-31) — A13.2"


# --- A13.3 systems that existed before 2017-01-01 ---------------------------------------------


def test_pre_2017_systems_file_within_60_days_of_2017_01_01() -> None:
    for delivered in (D(2010, 6, 1), D(2016, 12, 31)):
        assert filing_article(delivered) == "A13.3"
        assert filing_due_date(delivered) == D(2017, 3, 2)  # 2017-01-01 + 60 days
    assert filing_status(D(2016, 12, 31), today=D(2017, 3, 2)).state is DeadlineState.DUE
    late = filing_status(D(2016, 12, 31), today=D(2017, 3, 3))
    assert (late.state, late.days_overdue, late.article) == (DeadlineState.OVERDUE, 1, "A13.3")


def test_a_system_delivered_on_the_effective_date_follows_a13_2() -> None:
    assert filing_article(D(2017, 1, 1)) == "A13.2"
    assert filing_period(D(2017, 1, 1)).counted == D(2017, 1, 31)


def test_the_filing_rule_is_named_for_pre_2017_and_later_systems() -> None:
    assert filing_rule(D(2016, 6, 1)) == (
        "a system built before the measures took effect is filed within 60 days of "
        "2017-01-01 (A13.3)"
    )
    assert filing_rule(D(2017, 6, 1)) == (
        "a unit-built system is filed within 30 days of its delivery (A13.2)"
    )


def test_in_force_from_2017_01_01() -> None:
    assert not in_force(D(2016, 12, 31))
    assert in_force(D(2017, 1, 1))


# --- A13.2 the bureau's site visit ----------------------------------------------------------


def test_site_visit_within_30_days_of_receiving_the_filing() -> None:
    received = D(2017, 3, 10)  # day 30 is Sunday 2017-04-09: the visit is due Monday
    assert site_visit_due_date(received) == D(2017, 4, 10)
    assert site_visit_status(received, today=D(2017, 4, 10)).state is DeadlineState.DUE
    late = site_visit_status(received, today=D(2017, 4, 11))
    assert (late.state, late.days_overdue, late.article) == (DeadlineState.OVERDUE, 1, "A13.2")
    visited = site_visit_status(received, today=D(2017, 5, 1), visited_on=D(2017, 4, 10))
    assert visited.state is DeadlineState.MET
    received = D(2017, 3, 15)  # day 30 is Friday 2017-04-14
    assert site_visit_due_date(received) == D(2017, 4, 14)


def test_deadline_status_reports_days_left() -> None:
    status = deadline_status(D(2017, 3, 31), today=D(2017, 3, 26), article="A13.2")
    assert (status.state, status.days_left, status.days_overdue) == (DeadlineState.DUE, 5, 0)
    assert str(status) == "due by 2017-03-31, 5 days left — A13.2"


# --- A15 removal notice ---------------------------------------------------------------------


def test_ten_days_notice_is_enough_and_nine_is_not() -> None:
    notice = D(2017, 3, 1)
    assert removal_notice_ok(notice, D(2017, 3, 11))  # 10 days
    assert not removal_notice_ok(notice, D(2017, 3, 10))  # 9 days
    assert removal_notice_ok(notice, D(2017, 6, 1))
    assert not removal_notice_ok(notice, notice)
    assert not removal_notice_ok(notice, D(2017, 2, 20))  # removal before the notice
    assert latest_removal_notice_date(D(2017, 3, 11)) == notice


def test_short_notice_is_refused_citing_a15() -> None:
    check_removal_notice(D(2017, 3, 1), D(2017, 3, 11))
    with pytest.raises(RefusedByLawError) as caught:
        check_removal_notice(D(2017, 3, 1), D(2017, 3, 10))
    assert caught.value.article == "A15"
    assert caught.value.field == "removal_date"
    assert "2017-03-11" in caught.value.message


# --- A11 commissioning with the main works -------------------------------------------------


def test_system_in_use_with_the_main_works_is_not_late() -> None:
    check = commissioning_check(D(2017, 5, 1), D(2017, 5, 1), today=D(2017, 6, 1))
    assert (check.late, check.days_late, check.article) == (False, 0, "A11")
    assert not commissioning_check(D(2017, 5, 1), D(2017, 4, 20), today=D(2017, 6, 1)).late


def test_system_in_use_after_the_main_works_is_flagged() -> None:
    check = commissioning_check(D(2017, 5, 1), D(2017, 5, 2), today=D(2017, 6, 1))
    assert (check.late, check.days_late) == (True, 1)


def test_system_not_yet_in_use_is_flagged_once_the_main_works_are() -> None:
    assert not commissioning_check(D(2017, 5, 1), None, today=D(2017, 5, 1)).late
    check = commissioning_check(D(2017, 5, 1), None, today=D(2017, 5, 11))
    assert (check.late, check.days_late) == (True, 10)
    assert not commissioning_check(D(2017, 5, 1), None, today=D(2017, 4, 1)).late


# --- inputs ---------------------------------------------------------------------------------


def test_datetimes_are_refused_because_a_day_needs_a_time_zone() -> None:
    with pytest.raises(ValidationError) as caught:
        filing_due_date(datetime(2017, 3, 1, 12, 0))
    assert caught.value.field == "delivered_on"
    with pytest.raises(ValidationError):
        removal_notice_ok(D(2017, 3, 1), datetime(2017, 3, 20))
