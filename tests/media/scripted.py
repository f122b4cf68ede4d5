"""A recording process that plays a script against a fake clock (Moonfire's file player).

It stands where ffmpeg stands, behind the recorder's `Opener`: each read is one tick of
`timeout_s` fake seconds, after which it reports the media time the script says, and
closes a segment (a real fMP4 clip copied into staging, listed in the session's CSV as
ffmpeg does) whenever media time passes a segment boundary. So the recorder, its state
machine, the real index and the real segment store run in milliseconds, and every instant
they record follows from the script.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vigil.clock import US_PER_S, FakeClock
from vigil.config import Settings
from vigil.media.ffmpeg import SessionFiles
from vigil.media.opener import Output

#: A recorder that never ends a session would loop for ever on a hung script.
MAX_TICKS = 10_000


class ScriptOverrun(BaseException):  # BaseException: the recorder catches Exception
    """The recorder kept a session going far past its script."""


def steady(seconds: int, *, from_s: float = 0.0) -> list[float | None]:
    """Media time of a camera that sends one second of media per tick."""
    return [from_s + i for i in range(1, seconds + 1)]


@dataclass
class SessionScript:
    #: Media time ffmpeg reports after each tick; None: it reports nothing that tick.
    media_s: list[float | None]
    #: After the script: ffmpeg exits by itself (the camera went away) or hangs silent.
    then: Literal["exit", "hang"] = "exit"
    #: Whether ffmpeg, when asked to finish, closes and lists the segment it has open.
    closes_open_segment: bool = True
    #: After this tick (1-based) no segment is listed any more: ffmpeg still holds it.
    lists_until_tick: int | None = None
    #: Called after the given tick (1-based) has been reported, e.g. to fill the disk.
    at_tick: dict[int, Callable[[], None]] = field(default_factory=dict)


@dataclass
class SessionLog:
    """What happened to one scripted session, in fake-clock microseconds."""

    opened_us: int
    finish_timeout_s: float | None = None
    finished_us: int | None = None
    segments: list[tuple[float, float]] = field(default_factory=list)


class ScriptedProcess:
    def __init__(
        self,
        script: SessionScript,
        files: SessionFiles,
        clock: FakeClock,
        clip: Path,
        segment_s: int,
        log: SessionLog,
    ):
        self._script, self._files, self._clock = script, files, clock
        self._clip, self._segment_s, self._log = clip, segment_s, log
        self._tick = 0
        self._open_start_s = 0.0
        self._last_media_s: float | None = None
        self._exit_code: int | None = None
        self._pending_log: list[str] = []

    def read(self, timeout_s: float) -> Output:
        out = Output(log=self._pending_log)
        self._pending_log = []
        self._tick += 1
        if self._tick > MAX_TICKS:
            raise ScriptOverrun(f"session read after {MAX_TICKS} ticks")
        if self._exit_code is not None:  # its pipes are at EOF: no wait
            return out
        self._clock.advance(seconds=timeout_s)  # a read waits until output or timeout
        if self._tick > len(self._script.media_s):
            if self._script.then == "exit":
                self._close_open_segment()
                self._exit_code = 1
                out.log.append("rtsp://camera: Connection reset by peer")
            return out
        media_s = self._script.media_s[self._tick - 1]
        if media_s is not None:
            holds = self._script.lists_until_tick
            if media_s >= self._open_start_s + self._segment_s and (
                holds is None or self._tick <= holds
            ):
                self._list_segment(self._open_start_s, media_s)
                self._open_start_s = media_s
            self._last_media_s = media_s
            out.progress += [f"out_time_us={round(media_s * US_PER_S)}", "progress=continue"]
        if hook := self._script.at_tick.get(self._tick):
            hook()
        return out

    def poll(self) -> int | None:
        return self._exit_code

    def finish(self, timeout_s: float) -> int:
        self._log.finish_timeout_s = timeout_s
        self._log.finished_us = self._clock.now_us()
        if self._exit_code is None:
            if self._script.closes_open_segment:
                self._close_open_segment()
            self._exit_code = 255  # ffmpeg's exit code after a SIGINT
        return self._exit_code

    def close(self) -> None:
        pass

    def _close_open_segment(self) -> None:
        if self._last_media_s is not None and self._last_media_s > self._open_start_s:
            self._list_segment(self._open_start_s, self._last_media_s)
            self._open_start_s = self._last_media_s

    def _list_segment(self, start_s: float, end_s: float) -> None:
        index = len(self._log.segments)
        name = f"{self._files.session_id}-{index:06d}.mp4.part"
        shutil.copyfile(self._clip, self._files.staging / name)
        with open(self._files.segment_list, "a", encoding="utf-8") as fh:
            fh.write(f"{name},{start_s:.6f},{end_s:.6f}\n")
        self._log.segments.append((start_s, end_s))


class ScriptedOpener:
    """Opens the scripted sessions in turn; once they are used up, stops the recorder."""

    def __init__(
        self, clock: FakeClock, clip: Path, sessions: list[SessionScript], stop: threading.Event
    ):
        self._clock, self._clip, self._stop = clock, clip, stop
        self._scripts = list(sessions)
        self.sessions: list[SessionLog] = []

    def __call__(self, url: str, files: SessionFiles, settings: Settings) -> ScriptedProcess:
        log = SessionLog(opened_us=self._clock.now_us())
        if len(self.sessions) >= len(self._scripts):
            self._stop.set()
            script = SessionScript([], then="exit")
        else:
            script = self._scripts[len(self.sessions)]
            self.sessions.append(log)
        return ScriptedProcess(script, files, self._clock, self._clip, settings.segment_s, log)


@dataclass
class FakeWait:
    """The recorder's wait between sessions: moves the fake clock instead of sleeping."""

    clock: FakeClock
    stop: threading.Event
    #: Called before each wait with its length, e.g. to see the recorder's state then.
    on_wait: Callable[[float], None] = lambda seconds: None
    waited_s: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> bool:
        self.on_wait(seconds)
        self.waited_s.append(seconds)
        self.clock.advance(seconds=seconds)
        return self.stop.is_set()
