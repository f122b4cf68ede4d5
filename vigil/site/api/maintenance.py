"""Maintenance contracts (A16(2)) and the maintenance and fault log (A16(1)) over HTTP.

Reading needs VIEW_RECORDS; contracts need MANAGE_SITE; the log needs KEEP_MAINTENANCE_LOG.
The signed contract and the emergency plan are `attachments` rows, cited by id.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import Field

from vigil.records import maintenance
from vigil.records.common import day_or_today
from vigil.records.maintenance import ContractView, LogView
from vigil.site.api.common import (
    PeriodQuery,
    RowId,
    StrictBody,
    actor_of,
    cite_attachment,
    cite_attachments,
    instant,
    with_times,
)
from vigil.site.deps import KeepsMaintenanceLog, ManagesSite, ViewsRecords, site

router = APIRouter(prefix="/maintenance", tags=["maintenance"])


class NewContract(StrictBody):
    contractor: str = Field(description="The maintenance company.")
    credit_code: str = Field("", description="Its unified social credit code (GB 32100).")
    scope: str = Field(description="What the contractor maintains.")
    starts_on: str = Field(description="YYYY-MM-DD.")
    ends_on: str = Field(description="YYYY-MM-DD; not before starts_on.")
    security_clause: bool = Field(
        strict=True, description="The security responsibilities are written in (A16(2))."
    )
    attachment_id: RowId | None = Field(None, description="The signed contract's attachment.")


class ContractChange(StrictBody):
    security_clause: bool | None = Field(None, strict=True)
    attachment_id: RowId | None = None


class NewLogEntry(StrictBody):
    kind: str = Field(description=", ".join(maintenance.LOG_KINDS) + ".")
    summary: str = Field(description="What was done or found.")
    performed_by: str = Field(description="Who did it (person or company).")
    at: str | None = Field(None, description="ISO 8601; default now.")
    camera: str | None = Field(None, description="The camera concerned, by name.")
    contract_id: RowId | None = None
    outcome: str = ""
    attachment_id: RowId | None = Field(None, description="Report, plan or photo on file.")


class Resolve(StrictBody):
    outcome: str = Field(description="What fixed the fault.")
    resolved: str | None = Field(None, description="ISO 8601; default now.")


def _contract(request: Request, v: ContractView) -> dict[str, Any]:
    return cite_attachment(site(request), v.as_dict(), "attachment_id")


def _logs(request: Request, views: list[LogView]) -> list[dict[str, Any]]:
    rows = [with_times(v.as_dict(), at=v.at_us, resolved=v.resolved_us) for v in views]
    return cite_attachments(site(request), rows, "attachment_id")


@router.get("/contracts")
def list_contracts(request: Request, who: ViewsRecords) -> list[dict[str, Any]]:
    rows = [c.as_dict() for c in maintenance.list_contracts(site(request))]
    return cite_attachments(site(request), rows, "attachment_id")


@router.post("/contracts", status_code=201)
def add_contract(body: NewContract, request: Request, who: ManagesSite) -> dict[str, Any]:
    contract = body.model_dump()
    return _contract(request, maintenance.add_contract(site(request), **contract, by=actor_of(who)))


@router.get("/contracts/shortfalls")
def shortfalls(
    request: Request,
    who: ViewsRecords,
    today_: str | None = Query(None, alias="today", description="YYYY-MM-DD; default today."),
) -> list[dict[str, Any]]:
    """Contracts in force without the security clause or the signed copy (A16(2))."""
    ctx = site(request)
    day = day_or_today(ctx, today_)
    return [c.as_dict() for c in maintenance.contract_shortfalls(ctx, day)]


@router.patch("/contracts/{contract_id}")
def change_contract(
    contract_id: RowId, body: ContractChange, request: Request, who: ManagesSite
) -> dict[str, Any]:
    change = body.model_dump()
    view = maintenance.update_contract(site(request), contract_id, **change, by=actor_of(who))
    return _contract(request, view)


@router.get("/log")
def list_log(
    request: Request,
    who: ViewsRecords,
    period: PeriodQuery,
    kind: str | None = Query(None),
    open_: bool = Query(False, alias="open", description="Only faults not yet resolved."),
) -> list[dict[str, Any]]:
    """Log entries dated in the period, latest first."""
    entries = maintenance.list_log(
        site(request),
        kind=kind or None,
        open_only=open_,
        since_us=period.since_us,
        until_us=period.until_us,
    )
    return _logs(request, entries)


@router.post("/log", status_code=201)
def add_log(body: NewLogEntry, request: Request, who: KeepsMaintenanceLog) -> dict[str, Any]:
    entry = body.model_dump(exclude={"at"})
    at_us = instant(body.at, "at")
    view = maintenance.add_log(site(request), **entry, at_us=at_us, by=actor_of(who))
    return _logs(request, [view])[0]


@router.post("/log/{record_id}/resolve")
def resolve(
    record_id: RowId, body: Resolve, request: Request, who: KeepsMaintenanceLog
) -> dict[str, Any]:
    resolved_us = instant(body.resolved, "resolved")
    view = maintenance.resolve(
        site(request), record_id, outcome=body.outcome, resolved_us=resolved_us, by=actor_of(who)
    )
    return _logs(request, [view])[0]


@router.get("/summary")
def summary(request: Request, who: ViewsRecords) -> dict[str, Any]:
    """Last security check, drill, emergency plan and maintenance; open faults (A16(1))."""
    return maintenance.routine_summary(site(request)).as_dict()
