"""Simulated cameras: a gst-rtsp-server subprocess serving test patterns and looping clips.

Used by ``vigil demo``, the tests and the benchmarks.  The server itself is
``vigil/media/rtsp_server.py``, run by Debian's ``/usr/bin/python3`` (the only interpreter on
which ``gi`` imports); this module starts it, waits for its ``READY <port>`` line and stops it.

The server is tied to the life of the thread that started it (``PR_SET_PDEATHSIG``), so an
aborted test run never leaves a server behind.
"""

from __future__ import annotations

import functools
import os
import selectors
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from vigil.media.children import die_with_parent

__all__ = [
    "MountSpec",
    "SimulatedCameraServer",
    "free_tcp_port",
    "gstreamer_available",
    "make_test_clip",
]

SERVER_SCRIPT = Path(__file__).with_name("rtsp_server.py")
DEFAULT_GST_PYTHON = "/usr/bin/python3"
_STDERR_TAIL_BYTES = 4000


def _gst_python(python: str | None) -> str:
    return python or os.environ.get("VIGIL_GST_PYTHON") or DEFAULT_GST_PYTHON


@dataclass(frozen=True)
class MountSpec:
    """One simulated camera: ``rtsp://HOST:PORT/<name>``.

    ``kind="live"``: a moving test pattern with the host's UTC wall clock burnt in, encoded
    live (constant GOP of ``gop`` frames, no B-frames).  ``overlay`` picks the clock:
    ``"ms"`` with milliseconds, ``"s"`` whole seconds (cheaper), ``"none"``.

    ``kind="file"``: ``path`` is an MPEG-TS file with H.264 (see `make_test_clip`), looped
    forever and paced in real time; the encoding fields are ignored.
    """

    name: str
    kind: Literal["live", "file"] = "live"
    width: int = 320
    height: int = 240
    fps: int = 10
    gop: int = 10
    bitrate_kbps: int = 300
    codec: Literal["h264", "h265"] = "h264"
    path: str | None = None
    overlay: Literal["ms", "s", "none"] = "ms"

    def __post_init__(self) -> None:
        if not self.name or not all(c.isalnum() or c in "_.-" for c in self.name):
            raise ValueError(f"mount name {self.name!r}: use letters, digits, '_', '.', '-'")
        if self.kind not in ("live", "file"):
            raise ValueError(f"mount {self.name}: kind must be 'live' or 'file'")
        if self.codec not in ("h264", "h265"):
            raise ValueError(f"mount {self.name}: codec must be 'h264' or 'h265'")
        if self.overlay not in ("ms", "s", "none"):
            raise ValueError(f"mount {self.name}: overlay must be 'ms', 's' or 'none'")
        for field in ("width", "height", "fps", "gop", "bitrate_kbps"):
            if getattr(self, field) <= 0:
                raise ValueError(f"mount {self.name}: {field} must be positive")
        if self.width % 2 or self.height % 2:
            raise ValueError(f"mount {self.name}: width and height must be even")
        if self.kind == "file":
            if not self.path or not os.path.isabs(self.path):
                raise ValueError(f"mount {self.name}: kind='file' needs an absolute path")
            if "," in self.path:
                raise ValueError(f"mount {self.name}: path must not contain ','")

    def to_arg(self) -> str:
        """The ``--mount`` argument of rtsp_server.py."""
        if self.kind == "file":
            return f"name={self.name},kind=file,path={self.path}"
        return (
            f"name={self.name},kind=live,width={self.width},height={self.height},"
            f"fps={self.fps},gop={self.gop},bitrate_kbps={self.bitrate_kbps},"
            f"codec={self.codec},overlay={self.overlay}"
        )


