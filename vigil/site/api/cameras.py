"""Cameras: list (what the caller may see), add, change retention, remove; timelines."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.cameras import CameraRegistry, check_camera_type
from vigil.clock import parse_recording_instant
from vigil.errors import ValidationError
from vigil.health.status import camera_states
from vigil.site.api.common import actor_of
from vigil.site.deps import ManagesCameras, Principal, SignedIn, site
from vigil.storage.catalog import catalog

router = APIRouter(prefix="/cameras", tags=["cameras"])


class NewCamera(BaseModel):
    name: str = Field(description="Short unique name, e.g. lobby-1.")
    url: str = Field(description="rtsp://[user:pass@]host[:port]/path; the password is encrypted.")
    retention_days: int | None = Field(None, description="At least 30 days (A17.2(3)).")
    max_retention_days: int | None = Field(None, description="Optional deletion deadline.")
    location_type: str | None = Field(
        None, description="Where it looks: a key position (A7); places A8 forbids are refused."
    )
    purpose: str | None = Field(None, description="What the camera is for.")
    camera_type: str | None = Field(
        None, description="bullet, dome, ptz, fisheye or other (N14 files the types)."
    )


class RetentionChange(BaseModel):
    """Give the retention (with its optional maximum), the type, or both."""

    retention_days: int | None = Field(None, description="At least 30 days (A17.2(3)).")
    max_retention_days: int | None = None
    camera_type: str | None = Field(
        None, description="bullet, dome, ptz, fisheye or other (N14 files the types)."
    )


def _visible(who: Principal, camera_id: int) -> bool:
    return (
        who.can(Permission.MANAGE_CAMERAS)
        or who.can(Permission.VIEW_AUDIT)
        or who.can(Permission.VIEW_LIVE, camera_id)
        or who.can(Permission.PLAYBACK, camera_id)
    )


@router.get("")
def list_cameras(request: Request, who: SignedIn) -> list[dict[str, Any]]:
    """Cameras the caller may see, with their recording state and the caller's rights."""
    ctx = site(request)
    reports = {r.name: r for r in camera_states(ctx)}
    out = []
    for cam in CameraRegistry(ctx).list():
        if not _visible(who, cam.id):
            continue
        rep = reports.get(cam.name)
        out.append(
            {
                "id": cam.id,
                "name": cam.name,
                "url": cam.url if who.can(Permission.MANAGE_CAMERAS) else None,
                "retention_days": cam.retention_days,
                "max_retention_days": cam.max_retention_days,
                "camera_type": cam.camera_type,
                "state": rep.state if rep else "unknown",
                "detail": rep.detail if rep else "",
                "last_segment_end": rep.last_segment_end if rep else None,
                "gaps_24h": rep.gaps_24h if rep else 0,
                "rights": {
                    "live": who.can(Permission.VIEW_LIVE, cam.id),
                    "playback": who.can(Permission.PLAYBACK, cam.id),
                    "export": who.can(Permission.EXPORT, cam.id),
                },
            }
        )
    return out


@router.post("", status_code=201)
def add_camera(body: NewCamera, request: Request, who: ManagesCameras) -> dict[str, Any]:
    ctx = site(request)
    cam = CameraRegistry(ctx).add(
        body.name,
        body.url,
        body.retention_days,
        body.max_retention_days,
        location_type=body.location_type,
        purpose=body.purpose,
        camera_type=body.camera_type,
        by=actor_of(who),
    )
    return cam.as_dict()


@router.patch("/{name}")
def change_retention(
    name: str, body: RetentionChange, request: Request, who: ManagesCameras
) -> dict[str, Any]:
    reg = CameraRegistry(site(request))
    if body.retention_days is None and body.camera_type is None:
        raise ValidationError("give retention_days or camera_type", field="retention_days")
    if body.retention_days is None and body.max_retention_days is not None:
        raise ValidationError("give it with max_retention_days", field="retention_days")
    if body.camera_type is not None:
        check_camera_type(body.camera_type)  # refused before anything changes
    cam = reg.get(name)
    if body.retention_days is not None:
        cam = reg.set_retention(
            name, body.retention_days, body.max_retention_days, by=actor_of(who)
        )
    if body.camera_type is not None:
        cam = reg.set_type(name, body.camera_type, by=actor_of(who))
    return cam.as_dict()


@router.delete("/{name}")
def remove_camera(name: str, request: Request, who: ManagesCameras) -> dict[str, Any]:
    cam, kept = CameraRegistry(site(request)).remove(name, by=actor_of(who))
    return {"removed": cam.name, "segments_kept_until_retention_ends": kept, "article": "A18(2)"}


@router.get("/{name}/timeline")
def timeline(
    name: str,
    request: Request,
    who: SignedIn,
    from_: str = Query(alias="from", description="ISO 8601 start"),
    to: str = Query(description="ISO 8601 end"),
) -> dict[str, Any]:
    """Recorded spans and gaps (no video): what the timeline draws."""
    ctx = site(request)
    cam = CameraRegistry(ctx).get(name, include_removed=False)
    if not who.can(Permission.PLAYBACK, cam.id):
        raise HTTPException(403, "your account may not play back this camera")
    now_us = ctx.clock.now_us()
    start = parse_recording_instant(from_, field="from", now_us=now_us)
    end = parse_recording_instant(to, field="to", now_us=now_us)
    cat = catalog(ctx, name, start, end)
    spans: list[list[int]] = []
    for s in cat.segments:
        if spans and s.start_us - spans[-1][1] <= 250_000:
            spans[-1][1] = s.end_us
        else:
            spans.append([s.start_us, s.end_us])
    return {
        "camera": name,
        "from_us": start,
        "to_us": end,
        "recorded": spans,
        "gaps": [
            {"start_us": g.start_us, "end_us": g.end_us, "reason": g.reason} for g in cat.gaps
        ],
    }
