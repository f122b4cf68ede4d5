"""The recording service: every active camera's recorder plus the loops that keep the
store healthy (disk guard, retention, seals, forecast), under one stop signal.

`vigil record` runs it in the foreground; `vigil demo` runs it beside simulated cameras.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from sqlalchemy import select

from vigil.context import SiteContext
from vigil.db.models import Camera, CameraStatus
from vigil.integrity.seal import seal_now, sealer_beat
from vigil.media.recorder import CameraRecorder
from vigil.storage.capacity import DiskGuard, check_forecast, forecast
from vigil.storage.retention import expire

log = logging.getLogger(__name__)

_GUARD_S = 2.0
_CAMERA_SCAN_S = 5.0
_STATUS_S = 10.0


@dataclass
class RecordingService:
    ctx: SiteContext
    stop: threading.Event = field(default_factory=threading.Event)
    recorders: dict[int, CameraRecorder] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.guard = DiskGuard(self.ctx)
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        sealer_beat(self.ctx, starting=True)
        self.guard.refresh()
        self._sync_cameras()
        self._thread = threading.Thread(target=self._housekeeping, name="housekeeping", daemon=True)
        self._thread.start()

    def shutdown(self, timeout_s: float = 20.0) -> None:
        """Stop recording; every ffmpeg closes its open fragment and it is committed."""
        self.stop.set()
        for rec in self.recorders.values():
            rec.stop_event.set()
        for rec in self.recorders.values():
            rec.join(timeout_s)
        if self._thread is not None:
            self._thread.join(timeout_s)
        try:
            seal_now(self.ctx)
        except Exception:
            log.exception("final seal failed")

    def _sync_cameras(self) -> None:
        """Start recorders for new cameras; stop those of removed ones."""
        with self.ctx.sessions() as s:
            cams = {c.id: c for c in s.scalars(select(Camera).where(Camera.state == "active"))}
        for cam_id, cam in cams.items():
            if cam_id not in self.recorders:
                rec = CameraRecorder(
                    self.ctx,
                    cam_id,
                    cam.name,
                    # with its password: for ffmpeg only, never printed or logged
                    self.ctx.secrets.decrypt(cam.url_encrypted),
                    threading.Event(),
                    recording_allowed=self.guard.recording_allowed,
                )
                self.recorders[cam_id] = rec
                rec.start()
        for cam_id, rec in list(self.recorders.items()):
            if cam_id not in cams:
                rec.stop_event.set()
                rec.join(20)
                del self.recorders[cam_id]

    def _refresh_status(self) -> None:
        """Every recorder's state and heartbeat, in one transaction."""
        now_us = self.ctx.clock.now_us()
        with self.ctx.sessions.begin() as s:
            for cam_id, rec in list(self.recorders.items()):
                row = s.get(CameraStatus, cam_id)
                if row is None:
                    continue  # the recorder writes its first row itself
                row.updated_us = now_us
                row.drift_ppm = rec.status.drift_ppm

    def _housekeeping(self) -> None:
        s = self.ctx.settings
        mono = self.ctx.clock.monotonic_s
        next_seal = mono() + s.seal_interval_s
        next_expiry = mono()
        next_scan = mono() + _CAMERA_SCAN_S
        next_status = mono()
        while not self.stop.wait(_GUARD_S):
            try:
                space = self.guard.refresh()
                now = mono()
                if now >= next_expiry:
                    expire(self.ctx)
                    check_forecast(self.ctx, forecast(self.ctx, space))
                    next_expiry = now + s.retention_check_s
                if now >= next_seal:
                    # every interval, changed or not: a running site's seals are its signed
                    # heartbeat, so verify can tell removed seals from an idle site
                    seal_now(self.ctx, only_if_changed=False)
                    next_seal = now + s.seal_interval_s
                if now >= next_scan:
                    self._sync_cameras()
                    next_scan = now + _CAMERA_SCAN_S
                if now >= next_status:
                    self._refresh_status()
                    sealer_beat(self.ctx)
                    next_status = now + _STATUS_S
            except Exception:
                log.exception("housekeeping step failed; retrying")
