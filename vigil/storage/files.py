"""Durable file operations; the only place in Vigil that unlinks a recorded segment."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from vigil.regulation.retention import PROTECTION_ARTICLE, is_past_retention


class RetentionViolation(RuntimeError):
    """Raised when code tries to delete material still inside retention (a bug, never input)."""


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_read_only(path: Path) -> None:
    """Read-only, and for the owner alone (recordings are personal data)."""
    os.chmod(path, stat.S_IRUSR)


def durable_rename(src: Path, dst: Path) -> None:
    """Rename and fsync both directories, so the new name survives a power cut."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    if dst.exists():
        raise FileExistsError(f"refusing to overwrite {dst}")
    os.rename(src, dst)
    fsync_dir(dst.parent)
    if src.parent != dst.parent:
        fsync_dir(src.parent)


def write_durably(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


def delete_expired_segment(
    path: Path, *, segment_end_us: int, retention_days: int, now_us: int
) -> bool:
    """Unlink a segment file whose retention is over. Returns False if it was already gone.

    The age check is repeated here, at the last step, so that no caller — whatever it
    computed — can remove material inside retention (A18(2)).
    """
    if not is_past_retention(segment_end_us, retention_days, now_us):
        raise RetentionViolation(
            f"{path} is inside its {retention_days}-day retention; deleting it is forbidden "
            f"({PROTECTION_ARTICLE})"
        )
    try:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
        path.unlink()
    except FileNotFoundError:
        return False
    fsync_dir(path.parent)
    return True
