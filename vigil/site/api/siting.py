"""Camera siting (A7, A8), its sign (A14) and its reference view (A14, A16(3)).

Reading needs `view_records`; changing the siting and approving a view need
`manage_site` (administrators). Taking a view is also open to those who manage cameras
(maintainers install and aim them); only an administrator approves it.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.site.api.profile import actor_of
from vigil.site.deps import ManagesSite, Principal, SignedIn, ViewsRecords, site
from vigil.site.records import siting

router = APIRouter(tags=["siting"])


def _aims_cameras(who: SignedIn) -> Principal:
    if not (who.can(Permission.MANAGE_SITE) or who.can(Permission.MANAGE_CAMERAS)):
        raise HTTPException(403, "your account may not take a camera's reference view")
    return who


AimsCameras = Annotated[Principal, Depends(_aims_cameras)]


class SitingChange(BaseModel):
    """Fields left out are kept."""

    location_type: str | None = Field(
        None, description="A key position or custom:<slug>; A8 places are refused."
    )
    location_note: str | None = Field(None, description="Where exactly, e.g. 'east door'.")
    purpose: str | None = Field(None, description="What the camera is for.")
    sign_installed: bool | None = Field(None, description="A sign is installed (A14).")
    sign_photo_id: int | None = Field(None, description="Attachment id of the sign's photo.")


class Approval(BaseModel):
    attachment_id: int | None = Field(
        None, description="The view being approved, as the approver saw it (optional)."
    )


@router.get("/cameras/{name}/siting")
def get_siting(name: str, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return siting.get_siting(site(request), name).as_dict()


@router.put("/cameras/{name}/siting")
def put_siting(name: str, body: SitingChange, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Record or change where a camera looks and why; A8 places are refused."""
    changes = body.model_dump(exclude_unset=True)
    view = siting.update_siting(site(request), name, actor_of(who), **changes)
    return view.as_dict()


@router.post("/cameras/{name}/reference", status_code=201)
def take_reference(name: str, request: Request, who: AimsCameras) -> dict[str, Any]:
    """Snapshot the newest recording as the camera's view, pending approval (A14)."""
    return siting.take_reference(site(request), name, actor_of(who)).as_dict()


@router.post("/cameras/{name}/reference/approve")
def approve_reference(
    name: str, request: Request, who: ManagesSite, body: Approval | None = None
) -> dict[str, Any]:
    """An administrator approves the camera's pending view: its fixed range (A14)."""
    attachment_id = body.attachment_id if body else None
    view = siting.approve_reference(site(request), name, actor_of(who), attachment_id=attachment_id)
    return view.as_dict()
