"""The unit's duties under the measures, each with the check that reads its evidence.

One `Duty` per article, paragraph or item that asks something of the unit's system and
records: its ID (canonical, as `vigil.regulation.articles`), its title, and a pure check
from `Evidence` to a `Finding`: met / not_met / needs_evidence, the figures, and what to do.
The numbers of the measures (30 days, 60 days, ...) come from `vigil.regulation`; this
table only decides which records show a duty is met. `docs/compliance.md` lists the same
articles.
"""

from __future__ import annotations

from vigil.compliance.evidence import Profile
from vigil.compliance.findings import NO_PROFILE, Duty, Evidence, Finding, Status, met
from vigil.compliance.findings import days as _days
from vigil.compliance.findings import names as _names
from vigil.compliance.operation import (
    check_a14,
    check_a16_1,
    check_a16_2,
    check_a16_3,
    check_a16_4,
    check_a17_1,
    check_a17_2_2,
    check_a17_2_3,
    check_a18_2,
)
from vigil.errors import RefusedByLawError, ValidationError
from vigil.regulation.deadlines import (
    DeadlineState,
    commissioning_check,
    filing_article,
    filing_status,
)
from vigil.regulation.penalties import VIOLATIONS, penalty_for
from vigil.regulation.taxonomy import SITE_CATEGORIES, Builder, check_builder

__all__ = ["DUTIES", "Duty", "Evidence", "Finding", "Status", "duty_id", "sanctions"]

# --- A7, A8, A9: where cameras are and who built them ----------------------------------


def check_a7(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    if not ev.profile.categories:
        return Finding(
            Status.NOT_MET,
            ["the profile names no A7 category"],
            "Record which of the 14 categories of A7 the site belongs to.",
        )
    cats = [
        f"{SITE_CATEGORIES[c].article} {c}" for c in ev.profile.categories if c in SITE_CATEGORIES
    ]
    positions = ev.coverage.positions
    gaps = ev.coverage.gaps
    figures = {
        "categories": cats,
        "key_positions": len(positions),
        "uncovered": len(gaps),
        "gaps": [f"{g.code} ({g.label})" for g in gaps],
    }
    lines = [
        f"categories: {', '.join(cats)}",
        f"{len(positions) - len(gaps)} of {len(positions)} key positions have a camera",
    ]
    if not positions:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, "no key position to check"],
            "Confirm the site's key positions (A7.2).",
            figures,
        )
    if gaps:
        lines.append("without a camera: " + _names([f"{g.code} ({g.label})" for g in gaps]))
        return Finding(
            Status.NOT_MET,
            lines,
            "Install a camera at each uncovered key position and record its siting, "
            "or, with the bureau's guidance, drop the position from the list.",
            figures,
        )
    return met(lines, figures)


def check_a7_2(ev: Evidence) -> Finding:
    n = len(ev.coverage.positions)
    if ev.coverage.confirmed:
        return met([f"the unit confirmed {n} key positions"], {"key_positions": n})
    return Finding(
        Status.NEEDS_EVIDENCE,
        [f"no key position confirmed; the default checklist ({n}) is assumed"],
        "Confirm, drop or add key positions for the site (the unit decides, guided by the bureau).",
        {"key_positions": n},
    )


def check_a8(ev: Evidence) -> Finding:
    forbidden = [
        f"{c.name} at {c.location_type} ({c.location_zh}, {c.forbidden_article})"
        for c in ev.cameras
        if c.forbidden_article
    ]
    unsited = [c.name for c in ev.cameras if c.location_type is None]
    figures = {
        "cameras": len(ev.cameras),
        "at_forbidden_places": len(forbidden),
        "without_siting": len(unsited),
    }
    if forbidden:
        return Finding(
            Status.NOT_MET,
            ["at a private place: " + _names(forbidden)],
            "Remove these cameras now; A8 forbids them.",
            figures,
        )
    if unsited:
        return Finding(
            Status.NEEDS_EVIDENCE,
            ["no siting recorded for: " + _names(unsited)],
            "Record where each of these cameras looks (location type).",
            figures,
        )
    return met([f"{len(ev.cameras)} cameras, none at a place A8 forbids"], figures)


