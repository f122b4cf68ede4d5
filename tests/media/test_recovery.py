"""Crash leftovers in staging become indexed segments or quarantine, never silence."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.fabricate import make_clips
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import Alarm, Segment
from vigil.media.ffmpeg import SessionFiles
from vigil.media.recovery import recover_staging
from vigil.storage.fmp4 import read_layout
from vigil.storage.segment_store import INTENT_SUFFIX, FinishedFile, SegmentStore


@pytest.fixture
def clips(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return make_clips(tmp_path_factory.getbasetemp(), 3)


def session(site: SiteContext, cam_id: int, anchor_us: int | None, listed_end_s: float | None,
            ) -> SessionFiles:  # fmt: skip
    files = SessionFiles(SegmentStore(site).staging_dir(cam_id), "1700000000000000")
    if anchor_us is not None:
        state = {"camera_id": cam_id, "anchor_us": anchor_us, "listed_end_s": listed_end_s}
        files.state.write_text(json.dumps(state))
    return files


def test_torn_segment_is_cut_to_whole_fragments_and_placed_in_time(
    site: SiteContext, clips: list[Path]
) -> None:
    cam = CameraRegistry(site).add("c", "rtsp://127.0.0.1/c")
    files = session(site, cam.id, anchor_us=1_000_000_000, listed_end_s=4.0)
    part = files.staging / f"{files.session_id}-000002.mp4.part"
    data = clips[0].read_bytes()
    whole = read_layout(clips[0])
    cut = whole.fragments[-1].offset + 100  # inside the last fragment
    part.write_bytes(data[:cut])
    ready = recover_staging(site, SegmentStore(site), cam.id)
    assert len(ready) == 1
    finished, layout = ready[0]
    assert finished.recovered and finished.start_us == 1_000_000_000 + 4_000_000
    assert len(layout.fragments) == len(whole.fragments) - 1
    seg = SegmentStore(site).commit(finished, layout)
    assert seg.end_us - seg.start_us == layout.to_us(layout.duration())
    assert verify(site).ok


def test_file_without_wall_clock_is_quarantined_and_alarmed(
    site: SiteContext, clips: list[Path]
) -> None:
    cam = CameraRegistry(site).add("c", "rtsp://127.0.0.1/c")
    files = session(site, cam.id, anchor_us=None, listed_end_s=None)
    part = files.staging / f"{files.session_id}-000000.mp4.part"
    shutil.copyfile(clips[0], part)
    assert recover_staging(site, SegmentStore(site), cam.id) == []
    assert not part.exists()
    kept = list((site.quarantine_dir / str(cam.id)).iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == clips[0].read_bytes()
    with site.sessions() as s:
        assert [a.kind for a in s.scalars(select(Alarm))] == ["segment_quarantined"]


def test_headers_only_file_holds_no_media_and_is_removed(
    site: SiteContext, clips: list[Path]
) -> None:
    cam = CameraRegistry(site).add("c", "rtsp://127.0.0.1/c")
    files = session(site, cam.id, anchor_us=5, listed_end_s=None)
    part = files.staging / f"{files.session_id}-000000.mp4.part"
    part.write_bytes(clips[0].read_bytes()[:28])  # the ftyp ffmpeg writes on opening
    assert recover_staging(site, SegmentStore(site), cam.id) == []
    assert not part.exists()


def test_commit_interrupted_after_rename_is_finished(site: SiteContext, clips: list[Path]) -> None:
    """Crash between the rename (step 4) and the index transaction (step 5)."""
    cam = CameraRegistry(site).add("c", "rtsp://127.0.0.1/c")
    store = SegmentStore(site)
    staging = store.staging_dir(cam.id) / "x-000000.mp4.part"
    shutil.copyfile(clips[1], staging)
    layout = read_layout(staging)

    def crash(*_: object) -> Segment:
        raise RuntimeError("power cut")

    store._index = crash  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        store.commit(FinishedFile(cam.id, staging, 2_000_000), layout)
    assert not staging.exists()
    assert list(store.staging_dir(cam.id).glob("*" + INTENT_SUFFIX))
    assert not verify(site).ok  # an unindexed file until recovery finishes the commit

    fresh = SegmentStore(site)
    done = fresh.finish_intents(cam.id)
    assert [s.start_us for s in done] == [2_000_000]
    assert not list(fresh.staging_dir(cam.id).glob("*" + INTENT_SUFFIX))
    assert verify(site).ok
    assert fresh.finish_intents(cam.id) == []
