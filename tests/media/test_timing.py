"""The anchor estimator: wall time = anchor + media time; drift measured, jumps caught."""

from __future__ import annotations

from vigil.media.timing import MAX_DRIFT_US, AnchorEstimator

S = 1_000_000


def test_anchor_is_the_least_delayed_sample() -> None:
    est = AnchorEstimator()
    anchor = 1_700_000_000 * S
    for i, delay in enumerate([300_000, 120_000, 80_000, 95_000, 200_000]):
        media = i * S
        est.add(anchor + media + delay, media)
    assert est.anchor_us == anchor + 80_000
    assert not est.is_absurd()


def test_drift_is_measured_not_absorbed() -> None:
    est = AnchorEstimator()
    anchor = 10 * S
    # The camera's clock runs 100 ppm slow: media time falls behind host time.
    for sec in range(0, 600, 1):
        host = anchor + sec * S
        media = round(sec * S * (1 - 100e-6))
        est.add(host, media)
    assert est.anchor_us == anchor
    drift = est.drift_us()
    assert drift is not None and 55_000 <= drift <= 60_000
    ppm = est.drift_ppm()
    assert ppm is not None and 90 <= ppm <= 100
    assert not est.is_absurd()


def test_clock_jump_is_absurd() -> None:
    est = AnchorEstimator()
    for sec in range(40):
        est.add(sec * S, sec * S)
    est.add(41 * S, 41 * S + MAX_DRIFT_US + 1)  # media leaps ahead of the host
    assert est.is_absurd()


def test_no_verdict_without_samples() -> None:
    est = AnchorEstimator()
    assert est.anchor_us is None and est.drift_us() is None and not est.is_absurd()
