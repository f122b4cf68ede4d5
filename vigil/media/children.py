"""Child processes that die with us: no ffmpeg or camera server outlives its parent.

The kernel's parent-death signal (PR_SET_PDEATHSIG) is set by util-linux's `setpriv`,
which then execs the real program. A `preexec_fn` could do the same, but it runs Python
between fork and exec, which is unsafe in a threaded program (CPython warns, and a lock
held by another thread at fork time can deadlock the child).
"""

from __future__ import annotations

import shutil
import sys


def die_with_parent(cmd: list[str], signal_name: str = "KILL") -> list[str]:
    """`cmd` prefixed so that the child gets SIG`signal_name` when our process dies, even
    by SIGKILL; `cmd` unchanged where setpriv is missing (not Linux). A recorder thread
    that merely ends stops its own ffmpeg first (`ffmpeg.finish`)."""
    setpriv = shutil.which("setpriv") if sys.platform.startswith("linux") else None
    if setpriv is None:
        return cmd
    return [setpriv, "--pdeathsig", signal_name, "--", *cmd]
