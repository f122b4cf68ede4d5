"""Disk pressure: recording pauses with a critical alarm; nothing in retention is deleted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.fabricate import commit_clips, make_clips
from vigil.alarms import active_alarms
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_DAY, FakeClock
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.storage.capacity import (
    PAUSED_RECHECK_S,
    DiskGuard,
    DiskSpace,
    disk_space,
    forecast,
    recordings_bytes,
    should_pause,
)


def limit_site(site: SiteContext, limit: int | None) -> None:
    site.settings = site.settings.model_copy(update={"storage_limit_bytes": limit})


def test_full_quota_pauses_and_deletes_nothing_in_retention(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 4), clock.now_us())
    limit_site(site, recordings_bytes(site) - 1)
    guard = DiskGuard(site)
    clock.advance(days=29)
    guard.refresh()
    assert not guard.recording_allowed()
    assert [(a.kind, a.severity) for a in active_alarms(site)] == [("disk_full", "critical")]
    with site.sessions() as s:
        assert {r.state for r in s.scalars(select(Segment))} == {"sealed"}
    assert all((site.segments_dir / s.path).exists() for s in segs)
    assert verify(site).ok


def test_pressure_frees_only_what_is_past_retention_then_resumes(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add(
        "lobby", "rtsp://127.0.0.1/l", retention_days=30, max_retention_days=90
    )
    clips = make_clips(tmp_path_factory.getbasetemp(), 4)
    old = commit_clips(site, cam.id, clips[:2], clock.now_us())
    young = commit_clips(site, cam.id, clips[2:], clock.now_us() + 20 * US_PER_DAY)
    young_bytes = sum(s.bytes for s in young)
    limit_site(site, young_bytes + 1000)  # fits only once the old ones are gone
    clock.advance(days=40)
    guard = DiskGuard(site)
    guard.refresh()
    assert guard.recording_allowed()
    with site.sessions() as s:
        states = {r.seq: r.state for r in s.scalars(select(Segment))}
    assert [states[s.seq] for s in old] == ["expired", "expired"]
    assert [states[s.seq] for s in young] == ["sealed", "sealed"]


def test_guard_resumes_when_space_returns(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    limit_site(site, 1)
    guard = DiskGuard(site)
    guard.refresh()
    assert not guard.recording_allowed()
    limit_site(site, None)
    guard.refresh()
    assert guard.recording_allowed()
    assert active_alarms(site) == []


def test_while_paused_the_recorders_checks_see_space_return_without_the_service_loop(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l")
    commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 2), clock.now_us())
    limit_site(site, 1)
    guard = DiskGuard(site)
    guard.refresh()
    assert not guard.recording_allowed()
    limit_site(site, None)
    # No refresh by the service's loop from here on: only the recorders ask.
    assert not guard.recording_allowed(), "looked at just now"
    clock.advance(seconds=PAUSED_RECHECK_S)
    assert guard.recording_allowed()
    assert active_alarms(site) == []


MB = 1 << 20


@pytest.mark.parametrize(
    ("capacity_mb", "headroom_mb", "paused_before", "paused_after"),
    [
        (40, 0, False, True),  # nothing left: pause
        (40, 25, True, False),  # a 40 MB disk with 25 MB back resumes
        (40, 2, True, True),  # 2 MB is under 40/16 MB: stays paused (no flapping)
        (40, 2, False, False),  # ... but does not pause a recording camera
        (1 << 20, 100, True, False),  # a 1 TB disk resumes over 64 MB
        (1 << 20, 60, True, True),
    ],
)
def test_the_pause_ends_with_a_margin_that_fits_the_disk(
    capacity_mb: int, headroom_mb: int, paused_before: bool, paused_after: bool
) -> None:
    space = DiskSpace(
        free_bytes=0,
        recordings_bytes=0,
        headroom_bytes=headroom_mb * MB,
        capacity_bytes=capacity_mb * MB,
    )
    assert should_pause(paused_before, space) is paused_after


def test_forecast_flags_a_disk_that_cannot_hold_retention(
    site: SiteContext, clock: FakeClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cam = CameraRegistry(site).add("lobby", "rtsp://127.0.0.1/l", retention_days=60)
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 4), clock.now_us())
    clock.set(segs[-1].end_us)
    used = recordings_bytes(site)
    seconds = (segs[-1].end_us - segs[0].start_us) / 1e6
    per_day = used / seconds * 86_400
    limit_site(site, int(per_day * 10))  # room for 10 days, 60 required
    fc = forecast(site)
    assert fc.bytes_per_day == pytest.approx(per_day, rel=1e-6)
    assert fc.required_days == 60
    assert fc.days_held_at_capacity == pytest.approx(10, rel=1e-3)
    assert fc.days_until_full == pytest.approx(10 - used / per_day, rel=1e-3)
    assert fc.short
    # Without a quota the real disk's free space decides.
    limit_site(site, None)
    free = disk_space(site).free_bytes
    fc = forecast(site)
    assert fc.days_held_at_capacity == pytest.approx((free + used) / per_day, rel=1e-3)
    assert fc.short == ((free + used) / per_day < 60)
