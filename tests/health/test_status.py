"""The figures of `vigil status` and of the live wall's camera states, from a real index."""

from __future__ import annotations

from dataclasses import asdict

import pytest
from sqlalchemy import inspect

from tests.fabricate import commit_clips, make_clips
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, FakeClock, us_to_iso
from vigil.context import SiteContext
from vigil.health.status import camera_reports, camera_states
from vigil.storage.retention import expire


def test_reports_count_only_what_is_held_and_states_agree(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    reg = CameraRegistry(site)
    lobby = reg.add("lobby", "rtsp://127.0.0.1/l")
    reg.add("yard", "rtsp://127.0.0.1/y")
    clips = make_clips(tmp_path_factory.getbasetemp(), 5)
    commit_clips(site, lobby.id, clips[:2], clock.now_us())
    clock.advance(days=31)
    young = commit_clips(site, lobby.id, clips[2:], clock.now_us())
    clock.advance(seconds=30)
    assert expire(site).expired == {"lobby": 2}

    reports = {r.name: r for r in camera_reports(site)}
    lobby_report = reports["lobby"]
    assert lobby_report.segments == 3  # the two expired rows are not held any more
    assert lobby_report.oldest_segment_start == us_to_iso(young[0].start_us)
    assert lobby_report.last_segment_end == us_to_iso(young[-1].end_us)
    span_us = sum(s.end_us - s.start_us for s in young)
    assert lobby_report.bitrate_bps == round(sum(s.bytes for s in young) * 8 * US_PER_S / span_us)
    assert lobby_report.state == "not_recording"  # no recorder has run here

    yard = reports["yard"]
    assert (yard.segments, yard.bitrate_bps, yard.oldest_segment_start) == (0, None, None)
    assert yard.last_segment_end is None

    clock.advance(seconds=2 * 3600)  # the bitrate is of the last hour only
    assert {r.name: r for r in camera_reports(site)}["lobby"].bitrate_bps is None

    for state in camera_states(site):
        report = asdict(reports[state.name])
        assert asdict(state) == {k: report[k] for k in asdict(state)}


def test_the_status_index_covers_the_figures(site: SiteContext) -> None:
    # The figures are read every few seconds: they must come from the index alone, on
    # either database (migration 0004).
    indexes = {i["name"]: i["column_names"] for i in inspect(site.engine).get_indexes("segments")}
    assert indexes["ix_segments_camera_state_start"] == [
        "camera_id", "state", "start_us", "end_us", "bytes",
    ]  # fmt: skip
