"""Disk space: the guard that pauses recording, and the forecast that warns early.

When space runs short, Vigil first removes what is already past retention, and if that
is not enough it pauses recording of *new* material and raises a critical alarm. It
never makes room by deleting originals inside retention (A18(2)) — unlike NVRs that
recycle the oldest footage whatever its age.
"""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass

from sqlalchemy import select

from vigil.alarms import clear_alarm, raise_alarm
from vigil.clock import US_PER_DAY, US_PER_S
from vigil.context import SiteContext
from vigil.db.models import Camera, Segment
from vigil.db.sql import sum_int
from vigil.db.states import SegmentState
from vigil.storage.catalog import LONGEST_SEGMENT_US
from vigil.storage.usage import indexed_bytes

#: Recording resumes only with this much headroom, so that it does not pause again at
#: the next segment; at most a sixteenth of the space recordings may occupy, or a small
#: disk (a 40 MB tmpfs) would never resume.
_RESUME_MARGIN_BYTES = 64 << 20
_RESUME_MARGIN_SHARE = 16
#: While paused, free space is looked at again whenever the recorders ask and the last
#: look is older than this: recording resumes within seconds of space returning.
PAUSED_RECHECK_S = 2.0
_BITRATE_WINDOW_US = US_PER_DAY


@dataclass(frozen=True)
class DiskSpace:
    free_bytes: int  # what the filesystem has free
    recordings_bytes: int  # bytes held by indexed originals
    headroom_bytes: int  # what may still be written before recording must pause
    capacity_bytes: int = 0  # the filesystem's size, or the quota when smaller

    @property
    def resume_margin_bytes(self) -> int:
        return min(_RESUME_MARGIN_BYTES, self.capacity_bytes // _RESUME_MARGIN_SHARE)


def recordings_bytes(ctx: SiteContext) -> int:
    """Indexed originals (a running total, `vigil.storage.usage`) plus what is being
    written in staging."""
    staging = sum(p.stat().st_size for p in ctx.staging_dir.rglob("*.part") if p.is_file())
    return indexed_bytes(ctx).read(ctx) + staging


def disk_space(ctx: SiteContext) -> DiskSpace:
    usage = shutil.disk_usage(ctx.segments_dir)
    used = recordings_bytes(ctx)
    headroom = usage.free - ctx.settings.min_free_bytes
    capacity = usage.total
    if ctx.settings.storage_limit_bytes is not None:
        headroom = min(headroom, ctx.settings.storage_limit_bytes - used)
        capacity = min(capacity, ctx.settings.storage_limit_bytes)
    return DiskSpace(usage.free, used, headroom, capacity)


def should_pause(paused: bool, space: DiskSpace) -> bool:
    """Whether recording is paused after looking at `space`: it pauses when no headroom
    is left and resumes once there is more than the resume margin (no flapping)."""
    if space.headroom_bytes <= 0:
        return True
    return paused and space.headroom_bytes <= space.resume_margin_bytes


class DiskGuard:
    """Decides whether new material may be recorded.

    The service's loop refreshes it every few seconds (and expires what is past
    retention when space runs short). While paused, the recorders' own checks also look
    at the free space again (`PAUSED_RECHECK_S`), so that resuming never waits on the
    service's loop, whatever else that loop is doing.
    """

    def __init__(self, ctx: SiteContext):
        self.ctx = ctx
        self.paused = False
        self.last: DiskSpace | None = None
        self._lock = threading.Lock()
        self._looked_mono_s = float("-inf")

    def recording_allowed(self) -> bool:
        if self.paused and (self.ctx.clock.monotonic_s() - self._looked_mono_s >= PAUSED_RECHECK_S):
            with self._lock:
                if self.paused:
                    self._apply(disk_space(self.ctx))
        return not self.paused

    def refresh(self) -> DiskSpace:
        from vigil.storage.retention import expire

        with self._lock:
            space = disk_space(self.ctx)
            if space.headroom_bytes <= 0 and expire(self.ctx, for_space=True).bytes_freed:
                space = disk_space(self.ctx)
            self._apply(space)
            return space

    def _apply(self, space: DiskSpace) -> None:
        self._looked_mono_s = self.ctx.clock.monotonic_s()
        self.last = space
        paused = should_pause(self.paused, space)
        if paused and not self.paused:
            raise_alarm(
                self.ctx,
                "disk_full",
                "critical",
                "storage is full: recording of new material is paused; nothing inside "
                "retention is deleted to make room (A18(2)). Add disk space or lower the load.",
            )
        elif self.paused and not paused:
            clear_alarm(self.ctx, "disk_full")
        self.paused = paused


@dataclass(frozen=True)
class CameraRate:
    camera_id: int
    name: str
    retention_days: int
    bytes_per_day: float


@dataclass(frozen=True)
class Forecast:
    bytes_per_day: float  # all cameras, at the measured bitrates
    days_until_full: float | None  # at that rate, from now
    days_held_at_capacity: float | None  # footage the usable space holds in steady state
    required_days: int  # the longest retention any active camera needs
    short: bool  # the disk cannot hold the required retention


def camera_rates(ctx: SiteContext) -> list[CameraRate]:
    """Bytes per day per active camera, measured over the last day of segments."""
    since = ctx.clock.now_us() - _BITRATE_WINDOW_US
    with ctx.sessions() as s:
        rows = s.execute(
            select(
                Camera.id,
                Camera.name,
                Camera.retention_days,
                sum_int(Segment.bytes),
                sum_int(Segment.end_us - Segment.start_us),
            )
            .outerjoin(
                Segment,
                (Segment.camera_id == Camera.id)
                & (Segment.state == SegmentState.SEALED)
                & (Segment.end_us >= since)
                & (Segment.start_us >= since - LONGEST_SEGMENT_US),
            )
            .where(Camera.state == "active")
            .group_by(Camera.id, Camera.name, Camera.retention_days)
        ).all()
    out = []
    for cam_id, name, days, total_bytes, total_us in rows:
        rate = total_bytes / (total_us / US_PER_S) * 86_400 if total_us else 0.0
        out.append(CameraRate(cam_id, name, days, rate))
    return out


def forecast(ctx: SiteContext, space: DiskSpace | None = None) -> Forecast:
    space = space or disk_space(ctx)
    rates = camera_rates(ctx)
    per_day = sum(r.bytes_per_day for r in rates)
    required = max((r.retention_days for r in rates), default=0)
    if per_day <= 0:
        return Forecast(0.0, None, None, required, False)
    usable_now = max(space.headroom_bytes, 0)
    until_full = usable_now / per_day
    at_capacity = (usable_now + space.recordings_bytes) / per_day
    return Forecast(per_day, until_full, at_capacity, required, at_capacity < required)


def check_forecast(ctx: SiteContext, fc: Forecast) -> None:
    if fc.short:
        raise_alarm(
            ctx,
            "capacity_short",
            "major",
            f"storage holds about {fc.days_held_at_capacity:.1f} days at the measured bitrates, "
            f"but retention requires {fc.required_days} days (A17.2(3))",
        )
    else:
        clear_alarm(ctx, "capacity_short")
