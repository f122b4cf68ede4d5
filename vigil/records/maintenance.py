"""Maintenance contracts (A16(2)) and the maintenance and fault log (A16(1)).

A16(1): the unit runs security checks, maintains the system and has emergency procedures
(an emergency plan, practised in drills). A16(2): when maintenance is outsourced, the
security responsibilities are written into the contract (`security_clause`) — and the
signed contract is kept on file (`attachment_id`, an `attachments` row).

Invariants:
- the log is append-only: entries are never edited or deleted; a fault is resolved once
  (`resolved_us`, with the outcome appended), a correction is a new entry;
- an open fault is a `fault` entry without `resolved_us`;
- every contract and log change is registered in the audit log.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Attachment, Camera, MaintenanceContract, MaintenanceRecord
from vigil.db.sql import within
from vigil.errors import ConflictError, NotFoundError, ValidationError
from vigil.records.attachments import file_path
from vigil.records.common import audit, check_text, local_day, not_in_future, parse_day
from vigil.regulation.identifiers import check_credit_code

CONTRACT_ARTICLE = "A16(2)"
ROUTINE_ARTICLE = "A16(1)"

NO_CLAUSE = "no written security-responsibility clause"
NOT_ON_FILE = "the signed contract is not on file"
"""The problems `contract_shortfalls` names (A16(2))."""

LOG_KINDS: dict[str, str] = {
    "maintenance": "维护保养",
    "fault": "故障",
    "repair": "维修",
    "security_check": "安全检查",
    "drill": "应急演练",
    "emergency_plan": "应急预案",
}
"""Kinds of log entry (A16(1)); `emergency_plan` records a plan's adoption, with its file."""


@dataclass(frozen=True)
class ContractView:
    id: int
    contractor: str
    credit_code: str
    scope: str
    starts_on: str
    ends_on: str
    security_clause: bool
    attachment_id: int | None
    recorded_by: str
    recorded_us: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ContractShortfall:
    """A contract in force (or to come) that does not meet A16(2), and what it lacks."""

    contract_id: int
    contractor: str
    starts_on: str
    ends_on: str
    problems: tuple[str, ...]
    article: str = CONTRACT_ARTICLE

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "problems": list(self.problems)}


@dataclass(frozen=True)
class LogView:
    id: int
    kind: str
    kind_zh: str
    at_us: int
    camera_id: int | None
    camera_name: str | None
    contract_id: int | None
    summary: str
    performed_by: str
    outcome: str
    resolved_us: int | None
    attachment_id: int | None
    recorded_by: str
    recorded_us: int

    @property
    def open_fault(self) -> bool:
        return self.kind == "fault" and self.resolved_us is None

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "open": self.open_fault}


@dataclass(frozen=True)
class RoutineSummary:
    """When the A16(1) routine was last done, as instants and the unit's calendar days."""

    last_security_check_us: int | None
    last_security_check_on: str | None
    last_drill_us: int | None
    last_drill_on: str | None
    last_emergency_plan_us: int | None
    last_emergency_plan_on: str | None
    last_maintenance_us: int | None
    last_maintenance_on: str | None
    open_faults: int
    article: str = ROUTINE_ARTICLE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _contract_view(c: MaintenanceContract) -> ContractView:
    return ContractView(
        c.id,
        c.contractor,
        c.contractor_credit_code,
        c.scope,
        c.starts_on,
        c.ends_on,
        c.security_clause,
        c.attachment_id,
        c.recorded_by,
        c.recorded_us,
    )


def _log_view(r: MaintenanceRecord, camera_name: str | None) -> LogView:
    return LogView(
        r.id,
        r.kind,
        LOG_KINDS.get(r.kind, r.kind),
        r.at_us,
        r.camera_id,
        camera_name,
        r.contract_id,
        r.summary,
        r.performed_by,
        r.outcome,
        r.resolved_us,
        r.attachment_id,
        r.recorded_by,
        r.recorded_us,
    )


def _attachment(
    s: Session, attachment_id: int | None, *, kind: str | None = None, field: str = "attachment_id"
) -> None:
    """Refuse an attachment id with no row (or, given `kind`, of another kind)."""
    if attachment_id is None:
        return
    row = s.get(Attachment, attachment_id)
    if row is None:
        raise NotFoundError(
            f"no attachment with id {attachment_id}; upload the file first", field=field
        )
    if kind is not None and row.kind != kind:
        raise ValidationError(
            f"attachment {attachment_id} is a {row.kind}, not a {kind}", field=field
        )


def _on_file(ctx: SiteContext, s: Session, attachment_id: int | None) -> bool:
    """True if the attachment's row exists and its file is in the attachments store."""
    row = s.get(Attachment, attachment_id) if attachment_id is not None else None
    return row is not None and file_path(ctx, row.sha256).is_file()


# -- contracts (A16(2)) -----------------------------------------------------------------------


