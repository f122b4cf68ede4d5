"""Simulated history for the demo: yesterday's footage, so the timeline has a past.

Encodes a test picture with the (backdated) UTC time burnt in, cuts it into fragmented
MP4 segments exactly like the recorder's, and commits them through the normal store, so
they are hashed, chained, sealed and verified like any original. Every such segment is
flagged `simulated` in the index. Demo only: a real site never fabricates material.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from vigil.clock import US_PER_S
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.media import ffmpeg
from vigil.storage.fmp4 import read_layout
from vigil.storage.segment_store import FinishedFile, SegmentStore


def _encode(
    out_dir: Path, start_us: int, seconds: int, *, width: int, height: int, fps: int, segment_s: int
) -> list[Path]:
    epoch = start_us // US_PER_S
    clock = (
        f"drawtext=text='%{{pts\\:gmtime\\:{epoch}\\:%Y-%m-%d %H\\\\\\:%M\\\\\\:%S}} UTC'"
        f":fontsize={max(height // 14, 12)}:fontcolor=white:box=1:boxcolor=black@0.8:x=12:y=12"
    )
    subprocess.run(
        [
            ffmpeg.FFMPEG,
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}",
            "-map",
            "0:v:0",
            "-vf",
            clock,
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-tune",
            "zerolatency",
            "-g",
            str(fps),
            "-bf",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "segment",
            "-segment_time",
            str(segment_s),
            "-segment_format",
            "mp4",
            "-segment_format_options",
            "movflags=+frag_keyframe+empty_moov+default_base_moof",
            "-reset_timestamps",
            "0",
            str(out_dir / "%06d.mp4.part"),
        ],
        check=True,
    )
    return sorted(out_dir.glob("*.mp4.part"))


def backfill(
    ctx: SiteContext,
    camera_id: int,
    start_us: int,
    seconds: int,
    *,
    width: int = 640,
    height: int = 360,
    fps: int = 10,
    progress: Callable[[float], None] | None = None,
) -> list[Segment]:
    store = SegmentStore(ctx)
    committed: list[Segment] = []
    with tempfile.TemporaryDirectory(dir=store.staging_dir(camera_id)) as tmp:
        parts = _encode(
            Path(tmp),
            start_us,
            seconds,
            width=width,
            height=height,
            fps=fps,
            segment_s=ctx.settings.segment_s,
        )
        t = start_us
        for i, part in enumerate(parts):
            layout = read_layout(part)
            seg = store.commit(FinishedFile(camera_id, part, t, flags="simulated"), layout)
            committed.append(seg)
            t = seg.end_us
            if progress:
                progress((i + 1) / len(parts))
    return committed
