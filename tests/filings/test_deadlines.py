"""The bureau's overdue lists at their edges: the day before, of and after each last day,
and a last day on a statutory holiday (Civil Code art. 203) — A13.2, A13.3, N14."""

from __future__ import annotations

from datetime import date

import pytest

from vigil.filings.deadlines import (
    ReceivedFiling,
    RegisteredSystem,
    counted_filing_day,
    filing_deadline,
    overdue_checks,
    overdue_filings,
    site_check_deadline,
)
from vigil.regulation.deadlines import DeadlineState

D = date


def state(system: RegisteredSystem, on: date) -> DeadlineState:
    found = filing_deadline(system, on)
    assert found is not None
    return found[0].state


# --- N14: 30 days after putting into use -----------------------------------------------------


def test_n14_thirty_days_after_use_day_before_of_after() -> None:
    # in use 2026-03-02 (Monday): day 30 is 2026-04-01, a Wednesday
    unit = RegisteredSystem("A", "unit", delivered_on=D(2026, 2, 1), commissioned_on=D(2026, 3, 2))
    found = filing_deadline(unit, D(2026, 3, 31))
    assert found is not None
    status, line = found
    assert status.due_date == D(2026, 4, 1)
    assert status.state is DeadlineState.DUE and status.days_left == 1
    assert line.articles == ("N14", "A13.2")  # the province's A13.2 still cited beside N14
    assert state(unit, D(2026, 4, 1)) is DeadlineState.DUE
    assert state(unit, D(2026, 4, 2)) is DeadlineState.OVERDUE
    assert [o.unit for o in overdue_filings([unit], D(2026, 4, 1))] == []
    assert [o.unit for o in overdue_filings([unit], D(2026, 4, 2))] == ["A"]


def test_n14_counts_from_use_not_delivery() -> None:
    # delivered long before, put into use later: N14 counts from use
    unit = RegisteredSystem("A", "unit", delivered_on=D(2025, 5, 6), commissioned_on=D(2025, 8, 1))
    found = filing_deadline(unit, D(2025, 8, 31))
    assert found is not None and found[0].due_date == D(2025, 9, 1)  # 08-31 is a Sunday
    assert found[0].counted_date == D(2025, 8, 31)


def test_n14_last_day_on_labour_day_moves_past_the_holiday() -> None:
    # in use 2026-04-01: day 30 is 2026-05-01, Labour Day (05-01..05-05): last day 05-06
    unit = RegisteredSystem("A", "unit", commissioned_on=D(2026, 4, 1), delivered_on=D(2026, 4, 1))
    found = filing_deadline(unit, D(2026, 5, 1))
    assert found is not None
    status = found[0]
    assert (status.counted_date, status.due_date) == (D(2026, 5, 1), D(2026, 5, 6))
    assert state(unit, D(2026, 5, 5)) is DeadlineState.DUE  # within the holiday: still in time
    assert state(unit, D(2026, 5, 6)) is DeadlineState.DUE
    assert state(unit, D(2026, 5, 7)) is DeadlineState.OVERDUE


def test_n14_systems_in_use_before_2025_04_01_by_2025_06_30() -> None:
    old = RegisteredSystem("old", "unit", delivered_on=D(2020, 1, 1), commissioned_on=D(2020, 1, 2))
    assert state(old, D(2025, 6, 29)) is DeadlineState.DUE
    assert state(old, D(2025, 6, 30)) is DeadlineState.DUE
    assert state(old, D(2025, 7, 1)) is DeadlineState.OVERDUE
    found = filing_deadline(old, D(2025, 7, 1))
    assert found is not None and found[0].due_date == D(2025, 6, 30)
    assert "2025-06-30" in found[1].rule_en
    filed_on_the_day = RegisteredSystem(
        "old", "unit", delivered_on=D(2020, 1, 1), commissioned_on=D(2020, 1, 2),
        filed_on=D(2025, 6, 30),
    )  # fmt: skip
    assert state(filed_on_the_day, D(2025, 7, 1)) is DeadlineState.MET
    filed_a_day_late = RegisteredSystem(
        "old", "unit", delivered_on=D(2020, 1, 1), commissioned_on=D(2020, 1, 2),
        filed_on=D(2025, 7, 1),
    )  # fmt: skip
    assert state(filed_a_day_late, D(2025, 7, 2)) is DeadlineState.LATE
    assert overdue_filings([filed_on_the_day, filed_a_day_late], D(2025, 7, 2)) == []


# --- A13.2 / A13.3: 30 days after delivery, judged before the national regulation -------------


def test_a13_2_thirty_days_after_delivery_before_2025_04_01() -> None:
    unit = RegisteredSystem("B", "unit", delivered_on=D(2024, 3, 1))
    found = filing_deadline(unit, D(2024, 3, 30))
    assert found is not None
    assert found[0].counted_date == D(2024, 3, 31)
    assert found[1].articles == ("A13.2",)
    # 2024-03-31 is a Sunday: the period ends on Monday 04-01
    assert found[0].due_date == D(2024, 4, 1)
    assert state(unit, D(2024, 3, 31)) is DeadlineState.DUE
    assert state(unit, D(2024, 4, 1)) is DeadlineState.DUE
    assert state(unit, D(2024, 4, 2)) is DeadlineState.OVERDUE


