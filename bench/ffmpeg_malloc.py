"""Memory against CPU of Vigil's recording ffmpeg under different malloc settings.

Run by hand (never by the test suite; nothing here asserts timing):

    .venv/bin/python bench/ffmpeg_malloc.py --per-group 8 --seconds 60

Every group runs Vigil's own ffmpeg command (`vigil.media.ffmpeg.record_command`) against
the same RTSP server at the same time, started interleaved, so that all groups see the
same machine load; only the malloc environment differs. Method: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import fmean

import _procstat as ps
from rich.console import Console
from rich.table import Table

from vigil.config import Settings
from vigil.media.ffmpeg import SessionFiles, child_env, record_command
from vigil.media.simulated import MountSpec, SimulatedCameraServer, make_test_clip

CACHE = Path(__file__).resolve().parent / ".cache"
CLIP = CACHE / "clip-1920x1080-30fps-gop60-4000k-10s.ts"  # the one bench/record.py loops
#: group -> GLIBC_TUNABLES (None: glibc's defaults). "vigil" is what `vigil record` sets.
GROUPS: dict[str, str | None] = {
    "glibc default": None,
    "vigil (trim 128 KiB)": child_env(
        {}, malloc_trim_bytes=Settings().ffmpeg_malloc_trim_bytes
    ).get("GLIBC_TUNABLES"),
    "trim + mmap 256 KiB": "glibc.malloc.trim_threshold=262144:glibc.malloc.mmap_threshold=262144",
    "trim + mmap 512 KiB": "glibc.malloc.trim_threshold=262144:glibc.malloc.mmap_threshold=524288",
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--per-group", type=int, default=8, help="ffmpeg processes per group")
    p.add_argument("--seconds", type=float, default=60.0, help="measured window")
    p.add_argument("--warmup", type=float, default=10.0)
    p.add_argument("--json", type=Path, help="write the figures here")
    p.add_argument("--tunables", action="append", metavar="GLIBC_TUNABLES",
                   help="an extra group with this GLIBC_TUNABLES value (repeatable)")  # fmt: skip
    args = p.parse_args()
    for extra in args.tunables or []:
        GROUPS[extra] = extra
    console = Console(width=None if sys.stdout.isatty() else 160)
    make_test_clip(CLIP, width=1920, height=1080, fps=30, gop=60, bitrate_kbps=4000, seconds=10)
    s = Settings()
    names = [f"g{g}-{i}" for i in range(args.per_group) for g in range(len(GROUPS))]
    mounts = [MountSpec(n, kind="file", path=str(CLIP)) for n in names]
    procs: dict[str, subprocess.Popen[bytes]] = {}
    with tempfile.TemporaryDirectory(prefix="vigil-malloc-") as d, SimulatedCameraServer(
        mounts
    ) as server:
        try:
            for name in names:
                staging = Path(d) / name
                staging.mkdir()
                cmd = record_command(server.url(name), SessionFiles(staging, "s"),
                                     segment_s=s.segment_s, fragment_ms=s.fragment_ms,
                                     stall_timeout_s=s.stall_timeout_s)  # fmt: skip
                env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
                tunables = list(GROUPS.values())[int(name[1 : name.index("-")])]
                if tunables:
                    env["GLIBC_TUNABLES"] = tunables
                procs[name] = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                               stdout=subprocess.DEVNULL,
                                               stderr=subprocess.DEVNULL, env=env)  # fmt: skip
            console.print(f"{len(procs)} ffmpeg processes; warm-up {args.warmup:.0f} s")
            time.sleep(args.warmup)
            t0 = {n: ps.own_ticks(pr.pid) for n, pr in procs.items()}
            start = time.monotonic()
            pss: dict[str, list[int]] = {n: [] for n in procs}
            while (left := args.seconds - (time.monotonic() - start)) > 0:
                time.sleep(min(ps.MEM_EVERY_S, left))
                for n, pr in procs.items():
                    pss[n].append(ps.memory_kb(pr.pid)[0])
            window_s = time.monotonic() - start
            t1 = {n: ps.own_ticks(pr.pid) for n, pr in procs.items()}
            dead = [n for n, pr in procs.items() if pr.poll() is not None]
        finally:
            for pr in procs.values():
                pr.send_signal(signal.SIGINT)
            for pr in procs.values():
                try:
                    pr.wait(15)
                except subprocess.TimeoutExpired:
                    pr.kill()
    table = Table(title=f"{args.per_group} × Vigil's ffmpeg per group, {window_s:.0f} s window")
    for col in ("group", "GLIBC_TUNABLES", "CPU % per process", "min–max", "PSS MB"):
        table.add_column(col)
    figures = []
    for g, (label, tunables) in enumerate(GROUPS.items()):
        members = [n for n in procs if n.startswith(f"g{g}-")]
        cpu = [100 * (t1[n] - t0[n]) / ps.CLK_TCK / window_s for n in members]
        mem = [fmean(pss[n]) / 1024 for n in members]
        figures.append({"group": label, "tunables": tunables, "cpu_pct": fmean(cpu),
                        "cpu_min": min(cpu), "cpu_max": max(cpu),
                        "pss_mb": fmean(mem)})  # fmt: skip
        table.add_row(label, tunables or "-", f"{fmean(cpu):.3f}",
                      f"{min(cpu):.2f}–{max(cpu):.2f}", f"{fmean(mem):.2f}")  # fmt: skip
    console.print(table)
    if dead:
        console.print(f"[red]exited during the window[/red]: {', '.join(dead)}")
    if args.json:
        args.json.write_text(json.dumps({"window_s": window_s, "groups": figures}, indent=2))
    sys.exit(1 if dead else 0)


if __name__ == "__main__":
    main()
