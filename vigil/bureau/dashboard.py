"""The bureau's dashboard and overdue lists for its jurisdiction (A4, A13.2, N14).

A bureau supervises the units of its division and of the divisions under it (GB/T 2260,
`vigil.bureau.divisions`); a city bureau may narrow the view to one county. Everything here
is counted in the database with GROUP BY or one index probe per unit (the newest seal held,
the latest check-site), from the narrow tables a filing fills in as it is registered
(`vigil.bureau.dashboard_models`), so a city's thousands of units answer in one round trip
per figure:

- units and their cameras by A7 category and by location type (from each unit's newest filing);
- filed (accepted), under review, returned, not filed, and overdue filings (N14: 30 days from
  putting into use; A13.2: 30 days from delivery; N14: systems in use before 2025-04-01 by
  2025-06-30), judged by `vigil.filings.deadlines` under the law in force;
- on-site checks due and overdue (A13.2: within 30 days of receiving the filing, a last day on
  a holiday moved to the next working day);
- linked units whose seals are stale (none received for twice the seal interval) or whose
  latest check-site failed (A3: the bureau holds the unit's seals and checks its history).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from vigil.bureau.context import BureauContext
from vigil.bureau.dashboard_models import UnitCameras, UnitCategory, UnitFacts, UnitStatus
from vigil.bureau.db.models import Bureau, Unit
from vigil.bureau.divisions import prefix, within
from vigil.bureau.filings import BUREAU_TZ
from vigil.bureau.filings_models import BureauFiling
from vigil.clock import local_date
from vigil.errors import ValidationError
from vigil.filings import deadlines
from vigil.regulation.deadlines import FILING_DAYS, DeadlineState, DeadlineStatus
from vigil.regulation.privacy import LOCATION_TYPES
from vigil.regulation.taxonomy import SITE_CATEGORIES

DEFAULT_SEAL_INTERVAL_S = 300
"""A site seals every 300 s unless set otherwise (`vigil.config`, seal_interval_s)."""

SHOWS = ("all", "not_filed", "returned", "check_overdue", "stale", "check_failed")
"""The list view's filters: every unit, or only those needing attention for one reason."""

FILING_RANK = {"accepted": 3, "received": 2, "returned": 1}
FILING_STATES = {3: "accepted", 2: "under_review", 1: "returned", 0: "not_filed"}


def seal_interval_s() -> int:
    """The seal interval the bureau expects of its units (VIGIL_BUREAU_SEAL_INTERVAL_S);
    a unit is stale when nothing arrived for twice that long."""
    raw = os.environ.get("VIGIL_BUREAU_SEAL_INTERVAL_S", str(DEFAULT_SEAL_INTERVAL_S))
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 86_400:
        raise ValidationError("1 to 86400 seconds", field="VIGIL_BUREAU_SEAL_INTERVAL_S")
    return value


@dataclass(frozen=True, slots=True)
class Scope:
    """The divisions looked at: the bureau's own, or one under it (`division`)."""

    bureau_code: str
    division: str
    prefix: str


def scope(s: Session, division: str | None) -> Scope:
    """The bureau's jurisdiction, narrowed to `division` if given; a division outside the
    bureau's jurisdiction is refused naming the field (A4: each bureau supervises its own)."""
    bureau = s.scalar(select(Bureau))
    assert bureau is not None
    if division is None or division == "":
        return Scope(bureau.division_code, bureau.division_code, prefix(bureau.division_code))
    if len(division) != 6 or not division.isdigit():
        raise ValidationError("a GB/T 2260 division code of 6 digits", field="division")
    if not within(bureau.division_code, division):
        raise ValidationError(
            f"{division} is outside this bureau's jurisdiction ({bureau.division_code})",
            field="division", article="A4",
        )  # fmt: skip
    return Scope(bureau.division_code, division, prefix(division))


def _filing_summary() -> Any:
    """Per unit: how far its filing got (FILING_RANK) and its earliest open on-site check's
    last day; one GROUP BY over the register (a few rows per unit)."""
    rank = case(*((BureauFiling.state == k, v) for k, v in FILING_RANK.items()), else_=0)
    open_check = and_(BureauFiling.state != "superseded", BureauFiling.checked_on.is_(None))
    return (
        select(BureauFiling.unit_id.label("unit_id"), func.max(rank).label("rank"),
               func.min(case((open_check, BureauFiling.check_due_on))).label("check_due_on"))
        .group_by(BureauFiling.unit_id)
        .subquery("f")
    )  # fmt: skip


