"""Thin typed wrappers over the system ``ffprobe``: an independent judge of files and streams.

Everything runs ``ffprobe`` as a subprocess and parses its JSON or CSV output; nothing here
decodes media itself.  A file or stream that ffprobe rejects raises `ProbeError`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ProbeError",
    "ProbeResult",
    "count_video_packets",
    "first_packet_is_keyframe",
    "probe_file",
    "probe_url",
]


class ProbeError(Exception):
    """ffprobe rejected the input (unreadable, not media, no video, unreachable stream)."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ProbeResult:
    """What ffprobe says about a file or stream; fields ffprobe leaves out are None.

    ``format_name`` is ffprobe's (e.g. ``"mov,mp4,m4a,3gp,3g2,mj2"``, ``"mpegts"``,
    ``"rtsp"``); ``video_codec`` e.g. ``"h264"`` or ``"hevc"``.  ``nb_packets`` is the number
    of packets in the first video stream, counted by reading the whole file (None for URLs).
    """

    format_name: str
    duration_s: float | None
    video_codec: str | None
    width: int | None
    height: int | None
    nb_packets: int | None


def _ffprobe() -> str:
    exe = shutil.which("ffprobe")
    if exe is None:
        raise RuntimeError("ffprobe not found on PATH (apt-get install ffmpeg)")
    return exe


def _run(args: list[str], what: str, timeout_s: float) -> str:
    cmd = [_ffprobe(), "-hide_banner", "-v", "error", *args]
    try:
        result = subprocess.run(
            cmd,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout_s,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise ProbeError(f"ffprobe timed out after {timeout_s:g} s on {what}") from None
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()
        reason = detail[-1] if detail else f"exit status {result.returncode}"
        raise ProbeError(f"ffprobe rejected {what}: {reason}")
    return result.stdout


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float_or_none(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _parse(output: str, what: str) -> ProbeResult:
    try:
        data = json.loads(output)
    except json.JSONDecodeError as exc:
        raise ProbeError(f"ffprobe gave unreadable output for {what}: {exc}") from None
    fmt = data.get("format") or {}
    format_name = fmt.get("format_name")
    if not format_name:
        raise ProbeError(f"ffprobe found no container format in {what}")
    video: dict[str, Any] = next(
        (s for s in data.get("streams") or [] if s.get("codec_type") == "video"), {}
    )
    return ProbeResult(
        format_name=str(format_name),
        duration_s=_float_or_none(fmt.get("duration")),
        video_codec=video.get("codec_name"),
        width=_int_or_none(video.get("width")),
        height=_int_or_none(video.get("height")),
        nb_packets=_int_or_none(video.get("nb_read_packets")),
    )


def probe_file(
    path: Path | str, *, count_packets: bool = True, timeout_s: float = 60
) -> ProbeResult:
    """Container, duration, first video stream's codec and size, and (by reading the whole
    file) its packet count.  Raises ProbeError when ffprobe rejects the file."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"no such file: {path}")
    args = ["-print_format", "json", "-show_format", "-show_streams"]
    if count_packets:
        args.append("-count_packets")
    return _parse(_run([*args, str(path)], str(path), timeout_s), str(path))


def count_video_packets(path: Path | str, *, timeout_s: float = 60) -> tuple[int, int]:
    """(packets, keyframes) in the first video stream."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"no such file: {path}")
    out = _run(
        [
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=flags",
            "-print_format",
            "csv=p=0",
            str(path),
        ],
        str(path),
        timeout_s,
    )
    flags = [line.strip() for line in out.splitlines() if line.strip()]
    return len(flags), sum(1 for f in flags if f.startswith("K"))


def first_packet_is_keyframe(path: Path | str, *, timeout_s: float = 30) -> bool:
    """Whether the first packet of the first video stream is a keyframe.

    Reads only until that packet.  Raises ProbeError if the file has no video packet.
    """
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"no such file: {path}")
    cmd = [
        _ffprobe(), "-hide_banner", "-v", "error", "-select_streams", "v:0",
        "-show_entries", "packet=flags", "-print_format", "csv=p=0", str(path),
    ]  # fmt: skip
    with subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    ) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        first = ""
        try:
            for line in proc.stdout:
                if line.strip():
                    first = line.strip()
                    break
        finally:
            if proc.poll() is None:
                proc.kill()
            try:
                _, err = proc.communicate(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    if not first:
        reason = err.strip().splitlines()[-1] if err.strip() else "no video packets"
        raise ProbeError(f"ffprobe found no video packet in {path}: {reason}")
    return first.startswith("K")


def probe_url(url: str, timeout_s: float = 10, *, analyze_s: float = 1.0) -> ProbeResult:
    """Open an RTSP stream over TCP (as the recorder does) and report its video stream.

    ``analyze_s`` bounds how long ffprobe watches the stream to find its parameters.
    Raises ProbeError if the stream cannot be opened within ``timeout_s``.
    """
    args = [
        "-rtsp_transport", "tcp",
        "-timeout", str(int(timeout_s * 1_000_000)),
        "-analyzeduration", str(int(analyze_s * 1_000_000)),
        "-print_format", "json", "-show_format", "-show_streams", url,
    ]  # fmt: skip
    return _parse(_run(args, url, timeout_s + analyze_s + 5), url)
