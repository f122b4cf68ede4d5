"""The bureau's filing routes (/api/v1): the register, review, on-site check, acceptance.

Mounted by the bureau app (`vigil.bureau.web.app`) with its staff dependency; `ALLOWED` joins
its role × route table: every member of staff reads the register; officers and the head
accept or return a filing and record an acceptance (A13.1); inspectors, officers and the
head plan and record on-site checks (A13.2).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from vigil.bureau import filings
from vigil.bureau.accounts import BureauRole, StaffView

STATIC_DIR = Path(__file__).parent / "static"

R = BureauRole
ALLOWED: dict[str, frozenset[BureauRole]] = {
    "GET /api/v1/filings": frozenset(BureauRole),
    "POST /api/v1/filings/accept": frozenset({R.OFFICER, R.HEAD}),
    "POST /api/v1/filings/return": frozenset({R.OFFICER, R.HEAD}),
    "POST /api/v1/filings/check-plan": frozenset({R.INSPECTOR, R.OFFICER, R.HEAD}),
    "POST /api/v1/filings/check": frozenset({R.INSPECTOR, R.OFFICER, R.HEAD}),
    "POST /api/v1/acceptances": frozenset({R.OFFICER, R.HEAD}),
}


class Which(BaseModel):
    model_config = {"extra": "forbid"}
    filing: str = Field(max_length=36, description="The filing's uuid.")
    version: int = Field(ge=1, le=10_000)


class ReturnBody(Which):
    reasons: list[str] = Field(min_length=1, max_length=50)


class PlanBody(Which):
    planned_on: str = Field(description="YYYY-MM-DD, on or before the last day (A13.2).")


class CheckBody(Which):
    checked_on: str
    result: str


class AcceptanceBody(BaseModel):
    model_config = {"extra": "forbid"}
    unit: str
    accepted_on: str
    result: str = Field(description="passed or failed (A13.1).")
    members: list[str] = Field(default_factory=list, max_length=50)
    documents: list[str] = Field(default_factory=list, max_length=50)


def mount(api: APIRouter, staff: Callable[[str], Callable[..., StaffView]], ctx: Any) -> None:
    """Add the filing routes to the bureau's API router."""

    def who(route: str) -> Any:
        return Depends(staff(route))

    @api.get("/filings")
    def register(
        division: str | None = Query(None, max_length=6),
        page: int | None = Query(None, ge=1, le=100_000),
        per_page: int = Query(50, ge=1, le=200),
        w: StaffView = who("GET /api/v1/filings"),
    ) -> dict[str, Any]:
        """The register of filings in this bureau's jurisdiction (or one division under it),
        a page at a time when `page` is given, with the overdue checks."""
        return filings.register(ctx, division=division, page=page, per_page=per_page)

    @api.post("/filings/accept")
    def accept(body: Which, w: StaffView = who("POST /api/v1/filings/accept")) -> dict[str, Any]:
        return filings.accept(ctx, w, body.filing, body.version)

    @api.post("/filings/return")
    def return_(
        body: ReturnBody, w: StaffView = who("POST /api/v1/filings/return")
    ) -> dict[str, Any]:
        return filings.return_filing(ctx, w, body.filing, body.version, body.reasons)

    @api.post("/filings/check-plan")
    def plan(
        body: PlanBody, w: StaffView = who("POST /api/v1/filings/check-plan")
    ) -> dict[str, Any]:
        return filings.schedule_check(ctx, w, body.filing, body.version, body.planned_on)

    @api.post("/filings/check")
    def check(body: CheckBody, w: StaffView = who("POST /api/v1/filings/check")) -> dict[str, Any]:
        return filings.record_check(ctx, w, body.filing, body.version, body.checked_on,
                                    body.result)  # fmt: skip

    @api.post("/acceptances")
    def acceptance(
        body: AcceptanceBody, w: StaffView = who("POST /api/v1/acceptances")
    ) -> dict[str, Any]:
        return filings.record_acceptance(ctx, w, body.unit, body.accepted_on, body.result,
                                         body.members, body.documents)  # fmt: skip


def mount_pages(app: FastAPI) -> None:
    """The register's console page (/filings) and its script: review, checks, overdue."""

    @app.get("/filings", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "filings.html")

    @app.get("/filings.js", include_in_schema=False)
    def script() -> FileResponse:
        return FileResponse(STATIC_DIR / "filings.js", media_type="text/javascript")
