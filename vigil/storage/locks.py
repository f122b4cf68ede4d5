"""One recorder per home: two would race for the same staging files and chains."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from vigil.errors import ConflictError


class HomeLock:
    def __init__(self, home: Path):
        self.path = home / "record.lock"
        self._fd: int | None = None

    def __enter__(self) -> HomeLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ConflictError(
                f"another recorder is already running for {self.path.parent}", field="home"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(
        self, t: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