def test_a13_2_on_a_plain_weekday() -> None:
    unit = RegisteredSystem("B", "unit", delivered_on=D(2024, 5, 13))  # day 30: Wed 06-12
    found = filing_deadline(unit, D(2024, 5, 13))
    assert found is not None and found[0].due_date == D(2024, 6, 12)
    assert found[0].counted_date is None
    assert state(unit, D(2024, 6, 11)) is DeadlineState.DUE
    assert state(unit, D(2024, 6, 12)) is DeadlineState.DUE
    assert state(unit, D(2024, 6, 13)) is DeadlineState.OVERDUE


def test_a13_3_systems_before_the_measures() -> None:
    unit = RegisteredSystem("C", "unit", delivered_on=D(2016, 6, 1))
    found = filing_deadline(unit, D(2017, 3, 2))
    assert found is not None and found[1].articles == ("A13.3",)
    assert found[0].due_date == D(2017, 3, 2)
    assert state(unit, D(2017, 3, 3)) is DeadlineState.OVERDUE


def test_a_government_built_system_owes_acceptance_not_a13_2_filing() -> None:
    gov = RegisteredSystem("G", "government", delivered_on=D(2024, 3, 1))
    assert filing_deadline(gov, D(2024, 6, 1)) is None  # A13.1: accepted, not filed
    # from 2025-04-01 N14 asks every system's unit to file
    gov_n14 = RegisteredSystem("G", "government", commissioned_on=D(2026, 1, 5))
    assert state(gov_n14, D(2026, 2, 5)) is DeadlineState.OVERDUE


def test_unknown_start_is_no_line() -> None:
    assert filing_deadline(RegisteredSystem("X", "unit"), D(2026, 1, 1)) is None
    assert overdue_filings([RegisteredSystem("X", "unit")], D(2026, 1, 1)) == []


def test_overdue_filings_most_overdue_first() -> None:
    a = RegisteredSystem("a", "unit", commissioned_on=D(2026, 1, 5), delivered_on=D(2026, 1, 5))
    b = RegisteredSystem("b", "unit", commissioned_on=D(2025, 11, 3), delivered_on=D(2025, 11, 3))
    assert [o.unit for o in overdue_filings([a, b], D(2026, 3, 1))] == ["b", "a"]


# --- A13.2: the on-site check within 30 days of receipt ----------------------------------------


def test_site_check_day_before_of_after() -> None:
    # received 2026-03-02: day 30 is 2026-04-01 (Wednesday)
    assert site_check_deadline(D(2026, 3, 2), D(2026, 3, 31)).state is DeadlineState.DUE  # type: ignore[union-attr]
    assert site_check_deadline(D(2026, 3, 2), D(2026, 4, 1)).state is DeadlineState.DUE  # type: ignore[union-attr]
    assert site_check_deadline(D(2026, 3, 2), D(2026, 4, 2)).state is DeadlineState.OVERDUE  # type: ignore[union-attr]
    done = site_check_deadline(D(2026, 3, 2), D(2026, 4, 9), checked_on=D(2026, 4, 1))
    assert done is not None and done.state is DeadlineState.MET
    late = site_check_deadline(D(2026, 3, 2), D(2026, 4, 9), checked_on=D(2026, 4, 2))
    assert late is not None and late.state is DeadlineState.LATE and late.days_overdue == 1


def test_site_check_ending_on_national_day_moves_to_the_next_working_day() -> None:
    # received 2026-09-01: day 30 is 2026-10-01, National Day (10-01..10-07) → 10-08
    status = site_check_deadline(D(2026, 9, 1), D(2026, 10, 7))
    assert status is not None
    assert (status.counted_date, status.due_date) == (D(2026, 10, 1), D(2026, 10, 8))
    assert status.state is DeadlineState.DUE
    assert site_check_deadline(D(2026, 9, 1), D(2026, 10, 8)).state is DeadlineState.DUE  # type: ignore[union-attr]
    after = overdue_checks([ReceivedFiling("u", D(2026, 9, 1))], D(2026, 10, 9))
    assert [(o.unit, o.what, o.articles) for o in after] == [("u", "site_check", ("A13.2",))]
    assert overdue_checks([ReceivedFiling("u", D(2026, 9, 1))], D(2026, 10, 8)) == []


def test_no_site_check_where_only_the_national_regulation_applies() -> None:
    assert site_check_deadline(D(2026, 3, 2), D(2026, 6, 1), jurisdiction="national") is None
    assert overdue_checks([ReceivedFiling("u", D(2026, 3, 2), jurisdiction="national")],
                          D(2026, 6, 1)) == []  # fmt: skip


@pytest.mark.parametrize(
    ("history", "day"),
    [
        ([], None),
        ([("submitted", D(2026, 1, 5))], D(2026, 1, 5)),
        ([("submitted", D(2026, 1, 5)), ("returned", D(2026, 1, 9))], None),
        ([("submitted", D(2026, 1, 5)), ("returned", D(2026, 1, 9)),
          ("resubmitted", D(2026, 1, 12))], D(2026, 1, 12)),
        ([("submitted", D(2026, 1, 5)), ("returned", D(2026, 1, 9)),
          ("resubmitted", D(2026, 1, 12)), ("accepted", D(2026, 1, 20))], D(2026, 1, 12)),
    ],
)  # fmt: skip
def test_counted_filing_day(history: list[tuple[str, date]], day: date | None) -> None:
    assert counted_filing_day(history) == day
