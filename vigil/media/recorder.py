"""One camera's recorder: connect, record segments, commit them, reconnect on failure.

Owned by `RecordingService`; stopped by its `stop` event. One thread per camera, each
with its own ffmpeg process, so a stalled camera never blocks another.
"""

from __future__ import annotations

import json
import logging
import selectors
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import select

from vigil.context import SiteContext
from vigil.db.models import CameraStatus, Gap, Segment
from vigil.health.alarms import raise_alarm
from vigil.integrity import ledger
from vigil.integrity.chain import camera_chain
from vigil.media import ffmpeg
from vigil.media.fmp4 import Fmp4Error, SegmentLayout, read_layout
from vigil.media.timing import AnchorEstimator
from vigil.storage import files as durable
from vigil.storage.recovery import forget_session_files, recover_staging
from vigil.storage.segment_store import FinishedFile, SegmentStore

log = logging.getLogger(__name__)

#: Boundaries closer than this are the same instant (anchor estimates jitter by a frame).
TOUCH_TOLERANCE_US = 250_000
#: ffmpeg reports progress every second; the loop also wakes at least this often.
_TICK_S = 1.0


@dataclass
class SessionOutcome:
    segments: int = 0
    reason: str = "camera_offline"
    error: str = ""


@dataclass
class RecorderState:
    """What the service and status display read; written only by the recorder thread."""

    state: str = "starting"
    detail: str = ""
    drift_ppm: int | None = None
    segments: int = 0
    last_end_us: int | None = None
    sessions: int = 0
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))


