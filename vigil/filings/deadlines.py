"""The deadlines behind the bureau's overdue lists, as pure functions of calendar dates.

- A unit not filed in time: 30 days after putting into use (N14), or after delivery (A13.2)
  on a day the measures alone set the deadline; a system in use before 2025-04-01 by
  2025-06-30 (N14); a system delivered before 2017-01-01 within 60 days of it (A13.3).
  Which applies is what the unit's jurisdiction profile says for the day judged
  (`vigil.regulation.rulesets.LawInForce.filing`).
- An on-site check not done within 30 days of receiving the filing (A13.2), while the
  measures ask for one on the day the filing was received.

Periods are counted as the Civil Code counts them (`vigil.regulation.deadlines`): the
starting day is not counted, and a last day that falls on a rest day or statutory holiday
moves to the next working day. Everything here takes and returns `datetime.date`; nothing
reads a clock or a database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from vigil.regulation.deadlines import (
    SITE_VISIT_DAYS,
    DeadlineState,
    DeadlineStatus,
    deadline_status,
    period_end,
)
from vigil.regulation.rulesets import DEFAULT_JURISDICTION, law_in_force

GOVERNMENT = "government"
"""A government-built system (A9.1) is accepted (A13.1), not filed under A13.2."""


@dataclass(frozen=True, slots=True)
class RegisteredSystem:
    """What the bureau's register knows of one unit's system, as far as deadlines go."""

    unit: str
    builder: str
    """`unit` (A9.2) or `government` (A9.1)."""
    delivered_on: date | None = None
    commissioned_on: date | None = None
    filed_on: date | None = None
    """The day the bureau received the filing that counts (`counted_filing_day`)."""
    jurisdiction: str = DEFAULT_JURISDICTION
    national_class: str | None = None


@dataclass(frozen=True, slots=True)
class Overdue:
    """One line of an overdue list: who, what, since when, under which articles."""

    unit: str
    what: str
    """`filing` or `site_check`."""
    status: DeadlineStatus
    articles: tuple[str, ...]
    rule_en: str
    rule_zh: str


def filing_deadline(system: RegisteredSystem, on: date) -> tuple[DeadlineStatus, Overdue] | None:
    """Where a system's filing stands on `on` under the law in force that day, or None when
    no filing is owed (a government-built system under the measures alone: A13.1 asks for
    acceptance instead) or the day it counts from is not known."""
    law = law_in_force(system.jurisdiction, on)
    if system.builder == GOVERNMENT and not (law.has("national-2025") and law.applies("N14")):
        return None
    duty = law.filing(
        delivered_on=system.delivered_on,
        commissioned_on=system.commissioned_on,
        site_class=system.national_class,
    )
    if duty is None or duty.period is None:
        return None
    filed = system.filed_on
    if filed is not None and (filed > on or (duty.start is not None and filed < duty.start)):
        filed = None  # not yet filed on `on`, or a filing made before this period began
    status = deadline_status(duty.period, today=on, done_on=filed, article=duty.governing)
    articles = law.cite(duty.articles, system.national_class)
    return status, Overdue(system.unit, "filing", status, articles, duty.rule_en, duty.rule_zh)


def overdue_filings(systems: Iterable[RegisteredSystem], on: date) -> list[Overdue]:
    """The systems whose filing is overdue on `on` (not filed, last day passed), most
    overdue first."""
    out = []
    for system in systems:
        found = filing_deadline(system, on)
        if found is not None and found[0].state is DeadlineState.OVERDUE:
            out.append(found[1])
    return sorted(out, key=lambda o: (-o.status.days_overdue, o.unit))


def site_check_deadline(
    received_on: date,
    on: date,
    *,
    checked_on: date | None = None,
    jurisdiction: str = DEFAULT_JURISDICTION,
) -> DeadlineStatus | None:
    """Where the on-site check of a filing received on `received_on` stands on `on`: due
    within 30 days of receipt (A13.2; a last day on a holiday moves to the next working
    day). None when the measures did not ask for a check on the day of receipt (a
    jurisdiction under the national regulation alone: N14 sets no check)."""
    if not law_in_force(jurisdiction, received_on).applies("A13.2"):
        return None
    return deadline_status(
        period_end(received_on, SITE_VISIT_DAYS), today=on, done_on=checked_on, article="A13.2"
    )


CHECK_RULE_EN = (
    f"the bureau checks the site within {SITE_VISIT_DAYS} days of receiving the filing (A13.2)"
)
CHECK_RULE_ZH = f"公安机关自收到备案材料之日起 {SITE_VISIT_DAYS} 日内实地检查（第十三条第二款）"


@dataclass(frozen=True, slots=True)
class ReceivedFiling:
    """A filing the bureau received, and its on-site check if done."""

    unit: str
    received_on: date
    checked_on: date | None = None
    jurisdiction: str = DEFAULT_JURISDICTION


def overdue_checks(filings: Iterable[ReceivedFiling], on: date) -> list[Overdue]:
    """The received filings whose on-site check is overdue on `on` (A13.2), most overdue
    first."""
    out = []
    for f in filings:
        status = site_check_deadline(
            f.received_on, on, checked_on=f.checked_on, jurisdiction=f.jurisdiction
        )
        if status is not None and status.state is DeadlineState.OVERDUE:
            out.append(
                Overdue(f.unit, "site_check", status, ("A13.2",), CHECK_RULE_EN, CHECK_RULE_ZH)
            )
    return sorted(out, key=lambda o: (-o.status.days_overdue, o.unit))


def counted_filing_day(history: Iterable[tuple[str, date]]) -> date | None:
    """The day a unit counts as having filed, from its filing history as (event, day) in
    order: the receipt of the submission the bureau accepted, or of the one now under
    review; a submission returned and not yet submitted again is no filing (N14, A13.2:
    the bureau may return incomplete material for correction)."""
    pending: date | None = None
    for event, day in history:
        if event in ("submitted", "resubmitted"):
            pending = pending or day
        elif event == "returned":
            pending = None
        elif event == "accepted":
            return pending or day
    return pending
