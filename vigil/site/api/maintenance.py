"""Maintenance contracts (A16(2)) and the maintenance and fault log (A16(1)) over HTTP.

Reading needs VIEW_RECORDS; contracts need MANAGE_SITE; the log needs KEEP_MAINTENANCE_LOG.
The signed contract and the emergency plan are `attachments` rows, cited by id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from vigil.clock import us_to_iso
from vigil.site.api.staff import actor, instant
from vigil.site.deps import KeepsMaintenanceLog, ManagesSite, ViewsRecords, site
from vigil.site.records import maintenance
from vigil.site.records.maintenance import LogView
from vigil.site.records.staff import parse_day, today

router = APIRouter(prefix="/maintenance", tags=["maintenance"])


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewContract(_Body):
    contractor: str = Field(description="The maintenance company.")
    credit_code: str = Field("", description="Its unified social credit code (GB 32100).")
    scope: str = Field(description="What the contractor maintains.")
    starts_on: str = Field(description="YYYY-MM-DD.")
    ends_on: str = Field(description="YYYY-MM-DD; not before starts_on.")
    security_clause: bool = Field(
        strict=True, description="The security responsibilities are written in (A16(2))."
    )
    attachment_id: int | None = Field(None, description="The signed contract's attachment.")


class ContractChange(_Body):
    security_clause: bool | None = Field(None, strict=True)
    attachment_id: int | None = None


class NewLogEntry(_Body):
    kind: str = Field(description=", ".join(maintenance.LOG_KINDS) + ".")
    summary: str = Field(description="What was done or found.")
    performed_by: str = Field(description="Who did it (person or company).")
    at: str | None = Field(None, description="ISO 8601; default now.")
    camera: str | None = Field(None, description="The camera concerned, by name.")
    contract_id: int | None = None
    outcome: str = ""
    attachment_id: int | None = Field(None, description="Report, plan or photo on file.")


class Resolve(_Body):
    outcome: str = Field(description="What fixed the fault.")
    resolved: str | None = Field(None, description="ISO 8601; default now.")


def _log(v: LogView) -> dict[str, Any]:
    return {
        **v.as_dict(),
        "at": us_to_iso(v.at_us),
        "resolved": us_to_iso(v.resolved_us) if v.resolved_us is not None else None,
    }


@router.get("/contracts")
def list_contracts(request: Request, who: ViewsRecords) -> list[dict[str, Any]]:
    return [c.as_dict() for c in maintenance.list_contracts(site(request))]


@router.post("/contracts", status_code=201)
def add_contract(body: NewContract, request: Request, who: ManagesSite) -> dict[str, Any]:
    return maintenance.add_contract(
        site(request),
        contractor=body.contractor,
        credit_code=body.credit_code,
        scope=body.scope,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        security_clause=body.security_clause,
        attachment_id=body.attachment_id,
        by=actor(who),
    ).as_dict()


@router.get("/contracts/shortfalls")
def shortfalls(
    request: Request,
    who: ViewsRecords,
    today_: str | None = Query(None, alias="today", description="YYYY-MM-DD; default today."),
) -> list[dict[str, Any]]:
    """Contracts in force without the security clause or the signed copy (A16(2))."""
    ctx = site(request)
    day: date = parse_day(today_, "today") if today_ else today(ctx)
    return [c.as_dict() for c in maintenance.contract_shortfalls(ctx, day)]


@router.patch("/contracts/{contract_id}")
def change_contract(
    contract_id: int, body: ContractChange, request: Request, who: ManagesSite
) -> dict[str, Any]:
    return maintenance.update_contract(
        site(request),
        contract_id,
        security_clause=body.security_clause,
        attachment_id=body.attachment_id,
        by=actor(who),
    ).as_dict()


@router.get("/log")
def list_log(
    request: Request,
    who: ViewsRecords,
    kind: str | None = Query(None),
    open_: bool = Query(False, alias="open", description="Only faults not yet resolved."),
    since: str | None = Query(None, description="ISO 8601."),
    until: str | None = Query(None, description="ISO 8601."),
) -> list[dict[str, Any]]:
    entries = maintenance.list_log(
        site(request),
        kind=kind or None,
        open_only=open_,
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
    )
    return [_log(v) for v in entries]


@router.post("/log", status_code=201)
def add_log(body: NewLogEntry, request: Request, who: KeepsMaintenanceLog) -> dict[str, Any]:
    return _log(
        maintenance.add_log(
            site(request),
            kind=body.kind,
            summary=body.summary,
            performed_by=body.performed_by,
            at_us=instant(body.at, "at"),
            camera=body.camera,
            contract_id=body.contract_id,
            outcome=body.outcome,
            attachment_id=body.attachment_id,
            by=actor(who),
        )
    )


@router.post("/log/{record_id}/resolve")
def resolve(
    record_id: int, body: Resolve, request: Request, who: KeepsMaintenanceLog
) -> dict[str, Any]:
    return _log(
        maintenance.resolve(
            site(request),
            record_id,
            outcome=body.outcome,
            resolved_us=instant(body.resolved, "resolved"),
            by=actor(who),
        )
    )


@router.get("/summary")
def summary(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """Last security check, drill, emergency plan and maintenance; open faults (A16(1))."""
    return maintenance.routine_summary(site(request)).as_dict()
