"""Time as a seam: every part takes a `Clock` so tests move time instead of sleeping.

All wall-clock instants in Vigil are integer microseconds since the Unix epoch, UTC
(`*_us` names). Monotonic readings (`monotonic_s`) are only for measuring intervals.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Protocol

US_PER_S = 1_000_000
US_PER_HOUR = 3600 * US_PER_S
US_PER_DAY = 86_400 * US_PER_S

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)
#: No recording, playback or export can concern a time before this (2000-01-01T00:00Z).
EARLIEST_RECORDING_US = 946_684_800 * US_PER_S
#: Bounds of any instant typed in (listing periods, shifts, room entries): wide, but every
#: value inside is a date every part of Vigil can print (1970-01-01 to 2200-01-01).
EARLIEST_INSTANT_US = 0
LATEST_INSTANT_US = 7_258_118_400 * US_PER_S


class Clock(Protocol):
    def now_us(self) -> int: ...

    def monotonic_s(self) -> float: ...


class SystemClock:
    def now_us(self) -> int:
        return time.time_ns() // 1000

    def monotonic_s(self) -> float:
        return time.monotonic()


class FakeClock:
    """A clock that only moves when told to; thread-safe."""

    def __init__(self, start_us: int | None = None):
        self._now_us = start_us if start_us is not None else 1_767_225_600 * US_PER_S
        self._lock = threading.Lock()

    def now_us(self) -> int:
        with self._lock:
            return self._now_us

    def monotonic_s(self) -> float:
        with self._lock:
            return self._now_us / US_PER_S

    def advance(self, *, days: float = 0, seconds: float = 0) -> None:
        with self._lock:
            self._now_us += int(days * US_PER_DAY + seconds * US_PER_S)

    def set(self, now_us: int) -> None:
        with self._lock:
            self._now_us = now_us


def us_to_datetime(us: int) -> datetime:
    """Exact (no float rounding); OverflowError outside years 1 to 9999."""
    return _EPOCH + timedelta(microseconds=us)


def us_to_iso(us: int) -> str:
    """ISO 8601 UTC with millisecond precision, e.g. 2026-11-28T04:43:14.123Z.

    Never fails: a stored value no date can hold (years outside 1 to 9999; only a damaged
    or tampered row has one, since every input is range-checked) is shown as the raw
    number with a marker, `<253402318800000000 us: not a date>`, so that one bad row cannot
    make a listing unreadable."""
    try:
        when = us_to_datetime(us)
    except (OverflowError, ValueError, TypeError):
        return f"<{us} us: not a date>"
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{(us // 1000) % 1000:03d}Z"


def parse_recording_instant(text: str, *, field: str, now_us: int) -> int:
    """An instant of recorded time (playback, export, timeline): from 2000-01-01 to one day
    after `now_us` (the slack allows for a camera's or a client's clock running ahead)."""
    return parse_instant(
        text, field=field, earliest_us=EARLIEST_RECORDING_US, latest_us=now_us + US_PER_DAY
    )


def parse_instant(
    text: str,
    *,
    field: str,
    earliest_us: int = EARLIEST_INSTANT_US,
    latest_us: int = LATEST_INSTANT_US,
) -> int:
    """Parse an ISO 8601 instant (a naive one is read as UTC) into microseconds, refused
    (naming `field`) unless within [earliest_us, latest_us]."""
    from vigil.errors import ValidationError

    raw = text.strip()
    if raw.endswith("Z"):
        raw = raw[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(
            f"{text!r} is not an ISO 8601 date-time such as 2026-11-28T08:00:00Z", field=field
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    us = (value - _EPOCH) // _ONE_US
    if not earliest_us <= us <= latest_us:
        raise ValidationError(
            f"{text!r} is outside the accepted range, "
            f"{us_to_iso(earliest_us)} to {us_to_iso(latest_us)}",
            field=field,
        )
    return us


def parse_day(value: str | date, field: str) -> date:
    """A calendar date from `YYYY-MM-DD` (or a `date`); refused with the field named."""
    from vigil.errors import ValidationError

    if isinstance(value, datetime):
        raise ValidationError("must be a calendar date such as 2026-03-01", field=field)
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(
            f"{value!r} is not a calendar date such as 2026-03-01", field=field
        ) from None


def local_date(now_us: int, tz: tzinfo) -> date:
    """The calendar day in time zone `tz` (the unit's, `Settings.unit_tz`) at instant `now_us`."""
    return datetime.fromtimestamp(now_us / US_PER_S, tz=UTC).astimezone(tz).date()


def local_day_start_us(day: date, tz: tzinfo) -> int:
    """The instant the calendar day `day` of time zone `tz` begins."""
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()) * US_PER_S
