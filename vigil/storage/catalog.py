"""What is recorded for a camera over a time range: segments and gaps, in order."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import func, select

from vigil.clock import us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, Gap, Segment
from vigil.db.states import SegmentState
from vigil.errors import NotFoundError, ValidationError

_OVERLAP_SLACK_US = 300_000_000
#: No segment is longer (segment_s is at most 600 s, a late keyframe adds seconds). Lets a
#: query on end times bound start times too, so the (camera, start) indexes answer it.
LONGEST_SEGMENT_US = 3600 * 1_000_000


@dataclass(frozen=True)
class SegmentInfo:
    seq: int
    start_us: int
    end_us: int
    start: str
    end: str
    duration_s: float
    bytes: int
    sha256: str
    path: str  # absolute path of the original
    state: str
    codec: str
    width: int
    height: int
    frames: int
    fragments: int
    recovered: bool
    flags: str


@dataclass(frozen=True)
class GapInfo:
    seq: int
    start_us: int
    end_us: int
    start: str
    end: str
    duration_s: float
    reason: str


@dataclass(frozen=True)
class Catalog:
    camera: str
    segments: list[SegmentInfo]
    gaps: list[GapInfo]

    def as_dict(self) -> dict[str, object]:
        return {
            "camera": self.camera,
            "segments": [asdict(s) for s in self.segments],
            "gaps": [asdict(g) for g in self.gaps],
        }


def _floor(table: type[Segment] | type[Gap], camera_id: int, at_us: int) -> Any:
    """The start of the last row that began at or before at_us (or at_us itself).

    A camera's segments (and its gaps) follow one another, so no row that began earlier
    reaches past at_us, save for the milliseconds two sessions' time anchors may overlap:
    _OVERLAP_SLACK_US covers those. Bounding the scan from below lets the (camera, start)
    index answer a seek in a year of history in one probe instead of scanning every
    older row.
    """
    last_start = (
        select(func.max(table.start_us))
        .where(table.camera_id == camera_id, table.start_us <= at_us)
        .scalar_subquery()
    )
    return func.coalesce(last_start, at_us) - _OVERLAP_SLACK_US


def catalog(
    ctx: SiteContext,
    camera: str,
    from_us: int | None = None,
    to_us: int | None = None,
    *,
    include_expired: bool = False,
) -> Catalog:
    if from_us is not None and to_us is not None and to_us <= from_us:
        raise ValidationError("must be later than --from", field="to")
    with ctx.sessions() as s:
        cam = s.scalar(select(Camera).where(Camera.name == camera))
        if cam is None:
            raise NotFoundError(f"no camera named {camera!r}", field="camera")
        sq = select(Segment).where(Segment.camera_id == cam.id)
        gq = select(Gap).where(Gap.camera_id == cam.id)
        if not include_expired:
            sq = sq.where(Segment.state == SegmentState.SEALED)
        if from_us is not None:
            sq = sq.where(Segment.end_us > from_us)
            sq = sq.where(Segment.start_us >= _floor(Segment, cam.id, from_us))
            gq = gq.where(Gap.end_us > from_us, Gap.start_us >= _floor(Gap, cam.id, from_us))
        if to_us is not None:
            sq, gq = sq.where(Segment.start_us < to_us), gq.where(Gap.start_us < to_us)
        segs = list(s.scalars(sq.order_by(Segment.start_us)))
        gaps = list(s.scalars(gq.order_by(Gap.start_us)))
    return Catalog(
        camera,
        [
            SegmentInfo(
                seq=g.seq,
                start_us=g.start_us,
                end_us=g.end_us,
                start=us_to_iso(g.start_us),
                end=us_to_iso(g.end_us),
                duration_s=round((g.end_us - g.start_us) / 1e6, 3),
                bytes=g.bytes,
                sha256=g.sha256,
                path=str(ctx.segments_dir / g.path),
                state=g.state,
                codec=g.codec,
                width=g.width,
                height=g.height,
                frames=g.frames,
                fragments=g.fragments.count("],[") + 1 if g.fragments != "[]" else 0,
                recovered=g.recovered,
                flags=g.flags,
            )
            for g in segs
        ],
        [
            GapInfo(
                seq=g.seq,
                start_us=g.start_us,
                end_us=g.end_us,
                start=us_to_iso(g.start_us),
                end=us_to_iso(g.end_us),
                duration_s=round((g.end_us - g.start_us) / 1e6, 3),
                reason=g.reason,
            )
            for g in gaps
        ],
    )
