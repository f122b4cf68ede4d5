"""The figures a self-check stands on, read through the unit's record modules.

Only reads: no row is written here. Where a record module judges something, its judgment
is taken as it is, so the report and the record pages never disagree:
`profile.get_profile` (the profile), `coverage.compute` (key positions without a camera),
`staff.untrained_staff` (who lacks training or secrecy education), `room.room_counts` and
`room.flagged_entries` (possible A24(4) breaches), `maintenance.contract_shortfalls`,
`open_faults` and `routine_summary` (A16(1), A16(2)). What no record module gives, the
material held per camera, open view alarms and the last seal, is read here.

Dates the law counts in days are the unit's local calendar days (`unit_timezone`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from vigil.clock import US_PER_DAY, us_to_iso
from vigil.context import SiteContext
from vigil.db.filings import SystemAcceptance
from vigil.db.models import Alarm, Camera, Seal, Segment
from vigil.db.states import SegmentState
from vigil.records import coverage as coverage_mod
from vigil.records import maintenance, positions, profile, room, shifts, siting, staff
from vigil.records.attachments import citations
from vigil.records.coverage import CoverageReport, PositionCoverage
from vigil.regulation.privacy import LOCATION_TYPES

#: Alarm kinds that mean a camera's view moved away from its approved reference (A16(3)).
VIEW_ALARM_WORDS = ("displace", "view_moved", "view_changed", "moved")


@dataclass(frozen=True)
class Profile:
    unit_name: str
    credit_code: str
    division_code: str
    address: str
    categories: tuple[str, ...]
    site_kind: str | None
    builder: str
    contact_name: str
    contact_phone: str
    project_kind: str
    delivered_on: date | None
    commissioned_on: date | None
    main_works_started_on: date | None
    main_works_in_use_on: date | None
    accepted_on: date | None
    filed_on: date | None
    design_plan: str | None
    """The attachment's file name, or None when missing."""
    test_report: str | None
    acceptance_report: str | None
    jurisdiction: str = "province"
    national_class: str | None = None
    """The site's class under N7 or N9 (`rulesets.NATIONAL_CATEGORIES`)."""
    filing_changes: tuple[str, ...] = ()
    """N14's fields that changed since the last filing (a change filing is due)."""
    bureau_acceptance: tuple[str, date] | None = None
    """The acceptance 验收 of a government-built system as the bureau recorded it (A13.1):
    (`passed` or `failed`, day), the newest; None if the bureau has recorded none."""


def load_profile(ctx: SiteContext) -> Profile | None:
    """The site profile, or None if the unit has not filled it in."""
    view = profile.get_profile(ctx)
    if view is None:
        return None
    v = view.values
    files = citations(ctx, (v[f] for f in profile.ATTACHMENT_FIELDS))

    def day(name: str) -> date | None:
        return profile.parse_day(v[name], name) if v[name] else None

    def filename(name: str) -> str | None:
        cited = files.get(v[name]) if v[name] is not None else None
        return str(cited["filename"]) if cited else None

    return Profile(
        unit_name=v["unit_name"],
        credit_code=v["credit_code"],
        division_code=v["division_code"],
        address=v["address"],
        categories=tuple(str(c) for c in v["categories"]),
        site_kind=v["site_kind"],
        builder=v["builder"],
        contact_name=v["contact_name"] or "",
        contact_phone=v["contact_phone"] or "",
        project_kind=v["project_kind"] or "existing",
        delivered_on=day("delivered_on"),
        commissioned_on=day("commissioned_on"),
        main_works_started_on=day("main_works_started_on"),
        main_works_in_use_on=day("main_works_in_use_on"),
        accepted_on=day("accepted_on"),
        filed_on=day("filed_on"),
        design_plan=filename("design_plan_id"),
        test_report=filename("test_report_id"),
        acceptance_report=filename("acceptance_report_id"),
        jurisdiction=v.get("jurisdiction") or "province",
        national_class=v.get("national_class"),
        filing_changes=tuple(
            profile.filing_changes(
                profile.filed_snapshot(ctx), profile.current_filing_facts(ctx) or {}
            )
        ),
        bureau_acceptance=bureau_acceptance(ctx),
    )


def bureau_acceptance(ctx: SiteContext) -> tuple[str, date] | None:
    """The newest acceptance the bureau recorded for the system (A13.1), or None."""
    with ctx.sessions() as s:
        row = s.scalars(
            select(SystemAcceptance).order_by(SystemAcceptance.id.desc()).limit(1)
        ).first()
        return (row.result, date.fromisoformat(row.accepted_on)) if row else None


