"""Real recorded-looking segments without waiting for a camera.

Clips are made by the real ffmpeg (fragmented MP4, like the recorder's) and committed
through the real SegmentStore, so integrity and retention tests run in seconds and on
both databases.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.storage.fmp4 import read_layout
from vigil.storage.segment_store import FinishedFile, SegmentStore

_CACHE: dict[tuple[int, int], list[Path]] = {}


def make_clips(workdir: Path, count: int, seconds: int = 2) -> list[Path]:
    """`count` distinct fMP4 segments of `seconds` each, 160x120 10 fps, GOP 1 s."""
    key = (count, seconds)
    if key in _CACHE and all(p.exists() for p in _CACHE[key]):
        return _CACHE[key]
    out = workdir / f"clips-{count}x{seconds}"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size=160x120:rate=10:duration={count * seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-bf", "0",
            "-f", "segment", "-segment_time", str(seconds), "-segment_format", "mp4",
            "-segment_format_options", "movflags=+frag_keyframe+empty_moov+default_base_moof",
            "-reset_timestamps", "0", str(out / "clip-%03d.mp4"),
        ],
        check=True,
    )  # fmt: skip
    clips = sorted(out.glob("clip-*.mp4"))[:count]
    assert len(clips) == count, clips
    _CACHE[key] = clips
    return clips


def commit_clips(
    ctx: SiteContext, camera_id: int, clips: list[Path], start_us: int
) -> list[Segment]:
    """Commit clips back to back from start_us, as the recorder would."""
    store = SegmentStore(ctx)
    segs = []
    t = start_us
    for i, clip in enumerate(clips):
        staging = store.staging_dir(camera_id) / f"fab-{t}-{i:06d}.mp4.part"
        shutil.copyfile(clip, staging)
        layout = read_layout(staging)
        seg = store.commit(FinishedFile(camera_id, staging, t), layout)
        segs.append(seg)
        t = seg.end_us
    return segs