class CameraRecorder(threading.Thread):
    def __init__(
        self,
        ctx: SiteContext,
        camera_id: int,
        name: str,
        url: str,
        stop: threading.Event,
        *,
        recording_allowed: Callable[[], bool] = lambda: True,
    ):
        super().__init__(name=f"recorder-{name}", daemon=True)
        self.ctx = ctx
        self.camera_id = camera_id
        self.camera_name = name
        self._url = url
        self.stop_event = stop
        self.recording_allowed = recording_allowed
        self.store = SegmentStore(ctx)
        self.status = RecorderState()
        self._pending_gap_reason = "recorder_down"

    # -- main loop -----------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.status.last_end_us = self._last_end_in_index()
            self._recover(SessionOutcome())
            # Whatever lies between the last indexed media and the first new frame was
            # lost while no recorder ran.
            self._pending_gap_reason = "recorder_down"
            self._loop()
        except Exception:  # a recorder must never take the others down
            log.exception("recorder for %s failed", self.camera_name)
            self._set_state("failed", "internal error; see the log")

    def _loop(self) -> None:
        s = self.ctx.settings
        backoff_s = s.reconnect_min_s
        while not self.stop_event.is_set():
            if not self.recording_allowed():
                self._set_state("paused", "disk full: recording of new material paused")
                self._pending_gap_reason = "disk_full"
                self.stop_event.wait(1.0)
                continue
            outcome = self._record_session()
            if self.stop_event.is_set():
                break
            if outcome.segments:
                backoff_s = s.reconnect_min_s
            self._pending_gap_reason = outcome.reason
            self._set_state("offline", outcome.error or "camera not reachable; reconnecting")
            self.stop_event.wait(backoff_s)
            backoff_s = min(backoff_s * 2, s.reconnect_max_s)
        self._set_state("stopped", "")

    # -- one connection ------------------------------------------------------------------
    def _record_session(self) -> SessionOutcome:
        s = self.ctx.settings
        session = ffmpeg.SessionFiles(
            self.store.staging_dir(self.camera_id), str(self.ctx.clock.now_us())
        )
        cmd = ffmpeg.record_command(
            self._url,
            session,
            segment_s=s.segment_s,
            fragment_ms=s.fragment_ms,
            stall_timeout_s=s.stall_timeout_s,
        )
        self.status.sessions += 1
        self._set_state("connecting", "")
        proc = ffmpeg.spawn(cmd, malloc_trim_bytes=s.ffmpeg_malloc_trim_bytes)
        outcome = SessionOutcome()
        estimator = AnchorEstimator()
        listed_end_s: float | None = None
        csv_offset = 0
        last_progress = self.ctx.clock.monotonic_s()
        state_written_anchor: int | None = None
        sel = selectors.DefaultSelector()
        assert proc.stdout is not None and proc.stderr is not None
        sel.register(proc.stdout, selectors.EVENT_READ, "progress")
        sel.register(proc.stderr, selectors.EVENT_READ, "log")
        buffers = {"progress": b"", "log": b""}
        media_us: int | None = None
        try:
            while True:
                for key, _ in sel.select(_TICK_S):
                    chunk = key.fileobj.read1(65536)  # type: ignore[union-attr]
                    if not chunk:
                        sel.unregister(key.fileobj)
                        continue
                    buf = buffers[key.data] + chunk
                    *lines, buffers[key.data] = buf.split(b"\n")
                    for raw in lines:
                        line = raw.decode("utf-8", "replace").strip()
                        if key.data == "log":
                            if line:
                                self.status.stderr_tail.append(line)
                            continue
                        if line.startswith("out_time_us="):
                            value = line.split("=", 1)[1]
                            media_us = int(value) if value.lstrip("-").isdigit() else None
                        elif line.startswith("progress=") and media_us is not None and media_us > 0:
                            estimator.add(self.ctx.clock.now_us(), media_us)
                            last_progress = self.ctx.clock.monotonic_s()
                if estimator.anchor_us is not None and estimator.anchor_us != state_written_anchor:
                    if (
                        state_written_anchor is None
                        or abs(estimator.anchor_us - state_written_anchor) > 5000
                    ):
                        self._write_session_state(session, estimator.anchor_us, listed_end_s)
                        state_written_anchor = estimator.anchor_us
                    if self.status.state != "recording":
                        self._set_state("recording", "")
                csv_offset, listed_end_s = self._commit_listed(
                    session, csv_offset, estimator, listed_end_s, outcome
                )
                self.status.drift_ppm = estimator.drift_ppm()
                if proc.poll() is not None:
                    break
                if self.stop_event.is_set():
                    outcome.reason = "recorder_down"
                    ffmpeg.finish(proc)
                elif not self.recording_allowed():
                    outcome.reason = "disk_full"
                    ffmpeg.finish(proc)
                elif estimator.is_absurd():
                    log.warning("%s: camera clock jumped; re-anchoring", self.camera_name)
                    outcome.reason = "clock_jump"
                    ffmpeg.finish(proc)
                elif self.ctx.clock.monotonic_s() - last_progress > s.stall_timeout_s + 5:
                    log.warning(
                        "%s: no data for %.0f s; reconnecting", self.camera_name, s.stall_timeout_s
                    )
                    outcome.reason = "camera_stalled"
                    ffmpeg.finish(proc, timeout_s=3)
        finally:
            if proc.poll() is None:
                ffmpeg.finish(proc, timeout_s=3)
            sel.close()
            for stream in (proc.stdout, proc.stderr):
                stream.close()
        # ffmpeg wrote its last CSV line on exit; commit it, then recover anything unlisted.
        csv_offset, listed_end_s = self._commit_listed(
            session, csv_offset, estimator, listed_end_s, outcome
        )
        if estimator.anchor_us is not None:
            self._write_session_state(session, estimator.anchor_us, listed_end_s)
        self._recover(outcome)
        if proc.returncode not in (0, 255) and self.status.stderr_tail:
            outcome.error = self.status.stderr_tail[-1]
        return outcome

    def _commit_listed(
        self,
        session: ffmpeg.SessionFiles,
        offset: int,
        estimator: AnchorEstimator,
        listed_end_s: float | None,
        outcome: SessionOutcome,
    ) -> tuple[int, float | None]:
        try:
            if session.segment_list.stat().st_size <= offset:
                return offset, listed_end_s
            with open(session.segment_list, "rb") as fh:
                fh.seek(offset)
                data = fh.read()
        except FileNotFoundError:
            return offset, listed_end_s
        complete = data[: data.rfind(b"\n") + 1]
        for raw in complete.decode("utf-8", "replace").splitlines():
            entry = ffmpeg.parse_segment_list_line(raw)
            if entry is None:
                continue
            name, start_s, end_s = entry
            path = session.staging / name
            if estimator.anchor_us is None or not path.exists():
                log.error("%s: segment %s listed without anchor or file", self.camera_name, name)
                continue
            try:
                layout = read_layout(path)
            except Fmp4Error as exc:
                log.error(
                    "%s: %s is unreadable (%s); left for recovery", self.camera_name, name, exc
                )
                continue
            drift = estimator.drift_us()
            finished = FinishedFile(
                camera_id=self.camera_id,
                path=path,
                start_us=estimator.anchor_us + round(start_s * 1_000_000),
                clock_drift_ms=None if drift is None else drift // 1000,
                end_us=estimator.anchor_us + round(end_s * 1_000_000),
            )
            try:
                self._after_commit(self._commit(finished, layout), outcome)
            except Exception as exc:  # left in staging; recovery retries it at session end
                log.exception("%s: commit of %s failed", self.camera_name, name)
                why = f"{self.camera_name}: could not commit {name}: {exc}"
                raise_alarm(self.ctx, "commit_failed", "critical", why, self.camera_id)
            listed_end_s = end_s
            self._write_session_state(session, estimator.anchor_us, listed_end_s)
        return offset + len(complete), listed_end_s

    def _commit(self, finished: FinishedFile, layout: SegmentLayout) -> Segment:
        """Record the gap before the first segment of a session, then commit the segment."""
        last_end = self.status.last_end_us
        start = finished.start_us
        # Fix the end first, so moving the start below never moves the media in time.
        finished = replace(
            finished, end_us=finished.end_us or start + layout.to_us(layout.duration())
        )
        if last_end is not None and abs(start - last_end) <= TOUCH_TOLERANCE_US:
            # The same instant within anchor jitter: make the boundary exact.
            finished = replace(finished, start_us=last_end)
        elif last_end is not None and start < last_end:
            # Never let two segments of one camera claim the same instant.
            finished = replace(finished, start_us=last_end, flags="overlap_trimmed")
        elif last_end is not None:
            self._record_gap(last_end, start, self._pending_gap_reason)
        return self.store.commit(finished, layout)

    def _recover(self, outcome: SessionOutcome) -> None:
        """Commit what a crash or an abrupt ffmpeg exit left in staging."""
        for seg in self.store.finish_intents(self.camera_id):
            self._after_commit(seg, outcome)
        for finished, layout in recover_staging(self.ctx, self.store, self.camera_id):
            self._after_commit(self._commit(finished, layout), outcome)
        forget_session_files(self.store.staging_dir(self.camera_id))

    def _after_commit(self, seg: Segment, outcome: SessionOutcome) -> None:
        outcome.segments += 1
        self.status.segments += 1
        self.status.last_end_us = seg.end_us
        self._pending_gap_reason = "camera_offline"

    def _record_gap(self, start_us: int, end_us: int, reason: str) -> None:
        chain = camera_chain(self.camera_id)
        body = {"kind": "gap", "camera": self.camera_id, "start_us": start_us,
                "end_us": end_us, "reason": reason}  # fmt: skip
        with ledger.chain_lock(chain), self.ctx.sessions.begin() as s:
            entry = ledger.append(s, chain, "gap", body, self.ctx.clock.now_us())
            s.add(Gap(camera_id=self.camera_id, seq=entry.seq, start_us=start_us,
                      end_us=end_us, reason=reason))  # fmt: skip
        log.info("%s: gap of %.1f s (%s)", self.camera_name, (end_us - start_us) / 1e6, reason)

    # -- bookkeeping ---------------------------------------------------------------------
    def _write_session_state(
        self, session: ffmpeg.SessionFiles, anchor_us: int, listed_end_s: float | None
    ) -> None:
        state = {"camera_id": self.camera_id, "anchor_us": anchor_us, "listed_end_s": listed_end_s}
        durable.write_durably(session.state, json.dumps(state).encode("utf-8"))

    def _last_end_in_index(self) -> int | None:
        with self.ctx.sessions() as s:
            return s.scalar(
                select(Segment.end_us)
                .where(Segment.camera_id == self.camera_id)
                .order_by(Segment.end_us.desc())
                .limit(1)
            )

    def _set_state(self, state: str, detail: str) -> None:
        self.status.state, self.status.detail = state, detail
        self.write_status()

    def write_status(self) -> None:
        """Store the state for `vigil status` in other processes.

        Called on every change of state; the service refreshes all cameras' rows in one
        transaction now and then (a heartbeat per camera cost more than the recording).
        """
        with self.ctx.sessions.begin() as s:
            row = s.get(CameraStatus, self.camera_id)
            now_us = self.ctx.clock.now_us()
            if row is None:
                row = CameraStatus(
                    camera_id=self.camera_id, state=self.status.state, since_us=now_us
                )
                s.add(row)
            elif row.state != self.status.state:
                row.since_us = now_us
            row.state = self.status.state
            row.detail = self.status.detail
            row.drift_ppm = self.status.drift_ppm
            row.updated_us = now_us
