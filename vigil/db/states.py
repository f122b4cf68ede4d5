"""The named states and reasons stored in the index.

String enums, so the stored values, the JSON of the API and the CLI stay the very strings
they were (no migration): `SegmentState.SEALED == "sealed"`, and `json.dumps` writes
`"sealed"`.
"""

from __future__ import annotations

from enum import StrEnum


class SegmentState(StrEnum):
    """`segments.state`: where an original is in its life (docs/design/recording.md)."""

    #: Committed, hashed, chained, read-only: the only state that is served and counted.
    SEALED = "sealed"
    #: Retention is over and the expiry is chained; the file may still be on disk
    #: (a crash between the chain record and the unlink is finished at the next run).
    EXPIRING = "expiring"
    #: The file is deleted; the row and its chain link stay as the record of it.
    EXPIRED = "expired"


#: Rows in these states hold an original on disk.
HELD_STATES = (SegmentState.SEALED, SegmentState.EXPIRING)


class GapReason(StrEnum):
    """`gaps.reason`: why a camera's timeline has no media between two segments."""

    #: No recorder ran (the service was stopped, killed or crashed).
    RECORDER_DOWN = "recorder_down"
    #: The camera closed the connection or could not be reached.
    CAMERA_OFFLINE = "camera_offline"
    #: The camera stayed connected but sent nothing for longer than the stall timeout.
    CAMERA_STALLED = "camera_stalled"
    #: The camera's media clock jumped; the session was ended to take a new anchor.
    CLOCK_JUMP = "clock_jump"
    #: Storage was full: recording of new material was paused (A18(2)).
    DISK_FULL = "disk_full"


class RecorderState(StrEnum):
    """`camera_status.state`: what a camera's recorder is doing (`vigil status`)."""

    STARTING = "starting"
    CONNECTING = "connecting"
    RECORDING = "recording"
    #: Storage full: the recorder holds off until there is room again.
    PAUSED = "paused"
    #: The camera is unreachable; the recorder retries with a backoff.
    OFFLINE = "offline"
    STOPPED = "stopped"
    #: The recorder thread failed on an internal error.
    FAILED = "failed"
    #: Not written by a recorder: shown when none runs, or its heartbeat is stale.
    NOT_RECORDING = "not_recording"