def free_tcp_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (another process may still take it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


@functools.cache
def _can_import_gst_rtsp(python: str) -> bool:
    code = (
        "import gi; gi.require_version('Gst', '1.0'); "
        "gi.require_version('GstRtspServer', '1.0'); "
        "from gi.repository import Gst, GstRtspServer"
    )
    try:
        result = subprocess.run(
            [python, "-c", code],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return result.returncode == 0


def gstreamer_available(python: str | None = None) -> bool:
    """True when ``python`` (default: $VIGIL_GST_PYTHON or /usr/bin/python3) can import
    GstRtspServer, i.e. `SimulatedCameraServer` can run.  Cached per interpreter."""
    return _can_import_gst_rtsp(_gst_python(python))


class SimulatedCameraServer:
    """A gst-rtsp-server subprocess serving ``mounts`` on ``host:port``.

    ``port=None`` lets the server bind a free port itself (no race); the port is then kept, so
    `stop` followed by `start` serves the same URLs again (a camera outage and its return).
    """

    def __init__(
        self,
        mounts: Sequence[MountSpec],
        *,
        port: int | None = None,
        host: str = "127.0.0.1",
        python: str | None = None,
    ) -> None:
        if not mounts:
            raise ValueError("at least one mount is needed")
        names = [m.name for m in mounts]
        if len(set(names)) != len(names):
            raise ValueError(f"mount names must be unique: {names}")
        self.mounts: tuple[MountSpec, ...] = tuple(mounts)
        self.host = host
        self.python = _gst_python(python)
        self._port = port
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    # -- properties ---------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The TCP port; known once `start` has succeeded when constructed with ``port=None``."""
        if self._port is None:
            raise RuntimeError("port not known yet: start() the server first")
        return self._port

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs, else None."""
        if self._proc is None or self._proc.poll() is not None:
            return None
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self.pid is not None

    def url(self, name: str) -> str:
        """``rtsp://HOST:PORT/<name>`` for one of the mounts."""
        if name not in {m.name for m in self.mounts}:
            raise KeyError(f"no mount named {name!r}")
        return f"rtsp://{self.host}:{self.port}/{name}"

    def urls(self) -> dict[str, str]:
        return {m.name: self.url(m.name) for m in self.mounts}

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self, timeout_s: float = 20.0) -> None:
        """Spawn the server and wait until it accepts connections.

        Raises RuntimeError, with the tail of the server's stderr, if it exits or is not ready
        within ``timeout_s``.
        """
        if self.running:
            raise RuntimeError(f"server already running (pid {self.pid})")
        self._cleanup()
        for m in self.mounts:
            if m.kind == "file" and m.path is not None and not os.path.isfile(m.path):
                raise FileNotFoundError(f"mount {m.name}: no such file {m.path}")
        if not SERVER_SCRIPT.is_file():
            raise RuntimeError(f"RTSP server script missing: {SERVER_SCRIPT}")
        if shutil.which(self.python) is None and not os.access(self.python, os.X_OK):
            raise RuntimeError(f"GStreamer python interpreter not found: {self.python}")

        cmd = [self.python, str(SERVER_SCRIPT), "--host", self.host, "--port", str(self._port or 0)]
        for m in self.mounts:
            cmd += ["--mount", m.to_arg()]
        # stderr goes to an unnamed temp file: nothing to drain, and readable on failure.
        self._stderr = tempfile.TemporaryFile(prefix="vigil-rtsp-", suffix=".log")  # noqa: SIM115
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)  # the venv's paths must not leak into Debian's python
        env.pop("PYTHONHOME", None)
        proc = subprocess.Popen(
            die_with_parent(cmd, "TERM"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            env=env,
            close_fds=True,
        )
        self._proc = proc
        try:
            port = self._wait_ready(proc, timeout_s)
        except BaseException:
            self._kill()
            raise
        self._port = port

    def _wait_ready(self, proc: subprocess.Popen[bytes], timeout_s: float) -> int:
        assert proc.stdout is not None
        fd = proc.stdout.fileno()
        os.set_blocking(fd, False)
        deadline = time.monotonic() + timeout_s
        buf = b""
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while b"\n" not in buf:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(
                        f"RTSP server not ready after {timeout_s:.1f} s; stderr:\n"
                        + self.stderr_tail()
                    )
                if not sel.select(timeout=min(remaining, 0.2)):
                    if proc.poll() is not None:
                        raise RuntimeError(self._exit_message(proc))
                    continue
                chunk = os.read(fd, 4096)
                if not chunk:  # EOF: the server exited
                    proc.wait(timeout=5)
                    raise RuntimeError(self._exit_message(proc))
                buf += chunk
        line = buf.split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        parts = line.split()
        if len(parts) != 2 or parts[0] != "READY" or not parts[1].isdigit():
            raise RuntimeError(
                f"RTSP server said {line!r} instead of READY; stderr:\n" + self.stderr_tail()
            )
        port = int(parts[1])
        if self._port and port != self._port:
            raise RuntimeError(f"RTSP server bound port {port}, asked for {self._port}")
        return port

    def _exit_message(self, proc: subprocess.Popen[bytes]) -> str:
        return (
            f"RTSP server exited with status {proc.returncode} before it was ready "
            f"({self.python} {SERVER_SCRIPT.name}, port {self._port or 'auto'}); stderr:\n"
            + self.stderr_tail()
        )

    def stderr_tail(self, max_bytes: int = _STDERR_TAIL_BYTES) -> str:
        """The last ``max_bytes`` of the server's stderr (current or last run)."""
        if self._stderr is None or self._stderr.closed:
            return ""
        try:
            self._stderr.flush()
            size = os.fstat(self._stderr.fileno()).st_size
            data = os.pread(self._stderr.fileno(), max_bytes, max(0, size - max_bytes))
        except OSError:
            return ""
        return data.decode("utf-8", "replace")

    def stop(self, timeout_s: float = 5.0) -> None:
        """SIGTERM the server, wait, SIGKILL if needed.  Idempotent."""
        self._kill(timeout_s)

    def _kill(self, timeout_s: float = 5.0) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=timeout_s)
            except ProcessLookupError:
                pass
        if proc.stdout is not None:
            proc.stdout.close()
        self._proc = None

    def _cleanup(self) -> None:
        if self._stderr is not None and not self._stderr.closed:
            self._stderr.close()
        self._stderr = None

    def close(self) -> None:
        """Stop the server and drop its stderr log."""
        self.stop()
        self._cleanup()

    def __enter__(self) -> SimulatedCameraServer:
        if not self.running:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()

    def __repr__(self) -> str:
        port = self._port if self._port is not None else "auto"
        names = ",".join(m.name for m in self.mounts)
        return f"SimulatedCameraServer({self.host}:{port} [{names}] pid={self.pid})"


