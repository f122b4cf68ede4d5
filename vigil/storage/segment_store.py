"""Turning a finished staging file into an indexed, chained, read-only original.

Write order (docs/design/recording.md, "Commit"):
  1. ffmpeg finishes the file in `staging/<camera>/`;
  2. hash it and fsync it;
  3. write an intent (the chain body and final path) next to it, fsynced;
  4. make it read-only and rename it to `segments/<camera>/<date>/<start_us>.mp4`, fsync dirs;
  5. in one transaction insert the chain link and the `segments` row;
  6. remove the intent.
A crash between any two steps is finished by `finish_intents()` at the next start.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from vigil.alarms import raise_alarm
from vigil.clock import us_to_datetime
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Segment
from vigil.db.states import SegmentState
from vigil.integrity import ledger
from vigil.integrity.chain import camera_chain, canonical_json
from vigil.integrity.digest import sha256_file
from vigil.storage import files
from vigil.storage.fmp4 import SegmentLayout, read_layout

log = logging.getLogger(__name__)

INTENT_SUFFIX = ".intent.json"


@dataclass(frozen=True)
class FinishedFile:
    """A staging file the recorder is done with, and when its first frame was seen."""

    camera_id: int
    path: Path
    start_us: int
    recovered: bool = False
    clock_drift_ms: int | None = None
    flags: str = ""
    #: Where the next segment of the same connection starts (ffmpeg's segment list);
    #: None for a recovered file, whose end is its start plus its media duration.
    end_us: int | None = None


def fragment_table(layout: SegmentLayout) -> list[list[int]]:
    """[[byte offset, bytes, start µs from segment start, duration µs, keyframe 0/1], ...]"""
    if not layout.fragments:
        return []
    t0 = layout.fragments[0].decode_time
    return [
        [
            f.offset,
            f.size,
            layout.to_us(f.decode_time - t0),
            layout.to_us(f.duration),
            int(f.starts_with_keyframe),
        ]
        for f in layout.fragments
    ]


def segment_key(camera_id: int, start_us: int) -> str:
    day = us_to_datetime(start_us).strftime("%Y-%m-%d")
    return f"{camera_id}/{day}/{start_us}.mp4"


def segment_body(
    camera_id: int, start_us: int, end_us: int, size: int, sha256: str, key: str, frames: int
) -> dict[str, Any]:
    return {
        "kind": "segment",
        "camera": camera_id,
        "start_us": start_us,
        "end_us": end_us,
        "bytes": size,
        "sha256": sha256,
        "path": key,
        "frames": frames,
    }


class SegmentStore:
    def __init__(self, ctx: SiteContext):
        self.ctx = ctx

    def staging_dir(self, camera_id: int) -> Path:
        d = self.ctx.staging_dir / str(camera_id)
        d.mkdir(parents=True, exist_ok=True)
        return d

    def path_of(self, key: str) -> Path:
        return self.ctx.segments_dir / key

    def commit(self, finished: FinishedFile, layout: SegmentLayout) -> Segment:
        if not layout.fragments:
            raise ValueError(f"{finished.path} holds no whole fragment")
        sha, size = sha256_file(finished.path)
        if size != layout.complete_size:
            raise ValueError(
                f"{finished.path}: {size} bytes on disk, layout says {layout.complete_size}"
            )
        files.fsync_file(finished.path)
        key = segment_key(finished.camera_id, finished.start_us)
        body, row = self._describe(finished, layout, key, sha, size)
        intent = finished.path.with_name(finished.path.name + INTENT_SUFFIX)
        files.write_durably(intent, json.dumps({"body": body, "row": row}).encode("utf-8"))
        files.make_read_only(finished.path)
        files.durable_rename(finished.path, self.path_of(key))
        segment = self._index(body, row)
        intent.unlink()
        return segment

    def index_existing(self, camera_id: int, key: str, start_us: int, *, flags: str) -> Segment:
        """Index a file already in the store under `key` that the index does not know (a
        restore from a backup older than the file): chained and indexed like a new commit,
        so nothing on disk is dropped; its end is its start plus its media duration."""
        path = self.path_of(key)
        layout = read_layout(path)
        if not layout.fragments:
            raise ValueError(f"{path} holds no whole fragment")
        sha, size = sha256_file(path)
        finished = FinishedFile(camera_id, path, start_us, recovered=True, flags=flags)
        body, row = self._describe(finished, layout, key, sha, size)
        return self._index(body, row)

    @staticmethod
    def _describe(
        finished: FinishedFile, layout: SegmentLayout, key: str, sha: str, size: int
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The chain body and the index row of a segment file."""
        end_us = finished.end_us or finished.start_us + layout.to_us(layout.duration())
        frames = sum(f.samples for f in layout.fragments)
        body = segment_body(finished.camera_id, finished.start_us, end_us, size, sha, key, frames)
        row = {
            "camera_id": finished.camera_id,
            "start_us": finished.start_us,
            "end_us": end_us,
            "bytes": size,
            "sha256": sha,
            "path": key,
            "codec": layout.codec,
            "width": layout.width,
            "height": layout.height,
            "frames": frames,
            "fragments": json.dumps(fragment_table(layout), separators=(",", ":")),
            "recovered": finished.recovered,
            "clock_drift_ms": finished.clock_drift_ms,
            "flags": finished.flags,
        }
        return body, row

    def _index(self, body: dict[str, Any], row: dict[str, Any]) -> Segment:
        chain = camera_chain(int(body["camera"]))
        with self.ctx.sessions.begin() as s:
            entry = ledger.append(s, chain, "segment", body, self.ctx.clock.now_us())
            seg = Segment(seq=entry.seq, state=SegmentState.SEALED, **row)
            s.add(seg)
        return seg

    def _report_lost(self, camera_id: int, intent: Path, body: dict[str, Any]) -> None:
        """The file vanished between hashing and indexing: keep the evidence, alarm."""
        dest = self.ctx.quarantine_dir / str(camera_id) / intent.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        files.durable_rename(intent, dest)
        raise_alarm(
            self.ctx,
            "segment_lost",
            "critical",
            f"segment {body['path']} (SHA-256 {body['sha256']}) vanished before it was "
            f"indexed; its record is kept as {dest}",
            camera_id,
        )

    def finish_intents(self, camera_id: int) -> list[Segment]:
        """Complete commits that a crash interrupted (step 3 reached, step 6 not)."""
        done: list[Segment] = []
        for intent in sorted(self.staging_dir(camera_id).glob("*" + INTENT_SUFFIX)):
            data = json.loads(intent.read_text(encoding="utf-8"))
            body, row = data["body"], data["row"]
            staging = intent.with_name(intent.name.removesuffix(INTENT_SUFFIX))
            final = self.path_of(body["path"])
            with self.ctx.sessions() as s:
                indexed = s.scalar(
                    select(ChainEntry.id).where(
                        ChainEntry.chain == camera_chain(camera_id),
                        ChainEntry.body == canonical_json(body),
                    )
                )
            if indexed is None:
                if staging.exists() and not final.exists():
                    files.make_read_only(staging)
                    files.durable_rename(staging, final)
                if final.exists():
                    done.append(self._index(body, row))
                    log.warning("finished an interrupted commit of %s", body["path"])
                else:
                    self._report_lost(camera_id, intent, body)
                    continue
            intent.unlink()
        return done