def add_contract(
    ctx: SiteContext,
    *,
    contractor: str,
    scope: str,
    starts_on: str | date,
    ends_on: str | date,
    security_clause: bool,
    credit_code: str = "",
    attachment_id: int | None = None,
    by: Actor,
) -> ContractView:
    """Record an outsourced-maintenance contract. One without the security clause or the
    file is kept (it exists) and reported by `contract_shortfalls`."""
    the_contractor = check_text(contractor, "contractor", max_chars=200)
    code = check_credit_code(credit_code) if (credit_code or "").strip() else ""
    the_scope = check_text(scope, "scope", multiline=True)
    starts = parse_day(starts_on, "starts_on")
    ends = parse_day(ends_on, "ends_on")
    if ends < starts:
        raise ValidationError(f"must not be before starts_on ({starts})", field="ends_on")
    if not isinstance(security_clause, bool):
        raise ValidationError("must be true or false", field="security_clause")
    with ctx.sessions.begin() as s:
        _attachment(s, attachment_id, kind="contract")
        row = MaintenanceContract(
            contractor=the_contractor,
            contractor_credit_code=code,
            scope=the_scope,
            starts_on=starts.isoformat(),
            ends_on=ends.isoformat(),
            security_clause=security_clause,
            attachment_id=attachment_id,
            recorded_by=by.name[:64],
            recorded_us=ctx.clock.now_us(),
        )
        s.add(row)
        s.flush()
        view = _contract_view(row)
        audit(
            s,
            ctx,
            by,
            "contract.add",
            contract_id=view.id,
            contractor=view.contractor,
            starts_on=view.starts_on,
            ends_on=view.ends_on,
            security_clause=view.security_clause,
            attachment_id=attachment_id,
        )
    return view


def update_contract(
    ctx: SiteContext,
    contract_id: int,
    *,
    security_clause: bool | None = None,
    attachment_id: int | None = None,
    by: Actor,
) -> ContractView:
    """Record a signed amendment with the clause, or put the signed contract on file."""
    with ctx.sessions.begin() as s:
        row = s.get(MaintenanceContract, contract_id)
        if row is None:
            raise NotFoundError(f"no contract with id {contract_id}", field="contract_id")
        changes: dict[str, Any] = {}
        if attachment_id is not None and attachment_id != row.attachment_id:
            _attachment(s, attachment_id, kind="contract")
            row.attachment_id = changes["attachment_id"] = attachment_id
        if security_clause is not None and security_clause != row.security_clause:
            row.security_clause = changes["security_clause"] = security_clause
        view = _contract_view(row)
        if changes:
            audit(s, ctx, by, "contract.update", contract_id=contract_id, **changes)
    return view


def list_contracts(ctx: SiteContext) -> list[ContractView]:
    with ctx.sessions() as s:
        q = select(MaintenanceContract).order_by(
            MaintenanceContract.starts_on, MaintenanceContract.id
        )
        return [_contract_view(c) for c in s.scalars(q)]


def contract_shortfalls(ctx: SiteContext, today: date) -> list[ContractShortfall]:
    """Contracts in force on `today` or later that lack the written security-responsibility
    clause or whose signed copy is not on file (A16(2))."""
    out: list[ContractShortfall] = []
    with ctx.sessions() as s:
        q = select(MaintenanceContract).where(MaintenanceContract.ends_on >= today.isoformat())
        for c in s.scalars(q.order_by(MaintenanceContract.starts_on, MaintenanceContract.id)):
            problems: list[str] = []
            if not c.security_clause:
                problems.append(NO_CLAUSE)
            if not _on_file(ctx, s, c.attachment_id):
                problems.append(NOT_ON_FILE)
            if problems:
                out.append(
                    ContractShortfall(c.id, c.contractor, c.starts_on, c.ends_on, tuple(problems))
                )
    return out


# -- the maintenance and fault log (A16(1)) ---------------------------------------------------


def parse_log_kind(text: str, *, field: str = "kind") -> str:
    wanted = (text or "").strip()
    for kind, zh in LOG_KINDS.items():
        if wanted.lower().replace("-", "_") == kind or wanted == zh:
            return kind
    choices = ", ".join(f"{k} ({zh})" for k, zh in LOG_KINDS.items())
    raise ValidationError(f"unknown kind {text!r}; choose one of {choices}", field=field)


def _camera(s: Session, camera: str | None) -> tuple[int, str] | None:
    if camera is None or not camera.strip():
        return None
    cam = s.scalar(select(Camera).where(Camera.name == camera.strip()))
    if cam is None:
        raise NotFoundError(f"no camera named {camera!r}", field="camera")
    return cam.id, cam.name


