"""Recording real RTSP streams end to end (A2 collect/store, A17.2(3), A18(2)).

A real gst-rtsp-server camera started by the test, the real ffmpeg, the real index.
These tests take real seconds, so they are marked slow (CI runs them all).
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import site_settings
from vigil.alarms import active_alarms
from vigil.audit.site_verify import verify_site as verify
from vigil.cameras import CameraRegistry
from vigil.clock import SystemClock
from vigil.context import SiteContext
from vigil.db.models import Alarm, CameraStatus, Segment
from vigil.media.probe import count_video_packets, first_packet_is_keyframe, probe_file
from vigil.media.service import RecordingService
from vigil.media.simulated import MountSpec, SimulatedCameraServer
from vigil.storage.catalog import catalog
from vigil.storage.fmp4 import read_layout

pytestmark = pytest.mark.slow

FPS = 10
SEGMENT_S = 3
FAST = {
    "segment_s": SEGMENT_S,
    "fragment_ms": 1000,
    "reconnect_min_s": 0.5,
    "reconnect_max_s": 2.0,
    "stall_timeout_s": 4.0,
    "seal_interval_s": 5,
}


@pytest.fixture
def camera_server() -> Iterator[SimulatedCameraServer]:
    with SimulatedCameraServer([MountSpec("cam", fps=FPS, gop=FPS, overlay="s")]) as srv:
        yield srv


@pytest.fixture
def live_site(tmp_path: Path, database_url: str | None) -> Iterator[SiteContext]:
    ctx = SiteContext.init(
        tmp_path / "home", SystemClock(), settings=site_settings(database_url, **FAST)
    )
    yield ctx
    ctx.close()


def wait_for(what: str, cond: Callable[[], bool], timeout_s: float = 45) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def open_fragments(staging: Path) -> int:
    """Whole fragments in the segment ffmpeg is writing (0 if none is open)."""
    best = 0
    for part in staging.glob("*.part"):
        try:
            best = max(best, len(read_layout(part).fragments))
        except Exception:  # a file ffmpeg has only just opened
            continue
    return best


def status_row(ctx: SiteContext) -> CameraStatus:
    with ctx.sessions() as s:
        row = s.get(CameraStatus, 1)
    assert row is not None, "the recorder has written no status yet"
    return row


def recorder_state(ctx: SiteContext) -> str | None:
    with ctx.sessions() as s:
        row = s.get(CameraStatus, 1)
        return None if row is None else row.state


def segment_count(ctx: SiteContext) -> int:
    with ctx.sessions() as s:
        return int(s.scalar(select(func.count()).select_from(Segment)) or 0)


def test_segments_are_valid_contiguous_and_keyframe_aligned(
    live_site: SiteContext, camera_server: SimulatedCameraServer
) -> None:
    CameraRegistry(live_site).add("cam", camera_server.url("cam"))
    svc = RecordingService(live_site)
    svc.start()
    try:
        wait_for("4 segments", lambda: segment_count(live_site) >= 4)
    finally:
        svc.shutdown()
    cat = catalog(live_site, "cam")
    assert cat.gaps == []
    segs = cat.segments
    assert len(segs) >= 4
    for prev, seg in itertools.pairwise(segs):
        assert seg.start_us == prev.end_us, "segments of one connection must touch exactly"
    for seg in segs:
        assert seg.path.endswith(".mp4")
        probe = probe_file(seg.path)
        assert probe.video_codec == "h264" and (probe.width, probe.height) == (320, 240)
        assert first_packet_is_keyframe(seg.path)
        packets, _keyframes = count_video_packets(seg.path)
        assert packets == seg.frames
        layout = read_layout(seg.path)
        assert all(f.starts_with_keyframe for f in layout.fragments)
        assert all(f.duration <= layout.timescale * 2 for f in layout.fragments)
    for seg in segs[1:-1]:  # whole segments: about segment_s long, cut on a keyframe
        assert SEGMENT_S - 0.05 <= seg.duration_s <= SEGMENT_S + 1.05
    span_s = (segs[-1].end_us - segs[0].start_us) / 1e6
    frames = sum(s.frames for s in segs)
    assert frames >= 0.99 * span_s * FPS - 1
    report = verify(live_site)
    assert report.ok, report.problems
    assert report.seals_checked >= 1


def test_camera_outage_becomes_exactly_one_gap_with_its_bounds(
    live_site: SiteContext, camera_server: SimulatedCameraServer
) -> None:
    CameraRegistry(live_site).add("cam", camera_server.url("cam"))
    svc = RecordingService(live_site)
    svc.start()
    try:
        wait_for("2 segments", lambda: segment_count(live_site) >= 2)
        camera_server.stop()
        t_stop = time.time_ns() // 1000
        before = segment_count(live_site)
        wait_for(
            "the recorder to see the camera gone", lambda: recorder_state(live_site) == "offline"
        )
        camera_server.start()
        t_back = time.time_ns() // 1000
        wait_for("2 segments after the outage", lambda: segment_count(live_site) >= before + 3)
    finally:
        svc.shutdown()
    cat = catalog(live_site, "cam")
    assert len(cat.gaps) == 1, cat.gaps
    gap = cat.gaps[0]
    assert gap.reason == "camera_offline"
    assert t_stop - 1_500_000 <= gap.start_us <= t_stop + 500_000
    assert t_back - 500_000 <= gap.end_us <= t_back + (FAST["reconnect_max_s"] + 3) * 1_000_000
    before_gap = [s for s in cat.segments if s.end_us <= gap.start_us]
    after_gap = [s for s in cat.segments if s.start_us >= gap.end_us]
    assert before_gap[-1].end_us == gap.start_us
    assert after_gap[0].start_us == gap.end_us
    assert len(before_gap) + len(after_gap) == len(cat.segments)
    assert verify(live_site).ok


def test_full_storage_pauses_recording_without_deleting(
    live_site: SiteContext, camera_server: SimulatedCameraServer
) -> None:
    CameraRegistry(live_site).add("cam", camera_server.url("cam"))
    svc = RecordingService(live_site)
    svc.start()
    try:
        wait_for("2 segments", lambda: segment_count(live_site) >= 2)
        with live_site.sessions() as s:
            used = int(s.scalar(select(func.sum(Segment.bytes))) or 0)
        live_site.settings = live_site.settings.model_copy(update={"storage_limit_bytes": used})

        wait_for("recording to pause", lambda: recorder_state(live_site) == "paused", 20)
        held = segment_count(live_site)
        paused_at_us = status_row(live_site).updated_us
        # The recorder rechecks the disk every second and says so in its status row: wait
        # until it has stayed paused for longer than a segment.
        wait_for(
            "the recorder to stay paused for a segment's length",
            lambda: status_row(live_site).updated_us - paused_at_us > (SEGMENT_S + 1) * 1_000_000,
        )
        assert status_row(live_site).state == "paused"
        assert segment_count(live_site) == held, "nothing new is recorded while full"
        with live_site.sessions() as s:
            alarms = [(a.kind, a.severity) for a in s.scalars(select(Alarm))]
            states = set(s.scalars(select(Segment.state)))
        assert ("disk_full", "critical") in alarms
        assert states == {"sealed"}
        live_site.settings = live_site.settings.model_copy(update={"storage_limit_bytes": None})
        wait_for("recording to resume", lambda: segment_count(live_site) > held + 1, 30)
    finally:
        svc.shutdown()
    cat = catalog(live_site, "cam")
    assert [g.reason for g in cat.gaps] == ["disk_full"]
    assert all(Path(s.path).exists() for s in cat.segments)
    assert verify(live_site).ok


@pytest.fixture
def small_fs(tmp_path: Path) -> Iterator[Path]:
    """A real 40 MB filesystem (tmpfs), unmounted afterwards."""
    mount_point = tmp_path / "fs"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_full_disk_pauses_recording_and_space_returning_resumes_it_with_an_exact_gap(
    small_fs: Path, database_url: str | None, camera_server: SimulatedCameraServer
) -> None:
    min_free_bytes = 10 << 20
    settings = site_settings(database_url, **{**FAST, "min_free_bytes": min_free_bytes})
    site = SiteContext.init(small_fs / "home", SystemClock(), settings=settings)
    ballast = small_fs / "ballast"
    try:
        CameraRegistry(site).add("cam", camera_server.url("cam"))
        svc = RecordingService(site)
        svc.start()
        try:
            wait_for("2 segments", lambda: segment_count(site) >= 2)
            # Leave 5 MB free: under min_free_bytes, but room for the index to go on.
            free = os.statvfs(small_fs).f_bavail * os.statvfs(small_fs).f_frsize
            with open(ballast, "wb") as fh:
                fh.write(b"\0" * (free - (5 << 20)))
            wait_for("recording to pause", lambda: recorder_state(site) == "paused", 30)
            held = segment_count(site)
            assert ("disk_full", "critical") in [(a.kind, a.severity) for a in active_alarms(site)]
            paused_at_us = status_row(site).since_us
            wait_for(
                "the pause to outlast a segment",
                lambda: time.time_ns() // 1000 - paused_at_us > (SEGMENT_S + 1) * 1_000_000,
            )
            assert recorder_state(site) == "paused"
            assert segment_count(site) == held, "nothing new is recorded while full"
            ballast.unlink()
            wait_for("recording to resume", lambda: segment_count(site) >= held + 2, 60)
            assert "disk_full" not in [a.kind for a in active_alarms(site)]
        finally:
            svc.shutdown()
        cat = catalog(site, "cam")
        assert [g.reason for g in cat.gaps] == ["disk_full"]
        (gap,) = cat.gaps
        before = [s for s in cat.segments if s.end_us <= gap.start_us]
        after = [s for s in cat.segments if s.start_us >= gap.end_us]
        assert before[-1].end_us == gap.start_us, "the gap starts where the last segment ended"
        assert after[0].start_us == gap.end_us, "and ends where the first new one starts"
        assert len(before) + len(after) == len(cat.segments)
        assert verify(site).ok
    finally:
        site.close()


def test_recorder_killed_mid_segment_loses_at_most_one_fragment(
    tmp_path: Path,
    cli_env: dict[str, str],
    camera_server: SimulatedCameraServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = dict(cli_env)
    for key, value in {**FAST, "segment_s": 6}.items():
        env[f"VIGIL_{key.upper()}"] = str(value)
    vigil = [sys.executable, "-m", "vigil.cli.main"]
    subprocess.run([*vigil, "init"], env=env, check=True, capture_output=True)
    subprocess.run([*vigil, "camera", "add", "cam", "--url", camera_server.url("cam")],
                   env=env, check=True, capture_output=True)  # fmt: skip
    home = Path(env["VIGIL_HOME"])
    if "VIGIL_DATABASE_URL" in env:  # this process reads the same index as the recorder
        monkeypatch.setenv("VIGIL_DATABASE_URL", env["VIGIL_DATABASE_URL"])
    ctx = SiteContext.open(home)
    staging = home / "staging" / "1"
    rec = subprocess.Popen([*vigil, "record", "--quiet"], env=env,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    try:
        wait_for("a committed segment", lambda: segment_count(ctx) >= 1)
        # Kill when the open 6 s segment holds 2 whole fragments: mid-segment.
        wait_for("a half-written segment", lambda: open_fragments(staging) >= 2)
        ffmpeg_pids = subprocess.run(["pgrep", "-P", str(rec.pid)], capture_output=True,
                                     text=True).stdout.split()  # fmt: skip
        os.kill(rec.pid, signal.SIGKILL)
        t_kill = time.time_ns() // 1000
        rec.wait(10)
    finally:
        if rec.poll() is None:
            rec.kill()
    wait_for("ffmpeg to die with its recorder", lambda: not any(
        Path(f"/proc/{pid}").exists() for pid in ffmpeg_pids), 10)  # fmt: skip
    committed = segment_count(ctx)
    assert list(staging.glob("*.part")), "the kill should leave an open segment behind"
    out = subprocess.run([*vigil, "record", "--quiet", "--duration", "6"], env=env,
                         capture_output=True, text=True, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    cat = catalog(ctx, "cam")
    recovered = [s for s in cat.segments if s.recovered]
    assert len(recovered) == 1
    seg = recovered[0]
    assert seg.seq > committed
    # ffmpeg held at most the fragment in progress (1 s) when it died; allow 1 s latency.
    assert seg.end_us >= t_kill - 2_000_000
    assert [g.reason for g in cat.gaps] == ["recorder_down"]
    assert cat.gaps[0].start_us == seg.end_us
    assert not list(staging.glob("*.part"))
    check = subprocess.run([*vigil, "verify"], env=env, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    ctx.close()


def test_a_stalled_camera_never_blocks_another(
    live_site: SiteContext, camera_server: SimulatedCameraServer
) -> None:
    """One camera accepts the connection and then says nothing; the other records on."""
    import socket
    import threading

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept_and_hold() -> None:
        silent.settimeout(0.5)
        while not stop.is_set():
            try:
                conn, _ = silent.accept()
                held.append(conn)  # read nothing, answer nothing
            except TimeoutError:
                continue

    t = threading.Thread(target=accept_and_hold, daemon=True)
    t.start()
    reg = CameraRegistry(live_site)
    reg.add("stalled", f"rtsp://127.0.0.1:{silent.getsockname()[1]}/x")
    good = reg.add("good", camera_server.url("cam"))
    svc = RecordingService(live_site)
    svc.start()
    try:

        def good_segments() -> int:
            with live_site.sessions() as s:
                q = select(func.count()).select_from(Segment).where(Segment.camera_id == good.id)
                return int(s.scalar(q) or 0)

        wait_for("the good camera's segments", lambda: good_segments() >= 3, 40)
        assert svc.recorders[1].status.state in ("connecting", "offline")
        assert svc.recorders[1].status.sessions >= 1
    finally:
        svc.shutdown()
        stop.set()
        t.join()
        for c in held:
            c.close()
        silent.close()
    assert catalog(live_site, "stalled").segments == []
    assert catalog(live_site, "good").gaps == []


def test_h265_is_recorded_by_stream_copy(live_site: SiteContext) -> None:
    mount = MountSpec("hevc", codec="h265", fps=FPS, gop=FPS, overlay="none")
    with SimulatedCameraServer([mount]) as server:
        CameraRegistry(live_site).add("hevc", server.url("hevc"))
        svc = RecordingService(live_site)
        svc.start()
        try:
            wait_for("2 segments", lambda: segment_count(live_site) >= 2)
        finally:
            svc.shutdown()
    seg = catalog(live_site, "hevc").segments[0]
    assert seg.codec in ("hev1", "hvc1")
    assert probe_file(seg.path).video_codec == "hevc"
    assert first_packet_is_keyframe(seg.path)
    assert verify(live_site).ok


def test_demo_records_simulated_cameras_and_serves_the_console(cli_env: dict[str, str]) -> None:
    """The demo: recorded simulated cameras, the console, and a bureau beside the site,
    linked, holding the site's seal (A13.2, docs/bureau.md); Ctrl-C stops both."""
    from vigil.bureau.context import BureauContext
    from vigil.bureau.db.models import HeldSeal, Unit
    from vigil.media.simulated import free_tcp_port

    env = dict(cli_env, VIGIL_SEGMENT_S="3")
    web, bureau_port = free_tcp_port(), free_tcp_port()
    demo = subprocess.Popen(
        ["vigil", "demo", "--cameras", "1", "--duration", "60", "--history-minutes", "1",
         "--rtsp-port", str(free_tcp_port()), "--port", str(web),
         "--bureau-port", str(bureau_port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    bureau_url = f"http://127.0.0.1:{bureau_port}"
    try:
        import httpx

        wait_for("the console", lambda: _answers(f"http://127.0.0.1:{web}/"), 60)
        assert httpx.get(f"http://127.0.0.1:{web}/api/v1/cameras").status_code == 401
        # the bureau answers on its own port, and its register wants a session
        assert _answers(bureau_url + "/")
        assert httpx.get(bureau_url + "/api/v1/filings").status_code == 401
        status = json.loads(subprocess.run(["vigil", "link", "status", "--json"], env=env,
                                           capture_output=True, text=True, check=True).stdout)  # fmt: skip
        assert status["linked"] and status["bureau"]["url"] == bureau_url
        assert status["bureau"]["unit"] == "演示酒店有限公司 (demo)"

        def held_seals() -> list[tuple[str, str | None]]:
            bctx = BureauContext.open(Path(env["VIGIL_HOME"]) / "bureau")
            try:
                with bctx.sessions() as s:
                    rows = s.execute(select(Unit.name, Unit.peer_id).join(
                        HeldSeal, HeldSeal.unit_id == Unit.id))  # fmt: skip
                    return [(r[0], r[1]) for r in rows]
            finally:
                bctx.close()

        wait_for("a seal of the demo site at the bureau", lambda: bool(held_seals()), 60)
        assert {name for name, _ in held_seals()} == {"演示酒店有限公司 (demo)"}

        def live_segments() -> int:
            listed = subprocess.run(["vigil", "segments", "lobby", "--json"], env=env,
                                    capture_output=True, text=True, check=True)  # fmt: skip
            segs = json.loads(listed.stdout)["segments"]
            return len([s for s in segs if s["flags"] != "simulated"])

        wait_for("two live segments", lambda: live_segments() >= 2, 60)
        demo.send_signal(signal.SIGINT)  # Ctrl-C: both stop
        out, err = demo.communicate(timeout=90)
    finally:
        if demo.poll() is None:
            demo.kill()
    assert demo.returncode in (0, 130), err  # 130: stopped by SIGINT, as a shell says
    assert "Traceback" not in err
    assert not _answers(bureau_url + "/")  # the bureau stopped with the demo
    password = out.split("demo / ", 1)[1].split()[0]
    assert password.startswith("demo-")
    for user in ("officer", "head"):  # the bureau's logins are printed beside the site's
        assert out.split(f"{user} / ", 1)[1].split()[0].startswith("demo-")
    listed = subprocess.run(["vigil", "segments", "lobby", "--json"], env=env,
                            capture_output=True, text=True, check=True)  # fmt: skip
    segs = json.loads(listed.stdout)["segments"]
    simulated = [s for s in segs if s["flags"] == "simulated"]
    live = [s for s in segs if s["flags"] != "simulated"]
    assert len(simulated) >= 10 and len(live) >= 2  # 60 s of yesterday in 3 s segments
    assert simulated[-1]["end_us"] < live[0]["start_us"] - 3600 * 1_000_000
    assert subprocess.run(["vigil", "verify"], env=env, capture_output=True).returncode == 0


def _answers(url: str) -> bool:
    import httpx

    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
