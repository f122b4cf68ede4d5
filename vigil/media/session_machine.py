"""One recording session's decisions, without I/O: what ffmpeg's progress means in wall
time, when to write the session state, and when and why to end the session.

The recorder feeds it ffmpeg's `-progress` lines with the instant each was read, and asks
it after every read whether the session must end. Time comes only from the arguments, so
a test drives it with a fake clock in microseconds instead of waiting for real seconds.
Where a finished segment lies on the camera's timeline across sessions is decided by
`place_segment`.
"""

from __future__ import annotations

from dataclasses import dataclass

from vigil.db.states import GapReason
from vigil.media.timing import MAX_DRIFT_US, AnchorEstimator

#: Boundaries closer than this are the same instant (anchor estimates jitter by a frame).
TOUCH_TOLERANCE_US = 250_000
#: A moved anchor is written to the session state only when it moved by more than this:
#: recovery places a file to within a frame, and each write is an fsync.
ANCHOR_REWRITE_US = 5000
#: ffmpeg's own read timeout (`stall_timeout_s`) should end a stalled session; this much
#: longer without progress and the recorder ends it itself.
STALL_GRACE_S = 5.0
#: How long ffmpeg may take to close its segment when asked, by why it is asked: a
#: stalled ffmpeg is blocked on the network and has nothing left to write.
FINISH_TIMEOUT_S = {GapReason.CAMERA_STALLED: 3.0}
DEFAULT_FINISH_TIMEOUT_S = 10.0
#: For this long after a camera stopped recording it is probed every `reconnect_min_s`:
#: most outages are short, and every second between its return and the next probe is
#: footage lost for nothing. After that every `reconnect_max_s` (at most 5 s).
FAST_PROBING_S = 180.0


@dataclass(frozen=True)
class Progress:
    """What the reads since the last check changed."""

    #: Write the session state with this anchor (None: nothing new to write).
    write_anchor_us: int | None = None
    #: The first anchored progress of the session: the camera is recording.
    started_recording: bool = False


class SessionMachine:
    """The state of one ffmpeg session, fed its progress lines and the clock's readings."""

    def __init__(self, *, stall_timeout_s: float, opened_mono_s: float):
        self.estimator = AnchorEstimator()
        self._stall_after_s = stall_timeout_s + STALL_GRACE_S
        self._last_progress_mono_s = opened_mono_s
        self._media_us: int | None = None
        self._written_anchor_us: int | None = None
        self._recording = False
        self._stop_reason: GapReason | None = None

    # -- input ---------------------------------------------------------------------------
    def feed(self, line: str, *, now_us: int, mono_s: float) -> None:
        """One line of ffmpeg's `-progress` output, read at `now_us` (`mono_s`).

        A report is a block of `key=value` lines ending with `progress=...`; its
        `out_time_us` is how far the output has got in media time.
        """
        if line.startswith("out_time_us="):
            value = line.split("=", 1)[1]
            self._media_us = int(value) if value.lstrip("-").isdigit() else None
        elif line.startswith("progress=") and self._media_us is not None and self._media_us > 0:
            # Before the first frame ffmpeg reports 0 or N/A: no sample, and no sign of life.
            self.estimator.add(now_us, self._media_us)
            self._last_progress_mono_s = mono_s

    # -- decisions -----------------------------------------------------------------------
    def progress(self) -> Progress:
        anchor = self.estimator.anchor_us
        if anchor is None:
            return Progress()
        written = self._written_anchor_us
        write = written is None or abs(anchor - written) > ANCHOR_REWRITE_US
        if write:
            self._written_anchor_us = anchor
        started = not self._recording
        self._recording = True
        return Progress(write_anchor_us=anchor if write else None, started_recording=started)

    def check_stop(
        self, *, mono_s: float, stop_requested: bool, recording_allowed: bool
    ) -> GapReason | None:
        """Why the session must end now, or None to go on. Checked in this order: the
        recorder's own stop, full storage, the camera's clock, the camera's silence."""
        if stop_requested:
            reason = GapReason.RECORDER_DOWN
        elif not recording_allowed:
            reason = GapReason.DISK_FULL
        elif self.estimator.is_absurd():
            reason = GapReason.CLOCK_JUMP
        elif mono_s - self._last_progress_mono_s > self._stall_after_s:
            reason = GapReason.CAMERA_STALLED
        else:
            return None
        self._stop_reason = reason
        return reason

    @property
    def end_reason(self) -> GapReason:
        """Why the session ended: the reason it was stopped for, else the camera went away
        (ffmpeg exited by itself)."""
        return self._stop_reason or GapReason.CAMERA_OFFLINE

    @staticmethod
    def finish_timeout_s(reason: GapReason) -> float:
        return FINISH_TIMEOUT_S.get(reason, DEFAULT_FINISH_TIMEOUT_S)

    # -- wall time -----------------------------------------------------------------------
    def wall_bounds(self, start_s: float, end_s: float) -> tuple[int, int] | None:
        """The wall-clock span of a segment listed at media times [start_s, end_s]."""
        anchor = self.estimator.anchor_us
        if anchor is None:
            return None
        return anchor + round(start_s * 1_000_000), anchor + round(end_s * 1_000_000)

    def drift_ms(self) -> int | None:
        drift = self.estimator.drift_us()
        return None if drift is None else drift // 1000


