"""The environment each recording ffmpeg runs with (docs/performance.md, memory against CPU)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from vigil.config import load_settings
from vigil.errors import ValidationError
from vigil.media import ffmpeg

TRIM = "glibc.malloc.trim_threshold=131072"


def test_trim_tunable_is_added_to_what_the_operator_set() -> None:
    base = {"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}
    env = ffmpeg.child_env(base, malloc_trim_bytes=131072)
    assert env["PATH"] == "/bin"
    assert env["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{TRIM}"
    assert ffmpeg.child_env({}, malloc_trim_bytes=131072)["GLIBC_TUNABLES"] == TRIM


def test_an_operators_own_trim_threshold_wins() -> None:
    own = "glibc.malloc.trim_threshold=1048576"
    env = ffmpeg.child_env({"GLIBC_TUNABLES": own}, malloc_trim_bytes=131072)
    assert env["GLIBC_TUNABLES"] == own


def test_zero_leaves_glibcs_defaults() -> None:
    assert "GLIBC_TUNABLES" not in ffmpeg.child_env({"PATH": "/bin"}, malloc_trim_bytes=0)
    kept = {"GLIBC_TUNABLES": "glibc.malloc.arena_max=2"}
    assert ffmpeg.child_env(kept, malloc_trim_bytes=0) == kept


def test_the_setting_defaults_to_the_measured_threshold_and_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(tmp_path).ffmpeg_malloc_trim_bytes == 131072
    monkeypatch.setenv("VIGIL_FFMPEG_MALLOC_TRIM_BYTES", "0")
    assert load_settings(tmp_path).ffmpeg_malloc_trim_bytes == 0
    monkeypatch.setenv("VIGIL_FFMPEG_MALLOC_TRIM_BYTES", "-1")
    with pytest.raises(ValidationError) as err:
        load_settings(tmp_path)
    assert err.value.field == "ffmpeg_malloc_trim_bytes"


def _child_tunables(proc_pid: int) -> list[bytes]:
    deadline = time.monotonic() + 10
    while Path(f"/proc/{proc_pid}/comm").read_text().strip() != "sleep":
        assert time.monotonic() < deadline, "the child never exec'd"
        time.sleep(0.02)
    entries = Path(f"/proc/{proc_pid}/environ").read_bytes().split(b"\0")
    return [e for e in entries if e.startswith(b"GLIBC_TUNABLES=")]


def test_a_spawned_child_runs_with_the_tunable() -> None:
    proc = ffmpeg.spawn(["sleep", "30"], malloc_trim_bytes=131072)
    try:
        tunables = _child_tunables(proc.pid)
        assert len(tunables) == 1
        assert TRIM.encode() in tunables[0]
    finally:
        proc.kill()
        proc.wait(10)
