"""Console benchmarks: seek and status on a 1M-row index, 1-hour export, audit verify.

Run by hand from the repository root, e.g.
    .venv/bin/python bench/console.py [--only seek|status|export|audit] [--json out.json]
Nothing here asserts timing. Needs ffmpeg. Set VIGIL_BENCH_PG_URL to also run seek on PostgreSQL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.db.models import Segment
from vigil.db.sql import sum_int
from vigil.health.status import camera_states, status
from vigil.storage.capacity import DiskGuard
from vigil.storage.catalog import catalog
from vigil.storage.fmp4 import read_layout
from vigil.storage.segment_store import FinishedFile, SegmentStore, fragment_table

SEG_US = 60_000_000
T0_US = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z


def ffmpeg_segment(out: Path, seconds: int, size: str, fps: int, kbps: int, gop: int) -> Path:
    """One fragmented MP4 like the recorder's (tests/fabricate.py make_clips)."""
    subprocess.run(
        [
            "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={size}:rate={fps}:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", str(gop), "-bf", "0",
            "-b:v", f"{kbps}k", "-maxrate", f"{kbps}k", "-bufsize", f"{2 * kbps}k",
            "-f", "mp4", "-movflags", "+frag_keyframe+empty_moov+default_base_moof", str(out),
        ],
        check=True,
    )  # fmt: skip
    return out


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(q * (len(s) - 1)))]


def summary(ms: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(statistics.median(ms), 3),
        "p95_ms": round(pct(ms, 0.95), 3),
        "max_ms": round(max(ms), 3),
    }


def new_site(work: Path, db_url: str | None) -> SiteContext:
    settings: dict[str, Any] = {"min_free_bytes": 0}
    if db_url:
        settings["database_url"] = db_url
    return SiteContext.init(work / "home", settings=settings)


def fill_index(
    work: Path, ctx: SiteContext, rows: int, cameras: int, t0_us: int
) -> tuple[list[Any], int, float]:
    """`rows` one-minute segments over `cameras` cameras from t0_us, all pointing at one real
    clip: (cameras, segments per camera, seconds the insert took)."""
    clip = ffmpeg_segment(work / "seek.mp4", 60, "320x240", 10, 300, 10)
    layout = read_layout(clip)
    frags = json.dumps(fragment_table(layout), separators=(",", ":"))
    key = "bench/seek.mp4"
    (ctx.segments_dir / "bench").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(clip, ctx.segments_dir / key)
    size = clip.stat().st_size
    reg = CameraRegistry(ctx)
    cams = [reg.add(f"cam{i:02d}", f"rtsp://10.0.0.{i + 1}:554/s") for i in range(cameras)]
    per_cam = rows // cameras
    base = {"bytes": size, "sha256": "0" * 64, "path": key, "state": "sealed",
            "codec": layout.codec, "width": layout.width, "height": layout.height,
            "frames": sum(f.samples for f in layout.fragments), "fragments": frags,
            "recovered": False, "clock_drift_ms": None, "flags": ""}  # fmt: skip
    t = time.perf_counter()
    batch: list[dict[str, Any]] = []
    with ctx.engine.begin() as conn:
        for cam in cams:
            for i in range(per_cam):
                start = t0_us + i * SEG_US
                batch.append(dict(base, camera_id=cam.id, seq=i + 1, start_us=start,
                                  end_us=start + SEG_US))  # fmt: skip
                if len(batch) == 50_000:
                    conn.execute(insert(Segment), batch)
                    batch = []
        if batch:
            conn.execute(insert(Segment), batch)
    return cams, per_cam, time.perf_counter() - t


def bench_seek(
    work: Path, rows: int, cameras: int, samples: int, db_url: str | None
) -> dict[str, Any]:
    label = "postgresql" if db_url else "sqlite"
    ctx = new_site(work / label, db_url)
    cams, per_cam, insert_s = fill_index(work, ctx, rows, cameras, T0_US)
    if db_url:
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE segments")
    span_us = per_cam * SEG_US
    rng = random.Random(1)
    find: list[float] = []
    table: list[float] = []
    read: list[float] = []
    total: list[float] = []
    for _ in range(samples):
        cam = rng.choice(cams)
        inst = T0_US + rng.randrange(span_us)
        t0 = time.perf_counter()
        cat = catalog(ctx, cam.name, inst, inst + 1)
        seg = cat.segments[0]
        t1 = time.perf_counter()
        with ctx.sessions() as s:  # what GET .../segments/{camera}/{seq} does
            row = s.scalar(
                select(Segment).where(Segment.camera_id == cam.id, Segment.seq == seg.seq)
            )
        assert row is not None
        ft = json.loads(row.fragments)
        t2 = time.perf_counter()
        rel = inst - seg.start_us
        frag = next((f for f in ft if f[2] <= rel < f[2] + f[3]), ft[-1])
        with open(seg.path, "rb") as f:  # init segment + the fragment holding the instant
            init = f.read(ft[0][0])
            f.seek(frag[0])
            data = f.read(frag[1])
        assert init and len(data) == frag[1]
        t3 = time.perf_counter()
        find.append((t1 - t0) * 1e3)
        table.append((t2 - t1) * 1e3)
        read.append((t3 - t2) * 1e3)
        total.append((t3 - t0) * 1e3)
    ctx.close()
    return {
        "db": label,
        "rows": per_cam * cameras,
        "cameras": cameras,
        "days": round(span_us / 86_400e6, 1),
        "insert_s": round(insert_s, 1),
        "insert_rows_per_s": round(per_cam * cameras / insert_s),
        "samples": samples,
        "find_segment": summary(find),
        "fragment_table": summary(table),
        "read_bytes": summary(read),
        "seek_total": summary(total),
    }


