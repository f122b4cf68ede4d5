"""After a crash: what ffmpeg left in staging becomes indexed segments, or quarantine.

Each staging file is a fragmented MP4 that ffmpeg was writing. Its whole fragments are
good media; a torn last fragment is cut off (at most one fragment is lost, which is what
ffmpeg held in memory when it was killed). The file's wall-clock start comes from the
session state written beside it (`<session>.json`: the anchor and the media time at
which the last listed segment ended). A file that cannot be placed in time or holds no
whole fragment is moved to `quarantine/` and reported — never silently dropped.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

from vigil.alarms import raise_alarm
from vigil.context import SiteContext
from vigil.media import ffmpeg
from vigil.storage import files
from vigil.storage.fmp4 import Fmp4Error, SegmentLayout, truncate_to_whole_fragments
from vigil.storage.segment_store import FinishedFile, SegmentStore

log = logging.getLogger(__name__)

_HEADERS_ONLY_MAX_BYTES = 16 << 10
_PART = re.compile(r"^(?P<session>\d+)-(?P<index>\d+)\.mp4\.part$")


def _listed(session: ffmpeg.SessionFiles) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    try:
        text = session.segment_list.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return out
    for line in text.splitlines():
        entry = ffmpeg.parse_segment_list_line(line)
        if entry:
            out[entry[0]] = (entry[1], entry[2])
    return out


def _holds_no_media(path: Path) -> bool:
    """A file of headers only (ftyp, maybe moov) that never received a fragment."""
    if path.stat().st_size > _HEADERS_ONLY_MAX_BYTES:
        return False
    return b"moof" not in path.read_bytes() and b"mdat" not in path.read_bytes()


def quarantine(ctx: SiteContext, camera_id: int, path: Path, why: str) -> Path:
    dest_dir = ctx.quarantine_dir / str(camera_id)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / path.name.removesuffix(".part")
    files.durable_rename(path, dest)
    raise_alarm(
        ctx,
        "segment_quarantined",
        "warning",
        f"{path.name} could not be indexed ({why}); kept as {dest}",
        camera_id,
    )
    return dest


def recover_staging(
    ctx: SiteContext, store: SegmentStore, camera_id: int
) -> list[tuple[FinishedFile, SegmentLayout]]:
    """Prepare every leftover staging file of `camera_id` for commit, in recording order.

    Call only when no ffmpeg is writing into the camera's staging directory.
    """
    staging = store.staging_dir(camera_id)
    ready: list[tuple[FinishedFile, SegmentLayout]] = []
    sessions = sorted({m["session"] for p in staging.iterdir() if (m := _PART.match(p.name))})
    for session_id in sessions:
        session = ffmpeg.SessionFiles(staging, session_id)
        try:
            state = json.loads(session.state.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            state = {}
        anchor_us = state.get("anchor_us")
        listed = _listed(session)
        next_start_s = state.get("listed_end_s")
        for part in session.part_files():
            if _holds_no_media(part):
                # ffmpeg had opened the file but written no fragment: nothing to keep.
                log.info("removing %s: it holds no media", part.name)
                part.unlink()
                continue
            if anchor_us is None:
                quarantine(ctx, camera_id, part, "the session never learned its wall-clock time")
                continue
            try:
                layout = truncate_to_whole_fragments(part)
            except Fmp4Error as exc:
                quarantine(ctx, camera_id, part, str(exc))
                continue
            if not layout.fragments:
                quarantine(ctx, camera_id, part, "no whole fragment")
                continue
            start_s = listed[part.name][0] if part.name in listed else (next_start_s or 0.0)
            next_start_s = start_s + layout.to_us(layout.duration()) / 1e6
            ready.append(
                (
                    FinishedFile(
                        camera_id,
                        part,
                        anchor_us + round(start_s * 1_000_000),
                        recovered=part.name not in listed,
                        flags="" if part.name in listed else "recovered",
                    ),
                    layout,
                )
            )
            log.warning("recovered %s (%d whole fragments)", part.name, len(layout.fragments))
    return ready


def forget_session_files(staging: Path) -> None:
    """Remove session bookkeeping whose media files are all committed or quarantined."""
    parts = {m["session"] for p in staging.iterdir() if (m := _PART.match(p.name))}
    for p in list(staging.glob("*.csv")) + list(staging.glob("*.json")):
        if p.name.endswith(".intent.json"):
            continue
        if p.stem not in parts:
            p.unlink(missing_ok=True)
