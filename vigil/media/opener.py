"""The recorder's seam to the process that records a camera (Moonfire NVR's `Opener`).

The recorder never starts ffmpeg itself: it asks an `Opener` for a `RecordingProcess`
and reads its output lines. `FfmpegOpener` starts the real `ffmpeg -c copy`; a test
passes one that plays a script (progress lines, segment files from real clips) against a
fake clock, so stalls, clock jumps and full disks are tested without waiting.
"""

from __future__ import annotations

import contextlib
import selectors
import subprocess
from dataclasses import dataclass, field
from typing import Protocol

from vigil.config import Settings
from vigil.media import ffmpeg


@dataclass
class Output:
    """Whole lines a process wrote since the last read."""

    progress: list[str] = field(default_factory=list)  # `-progress` on stdout
    log: list[str] = field(default_factory=list)  # warnings and errors on stderr


class RecordingProcess(Protocol):
    """One running recording of a camera into a session's files."""

    def read(self, timeout_s: float) -> Output:
        """The lines written so far, waiting up to timeout_s for the first one."""
        ...

    def poll(self) -> int | None:
        """The exit code, or None while it runs."""
        ...

    def finish(self, timeout_s: float) -> int:
        """Ask it to close its open segment and exit; kill it after timeout_s."""
        ...

    def close(self) -> None:
        """Release its pipes (after it has exited)."""
        ...


class Opener(Protocol):
    def __call__(
        self, url: str, files: ffmpeg.SessionFiles, settings: Settings
    ) -> RecordingProcess: ...


class FfmpegProcess:
    """A recording ffmpeg, its stdout and stderr read without blocking on either."""

    def __init__(self, proc: subprocess.Popen[bytes]):
        assert proc.stdout is not None and proc.stderr is not None
        self._proc = proc
        self._sel = selectors.DefaultSelector()
        self._sel.register(proc.stdout, selectors.EVENT_READ, "progress")
        self._sel.register(proc.stderr, selectors.EVENT_READ, "log")
        self._partial = {"progress": b"", "log": b""}

    def read(self, timeout_s: float) -> Output:
        out = Output()
        if not self._sel.get_map():  # both pipes closed: it is exiting
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._proc.wait(timeout_s)
            return out
        for key, _ in self._sel.select(timeout_s):
            chunk = key.fileobj.read1(65536)  # type: ignore[union-attr]
            if not chunk:
                self._sel.unregister(key.fileobj)
                continue
            *lines, self._partial[key.data] = (self._partial[key.data] + chunk).split(b"\n")
            target = out.progress if key.data == "progress" else out.log
            target.extend(raw.decode("utf-8", "replace").strip() for raw in lines)
        return out

    def poll(self) -> int | None:
        return self._proc.poll()

    def finish(self, timeout_s: float) -> int:
        return ffmpeg.finish(self._proc, timeout_s=timeout_s)

    def close(self) -> None:
        self._sel.close()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()


def open_ffmpeg(url: str, files: ffmpeg.SessionFiles, settings: Settings) -> FfmpegProcess:
    """The real opener: `ffmpeg -c copy` from the camera's RTSP URL into `files`."""
    cmd = ffmpeg.record_command(
        url,
        files,
        segment_s=settings.segment_s,
        fragment_ms=settings.fragment_ms,
        stall_timeout_s=settings.stall_timeout_s,
    )
    return FfmpegProcess(ffmpeg.spawn(cmd, malloc_trim_bytes=settings.ffmpeg_malloc_trim_bytes))
