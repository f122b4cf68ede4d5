"""Children tied to their parent: the kernel signals them when our process dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from vigil.media.children import die_with_parent

_PARENT = """
import subprocess, sys
from vigil.media.children import die_with_parent
child = subprocess.Popen(die_with_parent(["sleep", "60"], sys.argv[1]))
print(child.pid, flush=True)
sys.stdin.read()  # until the test kills us
"""


def _wait_for_exec(pid: int, comm: str) -> None:
    """setpriv arms the parent-death signal and then execs; kill the parent before that and
    no signal is armed, so wait until the child runs the real program."""
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}/comm").read_text().strip() != comm:
        assert time.monotonic() < deadline, "the child never started its program"
        time.sleep(0.01)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie has died already
        return f.read().split(") ", 1)[1][0] != "Z"


@pytest.mark.parametrize("name", ["KILL", "TERM"])
def test_child_dies_when_its_parent_is_killed(name: str) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, name], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert parent.stdout is not None
    child_pid = int(parent.stdout.readline())
    _wait_for_exec(child_pid, "sleep")
    assert _alive(child_pid)
    parent.send_signal(signal.SIGKILL)  # no cleanup code of ours runs
    parent.wait(10)
    deadline = time.monotonic() + 10
    while _alive(child_pid):
        assert time.monotonic() < deadline, "the child outlived its parent"
        time.sleep(0.05)


def test_the_command_runs_unchanged_after_the_prefix() -> None:
    out = subprocess.run(die_with_parent(["echo", "a b"]), capture_output=True, check=True)
    assert out.stdout == b"a b\n"
