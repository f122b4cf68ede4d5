"""How soon recording resumes: after a camera's outage, and after a full disk is freed.

    .venv/bin/python bench/resume.py [--outages 10] [--disk-cycles 3] [--json out.json]

Outages: a simulated camera (320x240, 10 fps) recorded with the default reconnect
settings is stopped for 3-8 s (spread evenly) and started again, `--outages` times. For
each, `resume` = the start of the first segment after the gap - the instant the camera
was started again (host wall clock, same machine), and `gap_start_lag` = the gap's start
- the instant the camera was stopped.

Full disk (needs root, for a 40 MB tmpfs): `min_free_bytes` = 10 MB, a ballast file
leaves 5 MB free; once the recorder is paused the ballast is removed. `resume` = the
start of the first segment after the disk_full gap - the instant of the removal.
Nothing here asserts timing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vigil.cameras import CameraRegistry  # noqa: E402
from vigil.clock import SystemClock  # noqa: E402
from vigil.context import SiteContext  # noqa: E402
from vigil.db.models import CameraStatus  # noqa: E402
from vigil.media.service import RecordingService  # noqa: E402
from vigil.media.simulated import MountSpec, SimulatedCameraServer  # noqa: E402
from vigil.storage.catalog import catalog  # noqa: E402


def wait_for(cond: Callable[[], bool], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.05)


def state(ctx: SiteContext) -> str | None:
    with ctx.sessions() as s:
        row = s.get(CameraStatus, 1)
        return None if row is None else row.state


def now_us() -> int:
    return time.time_ns() // 1000


def outages(n: int) -> dict[str, object]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        SimulatedCameraServer([MountSpec("cam", fps=10, gop=10, overlay="s")]) as cams,
    ):
        ctx = SiteContext.init(
            Path(tmp) / "home", SystemClock(), settings={"min_free_bytes": 0, "segment_s": 4}
        )
        CameraRegistry(ctx).add("cam", cams.url("cam"))
        svc = RecordingService(ctx)
        svc.start()
        marks: list[tuple[int, int]] = []
        try:
            wait_for(lambda: state(ctx) == "recording")
            time.sleep(3)
            for i in range(n):
                out_s = 3 + 5 * i / max(n - 1, 1)
                cams.stop()
                t_stop = now_us()
                time.sleep(out_s)
                cams.start()
                t_back = now_us()
                marks.append((t_stop, t_back))
                wait_for(lambda: state(ctx) == "recording")
                time.sleep(3)
        finally:
            svc.shutdown()
        gaps = catalog(ctx, "cam").gaps
        ctx.close()
    resume = [(g.end_us - back) / 1e6 for g, (_, back) in zip(gaps, marks, strict=False)]
    lag = [(g.start_us - stop) / 1e6 for g, (stop, _) in zip(gaps, marks, strict=False)]
    return {"outages": n, "gaps": len(gaps), "resume_s": resume, "gap_start_lag_s": lag}


def disk_cycles(n: int) -> dict[str, object]:
    with (
        tempfile.TemporaryDirectory() as tmp,
        SimulatedCameraServer([MountSpec("cam", fps=10, gop=10, overlay="s")]) as cams,
    ):
        fs = Path(tmp) / "fs"
        fs.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(fs)], check=True)
        try:
            settings = {"min_free_bytes": 10 << 20, "segment_s": 4}
            ctx = SiteContext.init(fs / "home", SystemClock(), settings=settings)
            CameraRegistry(ctx).add("cam", cams.url("cam"))
            svc = RecordingService(ctx)
            svc.start()
            freed: list[int] = []
            try:
                for _ in range(n):
                    wait_for(lambda: state(ctx) == "recording")
                    time.sleep(5)
                    st = os.statvfs(fs)
                    (fs / "ballast").write_bytes(b"\0" * (st.f_bavail * st.f_frsize - (5 << 20)))
                    wait_for(lambda: state(ctx) == "paused")
                    time.sleep(5)
                    (fs / "ballast").unlink()
                    freed.append(now_us())
                    wait_for(lambda: state(ctx) == "recording")
                    time.sleep(5)
            finally:
                svc.shutdown()
            gaps = [g for g in catalog(ctx, "cam").gaps if g.reason == "disk_full"]
            ctx.close()
        finally:
            subprocess.run(["umount", "-l", str(fs)], check=False)
    resume = [(g.end_us - t) / 1e6 for g, t in zip(gaps, freed, strict=False)]
    return {"cycles": n, "gaps": len(gaps), "resume_s": resume}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--outages", type=int, default=10)
    ap.add_argument("--disk-cycles", type=int, default=3)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    result = {"outage": outages(args.outages), "disk_full": disk_cycles(args.disk_cycles)}
    for name, r in result.items():
        values = r["resume_s"]
        assert isinstance(values, list)
        print(f"{name}: gaps {r['gaps']}, resume s: min {min(values):.2f} "
              f"median {statistics.median(values):.2f} max {max(values):.2f}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
