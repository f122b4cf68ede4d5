"""The bureau's dashboard routes (/api/v1) and its console page (/dashboard).

Mounted by the bureau app (`vigil.bureau.web.app`) with its staff dependency; `ALLOWED` joins its
role × route table: every member of staff reads the dashboard, the overdue lists and a unit's
self-check report; officers, inspectors and the head ask a unit for a new one (A4).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from vigil.bureau import dashboard, selfcheck
from vigil.bureau.accounts import BureauRole, StaffView

STATIC_DIR = Path(__file__).parent / "static"
R = BureauRole
ALLOWED: dict[str, frozenset[BureauRole]] = {
    "GET /api/v1/dashboard": frozenset(BureauRole),
    "GET /api/v1/overdue": frozenset(BureauRole),
    "GET /api/v1/units/{name}/selfcheck": frozenset(BureauRole),
    "POST /api/v1/units/{name}/selfcheck": frozenset({R.OFFICER, R.INSPECTOR, R.HEAD}),
}


class SelfCheckAsk(BaseModel):
    model_config = {"extra": "forbid"}
    period_days: int = Field(90, ge=1, le=3660)


def mount(api: APIRouter, staff: Callable[[str], Callable[..., StaffView]], ctx: Any) -> None:
    """Add the dashboard's routes to the bureau's API router."""

    def who(route: str) -> Any:
        return Depends(staff(route))

    @api.get("/dashboard")
    def board(
        division: str | None = Query(None, max_length=6),
        show: str = Query("all", max_length=20),
        page: int = Query(1, ge=1, le=100_000),
        per_page: int = Query(50, ge=1, le=200),
        w: StaffView = who("GET /api/v1/dashboard"),
    ) -> dict[str, Any]:
        """Units, cameras, filings, checks and seals of the jurisdiction (or one division)."""
        return dashboard.dashboard(ctx, division=division, show=show, page=page,
                                   per_page=per_page)  # fmt: skip

    @api.get("/overdue")
    def late(
        division: str | None = Query(None, max_length=6),
        page: int = Query(1, ge=1, le=100_000),
        per_page: int = Query(50, ge=1, le=200),
        w: StaffView = who("GET /api/v1/overdue"),
    ) -> dict[str, Any]:
        """Filings and on-site checks overdue (N14, A13.2), each naming its article."""
        return dashboard.overdue(ctx, division=division, page=page, per_page=per_page)

    @api.get("/units/{name}/selfcheck")
    def read(name: str, w: StaffView = who("GET /api/v1/units/{name}/selfcheck")) -> Any:
        return selfcheck.latest(ctx, name)

    @api.post("/units/{name}/selfcheck")
    def ask(
        name: str, body: SelfCheckAsk | None = None,
        w: StaffView = who("POST /api/v1/units/{name}/selfcheck"),
    ) -> dict[str, Any]:  # fmt: skip
        return selfcheck.request(ctx, w, name, body.period_days if body else 90)


def mount_pages(app: FastAPI) -> None:
    """The dashboard's console page and script (no CDN: the CSP allows 'self' only)."""

    @app.get("/dashboard", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC_DIR / "dashboard.html")

    @app.get("/dashboard.js", include_in_schema=False)
    def script() -> FileResponse:
        return FileResponse(STATIC_DIR / "dashboard.js", media_type="text/javascript")
