"""`verify` names every kind of damage: flipped byte, deleted file, deleted row, swap.

Segments are real fMP4 files made by ffmpeg and committed through the real store, on
the database under test (A18(2): originals must not be altered or lost unnoticed).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from tests.fabricate import commit_clips, make_clips
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Segment
from vigil.integrity.seal import seal_now


@pytest.fixture
def recorded(site: SiteContext, tmp_path_factory: pytest.TempPathFactory) -> list[Segment]:
    cam = CameraRegistry(site).add("gate", "rtsp://127.0.0.1:8554/gate")
    clips = make_clips(tmp_path_factory.getbasetemp(), 4)
    segs = commit_clips(site, cam.id, clips, site.clock.now_us())
    seal_now(site)
    return segs


def kinds(site: SiteContext) -> set[tuple[str, int | None]]:
    return {(p.kind, p.seq) for p in verify(site).problems}


def writable(path: Path) -> Path:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    return path


def test_clean_store_verifies(site: SiteContext, recorded: list[Segment]) -> None:
    report = verify(site)
    assert report.ok, report.problems
    assert report.segments_checked == 4
    assert report.seals_checked == 1
    assert report.bytes_hashed == sum(s.bytes for s in recorded)


def test_committed_files_are_read_only(site: SiteContext, recorded: list[Segment]) -> None:
    for seg in recorded:
        mode = (site.segments_dir / seg.path).stat().st_mode
        assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)


def test_flipped_byte_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    path = writable(site.segments_dir / recorded[1].path)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    assert kinds(site) == {("file_altered", recorded[1].seq)}


def test_deleted_file_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    (site.segments_dir / recorded[2].path).unlink()
    assert kinds(site) == {("file_missing", recorded[2].seq)}


def test_deleted_index_row_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    with site.sessions.begin() as s:
        s.execute(delete(Segment).where(Segment.id == recorded[0].id))
    found = kinds(site)
    assert ("segment_row_missing", recorded[0].seq) in found
    assert ("file_unindexed", None) in found


def test_swapped_pair_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    a = writable(site.segments_dir / recorded[0].path)
    b = writable(site.segments_dir / recorded[3].path)
    tmp = a.with_name("swap")
    os.rename(a, tmp)
    os.rename(b, a)
    os.rename(tmp, b)
    assert kinds(site) == {
        ("file_reordered", recorded[0].seq),
        ("file_reordered", recorded[3].seq),
    }


def test_edited_index_row_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    with site.sessions.begin() as s:
        s.execute(
            update(Segment)
            .where(Segment.id == recorded[2].id)
            .values(start_us=Segment.start_us + 5)
        )
    assert kinds(site) == {("segment_row_altered", recorded[2].seq)}


def test_rewritten_chain_entry_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    with site.sessions.begin() as s:
        entry = s.scalar(select(ChainEntry).where(ChainEntry.seq == recorded[1].seq))
        assert entry is not None
        entry.body = entry.body.replace('"frames":', '"frames":1')
    found = kinds(site)
    assert ("chain_altered", recorded[1].seq) in found


def test_truncated_history_after_seal_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    """Removing the newest segment everywhere (file, row, chain) breaks the seal."""
    last = recorded[-1]
    with site.sessions.begin() as s:
        s.execute(delete(Segment).where(Segment.id == last.id))
        s.execute(delete(ChainEntry).where(ChainEntry.seq == last.seq))
    writable(site.segments_dir / last.path).unlink()
    assert ("seal_mismatch", last.seq) in kinds(site)


def test_forged_seal_signature_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    from vigil.db.models import Seal

    with site.sessions.begin() as s:
        seal = s.scalar(select(Seal))
        assert seal is not None
        seal.body = seal.body.replace('"type"', '"tipe"')
    assert ("seal_invalid", None) in kinds(site)


def test_unindexed_file_is_named(site: SiteContext, recorded: list[Segment]) -> None:
    stray = site.segments_dir / recorded[0].path
    extra = stray.with_name("999.mp4")
    extra.write_bytes(b"planted")
    assert kinds(site) == {("file_unindexed", None)}
