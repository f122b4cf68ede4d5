"""The recording subprocess: one `ffmpeg -c copy` per camera, writing fMP4 segments.

Chosen over an in-process PyAV remuxer by measurement (docs/performance.md): ffmpeg
costs less CPU per stream, and a stalled or crashing camera can never block another
camera or the Python process. Originals are stream-copied, never re-encoded.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from vigil.media.children import die_with_parent

FFMPEG = os.environ.get("VIGIL_FFMPEG", "ffmpeg")

# Why a fixed malloc trim threshold (setting `ffmpeg_malloc_trim_bytes`): glibc's dynamic
# one grows with the largest block freed, so a recorder keeps ~0.5 MB of freed heap it never
# returns; fixed, it is returned and the memory budget per stream is met at 32 cameras. It
# costs CPU: a fixed threshold also stops glibc's dynamic mmap threshold, so keyframe-sized
# buffers are mapped afresh each time, ~12 % more ffmpeg CPU (docs/performance.md, "Memory
# against CPU"). 0 leaves glibc's defaults.


def child_env(base: Mapping[str, str] | None = None, *, malloc_trim_bytes: int) -> dict[str, str]:
    """The environment of an ffmpeg child: ours plus the trim tunable (unless already set)."""
    env = dict(os.environ if base is None else base)
    tunables = env.get("GLIBC_TUNABLES", "")
    if malloc_trim_bytes > 0 and "glibc.malloc.trim_threshold=" not in tunables:
        own = f"glibc.malloc.trim_threshold={malloc_trim_bytes}"
        env["GLIBC_TUNABLES"] = ":".join(t for t in (tunables, own) if t)
    return env


@dataclass(frozen=True)
class SessionFiles:
    """The files one recording session writes in the camera's staging directory."""

    staging: Path
    session_id: str

    @property
    def pattern(self) -> Path:
        return self.staging / f"{self.session_id}-%06d.mp4.part"

    @property
    def segment_list(self) -> Path:
        return self.staging / f"{self.session_id}.csv"

    @property
    def state(self) -> Path:
        return self.staging / f"{self.session_id}.json"

    def part_files(self) -> list[Path]:
        return sorted(self.staging.glob(f"{self.session_id}-*.mp4.part"))


#: flush_packets=1 makes the inner mp4 muxer write each fragment as it closes; without it
#: the segment muxer holds a whole segment in memory and a crash would lose all of it.
def record_command(
    url: str, files: SessionFiles, *, segment_s: int, fragment_ms: int, stall_timeout_s: float
) -> list[str]:
    movflags = "+frag_keyframe+empty_moov+default_base_moof"
    return [
        FFMPEG,
        "-hide_banner",
        "-nostdin",
        "-nostats",
        "-loglevel", "warning",
        "-rtsp_transport", "tcp",
        "-timeout", str(int(stall_timeout_s * 1_000_000)),
        "-i", url,
        "-map", "0:v:0",
        "-c", "copy",
        "-f", "segment",
        "-segment_time", str(segment_s),
        "-segment_format", "mp4",
        "-segment_format_options",
        f"movflags={movflags}:frag_duration={fragment_ms * 1000}:flush_packets=1",
        "-reset_timestamps", "0",
        "-segment_list", str(files.segment_list),
        "-segment_list_type", "csv",
        "-progress", "pipe:1",
        "-stats_period", "1",
        str(files.pattern),
    ]  # fmt: skip


def spawn(cmd: list[str], *, malloc_trim_bytes: int) -> subprocess.Popen[bytes]:
    # Own session: a Ctrl-C at the terminal reaches the recorder only, which then asks
    # each ffmpeg once to finish its open fragment (ffmpeg hard-exits on repeated signals).
    return subprocess.Popen(
        die_with_parent(cmd),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env=child_env(malloc_trim_bytes=malloc_trim_bytes),
    )


def finish(proc: subprocess.Popen[bytes], timeout_s: float = 10.0) -> int:
    """Ask ffmpeg to close its segment cleanly; kill it if it does not within timeout_s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    return proc.returncode


def parse_segment_list_line(line: str) -> tuple[str, float, float] | None:
    """A CSV line `name,start_s,end_s` written by ffmpeg when it closes a segment."""
    parts = line.strip().rsplit(",", 2)
    if len(parts) != 3:
        return None
    name, start, end = parts
    try:
        return name.strip('"'), float(start), float(end)
    except ValueError:
        return None