def make_test_clip(
    path: Path,
    *,
    width: int,
    height: int,
    fps: int,
    gop: int,
    bitrate_kbps: int,
    seconds: int,
) -> Path:
    """Encode a moving test clip with a running timestamp to MPEG-TS (H.264) at ``path``.

    Constant GOP of ``gop`` frames, no B-frames, no sliced threads, bitrate capped near
    ``bitrate_kbps``: what `SimulatedCameraServer` loops for ``kind="file"`` mounts.  Does
    nothing if ``path`` already exists.  Needs the system ``ffmpeg``.
    """
    path = Path(path)
    if path.exists():
        return path
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg not found on PATH (apt-get install ffmpeg)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fontsize = max(12, height // 10)
    source = f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"
    stamp = (
        f"drawtext=text='%{{pts\\:hms}}':fontsize={fontsize}:fontcolor=white:"
        "box=1:boxcolor=black@0.6:x=8:y=8"
    )
    encode = [
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-pix_fmt",
        "yuv420p",
        "-bf",
        "0",
        "-g",
        str(gop),
        "-keyint_min",
        str(gop),
        "-sc_threshold",
        "0",
        "-x264-params",
        "sliced-threads=0:scenecut=0",
        "-b:v",
        f"{bitrate_kbps}k",
        "-maxrate",
        f"{bitrate_kbps}k",
        "-bufsize",
        f"{bitrate_kbps}k",
        "-an",
        "-f",
        "mpegts",
    ]
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    last_error = ""
    # drawtext needs fontconfig; fall back to the plain pattern if it is missing.
    for vf in (["-vf", stamp], []):
        cmd = [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            source,
            *vf,
            *encode,
            str(tmp),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode == 0:
            os.replace(tmp, path)
            return path
        last_error = result.stderr.strip()
    tmp.unlink(missing_ok=True)
    raise RuntimeError(f"ffmpeg could not make {path}: {last_error[-2000:]}")
