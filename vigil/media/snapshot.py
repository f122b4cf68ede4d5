"""One still picture decoded from a recorded segment (the original is only read)."""

from __future__ import annotations

import subprocess

from vigil.errors import VigilError
from vigil.media import ffmpeg

SNAPSHOT_TIMEOUT_S = 60.0


class SnapshotError(VigilError):
    code = "snapshot_failed"
    http_status = 502


def snapshot_jpeg(path: str) -> bytes:
    """Decode the first frame of a recorded segment into a JPEG (the original is untouched)."""
    cmd = [
        ffmpeg.FFMPEG,
        "-hide_banner",
        "-loglevel",
        "error",
        "-nostdin",
        "-i",
        path,
        "-map",
        "0:v:0",
        "-frames:v",
        "1",
        "-c:v",
        "mjpeg",
        "-q:v",
        "3",
        "-f",
        "image2pipe",
        "pipe:1",
    ]
    try:
        out = subprocess.run(cmd, capture_output=True, timeout=SNAPSHOT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SnapshotError(f"ffmpeg could not decode a frame: {exc}", field="camera") from None
    if out.returncode != 0 or not out.stdout.startswith(b"\xff\xd8"):
        why = out.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no image"]
        raise SnapshotError(f"ffmpeg could not decode a frame: {why[0]}", field="camera")
    return out.stdout
