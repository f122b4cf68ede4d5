"""Live view at no extra cost: follow the fragments ffmpeg is writing for the recorder.

The recorder's ffmpeg flushes each fragment into the open staging file as it closes, so
live viewers read those bytes (init segment, then each new `moof`+`mdat`) instead of
opening a second connection to the camera. Latency is one fragment (a GOP, 1–2 s at
most) plus the poll interval. The open file descriptor survives the recorder's rename
at commit, so the last fragment of each segment is never missed.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from vigil.storage.fmp4 import Fmp4Error, read_layout

_PART = re.compile(r"^\d+-\d+\.mp4\.part$")


def codec_string(init: bytes) -> str:
    """RFC 6381 codec string for MSE, from the avcC/hvcC box of an init segment."""
    i = init.find(b"avcC")
    if i >= 0 and len(init) >= i + 8:
        profile, compat, level = init[i + 5], init[i + 6], init[i + 7]
        return f"avc1.{profile:02X}{compat:02X}{level:02X}"
    if init.find(b"hvcC") >= 0:
        return "hvc1.1.6.L93.B0"
    return "avc1.42E01E"


@dataclass
class LiveTail:
    """Yields the init segment and then every new whole fragment of one camera."""

    staging: Path
    _fd: int | None = None
    _name: str = ""
    _sent_until: int = 0
    _init: bytes = b""
    codec: str = ""
    chunks_sent: int = field(default=0)
    _joining: bool = True
    #: `poll` runs in a worker thread; a socket that ends must not close the descriptor
    #: under a poll still reading it (the number could be reused by another open).
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def _newest(self) -> str | None:
        try:
            names = sorted(n for n in os.listdir(self.staging) if _PART.match(n))
        except FileNotFoundError:
            return None
        return names[-1] if names else None

    def _read_new(self) -> list[bytes]:
        if self._fd is None:
            return []
        try:
            layout = read_layout(f"/proc/self/fd/{self._fd}")
        except Fmp4Error:
            return []  # the file has no init yet: ffmpeg has only just opened it
        out: list[bytes] = []
        if self._sent_until == 0:
            init = os.pread(self._fd, layout.init_size, 0)
            self.codec = codec_string(init)
            self._init = init
            out.append(init)
            self._sent_until = layout.init_size
            if self._joining and layout.fragments:
                # A viewer joins at the newest fragment, not at the segment's beginning.
                self._sent_until = layout.fragments[-1].offset
            self._joining = False
        for frag in layout.fragments:
            if frag.offset >= self._sent_until:
                out.append(os.pread(self._fd, frag.size, frag.offset))
                self._sent_until = frag.offset + frag.size
        self.chunks_sent += len(out)
        return out

    def poll(self) -> list[bytes]:
        """New chunks since the last call (the first is the init segment)."""
        with self._lock:
            return self._poll()

    def _poll(self) -> list[bytes]:
        chunks = self._read_new()
        newest = self._newest()
        if newest is not None and newest != self._name:
            if self._fd is not None:
                chunks += self._read_new()  # the old file's last fragment
                self._close()
            try:
                self._fd = os.open(self.staging / newest, os.O_RDONLY)
            except FileNotFoundError:
                return chunks
            self._name = newest
            # Each segment starts with its own init segment; MSE accepts a fresh one and,
            # in "sequence" mode, keeps the timeline going across the segment boundary.
            self._sent_until = 0
            chunks += self._read_new()
        return chunks
