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
from vigil.records import siting
from vigil.records.siting import SitingView
from vigil.site.api.common import RowId, actor_of, cite_attachments
from vigil.site.deps import ManagesSite, Principal, SignedIn, ViewsRecords, site

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
    sign_photo_id: RowId | None = Field(None, description="Attachment id of the sign's photo.")


class Approval(BaseModel):
    attachment_id: RowId | None = Field(
        None, description="The view being approved, as the approver saw it (optional)."
    )


CITED = ("sign_photo_id", "reference_view_id")
"""The attachments a siting cites, shown as `sign_photo` and `reference_view`."""


def _sitings(request: Request, views: list[SitingView]) -> list[dict[str, Any]]:
    return cite_attachments(site(request), (v.as_dict() for v in views), *CITED)


def _siting(request: Request, view: SitingView) -> dict[str, Any]:
    return _sitings(request, [view])[0]


@router.get("/siting")
def list_sitings(request: Request, who: ViewsRecords) -> list[dict[str, Any]]:
    """Every active camera's siting in one call (fields empty where none is recorded)."""
    return _sitings(request, siting.list_sitings(site(request)))


@router.get("/cameras/{name}/siting")
def get_siting(name: str, request: Request, who: ViewsRecords) -> dict[str, Any]:
    return _siting(request, siting.get_siting(site(request), name))


@router.put("/cameras/{name}/siting")
def put_siting(name: str, body: SitingChange, request: Request, who: ManagesSite) -> dict[str, Any]:
    """Record or change where a camera looks and why; A8 places are refused."""
    changes = body.model_dump(exclude_unset=True)
    view = siting.update_siting(site(request), name, actor_of(who), **changes)
    return _siting(request, view)


@router.post("/cameras/{name}/reference", status_code=201)
def take_reference(name: str, request: Request, who: AimsCameras) -> dict[str, Any]:
    """Snapshot the newest recording as the camera's view, pending approval (A14)."""
    return _siting(request, siting.take_reference(site(request), name, actor_of(who)))


@router.post("/cameras/{name}/reference/approve")
def approve_reference(
    name: str, request: Request, who: ManagesSite, body: Approval | None = None
) -> dict[str, Any]:
    """An administrator approves the camera's pending view: its fixed range (A14)."""
    attachment_id = body.attachment_id if body else None
    view = siting.approve_reference(site(request), name, actor_of(who), attachment_id=attachment_id)
    return _siting(request, view)
