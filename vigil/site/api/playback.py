"""Timeline playback straight from the recorded fragments (no re-encoding).

Before anything plays, the caller states purpose and destination (A17.2(2)) and their unit
(N16.2(3), default the site's own); the request is registered per camera, and a signed
grant limits what may then be fetched to those cameras and that range.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.exceptions import HTTPException

from vigil.access.roles import Permission
from vigil.audit.caller import caller_unit
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, parse_recording_instant
from vigil.db.models import Segment
from vigil.db.states import SegmentState
from vigil.errors import ValidationError
from vigil.keys.signing import keys_dir
from vigil.site import grants
from vigil.site.api.common import Seq
from vigil.site.deps import MayPlayBack, Principal, audit, site
from vigil.storage.catalog import catalog
from vigil.text import check_text

router = APIRouter(prefix="/playback", tags=["playback"])

MAX_RANGE_US = 24 * 3600 * US_PER_S
PURPOSE_ARTICLE = "A17.2(2)"


class PlaybackRequest(BaseModel):
    cameras: list[str] = Field(min_length=1, max_length=16, description="Camera names.")
    from_: str = Field(alias="from", description="ISO 8601 start.")
    to: str = Field(description="ISO 8601 end.")
    purpose: str = Field("", description="Why the material is reviewed (A17.2(2)).")
    destination: str = Field("", description="Where the material goes (A17.2(2)).")
    caller_unit: str | None = Field(
        None,
        description="The caller's unit (N16.2(3)); default: the site's own unit (profile).",
    )


def check_purpose(purpose: str, destination: str) -> tuple[str, str]:
    out = []
    for field, value in (("purpose", purpose), ("destination", destination)):
        if not value.strip():
            raise ValidationError(
                "is required: state it before any review or copy (查阅、复制须登记用途、去向)",
                field=field,
                article=PURPOSE_ARTICLE,
            )
        out.append(check_text(value, field, max_chars=500, article=PURPOSE_ARTICLE))
    return out[0], out[1]


def check_range(from_text: str, to_text: str, *, now_us: int) -> tuple[int, int]:
    """The requested [from, to) of recorded time: at most 24 hours, between 2000 and a day
    after `now_us` (so a typo such as year 9999 is refused here, not half-way through)."""
    start = parse_recording_instant(from_text, field="from", now_us=now_us)
    end = parse_recording_instant(to_text, field="to", now_us=now_us)
    if end <= start:
        raise ValidationError("must be later than from", field="to")
    if end - start > MAX_RANGE_US:
        raise ValidationError("the range may be at most 24 hours", field="to")
    return start, end


@router.post("")
def start_playback(body: PlaybackRequest, request: Request, who: MayPlayBack) -> dict[str, Any]:
    """Register a playback (who, cameras, range, purpose, destination) and plan it."""
    ctx = site(request)
    purpose, destination = check_purpose(body.purpose, body.destination)
    unit = caller_unit(ctx, body.caller_unit)
    start, end = check_range(body.from_, body.to, now_us=ctx.clock.now_us())
    reg = CameraRegistry(ctx)
    cams = [reg.get(name, include_removed=True) for name in body.cameras]
    for cam in cams:
        if not who.can(Permission.PLAYBACK, cam.id):
            raise HTTPException(403, f"your account may not play back {cam.name}")
    plans: dict[str, Any] = {}
    for cam in cams:
        cat = catalog(ctx, cam.name, start, end)
        plans[cam.name] = {
            "segments": [
                {
                    "seq": s.seq,
                    "start_us": s.start_us,
                    "end_us": s.end_us,
                    "codec": s.codec,
                    "width": s.width,
                    "height": s.height,
                }
                for s in cat.segments
            ],
            "gaps": [
                {"start_us": g.start_us, "end_us": g.end_us, "reason": g.reason} for g in cat.gaps
            ],
        }
    if not any(p["segments"] for p in plans.values()):
        raise ValidationError("nothing was recorded in this range (it lies in a gap)", field="from")
    for cam in cams:
        audit(
            request,
            who,
            "playback",
            camera_id=cam.id,
            camera_name=cam.name,
            from_us=start,
            to_us=end,
            purpose=purpose,
            destination=destination,
            detail={"caller_unit": unit},  # N16.2(3)
        )
    grant = grants.Grant(
        who.user.id, tuple(c.id for c in cams), start, end, ctx.clock.now_us() + grants.GRANT_TTL_US
    )
    return {
        "grant": grants.issue(keys_dir(ctx.home), grant),
        "from_us": start,
        "to_us": end,
        "cameras": plans,
    }


@router.get("/{grant}/segments/{camera}/{seq}")
def segment_index(
    grant: str, camera: str, seq: Seq, request: Request, who: MayPlayBack
) -> dict[str, Any]:
    """The fragment table of one segment: byte ranges for seeking without a scan."""
    seg = _granted_segment(request, who, grant, camera, seq)
    fragments = json.loads(seg.fragments)
    return {"seq": seg.seq, "start_us": seg.start_us, "end_us": seg.end_us,
            "fragments": fragments, "init_size": fragments[0][0] if fragments else 0}  # fmt: skip


@router.get("/{grant}/media/{camera}/{seq}")
def segment_media(
    grant: str, camera: str, seq: Seq, request: Request, who: MayPlayBack
) -> FileResponse:
    """The original segment file; HTTP Range requests fetch single fragments."""
    seg = _granted_segment(request, who, grant, camera, seq)
    path = site(request).segments_dir / seg.path
    return FileResponse(path, media_type="video/mp4")


def _granted_segment(
    request: Request, who: Principal, token: str, camera: str, seq: Seq
) -> Segment:
    ctx = site(request)
    grant = grants.check(keys_dir(ctx.home), token, ctx.clock.now_us())
    if grant is None or grant.user_id != who.user.id:
        raise HTTPException(403, "this playback grant is not valid (expired or not yours)")
    cam = CameraRegistry(ctx).get(camera, include_removed=True)
    if cam.id not in grant.cameras or not who.can(Permission.PLAYBACK, cam.id):
        raise HTTPException(403, "this camera is not part of the playback grant")
    with ctx.sessions() as s:
        seg = s.scalar(select(Segment).where(Segment.camera_id == cam.id, Segment.seq == seq))
    if seg is None or seg.state != SegmentState.SEALED:
        raise HTTPException(404, "no such segment")
    if seg.end_us <= grant.from_us or seg.start_us >= grant.to_us:
        raise HTTPException(403, "this segment lies outside the registered range")
    return seg