@dataclass(frozen=True)
class CameraFacts:
    id: int
    name: str
    retention_days: int
    created_us: int
    segments: int
    oldest_start_us: int | None
    held_days: int
    """Whole days between the oldest sealed segment's start and now."""
    required_days: int
    """Days the material must reach back now: retention, or the camera's age if younger."""
    missing_days: int
    """Whole days of the required window for which no material is held."""
    location_type: str | None
    location_zh: str
    location_en: str
    forbidden_article: str | None
    purpose: str
    sign_installed: bool
    sign_photo: bool
    reference_approved: bool


def _location_names(code: str, labels: dict[str, str]) -> tuple[str, str, str | None]:
    entry = LOCATION_TYPES.get(code)
    if entry is not None:
        return entry.zh, entry.en, None if entry.allowed else entry.article
    label = labels.get(code, code)
    return label, label, None


def cameras(ctx: SiteContext) -> list[CameraFacts]:
    """Every active camera with its retention, the material held, and its siting (A14)."""
    now = ctx.clock.now_us()
    sitings = {v.camera_id: v for v in siting.list_sitings(ctx)}
    labels = {p.code: p.label for p in positions.list_positions(ctx)}
    out: list[CameraFacts] = []
    with ctx.sessions() as s:
        held = {
            int(cam_id): (int(n), oldest)
            for cam_id, n, oldest in s.execute(
                select(Segment.camera_id, func.count(), func.min(Segment.start_us))
                .where(Segment.state == SegmentState.SEALED)
                .group_by(Segment.camera_id)
            )
        }
        for cam in s.scalars(select(Camera).where(Camera.state == "active").order_by(Camera.name)):
            count, oldest = held.get(cam.id, (0, None))
            required_us = min(cam.retention_days * US_PER_DAY, max(now - cam.created_us, 0))
            reached = oldest if oldest is not None else now
            missing_us = max(reached - (now - required_us), 0)
            sited = sitings.get(cam.id)
            where = sited.location_type if sited else None
            zh, en, forbidden = _location_names(where, labels) if where else ("", "", None)
            out.append(
                CameraFacts(
                    id=cam.id,
                    name=cam.name,
                    retention_days=cam.retention_days,
                    created_us=cam.created_us,
                    segments=count,
                    oldest_start_us=oldest,
                    held_days=(now - oldest) // US_PER_DAY if oldest is not None else 0,
                    required_days=required_us // US_PER_DAY,
                    missing_days=missing_us // US_PER_DAY,
                    location_type=where,
                    location_zh=zh,
                    location_en=en,
                    forbidden_article=forbidden,
                    purpose=sited.purpose if sited else "",
                    sign_installed=bool(sited and sited.sign_installed),
                    sign_photo=bool(sited and sited.sign_photo_id is not None),
                    reference_approved=bool(sited and sited.reference_approved),
                )
            )
    return out


@dataclass(frozen=True)
class Coverage:
    confirmed: bool
    """True if the unit confirmed its key positions (A7.2); else the default checklist."""
    report: CoverageReport

    @property
    def positions(self) -> list[PositionCoverage]:
        return self.report.positions

    @property
    def gaps(self) -> list[PositionCoverage]:
        """Required positions with no camera sited there (A7)."""
        return [p for p in self.report.positions if p.status == "gap"]


def coverage_gaps(ctx: SiteContext) -> Coverage:
    """For each required key position, the active cameras sited there (A7); without
    confirmed positions, the default checklist of the profile's categories."""
    confirmed = positions.list_positions(ctx)
    wanted = confirmed or positions.suggested_positions(ctx)
    report = coverage_mod.compute(wanted, coverage_mod.sited_cameras(ctx))
    return Coverage(bool(confirmed), report)


@dataclass(frozen=True)
class StaffFacts:
    active: tuple[str, ...]
    duties: dict[str, int]
    untrained: tuple[str, ...]
    """Staff on the roster without a training record (A17.1)."""
    no_secrecy: tuple[str, ...]
    """Staff on the roster without secrecy education (保密教育) on record (A17.1)."""
    shifts_in_period: int


