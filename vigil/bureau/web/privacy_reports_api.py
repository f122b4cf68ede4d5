"""The bureau's route for found-camera reports (N8.2): `GET /api/v1/reports`.

Mounted by the bureau app (`vigil.bureau.web.app`) with its staff dependency; `ALLOWED` joins its
role × route table: every member of staff reads the reports of the jurisdiction (A4).
Importing this module registers the `privacy.found_camera` handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends

from vigil.bureau import privacy_reports
from vigil.bureau.accounts import BureauRole, StaffView

ALLOWED: dict[str, frozenset[BureauRole]] = {
    "GET /api/v1/reports": frozenset(BureauRole),
}


def mount(api: APIRouter, staff: Callable[[str], Callable[..., StaffView]], ctx: Any) -> None:
    """Add the reports' route to the bureau's API router."""

    @api.get("/reports")
    def reports(w: StaffView = Depends(staff("GET /api/v1/reports"))) -> dict[str, Any]:
        """Units' signed reports of a camera found in a forbidden place (N8.2), newest first."""
        return {"reports": privacy_reports.list_reports(ctx)}
