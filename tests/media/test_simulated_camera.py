"""The simulated camera site against independent clients (ffprobe, ffmpeg): no mocks."""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from vigil.media.probe import (
    ProbeError,
    count_video_packets,
    first_packet_is_keyframe,
    probe_file,
    probe_url,
)
from vigil.media.simulated import (
    MountSpec,
    SimulatedCameraServer,
    free_tcp_port,
    gstreamer_available,
    make_test_clip,
)

# No skips: the set-up command installs GStreamer and ffmpeg; their absence is a failure.


def test_media_tools_are_installed() -> None:
    assert gstreamer_available(), "gst-rtsp-server not importable by Debian's python3"
    assert shutil.which("ffmpeg") and shutil.which("ffprobe")


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("clips") / "clip.ts"
    return make_test_clip(path, width=320, height=240, fps=10, gop=10, bitrate_kbps=300, seconds=2)


@pytest.fixture(scope="module")
def server(clip: Path) -> Iterator[SimulatedCameraServer]:
    mounts = [MountSpec("live1"), MountSpec("file1", kind="file", path=str(clip))]
    with SimulatedCameraServer(mounts) as srv:
        yield srv


def record(url: str, out: Path, seconds: float) -> None:
    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-rtsp_transport",
            "tcp",
            "-i",
            url,
            "-t",
            str(seconds),
            "-c",
            "copy",
            "-f",
            "mp4",
            str(out),
        ],
        check=True,
        timeout=30,
        capture_output=True,
    )


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_make_test_clip(clip: Path) -> None:
    info = probe_file(clip)
    assert info.format_name == "mpegts"
    assert (info.video_codec, info.width, info.height) == ("h264", 320, 240)
    assert info.nb_packets == 20
    assert count_video_packets(clip) == (20, 2)  # GOP 10 at 10 fps: a keyframe a second
    assert first_packet_is_keyframe(clip)
    mtime = clip.stat().st_mtime_ns
    make_test_clip(clip, width=320, height=240, fps=10, gop=10, bitrate_kbps=300, seconds=2)
    assert clip.stat().st_mtime_ns == mtime  # existing file: no work


@pytest.mark.parametrize("name", ["live1", "file1"])
def test_ffprobe_plays_each_mount(server: SimulatedCameraServer, name: str) -> None:
    url = server.url(name)
    assert url == f"rtsp://127.0.0.1:{server.port}/{name}"
    info = probe_url(url)
    assert info.format_name == "rtsp"
    assert (info.video_codec, info.width, info.height) == ("h264", 320, 240)


@pytest.mark.parametrize("name", ["live1", "file1"])
def test_ffmpeg_records_three_seconds(
    server: SimulatedCameraServer, name: str, tmp_path: Path
) -> None:
    out = tmp_path / f"{name}.mp4"
    record(server.url(name), out, 3)
    info = probe_file(out)
    assert "mp4" in info.format_name
    assert (info.video_codec, info.width, info.height) == ("h264", 320, 240)
    assert info.duration_s is not None and 2.5 <= info.duration_s <= 3.5
    packets, keyframes = count_video_packets(out)
    assert 25 <= packets <= 35  # 10 fps, real-time pacing (the file mount loops a 2 s clip)
    assert keyframes >= 2
    assert first_packet_is_keyframe(out)


def test_stop_then_start_on_same_port() -> None:
    srv = SimulatedCameraServer([MountSpec("cam")])
    with pytest.raises(RuntimeError):
        _ = srv.port  # not known before start when port=None
    srv.start()
    try:
        port, first_pid = srv.port, srv.pid
        assert first_pid is not None
        assert probe_url(srv.url("cam")).video_codec == "h264"

        srv.stop()  # the camera goes away ...
        assert srv.pid is None
        assert not port_open(port)
        with pytest.raises(ProbeError):
            probe_url(srv.url("cam"), timeout_s=2)
        srv.stop()  # idempotent

        srv.start()  # ... and comes back on the same URL
        assert srv.port == port
        assert srv.pid is not None and srv.pid != first_pid
        assert probe_url(srv.url("cam")).video_codec == "h264"
    finally:
        srv.close()
    assert srv.pid is None


def test_explicit_port_and_busy_port_fail_clearly() -> None:
    port = free_tcp_port()
    with SimulatedCameraServer([MountSpec("cam")], port=port) as srv:
        assert srv.port == port
        assert port_open(port)
        rival = SimulatedCameraServer([MountSpec("cam")], port=port)
        with pytest.raises(RuntimeError, match="port in use"):
            rival.start(timeout_s=10)
        assert rival.pid is None
    assert not port_open(port)


def test_bad_interpreter_is_reported() -> None:
    assert not gstreamer_available("/nonexistent/python3")
    srv = SimulatedCameraServer([MountSpec("cam")], python="/nonexistent/python3")
    with pytest.raises(RuntimeError, match="interpreter"):
        srv.start()


def test_mount_spec_validation(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        MountSpec("a/b")
    with pytest.raises(ValueError):
        MountSpec("cam", kind="file")  # no path
    with pytest.raises(ValueError):
        MountSpec("cam", width=321)
    missing = MountSpec("cam", kind="file", path=str(tmp_path / "missing.ts"))
    with pytest.raises(FileNotFoundError):
        SimulatedCameraServer([missing]).start()
    with pytest.raises(ValueError):
        SimulatedCameraServer([MountSpec("cam"), MountSpec("cam")])


def test_probe_rejects_non_media(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    with pytest.raises(ProbeError):
        probe_file(junk)
    with pytest.raises(ProbeError):
        count_video_packets(junk)
    with pytest.raises(ProbeError):
        first_packet_is_keyframe(junk)
    with pytest.raises(ProbeError):
        probe_file(tmp_path / "absent.mp4")