def staff_facts(ctx: SiteContext, today: date, since_us: int) -> StaffFacts:
    """The roster on `today`, who lacks training or secrecy education, and the watch
    shifts since `since_us`."""
    roster = staff.list_staff(ctx, include_left=False, on=today)
    lacking = staff.untrained_staff(ctx, today)
    duties: dict[str, int] = {}
    for m in roster:
        duties[m.duty] = duties.get(m.duty, 0) + 1
    return StaffFacts(
        active=tuple(m.name for m in roster),
        duties=duties,
        untrained=tuple(u.name for u in lacking if "training" in u.missing),
        no_secrecy=tuple(u.name for u in lacking if "secrecy" in u.missing),
        shifts_in_period=len(shifts.list_shifts(ctx, since_us=since_us)),
    )


@dataclass(frozen=True)
class RoomFacts:
    entries_in_period: int
    flagged: tuple[str, ...]
    """`<time> <person> (<organisation>): <reason>` of each flagged entry in the period."""


def room_facts(ctx: SiteContext, since_us: int, until_us: int) -> RoomFacts:
    """Monitoring-room entries in the period, and those flagged as a possible A24(4) breach."""
    counts = room.room_counts(ctx, since_us, until_us)
    flagged = tuple(
        f"{us_to_iso(e.entered_us)} {e.person_name}"
        + (f" ({e.organisation})" if e.organisation else "")
        + (f": {e.flag_reason}" if e.flag_reason else "")
        for e in room.flagged_entries(ctx, since_us, until_us)
    )
    return RoomFacts(counts.entries, flagged)


@dataclass(frozen=True)
class MaintenanceFacts:
    contracts_in_force: tuple[str, ...]
    """Contracts in force on the day, or signed to start later."""
    without_clause: tuple[str, ...]
    """Of those, the ones without the written security-responsibility clause (A16(2))."""
    without_file: tuple[str, ...]
    """Of those, the ones with the clause but no signed copy on file."""
    last: dict[str, int] = field(default_factory=dict)
    """kind → the newest `at_us` (security_check, drill, emergency_plan, maintenance)."""
    open_faults: tuple[str, ...] = ()
    """`<time> <summary>` of each open fault, oldest first."""


def maintenance_facts(ctx: SiteContext, today: date) -> MaintenanceFacts:
    """Contracts and their shortfalls (A16(2)); the newest check, drill, plan, upkeep and
    the open faults (A16(1))."""

    def label(starts_on: str, ends_on: str, contractor: str) -> str:
        return f"{contractor} ({starts_on}–{ends_on})"

    current = [c for c in maintenance.list_contracts(ctx) if c.ends_on >= today.isoformat()]
    short = maintenance.contract_shortfalls(ctx, today)
    no_clause = [f for f in short if maintenance.NO_CLAUSE in f.problems]
    no_file = [f for f in short if f not in no_clause and maintenance.NOT_ON_FILE in f.problems]
    routine = maintenance.routine_summary(ctx)
    last = {
        "security_check": routine.last_security_check_us,
        "drill": routine.last_drill_us,
        "emergency_plan": routine.last_emergency_plan_us,
        "maintenance": routine.last_maintenance_us,
    }
    return MaintenanceFacts(
        contracts_in_force=tuple(label(c.starts_on, c.ends_on, c.contractor) for c in current),
        without_clause=tuple(label(f.starts_on, f.ends_on, f.contractor) for f in no_clause),
        without_file=tuple(label(f.starts_on, f.ends_on, f.contractor) for f in no_file),
        last={kind: at for kind, at in last.items() if at is not None},
        open_faults=tuple(
            f"{us_to_iso(v.at_us)} {v.summary}" for v in reversed(maintenance.open_faults(ctx))
        ),
    )


def view_alarms(ctx: SiteContext) -> list[str]:
    """Open alarms saying a camera's view left its approved reference (A16(3))."""
    with ctx.sessions() as s:
        rows = list(s.scalars(select(Alarm).where(Alarm.cleared_us.is_(None))))
        names = {c.id: c.name for c in s.scalars(select(Camera))}
    return [
        f"{names.get(a.camera_id or 0, 'site')}: {a.message}"
        for a in rows
        if any(word in a.kind for word in VIEW_ALARM_WORDS)
    ]


def last_seal_us(ctx: SiteContext) -> int | None:
    with ctx.sessions() as s:
        value = s.scalar(select(func.max(Seal.sealed_us)))
    return int(value) if value is not None else None
