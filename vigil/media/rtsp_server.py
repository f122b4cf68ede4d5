#!/usr/bin/env python3
"""A simulated camera site: one gst-rtsp-server on 127.0.0.1 with one mount per camera.

Standalone on purpose: it imports only the standard library and ``gi``, because ``gi`` imports
only under Debian's ``/usr/bin/python3``, not under the project's venv.  The venv side starts it
through ``vigil.media.simulated.SimulatedCameraServer``.

Usage::

    /usr/bin/python3 rtsp_server.py --port 8554 \\
        --mount name=cam1,kind=live,width=320,height=240,fps=10,gop=10,bitrate_kbps=300 \\
        --mount name=cam2,kind=file,path=/abs/clip.ts

``--port 0`` binds a free port; the port actually bound is printed on the ready line.

Mount keys
    name          the URL path: rtsp://HOST:PORT/<name>   ([A-Za-z0-9_.-]+)
    kind          live (test pattern with the host's UTC wall clock burnt in) or file
    width height fps gop bitrate_kbps codec (h264|h265) overlay (ms|s|none)   -- kind=live
    path          an MPEG-TS file holding H.264, looped forever, paced in real time -- kind=file

Protocol with the parent: once the server accepts connections it prints exactly one line
``READY <port>`` to stdout.  Errors go to stderr.  SIGTERM or SIGINT stop it (exit status 0).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys
import time
from typing import Any

NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
INT_KEYS = ("width", "height", "fps", "gop", "bitrate_kbps")
DEFAULTS = {
    "kind": "live",
    "width": "320",
    "height": "240",
    "fps": "10",
    "gop": "10",
    "bitrate_kbps": "300",
    "codec": "h264",
    "overlay": "ms",
}
KNOWN_KEYS = {"name", "path", *DEFAULTS}


def log(message: str) -> None:
    sys.stderr.write(f"rtsp_server: {message}\n")
    sys.stderr.flush()


def parse_mount(spec: str) -> dict[str, Any]:
    """Parse ``k=v,k=v`` into a validated dict (ints converted)."""
    mount: dict[str, Any] = dict(DEFAULTS)
    for item in spec.split(","):
        if not item:
            continue
        if "=" not in item:
            raise ValueError(f"mount {spec!r}: {item!r} is not key=value")
        key, value = item.split("=", 1)
        key = key.strip()
        if key not in KNOWN_KEYS:
            raise ValueError(f"mount {spec!r}: unknown key {key!r}")
        mount[key] = value
    name = mount.get("name")
    if not name or not NAME_RE.match(name):
        raise ValueError(f"mount {spec!r}: name must match {NAME_RE.pattern}")
    for key in INT_KEYS:
        try:
            mount[key] = int(mount[key])
        except ValueError:
            raise ValueError(f"mount {name}: {key} must be an integer") from None
        if mount[key] <= 0:
            raise ValueError(f"mount {name}: {key} must be positive")
    if mount["width"] % 2 or mount["height"] % 2:
        raise ValueError(f"mount {name}: width and height must be even")
    if mount["kind"] not in ("live", "file"):
        raise ValueError(f"mount {name}: kind must be live or file")
    if mount["codec"] not in ("h264", "h265"):
        raise ValueError(f"mount {name}: codec must be h264 or h265")
    if mount["overlay"] not in ("ms", "s", "none"):
        raise ValueError(f"mount {name}: overlay must be ms, s or none")
    if mount["kind"] == "file":
        path = mount.get("path")
        if not path or not os.path.isabs(path):
            raise ValueError(f"mount {name}: kind=file needs an absolute path=")
        if not os.path.isfile(path):
            raise ValueError(f"mount {name}: no such file {path}")
    return mount


def quote(value: str) -> str:
    """Quote a string property value for gst_parse_launch."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def live_launch(m: dict[str, Any]) -> str:
    w, h, fps, gop, kbps = m["width"], m["height"], m["fps"], m["gop"], m["bitrate_kbps"]
    # Pango sizes are points; about a 14th of the picture height keeps the full
    # "YYYY-MM-DD HH:MM:SS.mmm" line inside the frame at 4:3 and 16:9.
    font = quote(f"Monospace Bold {max(8, h // 14)}")
    src = (
        f"videotestsrc is-live=true pattern=ball "
        f"! video/x-raw,format=I420,width={w},height={h},framerate={fps}/1"
    )
    overlay_common = (
        f"font-desc={font} halignment=left valignment=top shaded-background=true "
        "auto-resize=false draw-shadow=false"
    )
    if m["overlay"] == "ms":
        # Text set per buffer by a pad probe (strftime in clockoverlay has no milliseconds).
        overlay = f' ! textoverlay name=clock {overlay_common} text=""'
    elif m["overlay"] == "s":
        overlay = (
            f" ! clockoverlay name=clock {overlay_common} time-format={quote('%Y-%m-%d %H:%M:%S')}"
        )
    else:
        overlay = ""
    if m["codec"] == "h264":
        enc = (
            f" ! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} bframes=0 "
            f"sliced-threads=false threads=1 bitrate={kbps} "
            f"! video/x-h264,profile=constrained-baseline "
            "! h264parse ! rtph264pay name=pay0 config-interval=-1 pt=96"
        )
    else:
        enc = (
            f" ! x265enc tune=zerolatency speed-preset=ultrafast key-int-max={gop} "
            f"bitrate={kbps} option-string={quote('bframes=0:pools=1:frame-threads=1')} "
            "! h265parse ! rtph265pay name=pay0 config-interval=-1 pt=96"
        )
    return "( " + src + overlay + enc + " )"


