"""Attachments: upload (JPEG, PNG, PDF; sniffed, at most 20 MiB) and download.

Uploading needs `manage_site` or `keep_maintenance_log` (administrators, maintainers);
reading needs `view_records`. A reference view is a frame of recorded video: only those
who may watch that camera (or manage the site) get it, and each such read is registered.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.errors import ValidationError
from vigil.records import attachments
from vigil.records.attachments import MAX_ATTACHMENT_BYTES
from vigil.records.siting import reference_camera
from vigil.site.api.common import RowId, actor_of
from vigil.site.deps import Principal, SignedIn, ViewsRecords, audit, site

router = APIRouter(tags=["attachments"])


def _may_upload(who: SignedIn) -> Principal:
    if not (who.can(Permission.MANAGE_SITE) or who.can(Permission.KEEP_MAINTENANCE_LOG)):
        raise HTTPException(403, "your account may not upload documents")
    return who


Uploads = Annotated[Principal, Depends(_may_upload)]


@router.post("/attachments", status_code=201)
def upload(
    request: Request,
    who: Uploads,
    file: Annotated[UploadFile, File(description="JPEG, PNG or PDF, at most 20 MiB.")],
    kind: Annotated[str, Form(description="sign_photo, design_plan, contract, ...")],
) -> dict[str, Any]:
    # A plain `def`: the spooled upload is read and stored in the thread pool, not the loop.
    data = file.file.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"the file is larger than {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MiB", field="file"
        )
    view = attachments.store(
        site(request), data, kind=kind, filename=file.filename, actor=actor_of(who)
    )
    return view.as_dict()


@router.get("/attachments/{attachment_id}")
def download(attachment_id: RowId, request: Request, who: ViewsRecords) -> Response:
    ctx = site(request)
    att = attachments.get(ctx, attachment_id)
    camera = None
    if att.kind == "reference_view":
        camera = reference_camera(ctx, att.id)
        allowed = who.can(Permission.MANAGE_SITE) or (
            camera is not None
            and (
                who.can(Permission.VIEW_LIVE, camera[0]) or who.can(Permission.PLAYBACK, camera[0])
            )
        )
        if not allowed:
            raise HTTPException(403, "your account may not see this camera's view")
    att, data = attachments.read(ctx, attachment_id)
    if att.kind == "reference_view":
        audit(
            request,
            who,
            "reference_view",
            camera_id=camera[0] if camera else None,
            camera_name=camera[1] if camera else "",
            detail={"attachment": att.id},
        )
    disposition = f"inline; filename*=UTF-8''{quote(att.filename)}"
    return Response(
        data,
        media_type=att.content_type,
        headers={"Content-Disposition": disposition, "X-Content-SHA256": att.sha256},
    )
