"""Expiry: the only path by which recorded originals leave the system.

A segment is deleted only when its whole span is older than its camera's retention
(A17.2(3), A18(2)). With a maximum set (`max_retention_days`), material between the two
is kept while space allows and deleted at the maximum at the latest. Each expiry is first
written to the camera's hash chain (which segments, under which retention), so the pruned
history still verifies; then the rows are marked `expiring`, the files unlinked through
`files.delete_expired_segment` (which checks the age once more), and the rows `expired`.
A crash in between is finished by the next run.

N17: material a live evidence or case hold covers is never expired, however old
(`vigil.storage.holds`); once the hold is lifted or its last day is over, the next run
expires what is past the camera's retention. No hold lets anything go sooner.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import select

from vigil.audit.log import record
from vigil.clock import US_PER_DAY
from vigil.context import SiteContext
from vigil.db.models import Camera, Segment
from vigil.db.states import SegmentState
from vigil.integrity import ledger
from vigil.integrity.chain import camera_chain
from vigil.regulation.retention import is_past_retention
from vigil.storage import files
from vigil.storage.holds import held, live_holds, not_covered
from vigil.storage.usage import indexed_bytes

log = logging.getLogger(__name__)

_BATCH = 500


@dataclass
class ExpiryReport:
    expired: dict[str, int] = field(default_factory=dict)  # camera name -> segments
    bytes_freed: int = 0


#: Who the audit log names for expiry: the retention run, not a person.
RETENTION_ACTOR = "system:retention"


def _delete_after_days(cam: Camera, for_space: bool) -> int:
    if cam.max_retention_days is None or for_space:
        return cam.retention_days
    return cam.max_retention_days


def expire(ctx: SiteContext, *, for_space: bool = False) -> ExpiryReport:
    """Delete what is past retention; `for_space` also takes what a maximum would keep."""
    report = ExpiryReport()
    now = ctx.clock.now_us()
    finish_interrupted(ctx, report)
    with ctx.sessions() as s:
        cameras = list(s.scalars(select(Camera)))
    for cam in cameras:
        days = _delete_after_days(cam, for_space)
        cutoff = now - days * US_PER_DAY
        after_seq = -1
        while True:
            with ctx.sessions() as s:
                batch = list(
                    s.scalars(
                        select(Segment)
                        .where(
                            Segment.camera_id == cam.id,
                            Segment.state == SegmentState.SEALED,
                            Segment.end_us <= cutoff,
                            Segment.seq > after_seq,
                            not_covered(now, extending_only=True),  # N17: held rows stay
                        )
                        .order_by(Segment.seq)
                        .limit(_BATCH)
                    )
                )
            if not batch:
                break
            after_seq = batch[-1].seq
            due = [d for d in batch if is_past_retention(d.end_us, cam.retention_days, now)]
            due = _expire_batch(ctx, cam, due, days, now)
            if not due:
                continue
            _unlink(ctx, due, cam.retention_days, now, report)
            report.expired[cam.name] = report.expired.get(cam.name, 0) + len(due)
    if report.expired:
        indexed_bytes(ctx).forget(report.bytes_freed)
        log.info("expired %s (%d bytes)", report.expired, report.bytes_freed)
    return report


def _expire_batch(
    ctx: SiteContext, cam: Camera, due: list[Segment], days: int, now: int
) -> list[Segment]:
    """Mark `due` for expiry but what a live hold keeps (N17); returns what was marked."""
    with ctx.sessions.begin() as s:
        # The holds are read in the transaction that marks the segments: a hold set until
        # this moment keeps its material.
        kept = live_holds(s, cam.id, now)
        due = [d for d in due if not held(kept, d.start_us, d.end_us)]
        if not due:
            return []
        body = {
            "kind": "expiry",
            "camera": cam.id,
            "segments": [d.seq for d in due],
            "retention_days": cam.retention_days,
            "deleted_after_days": days,
            "at_us": now,
        }
        ledger.append(s, camera_chain(cam.id), "expiry", body, now)
        for d in due:
            row = s.get(Segment, d.id)
            assert row is not None
            row.state = SegmentState.EXPIRING
        # The deletion is an act on recorded material (A17.2(2)): registered with its
        # chain record, in the same transaction, so neither exists without the other.
        record(
            s,
            ctx,
            actor=RETENTION_ACTOR,
            action="retention_expire",
            camera_id=cam.id,
            camera_name=cam.name,
            from_us=min(d.start_us for d in due),
            to_us=max(d.end_us for d in due),
            detail={
                "segments": len(due),
                "first_seq": due[0].seq,
                "last_seq": due[-1].seq,
                "retention_days": cam.retention_days,
                "deleted_after_days": days,
                "article": "A17.2(3)",
            },
        )
    return due


def _unlink(
    ctx: SiteContext, due: list[Segment], retention_days: int, now: int, report: ExpiryReport
) -> None:
    for d in due:
        if files.delete_expired_segment(
            ctx.segments_dir / d.path,
            segment_end_us=d.end_us,
            retention_days=retention_days,
            now_us=now,
        ):
            report.bytes_freed += d.bytes
    with ctx.sessions.begin() as s:
        for d in due:
            row = s.get(Segment, d.id)
            assert row is not None
            row.state = SegmentState.EXPIRED


def finish_interrupted(ctx: SiteContext, report: ExpiryReport) -> None:
    """Rows left `expiring` by a crash: their chain record exists; finish the deletion."""
    now = ctx.clock.now_us()
    with ctx.sessions() as s:
        rows = list(
            s.execute(
                select(Segment, Camera.retention_days)
                .join(Camera, Camera.id == Segment.camera_id)
                .where(Segment.state == SegmentState.EXPIRING)
            ).all()
        )
    by_retention: dict[int, list[Segment]] = {}
    for seg, days in rows:
        by_retention.setdefault(days, []).append(seg)
    for days, segs in by_retention.items():
        _unlink(ctx, segs, days, now, report)
