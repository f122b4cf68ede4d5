"""The figures a self-check stands on, read from the index as they are now.

Only reads: no row is written here. Each function gathers one kind of record with plain
SQLAlchemy queries on `vigil.db.models`, so this package does not depend on the record
modules being written beside it (`vigil/site/records/*`). Those can replace the queries
later: `staff.untrained_staff(ctx, today)` for `untrained_staff`, `room.flagged_entries`
for `flagged_room_entries`, `maintenance.contract_shortfalls(ctx, today)` for
`contract_shortfalls`, `coverage` for `coverage_gaps`, `profile` for `load_profile`.

Dates the law counts in days are the unit's local calendar days: China Standard Time
(UTC+8, no daylight saving), where every unit under the measures is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.clock import US_PER_DAY, US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import (
    Alarm,
    Attachment,
    Camera,
    CameraSiting,
    DutyShift,
    MaintenanceContract,
    MaintenanceRecord,
    RoomEntry,
    Seal,
    Segment,
    SitePosition,
    SiteProfile,
    StaffMember,
    TrainingRecord,
)
from vigil.errors import ValidationError
from vigil.regulation.privacy import LOCATION_TYPES
from vigil.regulation.taxonomy import SITE_CATEGORIES, default_checklist

UNIT_TZ = timezone(timedelta(hours=8), "CST")
"""China Standard Time: the calendar the measures' days are counted in."""

#: Training kinds that count as secrecy education (保密教育), A17.1.
SECRECY_KINDS = frozenset({"secrecy", "secrecy_education", "保密教育"})
#: Alarm kinds that mean a camera's view moved away from its approved reference (A16(3)).
VIEW_ALARM_WORDS = ("displace", "view_moved", "view_changed", "moved")


def local_today(now_us: int) -> date:
    """The unit's calendar day at `now_us`."""
    return datetime.fromtimestamp(now_us / US_PER_S, tz=UTC).astimezone(UNIT_TZ).date()


def local_day_start_us(day: date) -> int:
    """The instant local `day` begins."""
    start = datetime(day.year, day.month, day.day, tzinfo=UNIT_TZ)
    return int(start.timestamp()) * US_PER_S


