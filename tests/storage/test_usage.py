"""The running total of indexed bytes agrees with a full count as segments come and go."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.fabricate import commit_clips, make_clips
from vigil.cameras import CameraRegistry
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.storage.retention import expire
from vigil.storage.usage import HELD_STATES, RECOUNT_S, indexed_bytes


def full_count(site: SiteContext) -> int:
    with site.sessions() as s:
        return sum(s.scalars(select(Segment.bytes).where(Segment.state.in_(HELD_STATES))))


def test_new_segments_and_expiry_move_the_total(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    clips = make_clips(tmp_path_factory.getbasetemp(), 4)
    tally = indexed_bytes(site)
    assert tally.read(site) == 0
    old = commit_clips(site, cam.id, clips[:2], clock.now_us())
    assert tally.read(site) == full_count(site) == sum(s.bytes for s in old)
    clock.advance(days=20)
    young = commit_clips(site, cam.id, clips[2:], clock.now_us())
    assert tally.read(site) == sum(s.bytes for s in old + young)
    clock.advance(days=15)  # the first two are past 30 days, the last two are not
    assert expire(site).bytes_freed == sum(s.bytes for s in old)
    assert tally.read(site) == full_count(site) == sum(s.bytes for s in young)
    assert indexed_bytes(site) is tally  # one tally per index, shared by its users


def test_a_change_behind_its_back_is_absorbed_at_the_next_recount(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    tally = indexed_bytes(site)
    before = tally.read(site)
    with site.sessions.begin() as s:  # as another process's expiry would
        s.execute(update(Segment).where(Segment.id == segs[0].id).values(state="expired"))
    assert tally.read(site) == before  # not seen yet: errs high, never low
    clock.advance(seconds=RECOUNT_S)
    assert tally.read(site) == full_count(site) == segs[1].bytes