def bench_status(work: Path, rows: int, cameras: int, samples: int) -> dict[str, Any]:
    """What the disk guard (every 2 s) and `vigil status` cost on a full index whose newest
    segments end now, against the full SUM(bytes) the disk guard used to run; and what the
    live wall polls every 4 s (camera_states)."""
    ctx = new_site(work / "status", None)
    per_cam_target = rows // cameras
    now_us = ctx.clock.now_us()
    _, per_cam, insert_s = fill_index(work, ctx, rows, cameras, now_us - per_cam_target * SEG_US)
    full_sum: list[float] = []
    guard: list[float] = []
    report: list[float] = []
    wall: list[float] = []
    disk = DiskGuard(ctx)
    disk.refresh()  # the first read counts in full, as at start-up
    for _ in range(samples):
        t0 = time.perf_counter()
        with ctx.sessions() as s:
            s.scalar(select(sum_int(Segment.bytes)).where(Segment.state == "sealed"))
        t1 = time.perf_counter()
        disk.refresh()
        t2 = time.perf_counter()
        full_sum.append((t1 - t0) * 1e3)
        guard.append((t2 - t1) * 1e3)
    for _ in range(max(3, samples // 10)):
        t0 = time.perf_counter()
        status(ctx)
        t1 = time.perf_counter()
        camera_states(ctx)
        report.append((t1 - t0) * 1e3)
        wall.append((time.perf_counter() - t1) * 1e3)
    ctx.close()
    return {
        "db": "sqlite",
        "rows": per_cam * cameras,
        "cameras": cameras,
        "days": round(per_cam * SEG_US / 86_400e6, 1),
        "insert_s": round(insert_s, 1),
        "full_sum_bytes": summary(full_sum),
        "disk_guard_refresh": summary(guard),
        "vigil_status": summary(report),
        "live_wall_camera_states": summary(wall),
    }


def bench_export(work: Path, height: int, minutes: int) -> dict[str, Any]:
    from vigil.export.package import export_clip
    from vigil.integrity.seal import seal_now

    ctx = new_site(work / "export", None)
    size = "1920x1080" if height == 1080 else "1280x720"
    t = time.perf_counter()
    clip = ffmpeg_segment(work / "export-src.mp4", 60, size, 30, 4000, 60)
    encode_s = time.perf_counter() - t
    cam = CameraRegistry(ctx).add("cam", "rtsp://10.0.0.1:554/s")
    store = SegmentStore(ctx)
    start = T0_US
    t = time.perf_counter()
    for i in range(minutes):
        staging = store.staging_dir(cam.id) / f"bench-{i:04d}.mp4.part"
        shutil.copyfile(clip, staging)
        seg = store.commit(FinishedFile(cam.id, staging, start), read_layout(staging))
        start = seg.end_us
    commit_s = time.perf_counter() - t
    seal_now(ctx)
    out = work / "x.mp4"
    t = time.perf_counter()
    res = export_clip(ctx, "cam", T0_US, start, purpose="bench", destination="bench",
                      actor="bench", out=out)  # fmt: skip
    export_s = time.perf_counter() - t
    src_bytes = clip.stat().st_size * minutes
    ctx.close()
    return {
        "resolution": size,
        "segments": minutes,
        "source_mb": round(src_bytes / 1e6, 1),
        "encode_s": round(encode_s, 1),
        "commit_s": round(commit_s, 1),
        "export_s": round(export_s, 2),
        "export_mb": round(res.bytes / 1e6, 1),
        "mb_per_s": round(src_bytes / 1e6 / export_s, 1),
    }


def _audit_writer(home: str, n: int, start: Any) -> None:
    """One writer process: `n` independent acts, each its own durable transaction."""
    from vigil.audit.log import register

    ctx = SiteContext.open(Path(home))
    start.wait()
    for _ in range(n):
        register(ctx, actor="u", action="playback", camera_name="c", purpose="p", destination="d")
    ctx.close()


def bench_audit(
    work: Path, n: int, appends: int, writers: int, db_url: str | None
) -> dict[str, Any]:
    """Durable appends (each act its own transaction: a commit that survives a power cut),
    one writer and `writers` processes at once; then `vigil audit verify` over `n` entries."""
    import multiprocessing as mp

    from vigil.audit.log import record, register
    from vigil.audit.verify import verify_audit

    label = "postgresql" if db_url else "sqlite"
    ctx = new_site(work / f"audit-{label}", db_url)
    t = time.perf_counter()
    for _ in range(appends):
        register(ctx, actor="u", action="playback", camera_name="c", purpose="p", destination="d")
    append_s = time.perf_counter() - t
    spawn = mp.get_context("spawn")
    start = spawn.Event()
    each = appends // writers
    procs = [spawn.Process(target=_audit_writer, args=(str(ctx.home), each, start))
             for _ in range(writers)]  # fmt: skip
    for proc in procs:
        proc.start()
    time.sleep(3)  # let every writer import and connect before the clock starts
    t = time.perf_counter()
    start.set()
    for proc in procs:
        proc.join()
    multi_s = time.perf_counter() - t
    # The rest of the log for the verify figure, many acts per transaction (fast to fill).
    left = max(0, n - appends - each * writers)
    while left:
        with ctx.sessions.begin() as s:
            for _ in range(min(left, 5000)):
                record(s, ctx, actor="u", action="playback", camera_name="c", purpose="p",
                       destination="d")  # fmt: skip
        left -= min(left, 5000)
    with ctx.sessions() as s:
        total = int(s.scalar(text("SELECT count(*) FROM audit_entries")) or 0)
    t = time.perf_counter()
    problems = verify_audit(ctx)
    verify_s = time.perf_counter() - t
    ctx.close()
    return {
        "database": label,
        "appends_one_writer": appends,
        "append_per_s": round(appends / append_s),
        "writers": writers,
        "append_per_s_all_writers": round(each * writers / multi_s),
        "entries_verified": total,
        "verify_s": round(verify_s, 2),
        "verify_per_s": round(total / verify_s),
        "problems": len(problems),
    }


def flatten(d: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for k, v in d.items():
        if isinstance(v, dict):
            out.extend(flatten(v, f"{prefix}{k}."))
        else:
            out.append((prefix + k, str(v)))
    return out


def print_table(name: str, result: dict[str, Any]) -> None:
    rows = flatten(result)
    w = max(len(k) for k, _ in rows)
    print(f"\n== {name} ==")
    for k, v in rows:
        print(f"  {k:<{w}}  {v}")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    p.add_argument("--only", action="append", choices=["seek", "status", "export", "audit"])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--cameras", type=int, default=10)
    p.add_argument("--samples", type=int, default=200)
    p.add_argument("--export-height", type=int, choices=[720, 1080], default=720)
    p.add_argument("--export-minutes", type=int, default=60)
    p.add_argument("--audit-entries", type=int, default=100_000)
    p.add_argument("--audit-appends", type=int, default=5_000)
    p.add_argument("--audit-writers", type=int, default=3)
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    which = a.only or ["seek", "status", "export", "audit"]
    results: dict[str, Any] = {"nproc": os.cpu_count(), "loadavg_start": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        work = Path(tmp)
        jobs: list[tuple[str, Callable[[], dict[str, Any]]]] = []
        if "seek" in which:
            jobs.append(("seek sqlite",
                         lambda: bench_seek(work, a.rows, a.cameras, a.samples, None)))  # fmt: skip
            pg = os.environ.get("VIGIL_BENCH_PG_URL")
            if pg:
                jobs.append(
                    ("seek postgresql", lambda: bench_seek(work, a.rows, a.cameras, a.samples, pg))
                )
        if "status" in which:
            jobs.append(("status sqlite",
                         lambda: bench_status(work, a.rows, a.cameras, a.samples)))  # fmt: skip
        if "export" in which:
            jobs.append(("export", lambda: bench_export(work, a.export_height, a.export_minutes)))
        if "audit" in which:
            jobs.append(("audit sqlite", lambda: bench_audit(
                work, a.audit_entries, a.audit_appends, a.audit_writers, None)))  # fmt: skip
            pg = os.environ.get("VIGIL_BENCH_PG_URL")
            if pg:
                jobs.append(("audit postgresql", lambda: bench_audit(
                    work, a.audit_entries, a.audit_appends, a.audit_writers, pg)))  # fmt: skip
        for name, job in jobs:
            res = job()
            res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            results[name] = res
            print_table(name, res)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
