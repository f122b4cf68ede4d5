"""The auditor's view of the registered acts (A17.2(2)): filter, export CSV, verify."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response, StreamingResponse

from vigil.clock import us_to_iso
from vigil.site.api.common import instant
from vigil.site.deps import ViewsAudit, site

router = APIRouter(prefix="/audit", tags=["audit"])


def _entries(
    request: Request,
    since: str | None,
    until: str | None,
    actor: str | None,
    action: str | None,
    camera: str | None,
    limit: int,
    before: int | None = None,
) -> list[Any]:
    from vigil.audit.query import list_entries

    entries: list[Any] = list_entries(
        site(request),
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
        actor=actor or None,
        action=action or None,
        camera=camera or None,
        limit=limit,
        before_seq=before,
    )
    return entries


def _json(e: Any) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "time": us_to_iso(e.at_us),
        "at_us": e.at_us,
        "actor": e.actor,
        "role": e.actor_role,
        "client": e.client_addr,
        "action": e.action,
        "camera": e.camera_name,
        "from": us_to_iso(e.from_us) if e.from_us else None,
        "to": us_to_iso(e.to_us) if e.to_us else None,
        "purpose": e.purpose,
        "destination": e.destination,
        "caller_unit": e.caller_unit,
        "result": e.result,
        "detail": e.detail,
    }


#: The response header that names the `before` of the next older page (absent: the
#: oldest selected entry is in this page).
OLDER_HEADER = "X-Audit-Older-Before"


@router.get("")
def list_audit(
    request: Request,
    response: Response,
    who: ViewsAudit,
    since: str | None = Query(None, description="ISO 8601"),
    until: str | None = Query(None, description="ISO 8601"),
    actor: str | None = None,
    action: str | None = None,
    camera: str | None = None,
    limit: int = Query(500, ge=1, le=10_000),
    before: int | None = Query(
        None,
        ge=1,
        le=(1 << 63) - 1,
        description="Only entries older than this seq: the next page back, as named by the "
        f"{OLDER_HEADER} header of the previous one. Paging reaches the first entry.",
    ),
) -> list[dict[str, Any]]:
    from vigil.audit.query import page_cursor

    entries = _entries(request, since, until, actor, action, camera, limit, before)
    older = page_cursor(entries, limit)
    if older is not None:
        response.headers[OLDER_HEADER] = str(older)
    return [_json(e) for e in entries]


@router.get(".csv")
def audit_csv(
    request: Request,
    who: ViewsAudit,
    since: str | None = None,
    until: str | None = None,
    actor: str | None = None,
    action: str | None = None,
    camera: str | None = None,
) -> Response:
    """Every selected entry, the whole log if nothing is selected, streamed."""
    from vigil.audit.query import csv_chunks, iter_entries

    entries = iter_entries(
        site(request),
        since_us=instant(since, "since"),
        until_us=instant(until, "until"),
        actor=actor or None,
        action=action or None,
        camera=camera or None,
    )

    def body() -> Iterator[str]:
        yield "\ufeff"  # a BOM: spreadsheets then read the Chinese as UTF-8
        yield from csv_chunks(entries)

    return StreamingResponse(
        body(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
    )


@router.get("/verify")
def verify_log(request: Request, who: ViewsAudit) -> dict[str, Any]:
    from dataclasses import asdict

    from vigil.audit.verify import verify_audit

    problems = verify_audit(site(request))
    return {"ok": not problems, "problems": [asdict(p) for p in problems]}