def _unit_rows(sc: Scope) -> Select[Any]:
    """One row per unit of the scope with what the dashboard judges it by."""
    f = _filing_summary()
    st = UnitStatus
    return (
        select(
            Unit.id.label("id"), Unit.name.label("name"), Unit.division_code.label("division"),
            Unit.state.label("state"), Unit.joined_us.label("joined_us"),
            st.newest_seal_us.label("newest_seal_us"), st.last_check_ok.label("check_ok"),
            st.last_check_us.label("checked_us"), func.coalesce(f.c.rank, 0).label("filing"),
            f.c.check_due_on.label("check_due_on"),
            func.coalesce(UnitFacts.cameras, 0).label("cameras"),
        )
        .outerjoin(st, st.unit_id == Unit.id)
        .outerjoin(f, f.c.unit_id == Unit.id)
        .outerjoin(UnitFacts, UnitFacts.unit_id == Unit.id)
        .where(Unit.division_code.like(sc.prefix + "%"))
    )  # fmt: skip


def _attention(t: Any, now_us: int, today: date) -> dict[str, Any]:
    """The list view's filters over the per-unit rows `t`."""
    stale_before = now_us - 2 * seal_interval_s() * 1_000_000
    return {
        "all": None,
        "not_filed": t.c.filing <= 1,
        "returned": t.c.filing == 1,
        "check_overdue": t.c.check_due_on < today.isoformat(),
        "stale": and_(t.c.state == "linked",
                      func.coalesce(t.c.newest_seal_us, t.c.joined_us, 0) < stale_before),
        "check_failed": t.c.check_ok.is_(False),
    }  # fmt: skip


def today_of(ctx: BureauContext) -> date:
    return local_date(ctx.clock.now_us(), BUREAU_TZ)


