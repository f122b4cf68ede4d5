"""The environment each recording ffmpeg runs with (docs/performance.md, memory per stream)."""

from __future__ import annotations

import time
from pathlib import Path

from vigil.media import ffmpeg


def test_trim_tunable_is_added_to_what_the_operator_set() -> None:
    env = ffmpeg.child_env({"PATH": "/bin", "GLIBC_TUNABLES": "glibc.malloc.arena_max=2"})
    assert env["PATH"] == "/bin"
    assert env["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{ffmpeg.MALLOC_TRIM_TUNABLE}"
    assert ffmpeg.child_env({})["GLIBC_TUNABLES"] == ffmpeg.MALLOC_TRIM_TUNABLE


def test_an_operators_own_trim_threshold_wins() -> None:
    own = "glibc.malloc.trim_threshold=1048576"
    assert ffmpeg.child_env({"GLIBC_TUNABLES": own})["GLIBC_TUNABLES"] == own


def test_a_spawned_child_runs_with_the_tunable() -> None:
    proc = ffmpeg.spawn(["sleep", "30"])
    try:
        environ = Path(f"/proc/{proc.pid}/environ")
        deadline = time.monotonic() + 10
        while Path(f"/proc/{proc.pid}/comm").read_text().strip() != "sleep":
            assert time.monotonic() < deadline, "the child never exec'd"
            time.sleep(0.02)
        entries = environ.read_bytes().split(b"\0")
        tunables = [e for e in entries if e.startswith(b"GLIBC_TUNABLES=")]
        assert len(tunables) == 1
        assert ffmpeg.MALLOC_TRIM_TUNABLE.encode() in tunables[0]
    finally:
        proc.kill()
        proc.wait(10)
