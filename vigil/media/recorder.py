"""One camera's recorder: connect, record segments, commit them, reconnect on failure.

Owned by `RecordingService`; stopped by its `stop` event. One thread per camera, each
with its own ffmpeg process, so a stalled camera never blocks another.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.alarms import raise_alarm
from vigil.audit.actor import SYSTEM
from vigil.context import SiteContext
from vigil.db.models import CameraStatus, Gap, Segment
from vigil.db.states import GapReason, RecorderState
from vigil.integrity import ledger
from vigil.integrity.chain import camera_chain
from vigil.media import ffmpeg
from vigil.media.opener import Opener, open_ffmpeg
from vigil.media.recovery import forget_session_files, recover_staging
from vigil.media.session_machine import ReconnectSchedule, SessionMachine, place_segment
from vigil.storage import files as durable
from vigil.storage.fmp4 import Fmp4Error, SegmentLayout, read_layout
from vigil.storage.segment_store import FinishedFile, SegmentStore
from vigil.text import redact

log = logging.getLogger(__name__)

#: ffmpeg reports progress every second; the loop also wakes at least this often.
_TICK_S = 1.0
#: While storage is full, how often to look whether there is room again.
_PAUSED_POLL_S = 1.0
#: An ffmpeg still running when the session is left (an error in the loop) gets this long.
_CLEANUP_FINISH_S = 3.0


@dataclass
class SessionOutcome:
    segments: int = 0
    reason: GapReason = GapReason.CAMERA_OFFLINE
    error: str = ""


@dataclass
class RecorderStatus:
    """What the service and status display read; written only by the recorder thread."""

    state: RecorderState = RecorderState.STARTING
    detail: str = ""
    drift_ppm: int | None = None
    segments: int = 0
    last_end_us: int | None = None
    sessions: int = 0
    stderr_tail: deque[str] = field(default_factory=lambda: deque(maxlen=20))


@dataclass
class _SegmentList:
    """How far the session's segment list (ffmpeg's CSV) has been committed."""

    offset_bytes: int = 0
    #: Media time at which the last committed segment ended (recovery continues from it).
    end_s: float | None = None


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
        opener: Opener = open_ffmpeg,
        wait: Callable[[float], bool] | None = None,
    ):
        """`opener` starts the recording process of a session; `wait(seconds)` waits
        between sessions and returns True once stopped (a test moves a fake clock)."""
        super().__init__(name=f"recorder-{name}", daemon=True)
        self.ctx = ctx
        self.camera_id = camera_id
        self.camera_name = name
        self._url = url
        self.stop_event = stop
        self.recording_allowed = recording_allowed
        self._opener = opener
        self._wait = wait or stop.wait
        self.store = SegmentStore(ctx)
        self.status = RecorderStatus()
        self._pending_gap_reason = GapReason.RECORDER_DOWN

    # -- main loop -----------------------------------------------------------------------
    def run(self) -> None:
        try:
            self.status.last_end_us = self._last_end_in_index()
            self._recover(SessionOutcome())
            # Whatever lies between the last indexed media and the first new frame was
            # lost while no recorder ran.
            self._pending_gap_reason = GapReason.RECORDER_DOWN
            self._loop()
        except Exception:  # a recorder must never take the others down
            log.exception("recorder for %s failed", self.camera_name)
            self._set_state(RecorderState.FAILED, "internal error; see the log")

    def _loop(self) -> None:
        s = self.ctx.settings
        schedule = ReconnectSchedule(s.reconnect_min_s, s.reconnect_max_s)
        while not self.stop_event.is_set():
            if not self.recording_allowed():
                self._set_state(RecorderState.PAUSED, "disk full: recording of new material paused")
                self._pending_gap_reason = GapReason.DISK_FULL
                schedule.reset()
                self._wait(_PAUSED_POLL_S)
                continue
            outcome = self._record_session()
            if self.stop_event.is_set():
                break
            self._pending_gap_reason = outcome.reason
            self._set_state(
                RecorderState.OFFLINE, outcome.error or "camera not reachable; reconnecting"
            )
            self._wait(
                schedule.after_session(
                    mono_s=self.ctx.clock.monotonic_s(), recorded=outcome.segments > 0
                )
            )
        self._set_state(RecorderState.STOPPED, "")

    # -- one connection ------------------------------------------------------------------
    def _record_session(self) -> SessionOutcome:
        """Run one recording process until it ends or the machine says to end it; commit
        each segment as ffmpeg lists it, then whatever it left unlisted."""
        s, clock = self.ctx.settings, self.ctx.clock
        files = ffmpeg.SessionFiles(self.store.staging_dir(self.camera_id), str(clock.now_us()))
        self.status.sessions += 1
        self._set_state(RecorderState.CONNECTING, "")
        proc = self._opener(self._url, files, s)
        machine = SessionMachine(
            stall_timeout_s=s.stall_timeout_s, opened_mono_s=clock.monotonic_s()
        )
        listed = _SegmentList()
        outcome = SessionOutcome()
        try:
            while True:
                out = proc.read(_TICK_S)
                # ffmpeg quotes the camera's URL, password and all, in its errors.
                self.status.stderr_tail.extend(redact(line) for line in out.log if line)
                for line in out.progress:
                    machine.feed(line, now_us=clock.now_us(), mono_s=clock.monotonic_s())
                progress = machine.progress()
                if progress.write_anchor_us is not None:
                    self._write_session_state(files, progress.write_anchor_us, listed.end_s)
                if progress.started_recording:
                    self._set_state(RecorderState.RECORDING, "")
                self._commit_listed(files, machine, listed, outcome)
                self.status.drift_ppm = machine.estimator.drift_ppm()
                if proc.poll() is not None:
                    break
                reason = machine.check_stop(
                    mono_s=clock.monotonic_s(),
                    stop_requested=self.stop_event.is_set(),
                    recording_allowed=self.recording_allowed(),
                )
                if reason is not None:
                    self._log_stop(reason, s.stall_timeout_s)
                    proc.finish(machine.finish_timeout_s(reason))
        finally:
            if proc.poll() is None:
                proc.finish(_CLEANUP_FINISH_S)
            proc.close()
        outcome.reason = machine.end_reason
        # ffmpeg wrote its last CSV line on exit; commit it, then recover anything unlisted.
        self._commit_listed(files, machine, listed, outcome)
        if machine.estimator.anchor_us is not None:
            self._write_session_state(files, machine.estimator.anchor_us, listed.end_s)
        self._recover(outcome)
        if proc.poll() not in (0, 255) and self.status.stderr_tail:
            outcome.error = self.status.stderr_tail[-1]
        return outcome

    def _log_stop(self, reason: GapReason, stall_timeout_s: float) -> None:
        if reason is GapReason.CLOCK_JUMP:
            log.warning("%s: camera clock jumped; re-anchoring", self.camera_name)
        elif reason is GapReason.CAMERA_STALLED:
            log.warning("%s: no data for %.0f s; reconnecting", self.camera_name, stall_timeout_s)

    def _commit_listed(
        self,
        files: ffmpeg.SessionFiles,
        machine: SessionMachine,
        listed: _SegmentList,
        outcome: SessionOutcome,
    ) -> None:
        """Commit the segments ffmpeg has listed as closed since the last call."""
        try:
            if files.segment_list.stat().st_size <= listed.offset_bytes:
                return
            with open(files.segment_list, "rb") as fh:
                fh.seek(listed.offset_bytes)
                data = fh.read()
        except FileNotFoundError:
            return
        complete = data[: data.rfind(b"\n") + 1]
        for raw in complete.decode("utf-8", "replace").splitlines():
            entry = ffmpeg.parse_segment_list_line(raw)
            if entry is None:
                continue
            name, start_s, end_s = entry
            path = files.staging / name
            bounds = machine.wall_bounds(start_s, end_s)
            if bounds is None or not path.exists():
                log.error("%s: segment %s listed without anchor or file", self.camera_name, name)
                continue
            try:
                layout = read_layout(path)
            except Fmp4Error as exc:
                log.error(
                    "%s: %s is unreadable (%s); left for recovery", self.camera_name, name, exc
                )
                continue
            finished = FinishedFile(
                camera_id=self.camera_id,
                path=path,
                start_us=bounds[0],
                clock_drift_ms=machine.drift_ms(),
                end_us=bounds[1],
            )
            try:
                self._after_commit(self._commit(finished, layout), outcome)
            except Exception as exc:  # left in staging; recovery retries it at session end
                log.exception("%s: commit of %s failed", self.camera_name, name)
                why = f"{self.camera_name}: could not commit {name}: {exc}"
                raise_alarm(self.ctx, "commit_failed", "critical", why, self.camera_id)
            listed.end_s = end_s
            assert machine.estimator.anchor_us is not None  # wall_bounds had one
            self._write_session_state(files, machine.estimator.anchor_us, listed.end_s)
        listed.offset_bytes += len(complete)

    def _commit(self, finished: FinishedFile, layout: SegmentLayout) -> Segment:
        """Record the gap before the first segment of a session, then commit the segment."""
        placed = place_segment(
            last_end_us=self.status.last_end_us,
            start_us=finished.start_us,
            # A recovered file has no listed end: its media duration gives it.
            end_us=finished.end_us or finished.start_us + layout.to_us(layout.duration()),
            pending_reason=self._pending_gap_reason,
        )
        if placed.gap is not None:
            self._record_gap(*placed.gap)
        if placed.clock_overlap is not None:
            self._report_clock_overlap(*placed.clock_overlap)
        finished = replace(
            finished,
            start_us=placed.start_us,
            end_us=placed.end_us,
            flags=placed.flags or finished.flags,
        )
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
        self._pending_gap_reason = GapReason.CAMERA_OFFLINE

    def _record_gap(self, start_us: int, end_us: int, reason: GapReason) -> None:
        chain = camera_chain(self.camera_id)
        body = {"kind": "gap", "camera": self.camera_id, "start_us": start_us,
                "end_us": end_us, "reason": str(reason)}  # fmt: skip
        with self.ctx.sessions.begin() as s:
            entry = ledger.append(s, chain, "gap", body, self.ctx.clock.now_us())
            s.add(Gap(camera_id=self.camera_id, seq=entry.seq, start_us=start_us,
                      end_us=end_us, reason=reason))  # fmt: skip
        log.info("%s: gap of %.1f s (%s)", self.camera_name, (end_us - start_us) / 1e6, reason)

    def _report_clock_overlap(self, start_us: int, end_us: int) -> None:
        """The segment is committed with its own bounds and flagged `clock_overlap`; the
        earlier media placed by the jumped clock stays as it was (A18(2))."""
        why = (
            f"{self.camera_name}: {(end_us - start_us) / 1e6:.1f} s of media placed by the "
            "camera's jumped clock overlap the next session's; both are kept, the new one "
            "flagged clock_overlap"
        )
        log.warning("%s", why)
        raise_alarm(self.ctx, "clock_overlap", "major", why, self.camera_id)

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

    #: The last reason for being offline that went to the log: an outage is logged once,
    #: not at every reconnection attempt.
    _logged_offline: str = ""

    def _set_state(self, state: RecorderState, detail: str) -> None:
        self.status.state, self.status.detail = state, redact(detail)
        if state is RecorderState.OFFLINE and self.status.detail != self._logged_offline:
            log.warning("%s: offline: %s", self.camera_name, self.status.detail)
        if state in (RecorderState.OFFLINE, RecorderState.RECORDING):
            self._logged_offline = self.status.detail if state is RecorderState.OFFLINE else ""
        self.write_status()

    def write_status(self) -> None:
        """Store the state for `vigil status` in other processes.

        Called on every change of state; the service refreshes all cameras' rows in one
        transaction now and then (a heartbeat per camera cost more than the recording).
        """
        with self.ctx.sessions.begin() as s:
            row = s.get(CameraStatus, self.camera_id)
            now_us = self.ctx.clock.now_us()
            self._audit_pause(s, None if row is None else row.state)
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

    def _audit_pause(self, session: Session, stored_state: str | None) -> None:
        """A pause of recording and its end are acts of the system (A18(2)): registered in
        the transaction that stores the state, so the register never misses one."""
        paused = RecorderState.PAUSED
        if stored_state != paused and self.status.state == paused:
            action, detail = "recording_pause", {"reason": str(GapReason.DISK_FULL)}
        elif stored_state == paused and self.status.state == RecorderState.CONNECTING:
            action, detail = "recording_resume", {}
        else:
            return
        SYSTEM.audit(
            session,
            self.ctx,
            action,
            camera_id=self.camera_id,
            camera_name=self.camera_name,
            detail=detail,
        )