def dashboard(
    ctx: BureauContext, *, division: str | None = None, show: str = "all", page: int = 1,
    per_page: int = 50,
) -> dict[str, Any]:  # fmt: skip
    """The dashboard of the bureau's jurisdiction (or of one division under it)."""
    if show not in SHOWS:
        raise ValidationError(f"one of {', '.join(SHOWS)}", field="show")
    if not 1 <= per_page <= 200:
        raise ValidationError("1 to 200", field="per_page")
    if page < 1:
        raise ValidationError("1 or more", field="page")
    now_us, today = ctx.clock.now_us(), today_of(ctx)
    with ctx.sessions() as s:
        sc = scope(s, division)
        t = _unit_rows(sc).subquery("t")
        wanted = _attention(t, now_us, today)
        totals = s.execute(select(
            func.count(), *(func.coalesce(func.sum(case((cond, 1), else_=0)), 0)
                            for name, cond in wanted.items() if cond is not None),
            func.coalesce(func.sum(case((t.c.state == "linked", 1), else_=0)), 0),
            func.coalesce(func.sum(case((t.c.filing == 3, 1), else_=0)), 0),
            func.coalesce(func.sum(case((t.c.filing == 2, 1), else_=0)), 0),
            func.coalesce(func.sum(t.c.cameras), 0),
        ).select_from(t)).one()  # fmt: skip
        names = [n for n, c in wanted.items() if c is not None]
        counted = dict(zip(names, (int(v) for v in totals[1 : 1 + len(names)]), strict=True))
        linked, accepted, review, cameras = (int(v) for v in totals[1 + len(names) :])
        in_scope = Unit.division_code.like(sc.prefix + "%")
        by_category = s.execute(
            select(UnitCategory.category, func.count())
            .join(Unit, Unit.id == UnitCategory.unit_id).where(in_scope)
            .group_by(UnitCategory.category)
        ).all()  # fmt: skip
        by_location = s.execute(
            select(UnitCameras.location_type, func.sum(UnitCameras.cameras))
            .join(Unit, Unit.id == UnitCameras.unit_id).where(in_scope)
            .group_by(UnitCameras.location_type)
        ).all()  # fmt: skip
        by_division = s.execute(
            select(Unit.division_code, func.count()).where(in_scope)
            .group_by(Unit.division_code).order_by(Unit.division_code)
        ).all()  # fmt: skip
        checks = s.execute(
            select(
                func.coalesce(func.sum(case((BureauFiling.check_due_on >= today.isoformat(), 1),
                                            else_=0)), 0),
                func.coalesce(func.sum(case((BureauFiling.check_due_on < today.isoformat(), 1),
                                            else_=0)), 0),
            ).join(Unit, Unit.id == BureauFiling.unit_id)
            .where(in_scope, BureauFiling.state != "superseded",
                   BureauFiling.check_due_on.is_not(None), BureauFiling.checked_on.is_(None))
        ).one()  # fmt: skip
        overdue = _overdue_filings(s, sc, today)
        cond = wanted[show]
        listed = select(t).order_by(t.c.name, t.c.id)
        if cond is not None:
            listed = listed.where(cond)
        total_listed = (
            int(totals[0])
            if cond is None
            else s.scalar(select(func.count()).select_from(listed.subquery())) or 0
        )
        rows = s.execute(listed.limit(per_page).offset((page - 1) * per_page)).all()
        cats: dict[int, list[str]] = {}
        for unit_id, cat in s.execute(
            select(UnitCategory.unit_id, UnitCategory.category)
            .where(UnitCategory.unit_id.in_([r.id for r in rows]))
            .order_by(UnitCategory.category)
        ):
            cats.setdefault(unit_id, []).append(cat)
    overdue_units = {o.unit for o in overdue}
    stale_before = now_us - 2 * seal_interval_s() * 1_000_000
    units = int(totals[0])
    return {
        "today": today.isoformat(),
        "division": sc.division,
        "bureau_division": sc.bureau_code,
        "seal_interval_s": seal_interval_s(),
        "units": {"total": units, "linked": linked, "cameras": cameras},
        "filings": {
            "accepted": accepted, "under_review": review, "returned": counted["returned"],
            "not_filed": units - accepted - review - counted["returned"],
            "overdue": len(overdue), "articles": ["N14", "A13.2"],
        },
        "checks": {"due": int(checks[0]), "overdue": int(checks[1]), "article": "A13.2"},
        "seals": {"stale": counted["stale"], "check_failed": counted["check_failed"],
                  "article": "A3"},
        "by_category": sorted(
            ({"code": code, "units": int(n), "zh": _cat(code)[0], "en": _cat(code)[1],
              "article": _cat(code)[2]} for code, n in by_category),
            key=lambda c: (-c["units"], c["code"])),
        "cameras_by_location_type": sorted(
            ({"code": code, "cameras": int(n), "zh": _loc(code)[0], "en": _loc(code)[1]}
             for code, n in by_location), key=lambda c: (-c["cameras"], c["code"])),
        "by_division": [{"division": d, "units": int(n)} for d, n in by_division],
        "list": {
            "show": show, "page": page, "per_page": per_page, "total": int(total_listed),
            "units": [{
                "name": r.name, "division": r.division, "state": r.state,
                "categories": cats.get(r.id, []), "cameras": int(r.cameras),
                "filing": FILING_STATES[int(r.filing)],
                "filing_overdue": r.name in overdue_units,
                "check_due_on": r.check_due_on,
                "check_overdue": bool(r.check_due_on and r.check_due_on < today.isoformat()),
                "newest_seal_us": r.newest_seal_us,
                "seals_stale": r.state == "linked"
                and (r.newest_seal_us or r.joined_us or 0) < stale_before,
                "last_check": None if r.check_ok is None
                else {"ok": bool(r.check_ok), "at_us": r.checked_us},
            } for r in rows],
        },
    }  # fmt: skip


def _cat(code: str) -> tuple[str, str, str]:
    c = SITE_CATEGORIES.get(code)
    return (c.zh, c.en, c.article) if c else (code, code, "A7")


def _loc(code: str) -> tuple[str, str]:
    loc = LOCATION_TYPES.get(code)
    return (loc.zh, loc.en) if loc else ("未登记" if code == "not_recorded" else code, code)


