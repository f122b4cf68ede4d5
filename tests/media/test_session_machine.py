"""The recording session's decisions at their boundaries, fed lines and instants only."""

from __future__ import annotations

import pytest

from vigil.clock import US_PER_S
from vigil.db.states import GapReason
from vigil.media.session_machine import (
    ANCHOR_REWRITE_US,
    STALL_GRACE_S,
    TOUCH_TOLERANCE_US,
    Placement,
    SessionMachine,
    place_segment,
)

T0_US = 1_767_225_600 * US_PER_S


def report(m: SessionMachine, *, host_us: int, media_us: int | str) -> None:
    m.feed(f"out_time_us={media_us}", now_us=host_us, mono_s=host_us / US_PER_S)
    m.feed("progress=continue", now_us=host_us, mono_s=host_us / US_PER_S)


def check(m: SessionMachine, at_us: int, *, stop: bool = False, allowed: bool = True) -> object:
    return m.check_stop(mono_s=at_us / US_PER_S, stop_requested=stop, recording_allowed=allowed)


def test_stall_is_declared_only_past_the_timeout_plus_grace() -> None:
    m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
    report(m, host_us=T0_US + US_PER_S, media_us=US_PER_S)
    limit_us = T0_US + US_PER_S + round((4.0 + STALL_GRACE_S) * US_PER_S)
    assert check(m, limit_us) is None
    assert check(m, limit_us + 1) == GapReason.CAMERA_STALLED
    assert m.end_reason == GapReason.CAMERA_STALLED


def test_reports_before_the_first_frame_are_no_sign_of_life() -> None:
    m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
    for i, media in enumerate(["N/A", 0, "-5"], start=1):
        report(m, host_us=T0_US + i * US_PER_S, media_us=media)
    assert m.estimator.anchor_us is None
    assert m.progress().write_anchor_us is None
    assert check(m, T0_US + round(9.0 * US_PER_S) + 1) == GapReason.CAMERA_STALLED


def test_stop_reasons_in_order_of_precedence() -> None:
    def fresh() -> SessionMachine:
        m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
        for i in range(1, 41):
            report(m, host_us=T0_US + i * US_PER_S, media_us=i * US_PER_S)
        report(m, host_us=T0_US + 41 * US_PER_S, media_us=51 * US_PER_S)  # a 10 s leap
        return m

    late_us = T0_US + 100 * US_PER_S  # also long silent
    assert check(fresh(), late_us, stop=True, allowed=False) == GapReason.RECORDER_DOWN
    assert check(fresh(), late_us, allowed=False) == GapReason.DISK_FULL
    assert check(fresh(), late_us) == GapReason.CLOCK_JUMP
    m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
    assert check(m, late_us) == GapReason.CAMERA_STALLED
    assert SessionMachine(stall_timeout_s=4.0, opened_mono_s=0).end_reason == (
        GapReason.CAMERA_OFFLINE
    ), "a session nobody ended was ended by the camera"


def test_drift_within_bounds_is_not_a_clock_jump() -> None:
    m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
    for i in range(1, 41):
        report(m, host_us=T0_US + i * US_PER_S, media_us=i * US_PER_S)
    report(m, host_us=T0_US + 41 * US_PER_S, media_us=43 * US_PER_S)  # 2 s ahead: the limit
    assert check(m, T0_US + 41 * US_PER_S) is None
    report(m, host_us=T0_US + 42 * US_PER_S, media_us=44 * US_PER_S + 1)
    assert check(m, T0_US + 42 * US_PER_S) == GapReason.CLOCK_JUMP


def test_the_anchor_is_written_once_then_only_when_it_moves_beyond_the_threshold() -> None:
    m = SessionMachine(stall_timeout_s=4.0, opened_mono_s=T0_US / US_PER_S)
    report(m, host_us=T0_US + US_PER_S, media_us=US_PER_S)
    first = m.progress()
    assert (first.write_anchor_us, first.started_recording) == (T0_US, True)
    assert m.progress().write_anchor_us is None
    # A smaller offset early in the session is a better anchor.
    report(m, host_us=T0_US + 2 * US_PER_S, media_us=2 * US_PER_S + ANCHOR_REWRITE_US)
    assert m.progress().write_anchor_us is None, "moved by exactly the threshold"
    report(m, host_us=T0_US + 3 * US_PER_S, media_us=3 * US_PER_S + ANCHOR_REWRITE_US + 1)
    again = m.progress()
    assert again.write_anchor_us == T0_US - ANCHOR_REWRITE_US - 1
    assert not again.started_recording
    assert m.wall_bounds(2.0, 4.0) == (again.write_anchor_us + 2 * US_PER_S,
                                       again.write_anchor_us + 4 * US_PER_S)  # fmt: skip


@pytest.mark.parametrize(
    ("start_offset_us", "expected"),
    [
        (TOUCH_TOLERANCE_US, Placement(T0_US, T0_US + 9 * US_PER_S)),
        (-TOUCH_TOLERANCE_US, Placement(T0_US, T0_US + 9 * US_PER_S)),
        (
            TOUCH_TOLERANCE_US + 1,
            Placement(
                T0_US + TOUCH_TOLERANCE_US + 1,
                T0_US + 9 * US_PER_S,
                gap=(T0_US, T0_US + TOUCH_TOLERANCE_US + 1, GapReason.DISK_FULL),
            ),
        ),
        (
            -TOUCH_TOLERANCE_US - 1,
            Placement(T0_US, T0_US + 9 * US_PER_S, flags="overlap_trimmed"),
        ),
    ],
)
def test_place_segment_touches_trims_or_leaves_a_gap(
    start_offset_us: int, expected: Placement
) -> None:
    placed = place_segment(
        last_end_us=T0_US,
        start_us=T0_US + start_offset_us,
        end_us=T0_US + 9 * US_PER_S,
        pending_reason=GapReason.DISK_FULL,
    )
    assert placed == expected


def test_the_first_segment_ever_has_no_gap_before_it() -> None:
    placed = place_segment(
        last_end_us=None, start_us=T0_US, end_us=T0_US + 1, pending_reason=GapReason.RECORDER_DOWN
    )
    assert placed == Placement(T0_US, T0_US + 1)