def parse_day(text: str | None, field_name: str) -> date | None:
    """A stored `YYYY-MM-DD` day, or None; a malformed one names its field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not a date such as 2017-03-01; correct it in the site records",
            field=field_name,
        ) from None


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


def _attachment_name(s: Session, attachment_id: int | None) -> str | None:
    if attachment_id is None:
        return None
    row = s.get(Attachment, attachment_id)
    return row.filename if row is not None else None


def load_profile(ctx: SiteContext) -> Profile | None:
    """The site profile (one row), or None if the unit has not filled it in."""
    with ctx.sessions() as s:
        row = s.scalar(select(SiteProfile).order_by(SiteProfile.id).limit(1))
        if row is None:
            return None
        try:
            cats = json.loads(row.categories or "[]")
        except ValueError:
            cats = []
        categories = tuple(str(c) for c in cats) if isinstance(cats, list) else ()
        return Profile(
            unit_name=row.unit_name,
            credit_code=row.credit_code,
            division_code=row.division_code,
            address=row.address,
            categories=categories,
            site_kind=row.site_kind,
            builder=row.builder,
            contact_name=row.contact_name,
            contact_phone=row.contact_phone,
            project_kind=row.project_kind,
            delivered_on=parse_day(row.delivered_on, "delivered_on"),
            commissioned_on=parse_day(row.commissioned_on, "commissioned_on"),
            main_works_started_on=parse_day(row.main_works_started_on, "main_works_started_on"),
            main_works_in_use_on=parse_day(row.main_works_in_use_on, "main_works_in_use_on"),
            accepted_on=parse_day(row.accepted_on, "accepted_on"),
            filed_on=parse_day(row.filed_on, "filed_on"),
            design_plan=_attachment_name(s, row.design_plan_id),
            test_report=_attachment_name(s, row.test_report_id),
            acceptance_report=_attachment_name(s, row.acceptance_report_id),
        )


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


def _location_names(code: str, positions: dict[str, str]) -> tuple[str, str, str | None]:
    entry = LOCATION_TYPES.get(code)
    if entry is not None:
        return entry.zh, entry.en, None if entry.allowed else entry.article
    label = positions.get(code, code)
    return label, label, None


def cameras(ctx: SiteContext) -> list[CameraFacts]:
    """Every active camera with its retention, the material held, and its siting (A14)."""
    now = ctx.clock.now_us()
    out: list[CameraFacts] = []
    with ctx.sessions() as s:
        positions = {p.code: p.label for p in s.scalars(select(SitePosition))}
        held = {
            int(cam_id): (int(n), oldest)
            for cam_id, n, oldest in s.execute(
                select(Segment.camera_id, func.count(), func.min(Segment.start_us))
                .where(Segment.state == "sealed")
                .group_by(Segment.camera_id)
            )
        }
        sitings = {row.camera_id: row for row in s.scalars(select(CameraSiting))}
        for cam in s.scalars(select(Camera).where(Camera.state == "active").order_by(Camera.name)):
            count, oldest = held.get(cam.id, (0, None))
            required_us = min(cam.retention_days * US_PER_DAY, max(now - cam.created_us, 0))
            window_start = now - required_us
            reached = oldest if oldest is not None else now
            missing_us = max(reached - window_start, 0)
            siting = sitings.get(cam.id)
            zh = en = ""
            forbidden = None
            if siting is not None:
                zh, en, forbidden = _location_names(siting.location_type, positions)
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
                    location_type=siting.location_type if siting else None,
                    location_zh=zh,
                    location_en=en,
                    forbidden_article=forbidden,
                    purpose=siting.purpose if siting else "",
                    sign_installed=bool(siting and siting.sign_installed),
                    sign_photo=bool(siting and siting.sign_photo_id is not None),
                    reference_approved=bool(
                        siting
                        and siting.reference_view_id is not None
                        and siting.reference_approved_us is not None
                    ),
                )
            )
    return out


@dataclass(frozen=True)
class PositionCover:
    code: str
    label: str
    category: str
    cameras: tuple[str, ...]


@dataclass(frozen=True)
class Coverage:
    confirmed: bool
    """True if the unit confirmed its key positions (A7.2); else the default checklist."""
    positions: tuple[PositionCover, ...]

    @property
    def gaps(self) -> tuple[PositionCover, ...]:
        return tuple(p for p in self.positions if not p.cameras)


def coverage_gaps(ctx: SiteContext, profile: Profile | None, cams: list[CameraFacts]) -> Coverage:
    """For each required key position, the active cameras sited there (A7)."""
    by_position: dict[str, list[str]] = {}
    for cam in cams:
        if cam.location_type is not None:
            by_position.setdefault(cam.location_type, []).append(cam.name)
    with ctx.sessions() as s:
        rows = list(s.scalars(select(SitePosition).order_by(SitePosition.id)))
    if rows:
        wanted = [(r.code, r.label, r.category) for r in rows if r.required]
        confirmed = True
    else:
        confirmed = False
        wanted = []
        seen: set[str] = set()
        for cat in profile.categories if profile else ():
            if cat not in SITE_CATEGORIES:
                continue
            for pos in default_checklist(cat):
                if pos.code not in seen:
                    seen.add(pos.code)
                    wanted.append((pos.code, f"{pos.zh} {pos.en}", cat))
    return Coverage(
        confirmed,
        tuple(
            PositionCover(code, label, cat, tuple(by_position.get(code, ())))
            for code, label, cat in wanted
        ),
    )


@dataclass(frozen=True)
class StaffFacts:
    active: tuple[str, ...]
    duties: dict[str, int]
    untrained: tuple[str, ...]
    """Active staff with no training record at all (A17.1)."""
    no_secrecy: tuple[str, ...]
    """Active staff with no secrecy education (保密教育) on record (A17.1)."""
    last_training_on: str | None
    shifts_in_period: int
    last_shift_end_us: int | None


def untrained_staff(ctx: SiteContext, today: date, since_us: int) -> StaffFacts:
    """The roster on `today`, who lacks training or secrecy education, and the watch shifts."""
    iso_today = today.isoformat()
    with ctx.sessions() as s:
        staff = [
            m
            for m in s.scalars(select(StaffMember).order_by(StaffMember.name))
            if m.joined_on <= iso_today and (m.left_on is None or m.left_on >= iso_today)
        ]
        trainings = list(s.scalars(select(TrainingRecord)))
        shifts, last_end = s.execute(
            select(func.count(), func.max(DutyShift.ends_us)).where(DutyShift.ends_us >= since_us)
        ).one()
    kinds: dict[int, set[str]] = {}
    for t in trainings:
        if t.held_on <= iso_today:
            kinds.setdefault(t.staff_id, set()).add(t.kind)
    duties: dict[str, int] = {}
    for m in staff:
        duties[m.duty] = duties.get(m.duty, 0) + 1
    return StaffFacts(
        active=tuple(m.name for m in staff),
        duties=duties,
        untrained=tuple(m.name for m in staff if not kinds.get(m.id)),
        no_secrecy=tuple(m.name for m in staff if not (kinds.get(m.id, set()) & SECRECY_KINDS)),
        last_training_on=max((t.held_on for t in trainings), default=None),
        shifts_in_period=int(shifts),
        last_shift_end_us=int(last_end) if last_end is not None else None,
    )


@dataclass(frozen=True)
class RoomFacts:
    entries_in_period: int
    flagged: tuple[str, ...]
    """`<time> <person> (<organisation>): <reason>` of each flagged entry in the period."""


def flagged_room_entries(ctx: SiteContext, since_us: int, until_us: int) -> RoomFacts:
    """Monitoring-room entries in the period, and those flagged as a possible A24(4) breach."""
    with ctx.sessions() as s:
        rows = list(
            s.scalars(
                select(RoomEntry)
                .where(RoomEntry.entered_us >= since_us, RoomEntry.entered_us < until_us)
                .order_by(RoomEntry.entered_us)
            )
        )
    flagged = tuple(
        f"{us_to_iso(r.entered_us)} {r.person_name}"
        + (f" ({r.organisation})" if r.organisation else "")
        + (f": {r.flag_reason}" if r.flag_reason else "")
        for r in rows
        if r.flagged
    )
    return RoomFacts(len(rows), flagged)


@dataclass(frozen=True)
class MaintenanceFacts:
    contracts_in_force: tuple[str, ...]
    without_clause: tuple[str, ...]
    """Contracts in force without the written security-responsibility clause (A16.2)."""
    without_file: tuple[str, ...]
    """Contracts in force with the clause ticked but no signed copy on file."""
    last: dict[str, int] = field(default_factory=dict)
    """kind → the newest `at_us` (security_check, drill, emergency_plan, maintenance ...)."""
    open_faults: tuple[str, ...] = ()


def contract_shortfalls(ctx: SiteContext, today: date) -> MaintenanceFacts:
    """Contracts in force and their clause (A16(2)); the newest check, drill, plan (A16(1))."""
    iso_today = today.isoformat()
    with ctx.sessions() as s:
        contracts = [
            c
            for c in s.scalars(select(MaintenanceContract).order_by(MaintenanceContract.id))
            if c.starts_on <= iso_today <= c.ends_on
        ]
        last = {
            str(kind): int(at)
            for kind, at in s.execute(
                select(MaintenanceRecord.kind, func.max(MaintenanceRecord.at_us)).group_by(
                    MaintenanceRecord.kind
                )
            )
        }
        faults = [
            f"{us_to_iso(r.at_us)} {r.summary}"
            for r in s.scalars(
                select(MaintenanceRecord)
                .where(MaintenanceRecord.kind == "fault", MaintenanceRecord.resolved_us.is_(None))
                .order_by(MaintenanceRecord.at_us)
            )
        ]
    label = {c.id: f"{c.contractor} ({c.starts_on}–{c.ends_on})" for c in contracts}
    return MaintenanceFacts(
        contracts_in_force=tuple(label.values()),
        without_clause=tuple(label[c.id] for c in contracts if not c.security_clause),
        without_file=tuple(
            label[c.id] for c in contracts if c.security_clause and c.attachment_id is None
        ),
        last=last,
        open_faults=tuple(faults),
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
