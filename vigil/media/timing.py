"""Wall-clock time for recorded media (docs/design/time.md).

ffmpeg reports, while it records, how far the output has got in media time
(`out_time_us`). Each report read at host time `h` gives a sample `h - media`; the
smallest sample is the best estimate of the wall-clock instant of media time zero (the
"anchor"): every other sample is that plus network, decoding and pipe delay.

A frame's wall time is `anchor + media time`. Drift between the camera's media clock
and the host clock shows up as a trend in the samples; it is measured and reported
(`drift_ppm`), never silently absorbed. Media time that runs far faster or slower than
host time is "absurd" (a camera resetting its clock, a jump): the session is ended and
a new anchor taken, so bad timestamps never spread across the timeline.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Moonfire NVR bounds its correction at 500 ppm; anything beyond that is not drift.
MAX_PLAUSIBLE_DRIFT_PPM = 500
#: Media and host clocks further apart than this mean a jump, not drift.
MAX_DRIFT_US = 2_000_000
_WINDOW_S = 30.0


@dataclass
class AnchorEstimator:
    """Feeds on (host_us, media_us) progress samples of one recording session."""

    anchor_us: int | None = None
    first_host_us: int | None = None
    first_media_us: int | None = None
    last_host_us: int | None = None
    last_media_us: int | None = None
    _window: list[tuple[int, int]] = field(default_factory=list)
    late_min_offset_us: int | None = None

    def add(self, host_us: int, media_us: int) -> None:
        offset = host_us - media_us
        early = self.first_host_us is None or host_us - self.first_host_us < _WINDOW_S * 1e6
        if early and (self.anchor_us is None or offset < self.anchor_us):
            # Early in a session a smaller offset is a better estimate of the anchor; later,
            # a smaller offset is drift, which is measured below, not absorbed.
            self.anchor_us = offset
        if self.first_host_us is None:
            self.first_host_us, self.first_media_us = host_us, media_us
        self.last_host_us, self.last_media_us = host_us, media_us
        self._window.append((host_us, offset))
        cutoff = host_us - int(_WINDOW_S * 1e6)
        while self._window and self._window[0][0] < cutoff:
            self._window.pop(0)
        self.late_min_offset_us = min(o for _, o in self._window)

    def drift_us(self) -> int | None:
        """How far the media clock has fallen behind (+) or run ahead (-) of the host."""
        if self.anchor_us is None or self.late_min_offset_us is None:
            return None
        return self.late_min_offset_us - self.anchor_us

    def drift_ppm(self) -> int | None:
        drift = self.drift_us()
        if drift is None or self.first_host_us is None or self.last_host_us is None:
            return None
        elapsed = self.last_host_us - self.first_host_us
        if elapsed < 60 * 1_000_000:
            return None
        return round(drift * 1_000_000 / elapsed)

    def is_absurd(self) -> bool:
        """Media and host clocks disagree by more than any real drift could explain.

        Seen when a camera resets or jumps its clock. The recorder then ends the session
        and takes a new anchor, so the jump never smears across the timeline.
        """
        drift = self.drift_us()
        return drift is not None and abs(drift) > MAX_DRIFT_US
