"""The recorder's loop against scripted sessions and a fake clock: every way a session
ends, and the gap each leaves, with exact bounds, in milliseconds (A16(1), A18(2)).

The recorder, the real index and the real segment store run as in production; only the
ffmpeg process is replaced (tests/media/scripted.py). tests/media/test_recording.py
records real cameras with the real ffmpeg.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import site_settings
from tests.fabricate import make_clips
from tests.media.scripted import FakeWait, ScriptedOpener, SessionScript, steady
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, FakeClock
from vigil.context import SiteContext
from vigil.db.models import Alarm, AuditEntry, CameraStatus
from vigil.db.states import GapReason, RecorderState
from vigil.media.recorder import CameraRecorder
from vigil.storage.catalog import Catalog, catalog

SEGMENT_S = 2
STALL_TIMEOUT_S = 4.0
RECONNECT_MIN_S = 0.5


@pytest.fixture
def rsite(tmp_path: Path, database_url: str | None, clock: FakeClock) -> Iterator[SiteContext]:
    settings = site_settings(
        database_url,
        segment_s=SEGMENT_S,
        stall_timeout_s=STALL_TIMEOUT_S,
        reconnect_min_s=RECONNECT_MIN_S,
    )
    ctx = SiteContext.init(tmp_path / "home", clock, settings=settings)
    CameraRegistry(ctx).add("cam", "rtsp://127.0.0.1:8554/cam")
    yield ctx
    ctx.close()


@pytest.fixture
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_clips(tmp_path_factory.getbasetemp() / "scripted", 1, 2)[0]


@dataclass
class Run:
    opener: ScriptedOpener
    wait: FakeWait
    recorder: CameraRecorder
    allowed: threading.Event
    #: The recorder's state at each wait between sessions.
    states_at_waits: list[RecorderState] = field(default_factory=list)

    def catalog(self) -> Catalog:
        return catalog(self.recorder.ctx, "cam")


def recorder(ctx: SiteContext, clock: FakeClock, clip: Path, sessions: list[SessionScript]) -> Run:
    stop = threading.Event()
    allowed = threading.Event()
    allowed.set()
    opener = ScriptedOpener(clock, clip, sessions, stop)
    wait = FakeWait(clock, stop)
    rec = CameraRecorder(
        ctx,
        1,
        "cam",
        "rtsp://127.0.0.1:8554/cam",
        stop,
        recording_allowed=allowed.is_set,
        opener=opener,
        wait=wait,
    )
    run = Run(opener, wait, rec, allowed)
    wait.on_wait = lambda _s: run.states_at_waits.append(rec.status.state)
    return run


def us(t0_us: int, media_s: float) -> int:
    return t0_us + round(media_s * US_PER_S)


def test_camera_going_away_leaves_a_camera_offline_gap_from_last_media_to_first_frame(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    run = recorder(rsite, clock, clip, [SessionScript(steady(7)), SessionScript(steady(4))])
    run.recorder.run()
    first, second = run.opener.sessions
    assert first.finish_timeout_s is None, "ffmpeg exited by itself: nothing to finish"
    assert first.segments == [(0, 2), (2, 4), (4, 6), (6, 7)]
    cat = run.catalog()
    assert [(g.start_us, g.end_us, g.reason) for g in cat.gaps] == [
        (us(first.opened_us, 7), second.opened_us, GapReason.CAMERA_OFFLINE)
    ]
    # A session's segments touch exactly; the next session's start at its first frame.
    spans = [(s.start_us, s.end_us) for s in cat.segments]
    assert spans[:4] == [
        (us(first.opened_us, a), us(first.opened_us, b)) for a, b in first.segments
    ]
    assert spans[4] == (second.opened_us, us(second.opened_us, 2))
    assert RecorderState.OFFLINE in run.states_at_waits
    assert run.recorder.status.state == RecorderState.STOPPED


def test_a_camera_clock_jump_ends_the_session_with_a_clock_jump_gap(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    # 40 s of steady media (past the anchor's 30 s early window), then media time leaps
    # 10 s ahead of the host clock. A segment holding leapt frames would be placed by the
    # leapt clock; here ffmpeg is ended before it lists one, so the gap is clean.
    jumped = SessionScript(
        [*steady(40), 51.0], then="hang", closes_open_segment=False, lists_until_tick=40
    )
    run = recorder(rsite, clock, clip, [jumped, SessionScript(steady(4))])
    run.recorder.run()
    first, second = run.opener.sessions
    assert first.finished_us == us(first.opened_us, 41), "ended at the tick of the jump"
    gaps = [(g.start_us, g.end_us, g.reason) for g in run.catalog().gaps]
    assert gaps == [(us(first.opened_us, 40), second.opened_us, GapReason.CLOCK_JUMP)]


def test_a_silent_camera_is_ended_as_stalled_after_the_stall_timeout_and_grace(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    silent = SessionScript(steady(10), then="hang")
    run = recorder(rsite, clock, clip, [silent, SessionScript(steady(4))])
    run.recorder.run()
    first, second = run.opener.sessions
    # Last progress at 10 s; ended on the first tick more than stall_timeout_s + 5 s later.
    assert first.finished_us == us(first.opened_us, 10 + STALL_TIMEOUT_S + 5 + 1)
    assert first.finish_timeout_s == 3.0, "a stalled ffmpeg has nothing to flush"
    gaps = [(g.start_us, g.end_us, g.reason) for g in run.catalog().gaps]
    assert gaps == [(us(first.opened_us, 10), second.opened_us, GapReason.CAMERA_STALLED)]


def test_full_storage_pauses_between_sessions_and_resumes_with_a_disk_full_gap(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    paused_waits = 3

    def storage_full() -> None:
        run.allowed.clear()

    def room_again(_s: float) -> None:
        run.states_at_waits.append(run.recorder.status.state)
        if run.states_at_waits.count(RecorderState.PAUSED) == paused_waits:
            with rsite.sessions() as s:
                row = s.get(CameraStatus, 1)
                assert row is not None and row.state == RecorderState.PAUSED
            run.allowed.set()

    filling = SessionScript(steady(9), at_tick={6: storage_full})
    run = recorder(rsite, clock, clip, [filling, SessionScript(steady(4))])
    run.wait.on_wait = room_again
    run.recorder.run()
    first, second = run.opener.sessions
    assert first.finished_us == us(first.opened_us, 6), "ended at the tick storage filled"
    assert first.finish_timeout_s == 10.0, "ffmpeg is given time to close its fragment"
    assert run.states_at_waits.count(RecorderState.PAUSED) == paused_waits
    # Waited out: the backoff after the session, then one poll per paused wait.
    resumed_us = first.finished_us + round((RECONNECT_MIN_S + paused_waits * 1.0) * US_PER_S)
    assert second.opened_us == resumed_us
    gaps = [(g.start_us, g.end_us, g.reason) for g in run.catalog().gaps]
    assert gaps == [(us(first.opened_us, 6), second.opened_us, GapReason.DISK_FULL)]
    # The pause and its end are registered as the system's acts, when the state changed.
    with rsite.sessions() as s:
        acts = [
            (a.action, a.actor, a.camera_id, a.at_us)
            for a in s.scalars(select(AuditEntry).order_by(AuditEntry.seq))
            if a.action.startswith("recording_")
        ]
    paused_us = first.finished_us + round(RECONNECT_MIN_S * US_PER_S)
    assert acts == [
        ("recording_pause", "system", 1, paused_us),
        ("recording_resume", "system", 1, second.opened_us),
    ]


def test_stop_asks_ffmpeg_to_finish_and_commits_its_last_segment(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    stop_at = 5
    script = SessionScript(steady(30), at_tick={stop_at: lambda: run.recorder.stop_event.set()})
    run = recorder(rsite, clock, clip, [script])
    run.recorder.run()
    (only,) = run.opener.sessions
    assert only.finished_us == us(only.opened_us, stop_at)
    assert only.finish_timeout_s == 10.0
    assert only.segments[-1] == (4, 5), "the open segment was closed on request"
    cat = run.catalog()
    assert cat.segments[-1].end_us == us(only.opened_us, stop_at)
    assert cat.gaps == []
    assert run.recorder.status.state == RecorderState.STOPPED
    with rsite.sessions() as s:
        assert s.scalar(select(CameraStatus.state)) == RecorderState.STOPPED


def test_the_recorder_down_gap_is_recorded_by_the_next_run(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    script = SessionScript(steady(30), at_tick={1: lambda: first.recorder.stop_event.set()})
    first = recorder(rsite, clock, clip, [script])
    first.recorder.run()
    clock.advance(seconds=60)  # the service was down for a minute
    second = recorder(rsite, clock, clip, [SessionScript(steady(4))])
    second.recorder.run()
    (before,) = first.opener.sessions
    (after,) = second.opener.sessions
    gaps = [(g.start_us, g.end_us, g.reason) for g in first.catalog().gaps]
    assert gaps == [(us(before.opened_us, 1), after.opened_us, GapReason.RECORDER_DOWN)]


def test_a_recorder_starting_on_full_storage_waits_and_records_a_disk_full_gap(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    earlier = recorder(rsite, clock, clip, [SessionScript(steady(3))])
    earlier.recorder.run()
    (before,) = earlier.opener.sessions

    def room_after_two_polls(_s: float) -> None:
        run.states_at_waits.append(run.recorder.status.state)
        if len(run.states_at_waits) == 2:
            run.allowed.set()

    run = recorder(rsite, clock, clip, [SessionScript(steady(4))])
    run.allowed.clear()
    run.wait.on_wait = room_after_two_polls
    run.recorder.run()
    (after,) = run.opener.sessions
    assert run.states_at_waits[:2] == [RecorderState.PAUSED, RecorderState.PAUSED]
    gaps = [(g.start_us, g.end_us, g.reason) for g in run.catalog().gaps]
    # The wait for room is the latest reason nothing was recorded, so it names the gap.
    assert gaps == [(us(before.opened_us, 3), after.opened_us, GapReason.DISK_FULL)]


def test_a_camera_that_is_out_is_probed_every_second_then_never_slower_than_every_5_s(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    # The camera records 4 s, is out for ~6 minutes (each probe: ffmpeg fails on its
    # first read), then comes back. No exponential backoff: a short outage costs at most
    # one probe interval of footage after the camera returns.
    probes = 200
    out = [SessionScript([]) for _ in range(probes)]
    run = recorder(rsite, clock, clip, [SessionScript(steady(4)), *out, SessionScript(steady(4))])
    run.recorder.run()
    first, *failed, back = run.opener.sessions
    waits = run.wait.waited_s[: probes + 1]
    assert len(waits) == probes + 1
    # Each wait is known by when it started: the session before it ended one tick after
    # it opened (failed probes) or at its last tick (the first session).
    went_us = us(first.opened_us, 5)
    starts_s = [(s.opened_us - went_us) / US_PER_S for s in failed]
    fast = [w for w, t in zip(waits[1:], starts_s, strict=True) if t + 1 < 180]
    slow = [w for w, t in zip(waits[1:], starts_s, strict=True) if t + 1 >= 180]
    assert waits[0] == RECONNECT_MIN_S
    assert fast and all(w == RECONNECT_MIN_S for w in fast), "about every second at first"
    assert slow and all(w == 5.0 for w in slow), "then never slower than every 5 s"
    gaps = [(g.start_us, g.end_us, g.reason) for g in run.catalog().gaps]
    assert gaps == [(us(first.opened_us, 4), back.opened_us, GapReason.CAMERA_OFFLINE)]


def test_a_segment_listed_by_a_jumped_clock_never_leaves_the_next_one_ending_before_it_starts(
    rsite: SiteContext, clock: FakeClock, clip: Path
) -> None:
    # As the clock-jump test, but ffmpeg lists the segment holding the leapt frames before
    # the jump is seen: it is placed by the leapt clock, ending 10 s in the future.
    jumped = SessionScript([*steady(40), 51.0], then="hang", closes_open_segment=False)
    run = recorder(rsite, clock, clip, [jumped, SessionScript(steady(4))])
    run.recorder.run()
    first, second = run.opener.sessions
    assert first.segments[-1] == (40, 51)
    cat = run.catalog()
    assert all(s.start_us < s.end_us for s in cat.segments)
    leapt = cat.segments[len(first.segments) - 1]
    assert leapt.end_us == us(first.opened_us, 51)
    after = cat.segments[len(first.segments) :]
    # The next session keeps its own anchor; its first segment says it overlaps.
    assert [(s.start_us, s.end_us, s.flags) for s in after] == [
        (second.opened_us, us(second.opened_us, 2), "clock_overlap"),
        (us(second.opened_us, 2), us(second.opened_us, 4), ""),
    ]
    assert cat.gaps == []
    with rsite.sessions() as s:
        alarms = [(a.kind, a.severity) for a in s.scalars(select(Alarm))]
    assert ("clock_overlap", "major") in alarms
    assert verify(rsite).ok
