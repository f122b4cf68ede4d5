"""`vigil status`: per camera state, bitrate, last segment, gaps; disk and forecast."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import ColumnElement, func, select

from vigil.alarms import active_alarms
from vigil.clock import US_PER_DAY, US_PER_HOUR, US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, CameraStatus, Gap, Segment
from vigil.db.sql import sum_int
from vigil.db.states import RecorderState, SegmentState
from vigil.storage.capacity import disk_space, forecast
from vigil.storage.catalog import LONGEST_SEGMENT_US
from vigil.text import redact

#: A heartbeat older than this means no recorder is running for the camera.
STALE_HEARTBEAT_US = 30 * US_PER_S
_BITRATE_WINDOW_US = US_PER_HOUR


@dataclass(frozen=True)
class CameraState:
    """What the live wall and the records need of a camera: a few index probes."""

    name: str
    state: str
    detail: str
    retention_days: int
    last_segment_end: str | None
    gaps_24h: int
    gap_seconds_24h: float
    clock_drift_ppm: int | None


@dataclass
class CameraReport:
    name: str
    state: str
    detail: str
    retention_days: int
    bitrate_bps: int | None
    last_segment_end: str | None
    segments: int
    gaps_24h: int
    gap_seconds_24h: float
    clock_drift_ppm: int | None
    oldest_segment_start: str | None


def _held(camera_id: int) -> ColumnElement[bool]:
    # Every figure below is a range of the covering (camera, state, start, end, bytes)
    # index: they are read every few seconds, over months of history.
    return (Segment.camera_id == camera_id) & (Segment.state == SegmentState.SEALED)


def camera_states(ctx: SiteContext) -> list[CameraState]:
    now = ctx.clock.now_us()
    out = []
    with ctx.sessions() as s:
        for cam in s.scalars(select(Camera).where(Camera.state == "active").order_by(Camera.name)):
            hb = s.get(CameraStatus, cam.id)
            state: str = RecorderState.NOT_RECORDING
            if hb is None:
                detail = "no recorder has run for this camera"
            elif now - hb.updated_us > STALE_HEARTBEAT_US and hb.state != RecorderState.STOPPED:
                detail = f"recorder silent since {us_to_iso(hb.updated_us)}"
            else:
                # Redacted again when served: a row written before the recorder redacted.
                state, detail = hb.state, redact(hb.detail)
            last_end = s.scalar(  # a camera's segments never overlap: the last starts last
                select(Segment.end_us)
                .where(_held(cam.id))
                .order_by(Segment.start_us.desc())
                .limit(1)
            )
            gaps = s.execute(
                select(func.count(), sum_int(Gap.end_us - Gap.start_us)).where(
                    (Gap.camera_id == cam.id) & (Gap.end_us >= now - US_PER_DAY)
                )
            ).one()
            out.append(
                CameraState(
                    name=cam.name,
                    state=state,
                    detail=detail,
                    retention_days=cam.retention_days,
                    last_segment_end=us_to_iso(last_end) if last_end else None,
                    gaps_24h=int(gaps[0]),
                    gap_seconds_24h=round(gaps[1] / US_PER_S, 3),
                    clock_drift_ppm=hb.drift_ppm if hb else None,
                )
            )
    return out


def camera_reports(ctx: SiteContext) -> list[CameraReport]:
    """camera_states plus segments held, the oldest and the recent bitrate. The count walks
    the camera's whole index range (about 13 ms per 100,000 segments on SQLite), so the
    live wall, which polls, reads camera_states instead."""
    since = ctx.clock.now_us() - _BITRATE_WINDOW_US
    states = camera_states(ctx)
    out = []
    with ctx.sessions() as s:
        ids = dict(s.execute(select(Camera.name, Camera.id).where(Camera.state == "active")).all())
        for st in states:
            if st.name not in ids:  # removed meanwhile
                continue
            held = _held(ids[st.name])
            count = s.scalar(select(func.count()).select_from(Segment).where(held)) or 0
            oldest = s.scalar(
                select(Segment.start_us).where(held).order_by(Segment.start_us).limit(1)
            )
            b, us = s.execute(
                select(
                    sum_int(Segment.bytes),
                    sum_int(Segment.end_us - Segment.start_us),
                ).where(
                    held
                    & (Segment.start_us >= since - LONGEST_SEGMENT_US)
                    & (Segment.end_us >= since)
                )
            ).one()
            out.append(
                CameraReport(
                    name=st.name,
                    state=st.state,
                    detail=st.detail,
                    retention_days=st.retention_days,
                    bitrate_bps=round(b * 8 * US_PER_S / us) if us else None,
                    last_segment_end=st.last_segment_end,
                    segments=int(count),
                    gaps_24h=st.gaps_24h,
                    gap_seconds_24h=st.gap_seconds_24h,
                    clock_drift_ppm=st.clock_drift_ppm,
                    oldest_segment_start=us_to_iso(oldest) if oldest else None,
                )
            )
    return out


def status(ctx: SiteContext) -> dict[str, object]:
    space = disk_space(ctx)
    fc = forecast(ctx, space)
    return {
        "home": str(ctx.home),
        "now": us_to_iso(ctx.clock.now_us()),
        "cameras": [asdict(r) for r in camera_reports(ctx)],
        "disk": {
            "free_bytes": space.free_bytes,
            "recordings_bytes": space.recordings_bytes,
            "headroom_bytes": space.headroom_bytes,
            "min_free_bytes": ctx.settings.min_free_bytes,
            "storage_limit_bytes": ctx.settings.storage_limit_bytes,
        },
        "forecast": {
            "bytes_per_day": round(fc.bytes_per_day),
            "days_until_full": None if fc.days_until_full is None else round(fc.days_until_full, 1),
            "days_held_at_capacity": None
            if fc.days_held_at_capacity is None
            else round(fc.days_held_at_capacity, 1),
            "required_days": fc.required_days,
            "short": fc.short,
        },
        "alarms": [
            {
                "kind": a.kind,
                "severity": a.severity,
                "message": redact(a.message),
                "camera_id": a.camera_id,
                "raised": us_to_iso(a.raised_us),
            }
            for a in active_alarms(ctx)
        ],
    }
