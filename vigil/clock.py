"""Time as a seam: every part takes a `Clock` so tests move time instead of sleeping.

All wall-clock instants in Vigil are integer microseconds since the Unix epoch, UTC
(`*_us` names). Monotonic readings (`monotonic_s`) are only for measuring intervals.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, tzinfo
from typing import Protocol

US_PER_S = 1_000_000
US_PER_HOUR = 3600 * US_PER_S
US_PER_DAY = 86_400 * US_PER_S


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
    return datetime.fromtimestamp(us / US_PER_S, tz=UTC)


def us_to_iso(us: int) -> str:
    """ISO 8601 UTC with millisecond precision, e.g. 2026-11-28T04:43:14.123Z."""
    return us_to_datetime(us).strftime("%Y-%m-%dT%H:%M:%S.") + f"{(us // 1000) % 1000:03d}Z"


def parse_instant(text: str, *, field: str) -> int:
    """Parse an ISO 8601 instant (a naive one is read as UTC) into microseconds."""
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
    return int(value.timestamp() * US_PER_S)


def local_date(now_us: int, tz: tzinfo) -> date:
    """The calendar day in time zone `tz` (the unit's, `Settings.unit_tz`) at instant `now_us`."""
    return datetime.fromtimestamp(now_us / US_PER_S, tz=UTC).astimezone(tz).date()


def local_day_start_us(day: date, tz: tzinfo) -> int:
    """The instant the calendar day `day` of time zone `tz` begins."""
    return int(datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()) * US_PER_S