def check_a9(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    problems: list[str] = []
    refused: list[str] = []
    ok: list[str] = []
    for cat in p.categories:
        try:
            rule = check_builder(cat, p.builder, site_kind=p.site_kind)
        except RefusedByLawError as exc:
            refused.append(f"{cat}: {exc.message}")
        except ValidationError as exc:
            problems.append(f"{cat}: {exc.describe()}")
        else:
            ok.append(f"{cat}: built by the {rule.builder.value} ({rule.article})")
    lines = [f"builder recorded: {p.builder}", *ok]
    if refused:
        return Finding(
            Status.NOT_MET,
            [*lines, *refused],
            "Only the builder the measures name may install here; have the "
            "system handed over to it or removed.",
            {"builder": p.builder},
        )
    if problems:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, *problems],
            "Complete the profile (site kind or position) so the builder can be checked.",
            {"builder": p.builder},
        )
    if not p.categories:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [*lines, "no A7 category to check it against"],
            "Record the site's A7 categories.",
            {"builder": p.builder},
        )
    return met(lines, {"builder": p.builder})


# --- A11, A13: commissioning, acceptance, filing -----------------------------------------


def check_a11(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    if p.project_kind == "existing":
        return met(["not a new, rebuilt or expanded project: A11 does not apply"])
    if p.main_works_in_use_on is None:
        return Finding(
            Status.NEEDS_EVIDENCE,
            [f"{p.project_kind} project; the main works' date of use is not recorded"],
            "Record when the main works went into use, and when the system did.",
        )
    check = commissioning_check(p.main_works_in_use_on, p.commissioned_on, today=ev.today)
    figures = {
        "main_works_in_use_on": p.main_works_in_use_on.isoformat(),
        "commissioned_on": p.commissioned_on.isoformat() if p.commissioned_on else None,
        "days_late": check.days_late,
    }
    when = p.commissioned_on.isoformat() if p.commissioned_on else "not yet in use"
    lines = [f"main works in use {p.main_works_in_use_on}; system: {when}"]
    if check.late:
        return Finding(
            Status.NOT_MET,
            [*lines, f"system {_days(check.days_late)} after the main works"],
            "Put the system into use now and record the date; keep the design "
            "documents showing it was designed with the works.",
            figures,
        )
    return met([*lines, "put into use with the main works"], figures)


def check_a13_1(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    if p.builder != Builder.GOVERNMENT.value:
        return met(
            [
                f"built by the {p.builder}: acceptance by the government "
                "does not apply (A13.2 filing does)"
            ]
        )
    if p.accepted_on is None:
        return Finding(
            Status.NOT_MET,
            ["government-built; no acceptance recorded"],
            "Do not run the system before it passes acceptance; record the "
            "acceptance date and report.",
        )
    if p.commissioned_on is not None and p.commissioned_on < p.accepted_on:
        return Finding(
            Status.NOT_MET,
            [f"in use {p.commissioned_on}, accepted only {p.accepted_on}"],
            "Record the acceptance report; explain the early use to the bureau.",
        )
    return met([f"accepted {p.accepted_on}"])


def filing_duty_id(profile: Profile | None) -> str:
    """A13.3 for a system delivered before 2017-01-01, else A13.2."""
    if profile is None or profile.delivered_on is None:
        return "A13.2"
    return filing_article(profile.delivered_on)


def attachments_missing(p: Profile) -> list[str]:
    named = (
        ("design plan 设计方案", p.design_plan),
        ("technical test report 技术检测", p.test_report),
        ("acceptance report 工程验收", p.acceptance_report),
    )
    return [what for what, name in named if name is None]


def check_filing(ev: Evidence) -> Finding:
    if ev.profile is None:
        return NO_PROFILE
    p = ev.profile
    if p.builder == Builder.GOVERNMENT.value and filing_duty_id(p) == "A13.2":
        return met(["government-built: acceptance (A13.1) applies, not filing"])
    if p.delivered_on is None:
        return Finding(
            Status.NEEDS_EVIDENCE,
            ["the delivery date is not recorded"],
            "Record the date the system was delivered for use; the filing deadline runs from it.",
        )
    st = filing_status(p.delivered_on, today=ev.today, filed_on=p.filed_on)
    missing = attachments_missing(p)
    figures = {
        "delivered_on": p.delivered_on.isoformat(),
        "due_on": st.due_date.isoformat(),
        "filed_on": p.filed_on.isoformat() if p.filed_on else None,
        "state": st.state.value,
        "days_left": st.days_left,
        "days_overdue": st.days_overdue,
        "attachments_missing": missing,
    }
    lines = [f"delivered {p.delivered_on}; {st}"]
    if missing:
        lines.append("attachments missing: " + ", ".join(missing))
    if st.state is DeadlineState.OVERDUE:
        return Finding(
            Status.NOT_MET,
            lines,
            "File the system with the county bureau now (print the filing form: "
            "`vigil filing form --pdf FILE`) with the design plan, technical test "
            "and acceptance documents; record the filing date.",
            figures,
        )
    if st.state is DeadlineState.DUE:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            f"File with the county bureau by {st.due_date} "
            f"({_days(st.days_left)} left) and record the filing date.",
            figures,
        )
    if missing:
        return Finding(
            Status.NEEDS_EVIDENCE,
            lines,
            "Keep copies of the filed documents on record (attach them).",
            figures,
        )
    return Finding(
        Status.MET,
        lines,
        "None."
        if st.state is DeadlineState.MET
        else "Filed late; keep the bureau's receipt on file.",
        figures,
    )


DUTIES: tuple[Duty, ...] = (
    Duty("A7", "Cameras at the key positions of the site's A7 categories", check_a7),
    Duty("A7.2", "Key positions decided by the unit", check_a7_2),
    Duty("A8", "No camera at a private place", check_a8),
    Duty("A9", "Built by the builder the measures name", check_a9),
    Duty("A11", "System put into use with the main works", check_a11),
    Duty("A13.1", "Government-built system accepted before use", check_a13_1),
    Duty("A13.2", "Filed with the county bureau in time, with its documents", check_filing),
    Duty("A14", "Clear signs and a fixed capture range", check_a14),
    Duty("A16(1)", "Security checks, maintenance, emergency plan; no interruption", check_a16_1),
    Duty("A16(2)", "Safe-operation responsibility written into maintenance contracts", check_a16_2),
    Duty("A16(3)", "No change of purpose or camera position", check_a16_3),
    Duty("A16(4)", "Only monitoring, management and maintenance staff in the room", check_a16_4),
    Duty("A17.1", "Watch duty; staff trained in security and secrecy", check_a17_1),
    Duty("A17.2(2)", "Every review, copy and retrieval registered", check_a17_2_2),
    Duty("A17.2(3)", "Material kept at least 30 days", check_a17_2_3),
    Duty("A18(2)", "Originals not deleted or altered within retention", check_a18_2),
)
"""The unit's duties, in the order of the measures. The filing row's ID is A13.2, or
A13.3 for a system delivered before 2017-01-01 (see `duty_id`)."""


def duty_id(duty: Duty, ev: Evidence) -> str:
    return filing_duty_id(ev.profile) if duty.check is check_filing else duty.id


def _related(a: str, b: str) -> bool:
    """True if one ID is the other or encloses it (`A16` and `A16(4)`)."""
    return (
        a == b
        or a.startswith(b + ".")
        or a.startswith(b + "(")
        or b.startswith(a + ".")
        or b.startswith(a + "(")
    )


def sanctions(article_id: str) -> list[str]:
    """What the bureau may impose when this duty is breached (A24–A26), as text."""
    out: list[str] = []
    for code, v in VIOLATIONS.items():
        if not any(_related(article_id, b) for b in v.breaches):
            continue
        if v.article == "A25":
            out.append(
                f"{v.article}: order to remove; fines by A25 (profit, no profit, individual)"
            )
            continue
        p = penalty_for(code)
        text = f"{v.article}: order to rectify; if not rectified, unit {p.unit_fine}"
        if p.person_fine:
            text += f", responsible persons {p.person_fine}"
        out.append(text)
    return sorted(set(out))
