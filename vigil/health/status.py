"""`vigil status`: per camera state, bitrate, last segment, gaps; disk and forecast."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select

from vigil.clock import US_PER_DAY, US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, CameraStatus, Gap, Segment
from vigil.db.sql import sum_int
from vigil.health.alarms import active_alarms
from vigil.storage.capacity import disk_space, forecast

#: A heartbeat older than this means no recorder is running for the camera.
STALE_HEARTBEAT_US = 30 * US_PER_S
_BITRATE_WINDOW_US = 3600 * US_PER_S


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


def camera_reports(ctx: SiteContext) -> list[CameraReport]:
    now = ctx.clock.now_us()
    out = []
    with ctx.sessions() as s:
        for cam in s.scalars(select(Camera).where(Camera.state == "active").order_by(Camera.name)):
            hb = s.get(CameraStatus, cam.id)
            if hb is None:
                state, detail = "not_recording", "no recorder has run for this camera"
            elif now - hb.updated_us > STALE_HEARTBEAT_US and hb.state != "stopped":
                state, detail = "not_recording", f"recorder silent since {us_to_iso(hb.updated_us)}"
            else:
                state, detail = hb.state, hb.detail
            live = (Segment.camera_id == cam.id) & (Segment.state == "sealed")
            count, oldest, last_end = s.execute(
                select(func.count(), func.min(Segment.start_us), func.max(Segment.end_us)).where(
                    live
                )
            ).one()
            b, us = s.execute(
                select(
                    sum_int(Segment.bytes),
                    sum_int(Segment.end_us - Segment.start_us),
                ).where(live & (Segment.end_us >= now - _BITRATE_WINDOW_US))
            ).one()
            gaps = s.execute(
                select(func.count(), sum_int(Gap.end_us - Gap.start_us)).where(
                    (Gap.camera_id == cam.id) & (Gap.end_us >= now - US_PER_DAY)
                )
            ).one()
            out.append(
                CameraReport(
                    name=cam.name,
                    state=state,
                    detail=detail,
                    retention_days=cam.retention_days,
                    bitrate_bps=round(b * 8 * US_PER_S / us) if us else None,
                    last_segment_end=us_to_iso(last_end) if last_end else None,
                    segments=int(count),
                    gaps_24h=int(gaps[0]),
                    gap_seconds_24h=round(gaps[1] / US_PER_S, 3),
                    clock_drift_ppm=hb.drift_ppm if hb else None,
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
                "message": a.message,
                "camera_id": a.camera_id,
                "raised": us_to_iso(a.raised_us),
            }
            for a in active_alarms(ctx)
        ],
    }