def file_launch(m: dict[str, Any]) -> str:
    return (
        f"( multifilesrc location={quote(m['path'])} loop=true "
        "! tsdemux ! h264parse ! rtph264pay name=pay0 config-interval=-1 pt=96 )"
    )


def required_elements(m: dict[str, Any]) -> list[str]:
    if m["kind"] == "file":
        return ["multifilesrc", "tsdemux", "h264parse", "rtph264pay"]
    need = ["videotestsrc"]
    if m["overlay"] == "ms":
        need.append("textoverlay")
    elif m["overlay"] == "s":
        need.append("clockoverlay")
    if m["codec"] == "h264":
        need += ["x264enc", "h264parse", "rtph264pay"]
    else:
        need += ["x265enc", "h265parse", "rtph265pay"]
    return need


def utc_text(now: float) -> str:
    seconds = int(now)
    millis = int((now - seconds) * 1000)
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Simulated RTSP cameras (gst-rtsp-server).")
    parser.add_argument("--port", type=int, required=True, help="TCP port; 0 picks a free one")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--mount", action="append", required=True, metavar="SPEC")
    parser.add_argument("--verbose", action="store_true", help="log client connections")
    args = parser.parse_args(argv)

    try:
        mounts = [parse_mount(spec) for spec in args.mount]
    except ValueError as exc:
        log(f"error: {exc}")
        return 2
    names = [m["name"] for m in mounts]
    if len(set(names)) != len(names):
        log("error: mount names must be unique")
        return 2

    # clockoverlay renders local time: make local time UTC.
    os.environ["TZ"] = "UTC"
    time.tzset()
    # GStreamer's own errors (pipeline failures, missing elements) to stderr.
    os.environ.setdefault("GST_DEBUG", "1")
    os.environ.setdefault("GST_DEBUG_NO_COLOR", "1")

    try:
        import gi

        gi.require_version("Gst", "1.0")
        gi.require_version("GstRtspServer", "1.0")
        from gi.repository import GLib, Gst, GstRtspServer
    except (ImportError, ValueError) as exc:
        log(f"error: GStreamer RTSP server bindings unavailable under {sys.executable}: {exc}")
        return 3

    Gst.init(None)

    for m in mounts:
        missing = [e for e in required_elements(m) if Gst.ElementFactory.find(e) is None]
        if missing:
            log(f"error: mount {m['name']}: missing GStreamer elements: {', '.join(missing)}")
            return 3

    def on_seeking_query(_pad: Any, info: Any) -> Any:
        query = info.get_query()
        if query is not None and query.type == Gst.QueryType.SEEKING:
            # Endless source: answer "not seekable", else a PLAY with Range: npt=0- (ffmpeg,
            # PyAV) makes the server seek, the seek fails and the client gets 503.  The query
            # is not writable from Python (PyGObject holds a second reference), so it is not
            # filled in: a fresh SEEKING query already says seekable=FALSE, and HANDLED makes
            # the query succeed with that answer.
            return Gst.PadProbeReturn.HANDLED
        return Gst.PadProbeReturn.OK

    def on_overlay_buffer(_pad: Any, _info: Any, overlay: Any) -> Any:
        overlay.set_property("text", utc_text(time.time()))
        return Gst.PadProbeReturn.OK

    def on_media_configure(_factory: Any, media: Any, m: dict[str, Any]) -> None:
        element = media.get_element()
        pay = element.get_by_name("pay0")
        if pay is None:
            log(f"error: mount {m['name']}: no pay0 in pipeline")
            return
        pay.get_static_pad("src").add_probe(Gst.PadProbeType.QUERY_UPSTREAM, on_seeking_query)
        if m["kind"] == "live" and m["overlay"] == "ms":
            overlay = element.get_by_name("clock")
            overlay.set_property("text", utc_text(time.time()))
            overlay.get_static_pad("video_sink").add_probe(
                Gst.PadProbeType.BUFFER, on_overlay_buffer, overlay
            )
        if args.verbose:
            log(f"media configured for /{m['name']}")

    server = GstRtspServer.RTSPServer()
    server.set_address(args.host)
    server.set_service(str(args.port))
    mount_points = server.get_mount_points()
    for m in mounts:
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch(live_launch(m) if m["kind"] == "live" else file_launch(m))
        factory.set_shared(True)
        factory.connect("media-configure", on_media_configure, m)
        mount_points.add_factory("/" + m["name"], factory)

    if args.verbose:

        def on_client(_server: Any, client: Any) -> None:
            conn = client.get_connection()
            log(f"client connected from {conn.get_ip() if conn else '?'}")

        server.connect("client-connected", on_client)

    loop = GLib.MainLoop()

    def stop(*_args: Any) -> Any:
        loop.quit()
        return GLib.SOURCE_REMOVE

    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGTERM, stop)
    GLib.unix_signal_add(GLib.PRIORITY_HIGH, signal.SIGINT, stop)

    try:
        source_id = server.attach(None)
    except GLib.Error as exc:
        log(f"error: cannot listen on {args.host}:{args.port}: {exc.message}")
        return 4
    if not source_id:
        log(f"error: cannot listen on {args.host}:{args.port} (port in use?)")
        return 4
    port = server.get_bound_port()

    sys.stdout.write(f"READY {port}\n")
    sys.stdout.flush()
    try:
        loop.run()
    finally:
        GLib.source_remove(source_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
