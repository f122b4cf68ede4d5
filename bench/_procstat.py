"""/proc readers for the benchmarks (Linux only): CPU ticks, PSS, machine load, and
`measure`, which turns them into the figures of one recorder over a window."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean
from typing import NamedTuple

CLK_TCK = os.sysconf("SC_CLK_TCK")
MEM_EVERY_S = 10.0


def _stat(pid: int) -> list[str] | None:
    """Fields 3.. of /proc/PID/stat (state, ppid, ...), or None if the process is gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return data[data.rindex(")") + 2 :].split()  # comm may hold spaces and parentheses


def own_ticks(pid: int) -> int:
    """utime + stime of all threads of pid (0 if gone)."""
    f = _stat(pid)
    return 0 if f is None else int(f[11]) + int(f[12])


def tree_ticks(pid: int) -> int:
    """utime + stime + cutime + cstime: the process and the children it already reaped."""
    f = _stat(pid)
    return 0 if f is None else sum(int(x) for x in f[11:15])


def children(ppid: int) -> list[int]:
    """Live direct children of ppid (scans /proc, so also children in another session)."""
    out = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            f = _stat(int(entry.name))
            if f is not None and f[1] == str(ppid) and f[0] != "Z":
                out.append(int(entry.name))
    return sorted(out)


def memory_kb(pid: int) -> tuple[int, int]:
    """(PSS, RSS) in kB from /proc/PID/smaps_rollup; (0, 0) if the process is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return pss, rss


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies summed over all CPUs since boot; idle and iowait count as idle."""
    with open("/proc/stat") as fh:
        fields = [int(x) for x in fh.readline().split()[1:9]]
    total = sum(fields)  # user nice system idle iowait irq softirq steal (guest is in user)
    return total - fields[3] - fields[4], total


def cpu_model() -> str:
    with open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown"


def mem_total_gib() -> float:
    with open("/proc/meminfo") as fh:
        return int(fh.readline().split()[1]) / (1 << 20)


def alive(pid: int) -> bool:
    """True while pid runs (a zombie, exited but not yet reaped, is not alive)."""
    f = _stat(pid)
    return f is not None and f[0] != "Z"


@dataclass
class Phase:
    """One recorder over the measured window. CPU in % of one core, memory in MB."""

    recorder: str
    streams: int
    window_s: float
    t0_us: int
    t1_us: int
    cpu_pct: float  # all recorder processes together
    cpu_python_pct: float  # 0 for the baseline
    cpu_ffmpeg_avg_pct: float
    ffmpeg_live_end: int
    ffmpeg_pids_seen: int
    pss_mb: float  # all recorder processes together, mean of the samples
    pss_python_mb: float
    rss_python_mb: float
    pss_ffmpeg_avg_mb: float
    rss_ffmpeg_avg_mb: float
    server_cpu_pct: float
    machine_busy_pct: float  # of nproc x 100 %


class Snap(NamedTuple):
    mono: float
    wall_us: int
    recorder: int  # ticks: python with its reaped children, plus each live ffmpeg
    python: int
    server: int
    machine: tuple[int, int]


def snap(py_pid: int, ff: list[int], server_pid: int) -> Snap:
    ticks = tree_ticks(py_pid) + sum(tree_ticks(p) for p in ff)
    return Snap(time.monotonic(), time.time_ns() // 1000, ticks, own_ticks(py_pid),
                own_ticks(server_pid), machine_ticks())  # fmt: skip


def measure(recorder: str, n: int, seconds: float, py_pid: int,
            ff_pids: Callable[[], list[int]], server_pid: int) -> Phase:  # fmt: skip
    """CPU deltas over `seconds` and PSS samples of python (pid 0: none) + ffmpeg processes.

    An ffmpeg that exits mid-window (a reconnect) still counts: its ticks move into
    python's cutime when reaped, and python's cutime is part of the recorder's ticks.
    """
    seen: set[int] = set()
    mem: list[tuple[tuple[int, int], list[tuple[int, int]]]] = []  # (python, [ffmpeg]) samples

    def ff() -> list[int]:
        pids = ff_pids()
        seen.update(pids)
        return pids

    a = snap(py_pid, ff(), server_pid)
    while (left := a.mono + seconds - time.monotonic()) > 0:
        time.sleep(min(left, MEM_EVERY_S))
        if left > MEM_EVERY_S + 1 or a.mono + seconds <= time.monotonic():
            mem.append((memory_kb(py_pid), [memory_kb(p) for p in ff()]))
    live = ff()
    b = snap(py_pid, live, server_pid)
    elapsed = b.mono - a.mono

    def pct(ticks: int) -> float:
        return 100.0 * ticks / CLK_TCK / elapsed

    ff_mem = [m for _, f in mem for m in f] or [(0, 0)]
    busy, total = (y - x for x, y in zip(a.machine, b.machine, strict=True))
    return Phase(
        recorder=recorder,
        streams=n,
        window_s=round(elapsed, 3),
        t0_us=a.wall_us,
        t1_us=b.wall_us,
        cpu_pct=pct(b.recorder - a.recorder),
        cpu_python_pct=pct(b.python - a.python),
        cpu_ffmpeg_avg_pct=pct(b.recorder - a.recorder - b.python + a.python) / max(1, len(live)),
        ffmpeg_live_end=len(live),
        ffmpeg_pids_seen=len(seen),
        pss_mb=fmean(p[0] + sum(x for x, _ in f) for p, f in mem) / 1024,
        pss_python_mb=fmean(p[0] for p, _ in mem) / 1024,
        rss_python_mb=fmean(p[1] for p, _ in mem) / 1024,
        pss_ffmpeg_avg_mb=fmean(p for p, _ in ff_mem) / 1024,
        rss_ffmpeg_avg_mb=fmean(r for _, r in ff_mem) / 1024,
        server_cpu_pct=pct(b.server - a.server),
        machine_busy_pct=100.0 * (os.cpu_count() or 1) * busy / total,
    )