@dataclass
class ReconnectSchedule:
    """How long to wait before probing a camera that is out again.

    No exponential backoff: a probe is one ffmpeg start that fails in milliseconds, so
    probing often costs little, while a long wait costs footage once the camera is back.
    """

    min_s: float
    max_s: float
    #: When the camera last stopped recording (monotonic seconds); None: not out.
    out_since_mono_s: float | None = None

    def after_session(self, *, mono_s: float, recorded: bool) -> float:
        """The wait after a session that ended at `mono_s`; `recorded`: it committed
        segments, so the outage starts now."""
        if recorded or self.out_since_mono_s is None:
            self.out_since_mono_s = mono_s
        if mono_s - self.out_since_mono_s < FAST_PROBING_S:
            return min(self.min_s, self.max_s)
        return self.max_s

    def reset(self) -> None:
        """Recording stopped for another reason (a pause): the next outage starts afresh."""
        self.out_since_mono_s = None


@dataclass(frozen=True)
class Placement:
    """Where a finished segment goes on its camera's timeline."""

    start_us: int
    end_us: int
    flags: str = ""
    #: The gap to record before it: (start_us, end_us, reason), or None.
    gap: tuple[int, int, GapReason] | None = None
    #: The span it shares with earlier media placed by a jumped camera clock, or None.
    clock_overlap: tuple[int, int] | None = None


def place_segment(
    *, last_end_us: int | None, start_us: int, end_us: int, pending_reason: GapReason
) -> Placement:
    """Place a segment after the camera's last indexed one, which ended at `last_end_us`.

    The end is never moved, so media never moves in time; only the start is: onto the
    last end when they touch within anchor jitter, or up to it when they overlap (two
    segments of one camera never claim the same instant). A real hole becomes a gap of
    `pending_reason`, why the recorder last stopped recording.

    An overlap longer than any clock drift is no anchor jitter: the earlier segment was
    placed by a camera clock that had jumped ahead before the jump was seen, so its end
    lies in the future. Trimming would shrink this segment to nothing (or below), so it
    keeps its own session's bounds and says it overlaps (`clock_overlap`).
    """
    if last_end_us is None:
        return Placement(start_us, end_us)
    if abs(start_us - last_end_us) <= TOUCH_TOLERANCE_US:
        return Placement(last_end_us, end_us)
    if start_us < last_end_us:
        if last_end_us - start_us > MAX_DRIFT_US or last_end_us >= end_us:
            overlap = (start_us, min(last_end_us, end_us))
            return Placement(start_us, end_us, flags="clock_overlap", clock_overlap=overlap)
        return Placement(last_end_us, end_us, flags="overlap_trimmed")
    return Placement(start_us, end_us, gap=(last_end_us, start_us, pending_reason))
