"""Retention holds (N17): the recorded purposes that keep material past 30 days.

Reading needs `view_records` (every role); setting and lifting a hold need `manage_site`
(administrators). Each set and lift is audited in its transaction (`vigil.storage.holds`).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field

from vigil.clock import parse_recording_instant
from vigil.site.api.common import RowId, StrictBody, actor_of
from vigil.site.deps import ManagesSite, ViewsRecords, site
from vigil.storage import holds

router = APIRouter(tags=["holds"])


class HoldBody(StrictBody):
    camera: str = Field(description="The camera whose material is kept.")
    # Left out, kind and reference are refused by the domain, naming the field and N17.
    kind: str = Field("", description="evidence (evidence hold), case (open case) or law.")
    reference: str = Field("", description="Case or evidence number; for `law`, the law's name.")
    until: str | None = Field(None, description="Last day of the hold, YYYY-MM-DD; none: lifted.")
    from_: str | None = Field(
        None, alias="from", description="ISO 8601: keep only material from this instant."
    )
    to: str | None = Field(None, description="ISO 8601: ... up to this instant.")


class LiftBody(StrictBody):
    reason: str = Field(description="Why the purpose is served.")


@router.get("/holds")
def list_holds(request: Request, who: ViewsRecords, live: bool = False) -> list[dict[str, Any]]:
    """Every hold (or only those in force), with who set and lifted it."""
    return [v.as_dict() for v in holds.list_holds(site(request), live_only=live)]


@router.post("/holds", status_code=201)
def add_hold(body: HoldBody, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Record a purpose: the retention run keeps the material it covers (N17)."""
    ctx = site(request)
    now = ctx.clock.now_us()

    def instant(text: str | None, field: str) -> int | None:
        return parse_recording_instant(text, field=field, now_us=now) if text else None

    view = holds.add_hold(
        ctx,
        body.camera,
        kind=body.kind,
        reference=body.reference,
        until=body.until,
        from_us=instant(body.from_, "from"),
        to_us=instant(body.to, "to"),
        by=actor_of(who),
    )
    return view.as_dict()


@router.post("/holds/{hold_id}/lift")
def lift_hold(hold_id: RowId, body: LiftBody, request: Request, who: ManagesSite) -> dict[str, Any]:
    """End a hold; the next retention run expires what is past the camera's retention."""
    return holds.lift_hold(site(request), hold_id, reason=body.reason, by=actor_of(who)).as_dict()
