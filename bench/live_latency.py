"""Live latency, glass to glass: the clock burnt into the camera's picture against the
browser's wall clock at the moment that frame is presented.

    .venv/bin/python bench/live_latency.py [--samples 30] [--json out.json]

A simulated camera (320x240, 10 fps, GOP 1 s, the UTC clock in milliseconds burnt in by
the camera when it renders the frame), the recorder and the console as `vigil serve` runs
them, and Debian's Chromium on the live page. For each sample the page waits for the next
presented frame (`requestVideoFrameCallback`), notes `Date.now()`, and copies that frame to
a canvas; tesseract reads the burnt-in clock from it. Latency = presentation time - burnt-in
time: camera encoder, RTSP, recorder, 1-s fragments, WebSocket, MSE buffer and decode.
Same machine, so one clock. Nothing here asserts timing. Needs chromium and tesseract-ocr.
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.site.conftest import chromium, running_console  # noqa: E402
from tests.site.test_browser import read_burned_clock  # noqa: E402

_GRAB = """async (name) => {
  const v = document.querySelector(`[data-testid="live-video-${name}"]`);
  const meta = await new Promise((ok) => v.requestVideoFrameCallback((now, m) => ok(m)));
  const shown_ms = performance.timeOrigin + meta.expectedDisplayTime;
  const c = document.createElement("canvas");
  c.width = v.videoWidth; c.height = v.videoHeight;
  c.getContext("2d").drawImage(v, 0, 0);
  const b = v.buffered;
  return {shown_ms, png: c.toDataURL("image/png").split(",")[1],
          buffered_s: b.length ? b.end(b.length - 1) - v.currentTime : 0};
}"""


def measure(samples: int, work: Path) -> dict[str, Any]:
    lat_ms: list[float] = []
    ahead_s: list[float] = []
    unread = 0
    with (
        running_console(work / "home", min_segments=1, cameras=("cam1",)) as console,
        chromium() as browser,
    ):
        page = browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore
        page.goto(f"{console.base}/#/live")
        page.get_by_test_id("login-username").fill("admin")
        page.get_by_test_id("login-password").fill(console.passwords["admin"])
        page.get_by_test_id("login-submit").click()
        page.wait_for_function(
            """() => { const v = document.querySelector('[data-testid="live-video-cam1"]');
                       return v && v.readyState >= 2 && !v.paused && v.currentTime > 0; }""",
            timeout=30_000,
        )
        time.sleep(3)  # let the player settle at its live edge
        for _ in range(samples):
            got = page.evaluate(_GRAB, "cam1")
            shown_us = int(got["shown_ms"] * 1000)
            burned = read_burned_clock(base64.b64decode(got["png"]), work, shown_us)
            if burned is None:
                unread += 1
            else:
                lat_ms.append((shown_us - burned) / 1000)
                ahead_s.append(float(got["buffered_s"]))
            time.sleep(0.7)
    lat_ms.sort()

    def pct(q: float) -> float:
        return round(lat_ms[min(len(lat_ms) - 1, int(q * len(lat_ms)))], 1)

    return {
        "samples_read": len(lat_ms),
        "samples_unreadable": unread,
        "latency_ms": {
            "min": round(lat_ms[0], 1),
            "p50": pct(0.5),
            "p95": pct(0.95),
            "max": round(lat_ms[-1], 1),
            "mean": round(statistics.fmean(lat_ms), 1),
        }
        if lat_ms
        else None,
        "buffer_ahead_s_p50": round(statistics.median(ahead_s), 3) if ahead_s else None,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=30)
    p.add_argument("--json", type=Path)
    a = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="vigil-bench-live-") as tmp:
        result = measure(a.samples, Path(tmp))
    print(json.dumps(result, indent=2))
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