def _overdue_filings(s: Session, sc: Scope, today: date) -> list[deadlines.Overdue]:
    """The filings overdue on `today`: units whose filing does not count (none received, or
    returned and not submitted again: N14, A13.2) and whose last day has passed. A last day
    is never earlier than 30 days after the earlier of delivery and putting into use, so
    only units whose dates are older are judged, once per distinct set of facts."""
    f = _filing_summary()
    earliest = (today - timedelta(days=FILING_DAYS)).isoformat()
    rows = s.execute(
        select(Unit.name, UnitFacts.builder, UnitFacts.delivered_on, UnitFacts.commissioned_on,
               UnitFacts.jurisdiction, UnitFacts.national_class)
        .join(UnitFacts, UnitFacts.unit_id == Unit.id)
        .outerjoin(f, f.c.unit_id == Unit.id)
        .where(Unit.division_code.like(sc.prefix + "%"), func.coalesce(f.c.rank, 0) <= 1,
               or_(UnitFacts.delivered_on < earliest, UnitFacts.commissioned_on < earliest))
    ).all()  # fmt: skip
    judged: dict[tuple[Any, ...], tuple[DeadlineStatus, deadlines.Overdue] | None] = {}
    out = []
    for name, *facts in rows:
        key = tuple(facts)
        if key not in judged:
            builder, delivered, commissioned, jurisdiction, national_class = key
            judged[key] = deadlines.filing_deadline(deadlines.RegisteredSystem(
                "", str(builder),
                delivered_on=date.fromisoformat(delivered) if delivered else None,
                commissioned_on=date.fromisoformat(commissioned) if commissioned else None,
                jurisdiction=str(jurisdiction), national_class=national_class,
            ), today)  # fmt: skip
        found = judged[key]
        if found is not None and found[0].state is DeadlineState.OVERDUE:
            out.append(replace(found[1], unit=name))
    return sorted(out, key=lambda o: (-o.status.days_overdue, o.unit))


def overdue(
    ctx: BureauContext, *, division: str | None = None, page: int = 1, per_page: int = 50
) -> dict[str, Any]:
    """The overdue lists of the jurisdiction, each row naming its article: filings not made
    in time (N14 from the day of use or for systems in use before 2025-04-01; A13.2 from
    delivery) and on-site checks not done within 30 days of receiving the filing (A13.2),
    most overdue first; and the linked units of which no filing was ever received, whose
    deadline the bureau cannot know before they state their dates."""
    if not 1 <= per_page <= 200:
        raise ValidationError("1 to 200", field="per_page")
    if page < 1:
        raise ValidationError("1 or more", field="page")
    today = today_of(ctx)
    with ctx.sessions() as s:
        sc = scope(s, division)
        in_scope = Unit.division_code.like(sc.prefix + "%")
        filings_late = _overdue_filings(s, sc, today)
        late_checks = s.execute(
            select(Unit.name, BureauFiling.received_on, BureauFiling.jurisdiction)
            .join(Unit, Unit.id == BureauFiling.unit_id)
            .where(in_scope, BureauFiling.state != "superseded",
                   BureauFiling.check_due_on < today.isoformat(),
                   BureauFiling.checked_on.is_(None))
        ).all()  # fmt: skip
        never = s.scalars(
            select(Unit.name).where(
                in_scope, Unit.state == "linked",
                ~select(BureauFiling.id).where(BureauFiling.unit_id == Unit.id).exists(),
            ).order_by(Unit.name)
        ).all()  # fmt: skip
    checks_late = deadlines.overdue_checks(
        (deadlines.ReceivedFiling(n, date.fromisoformat(r), None, j) for n, r, j in late_checks),
        today,
    )
    rows = [_line(o) for o in filings_late] + [_line(o) for o in checks_late]
    rows.sort(key=lambda r: (-r["days_overdue"], r["unit"], r["what"]))
    start = (page - 1) * per_page
    return {
        "today": today.isoformat(), "division": sc.division,
        "total": len(rows), "page": page, "per_page": per_page,
        "overdue": rows[start : start + per_page],
        "never_filed": list(never),
        "never_filed_articles": ["N14", "A13.2"],
    }  # fmt: skip


def _line(o: deadlines.Overdue) -> dict[str, Any]:
    return {"unit": o.unit, "what": o.what, "due_on": o.status.due_date.isoformat(),
            "days_overdue": o.status.days_overdue, "articles": list(o.articles),
            "article": o.status.article, "rule_en": o.rule_en,
            "rule_zh": o.rule_zh}  # fmt: skip
