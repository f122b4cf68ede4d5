"""The bureau's routes for the register of planned systems (A6, N6): `/api/v1/plans`.

Mounted by the bureau app (`vigil.bureau.web.app`) with its staff dependency; `ALLOWED` joins its
role × route table: every member of staff reads the plans of the jurisdiction (A4);
administrators and the head record and change them (`vigil.bureau.planning`). The body of a
change is checked field by field by the domain, so a bad value is named with its field.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Body, Depends, FastAPI, Query
from fastapi.responses import FileResponse, JSONResponse

from vigil.bureau import planning
from vigil.bureau.accounts import BureauRole, StaffView
from vigil.errors import NotFoundError

STATIC_DIR = Path(__file__).parent / "static"

WRITERS = frozenset({BureauRole.ADMINISTRATOR, BureauRole.HEAD})
ALLOWED: dict[str, frozenset[BureauRole]] = {
    "GET /api/v1/plans": frozenset(BureauRole),
    "GET /api/v1/plans/{plan_id}": frozenset(BureauRole),
    "POST /api/v1/plans": WRITERS,
    "PATCH /api/v1/plans/{plan_id}": WRITERS,
}


def mount(api: APIRouter, staff: Callable[[str], Callable[..., StaffView]], ctx: Any) -> None:
    """Add the planning routes to the bureau's API router."""

    def who(route: str) -> Any:
        return Depends(staff(route))

    @api.get("/plans")
    def plans(
        division: str | None = Query(None, max_length=6),
        status: str | None = Query(None, max_length=24),
        w: StaffView = who("GET /api/v1/plans"),
    ) -> dict[str, Any]:
        """The planned systems of this bureau's jurisdiction, or of one division under it."""
        return planning.list_plans(ctx, division=division, status=status)

    @api.get("/plans/{plan_id}", response_model=None)
    def plan(
        plan_id: int, w: StaffView = who("GET /api/v1/plans/{plan_id}")
    ) -> dict[str, Any] | JSONResponse:
        try:
            return planning.get(ctx, plan_id)
        except NotFoundError as exc:  # not here, or outside the jurisdiction (A4)
            return JSONResponse(exc.as_dict(), 404)

    @api.post("/plans")
    def create(
        body: dict[str, Any] = Body(...), w: StaffView = who("POST /api/v1/plans")
    ) -> dict[str, Any]:
        """Register a planned system; `warnings` names overlapping plans (N6)."""
        return planning.create(ctx, w, body)

    @api.patch("/plans/{plan_id}", response_model=None)
    def update(
        plan_id: int,
        body: dict[str, Any] = Body(...),
        w: StaffView = who("PATCH /api/v1/plans/{plan_id}"),
    ) -> dict[str, Any] | JSONResponse:
        """Change a plan's fields or status; `warnings` names overlapping plans (N6)."""
        try:
            return planning.update(ctx, w, plan_id, body)
        except NotFoundError as exc:
            return JSONResponse(exc.as_dict(), 404)


def mount_pages(app: FastAPI) -> None:
    """The register's console page (/planning) and its script."""

    @app.get("/planning", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "planning.html")

    @app.get("/planning.js", include_in_schema=False)
    def script() -> FileResponse:
        return FileResponse(STATIC_DIR / "planning.js", media_type="text/javascript")
