"""Recording cost of Vigil against plain `ffmpeg -c copy -f segment`, N simulated cameras.

Run by hand (never by the test suite; nothing here asserts timing):

    .venv/bin/python bench/record.py --streams 32 --streams 64 --seconds 60 --json out.json

Method and what each figure means: bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import _procstat as ps
from _procstat import Phase, measure
from rich.console import Console
from rich.table import Table

from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.media.simulated import MountSpec, SimulatedCameraServer, make_test_clip
from vigil.storage.catalog import catalog

CACHE = Path(__file__).resolve().parent / ".cache"
FFMPEG_QUIET = ["-hide_banner", "-nostdin", "-nostats", "-loglevel", "warning"]
console = Console(width=None if sys.stdout.isatty() else 110)
_procs: list[subprocess.Popen[bytes]] = []  # everything we started; stopped on any exit


def log(msg: str) -> None:
    console.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {msg}", highlight=False)


def spawn(cmd: list[str], out: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    with out.open("ab") as fh:  # own session: a Ctrl-C reaches only us; we stop them in order
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=fh, stderr=subprocess.STDOUT, env=env,
            start_new_session=True,
        )  # fmt: skip
    _procs.append(proc)
    return proc


def stop(proc: subprocess.Popen[bytes], sig: int, timeout_s: float) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def stop_all() -> None:
    while _procs:
        stop(_procs.pop(), signal.SIGTERM, 60)


def run_vigil(tmp: Path, names: list[str], server: SimulatedCameraServer,
              args: argparse.Namespace) -> Phase:  # fmt: skip
    home = tmp / "vigil-home"
    ctx = SiteContext.init(home, settings={"segment_s": args.segment_s})
    registry = CameraRegistry(ctx)
    for name in names:
        registry.add(name, server.url(name))
    ctx.close()
    env = {**os.environ, "VIGIL_HOME": str(home), "VIGIL_MIN_FREE_BYTES": "0"}
    cmd = [sys.executable, "-m", "vigil.cli.main", "record", "--quiet"]
    proc = spawn(cmd, tmp / "vigil-record.out", env)
    log(f"vigil record pid {proc.pid}; warm-up {args.warmup:.0f} s")
    deadline = time.monotonic() + 60
    while len(ps.children(proc.pid)) < len(names) and time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    else:
        time.sleep(args.warmup)
    if proc.poll() is not None:
        out = (tmp / "vigil-record.out").read_text(errors="replace")
        raise RuntimeError(f"vigil record exited ({proc.returncode}) early:\n{out[-3000:]}")
    log(f"measuring Vigil for {args.seconds:.0f} s")
    phase = measure("vigil", len(names), args.seconds, proc.pid,
                    lambda: ps.children(proc.pid), server.pid or 0)  # fmt: skip
    time.sleep(2.0)  # the last frames of the window reach their fragment
    t = time.monotonic()
    stop(proc, signal.SIGTERM, 120)
    log(f"vigil record stopped in {time.monotonic() - t:.1f} s (exit {proc.returncode})")
    return phase


def run_baseline(tmp: Path, names: list[str], server: SimulatedCameraServer,
                 args: argparse.Namespace) -> Phase:  # fmt: skip
    procs = []
    for name in names:
        out = tmp / "baseline" / name
        out.mkdir(parents=True)
        cmd = ["ffmpeg", *FFMPEG_QUIET, "-rtsp_transport", "tcp", "-i", server.url(name),
               "-c", "copy", "-f", "segment", "-segment_time", str(args.segment_s),
               str(out / "out%03d.mp4")]  # fmt: skip
        procs.append(spawn(cmd, out / "ffmpeg.log"))
    log(f"baseline: {len(procs)} ffmpeg processes; warm-up {args.warmup:.0f} s")
    time.sleep(args.warmup)
    pids = [p.pid for p in procs]
    log(f"measuring baseline for {args.seconds:.0f} s")
    phase = measure("baseline", len(names), args.seconds, 0,
                    lambda: [p for p in pids if ps.alive(p)], server.pid or 0)  # fmt: skip
    for p in procs:
        p.send_signal(signal.SIGINT)  # all at once, then wait: each writes its moov
    for p in procs:
        stop(p, signal.SIGKILL, 15)
    return phase


def packet_times(path: str) -> list[float]:
    cmd = ["ffprobe", "-v", "error", "-select_streams", "v:0",
           "-show_entries", "packet=pts_time", "-of", "csv=p=0", path]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return sorted(float(x) for x in out.split() if x.replace(".", "", 1).isdigit())


def count_frames(home: Path, names: list[str], t0_us: int, t1_us: int) -> dict[str, Any]:
    """Frames whose wall time lies in [t0, t1), per camera, from the segment files."""
    ctx = SiteContext.open(home)
    per_cam: list[int] = []
    prorated = 0.0
    discontinuities = segments = flagged = 0
    gaps: Counter[str] = Counter()
    for name in names:
        cat = catalog(ctx, name)
        gaps.update(g.reason for g in cat.gaps)
        discontinuities += sum(b.start_us != a.end_us for a, b in pairwise(cat.segments))
        count = 0
        for seg in cat.segments:
            if seg.end_us <= t0_us or seg.start_us >= t1_us:
                continue
            segments += 1
            flagged += bool(seg.flags)
            overlap = min(seg.end_us, t1_us) - max(seg.start_us, t0_us)
            prorated += seg.frames * overlap / max(1, seg.end_us - seg.start_us)
            pts = packet_times(seg.path)
            walls = (seg.start_us + round((p - pts[0]) * 1e6) for p in pts)
            count += sum(t0_us <= w < t1_us for w in walls)
        per_cam.append(count)
    ctx.close()
    return {"per_camera": per_cam, "stored": sum(per_cam), "index_prorated": round(prorated),
            "segments_in_window": segments, "flagged_segments": flagged,
            "discontinuities": discontinuities, "gaps": dict(gaps)}  # fmt: skip


def log_summary(home: Path) -> dict[str, Any]:
    path = home / "logs" / "vigil.log"
    lines = path.read_text(errors="replace").splitlines() if path.exists() else []
    levels = Counter(ln.split()[2] for ln in lines if len(ln.split()) > 2)
    bad = [" ".join(ln.split()[2:]) for ln in lines if " WARNING " in ln or " ERROR " in ln]
    return {"levels": dict(levels), "first_problems": list(dict.fromkeys(bad))[:8]}


def run_n(n: int, clip: Path, args: argparse.Namespace) -> dict[str, Any]:
    names = [f"cam{i:03d}" for i in range(n)]
    mounts = [MountSpec(name, kind="file", path=str(clip)) for name in names]
    with tempfile.TemporaryDirectory(prefix=f"vigil-bench-{n}-", ignore_cleanup_errors=True) as d:
        tmp = Path(d)
        try:
            with SimulatedCameraServer(mounts) as server:
                log(f"N={n}: RTSP server pid {server.pid} on port {server.port}")
                vigil = run_vigil(tmp, names, server, args)
                base = run_baseline(tmp, names, server, args)
        finally:  # before the temp dir goes
            stop_all()
        log("counting frames in the window (ffprobe)")
        frames = count_frames(tmp / "vigil-home", names, vigil.t0_us, vigil.t1_us)
        frames["expected"] = round(args.fps * n * (vigil.t1_us - vigil.t0_us) / 1e6)
        logs = log_summary(tmp / "vigil-home")
    return {"streams": n, "vigil": asdict(vigil), "baseline": asdict(base),
            "frames": frames, "vigil_log": logs}  # fmt: skip


def other(p: Phase) -> float:
    """Machine load outside the measured recorder and the RTSP server (e.g. other users)."""
    return p.machine_busy_pct - p.cpu_pct - p.server_cpu_pct


def print_run(r: dict[str, Any], args: argparse.Namespace) -> None:
    v, b, fr, n = Phase(**r["vigil"]), Phase(**r["baseline"]), r["frames"], r["streams"]
    exp = fr["expected"]
    worst = 100 * min(fr["per_camera"]) * n / exp
    rows = [
        ("CPU % per stream (of one core)", f"{v.cpu_pct / n:.2f}", f"{b.cpu_pct / n:.2f}"),
        ("  ratio Vigil / baseline", f"{v.cpu_pct / b.cpu_pct:.2f}", ""),
        ("  python process, total %", f"{v.cpu_python_pct:.1f}", "-"),
        ("  ffmpeg avg per process %", f"{v.cpu_ffmpeg_avg_pct:.2f}",
         f"{b.cpu_ffmpeg_avg_pct:.2f}"),
        ("PSS per stream (MB)", f"{v.pss_mb / n:.2f}", f"{b.pss_mb / n:.2f}"),
        ("  python process PSS / RSS", f"{v.pss_python_mb:.1f} / {v.rss_python_mb:.1f}", "-"),
        ("  ffmpeg avg PSS / RSS", f"{v.pss_ffmpeg_avg_mb:.1f} / {v.rss_ffmpeg_avg_mb:.1f}",
         f"{b.pss_ffmpeg_avg_mb:.1f} / {b.rss_ffmpeg_avg_mb:.1f}"),
        ("ffmpeg processes live at end / seen", f"{v.ffmpeg_live_end} / {v.ffmpeg_pids_seen}",
         f"{b.ffmpeg_live_end} / {b.ffmpeg_pids_seen}"),
        ("frames stored / expected", f"{fr['stored']} / {exp} = {100 * fr['stored'] / exp:.2f} %",
         "-"),
        ("  worst camera", f"{worst:.2f} %", "-"),
        ("  from index frames, prorated", f"{100 * fr['index_prorated'] / exp:.2f} %", ""),
        ("segments in window / flagged", f"{fr['segments_in_window']} / {fr['flagged_segments']}",
         ""),
        ("discontinuities / gaps", f"{fr['discontinuities']} / {fr['gaps'] or 0}", ""),
        ("RTSP server CPU %", f"{v.server_cpu_pct:.1f}", f"{b.server_cpu_pct:.1f}"),
        (f"machine busy % (of {100 * (os.cpu_count() or 1)})", f"{v.machine_busy_pct:.1f}",
         f"{b.machine_busy_pct:.1f}"),
        ("  other than recorder + server", f"{other(v):.1f}", f"{other(b):.1f}"),
    ]  # fmt: skip
    title = (f"N = {n}: {v.window_s:.0f} s after {args.warmup:.0f} s warm-up; {args.width}x"
             f"{args.height} {args.fps} fps {args.bitrate_kbps} kbit/s GOP {args.gop}; "
             f"{args.segment_s} s segments")  # fmt: skip
    table = Table("", "Vigil", "ffmpeg baseline", title=title, title_justify="left")
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"vigil.log levels: {r['vigil_log']['levels']}", highlight=False)
    for line in r["vigil_log"]["first_problems"]:
        console.print(f"  {line}", highlight=False, markup=False)


def machine_facts() -> dict[str, Any]:
    ver = subprocess.run(["ffmpeg", "-version"], capture_output=True, text=True).stdout
    return {"nproc": os.cpu_count(), "cpu_model": ps.cpu_model(),
            "mem_gib": round(ps.mem_total_gib(), 1), "kernel": platform.release(),
            "ffmpeg": " ".join(ver.split()[:3]), "python": platform.python_version()}  # fmt: skip


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--streams", type=int, action="append", required=True, help="N (repeatable)")
    p.add_argument("--seconds", type=float, default=60.0, help="measured window")
    p.add_argument("--warmup", type=float, default=8.0)
    for opt, default in (("--width", 1920), ("--height", 1080), ("--fps", 30),
                         ("--bitrate-kbps", 4000), ("--gop", 60)):  # fmt: skip
        p.add_argument(opt, type=int, default=default, help="of the looped clip")
    p.add_argument("--segment-s", type=int, default=60, help="Vigil segment_s and baseline")
    p.add_argument("--json", type=Path, help="write all figures here")
    args = p.parse_args()

    def _term(_sig: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    facts = machine_facts()
    console.print(" | ".join(f"{k}: {v}" for k, v in facts.items()), highlight=False)
    clip = CACHE / (f"clip-{args.width}x{args.height}-{args.fps}fps-gop{args.gop}-"
                    f"{args.bitrate_kbps}k-10s.ts")  # fmt: skip
    if not clip.exists():
        log(f"encoding {clip.name} (once)")
    make_test_clip(clip, width=args.width, height=args.height, fps=args.fps, gop=args.gop,
                   bitrate_kbps=args.bitrate_kbps, seconds=10)  # fmt: skip
    runs = []
    try:
        for n in args.streams:
            runs.append(run_n(n, clip, args))
            print_run(runs[-1], args)
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]: stopping everything we started")
        sys.exit(130)
    finally:
        stop_all()
        if args.json and runs:
            doc = {"machine": facts, "args": {**vars(args), "json": str(args.json)}, "runs": runs}
            args.json.write_text(json.dumps(doc, indent=2))


if __name__ == "__main__":
    main()