def add_log(
    ctx: SiteContext,
    *,
    kind: str,
    summary: str,
    performed_by: str,
    at_us: int | None = None,
    camera: str | None = None,
    contract_id: int | None = None,
    outcome: str = "",
    attachment_id: int | None = None,
    by: Actor,
) -> LogView:
    """Append an entry to the maintenance and fault log; a `fault` stays open until
    `resolve`d. An `emergency_plan` entry needs the plan's file (A16(1))."""
    the_kind = parse_log_kind(kind)
    the_summary = check_text(summary, "summary", multiline=True)
    the_performer = check_text(performed_by, "performed_by", max_chars=128)
    the_outcome = check_text(outcome, "outcome", multiline=True, required=False)
    now = ctx.clock.now_us()
    at = not_in_future(ctx, at_us, "at") if at_us is not None else now
    if the_kind == "emergency_plan" and attachment_id is None:
        raise ValidationError(
            "an emergency plan entry records the adopted plan: attach its file",
            field="attachment_id",
            article=ROUTINE_ARTICLE,
        )
    with ctx.sessions.begin() as s:
        cam = _camera(s, camera)
        if contract_id is not None and s.get(MaintenanceContract, contract_id) is None:
            raise NotFoundError(f"no contract with id {contract_id}", field="contract_id")
        _attachment(s, attachment_id)
        row = MaintenanceRecord(
            kind=the_kind,
            at_us=at,
            camera_id=cam[0] if cam else None,
            contract_id=contract_id,
            summary=the_summary,
            performed_by=the_performer,
            outcome=the_outcome,
            resolved_us=None,
            attachment_id=attachment_id,
            recorded_by=by.name[:64],
            recorded_us=now,
        )
        s.add(row)
        s.flush()
        view = _log_view(row, cam[1] if cam else None)
        audit(
            s,
            ctx,
            by,
            "maintenance.log",
            record_id=view.id,
            kind=the_kind,
            at_us=at,
            summary=the_summary,
            performed_by=the_performer,
            camera=cam,
        )
    return view


def resolve(
    ctx: SiteContext,
    record_id: int,
    *,
    outcome: str,
    resolved_us: int | None = None,
    by: Actor,
) -> LogView:
    """Close a fault (once): when, and what was done (appended to its outcome)."""
    the_outcome = check_text(outcome, "outcome", multiline=True)
    at = not_in_future(ctx, resolved_us, "resolved") if resolved_us is not None else None
    with ctx.sessions.begin() as s:
        row = s.get(MaintenanceRecord, record_id, with_for_update=True)
        if row is None:
            raise NotFoundError(f"no log entry with id {record_id}", field="record_id")
        if row.kind != "fault":
            raise ValidationError(
                f"entry {record_id} is a {row.kind}; only a fault is resolved", field="record_id"
            )
        if row.resolved_us is not None:
            raise ConflictError(
                f"fault {record_id} is already resolved; log a new fault if it came back",
                field="record_id",
            )
        when = at if at is not None else ctx.clock.now_us()
        if when < row.at_us:
            raise ValidationError("must not be before the fault was logged", field="resolved")
        row.resolved_us = when
        row.outcome = f"{row.outcome}\n{the_outcome}" if row.outcome else the_outcome
        cam_name = s.scalar(select(Camera.name).where(Camera.id == row.camera_id))
        view = _log_view(row, cam_name)
        cam = (view.camera_id, view.camera_name or "") if view.camera_id else None
        audit(
            s,
            ctx,
            by,
            "maintenance.resolve",
            record_id=record_id,
            resolved_us=when,
            outcome=the_outcome,
            camera=cam,
        )
    return view


def list_log(
    ctx: SiteContext,
    *,
    kind: str | None = None,
    open_only: bool = False,
    since_us: int | None = None,
    until_us: int | None = None,
) -> list[LogView]:
    """Log entries dated in [since_us, until_us), latest first; `open_only`: open faults."""
    q = select(MaintenanceRecord, Camera.name).outerjoin(
        Camera, Camera.id == MaintenanceRecord.camera_id
    )
    if kind is not None:
        q = q.where(MaintenanceRecord.kind == parse_log_kind(kind))
    if open_only:
        q = q.where(MaintenanceRecord.kind == "fault", MaintenanceRecord.resolved_us.is_(None))
    q = within(q, MaintenanceRecord.at_us, since_us, until_us)
    order = (MaintenanceRecord.at_us.desc(), MaintenanceRecord.id.desc())
    with ctx.sessions() as s:
        return [_log_view(r, name) for r, name in s.execute(q.order_by(*order))]


def open_faults(ctx: SiteContext) -> list[LogView]:
    """Faults not yet resolved, latest first."""
    return list_log(ctx, open_only=True)


def routine_summary(ctx: SiteContext) -> RoutineSummary:
    """The last security check, drill, emergency-plan adoption and maintenance (A16(1)),
    and how many faults are open."""
    with ctx.sessions() as s:
        q = select(MaintenanceRecord.kind, func.max(MaintenanceRecord.at_us))
        last: dict[str, int | None] = {
            kind: at for kind, at in s.execute(q.group_by(MaintenanceRecord.kind))
        }
        faults = s.scalar(
            select(func.count())
            .select_from(MaintenanceRecord)
            .where(MaintenanceRecord.kind == "fault", MaintenanceRecord.resolved_us.is_(None))
        )

    def day(us: int | None) -> str | None:
        return local_day(ctx, us).isoformat() if us is not None else None

    check, drill = last.get("security_check"), last.get("drill")
    plan, upkeep = last.get("emergency_plan"), last.get("maintenance")
    return RoutineSummary(
        check, day(check), drill, day(drill), plan, day(plan), upkeep, day(upkeep), int(faults or 0)
    )
