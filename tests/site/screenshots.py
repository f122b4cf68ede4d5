"""Screenshots of the console for the README: the live wall, the playback timeline and the
self-check report of a hotel that has filled in part of its records.

Run by hand from the repository root (it records two simulated cameras for about a minute,
with a 10 s outage so the timeline shows a gap):

    .venv/bin/python -m tests.site.screenshots [OUT_DIR]     # default: docs/img
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import httpx

from tests.site.conftest import Console, _sealed_counts, chromium, running_console
from vigil.clock import us_to_iso

VIEWPORT = {"width": 1280, "height": 800}
OUTAGE_S = 10


def wait_for_segments(console: Console, more: int) -> None:
    """Wait until every camera has sealed `more` segments beyond what it has now."""
    start = _sealed_counts(console.ctx)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        now = _sealed_counts(console.ctx)
        if now and all(now.get(cam, 0) >= start.get(cam, 0) + more for cam in start):
            return
        time.sleep(0.5)
    raise TimeoutError("the cameras did not record")


def sign_in(page: Any, console: Console, hash_: str) -> None:
    page.goto(f"{console.base}/{hash_}")
    page.get_by_test_id("login-username").fill("admin")
    page.get_by_test_id("login-password").fill(console.passwords["admin"])
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("user-name").wait_for()


def hotel_records(console: Console) -> None:
    """A hotel's profile with cam1 at its entrance: enough for a report with gaps in it."""
    with httpx.Client(base_url=console.base, timeout=30) as client:
        r = client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": console.passwords["admin"]}
        )
        r.raise_for_status()
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        delivered = date.today() - timedelta(days=12)
        client.put(
            "/api/v1/site/profile",
            json={
                "unit_name": "榕城大酒店有限公司",
                "credit_code": "91350100M000100Y43",
                "division_code": "350102",
                "address": "福建省福州市鼓楼区五四路 1 号",
                "categories": ["hospitality_entertainment"],
                "builder": "unit",
                "contact_name": "林经理",
                "delivered_on": delivered.isoformat(),
                "commissioned_on": (delivered + timedelta(days=1)).isoformat(),
            },
        ).raise_for_status()
        client.put(
            "/api/v1/cameras/cam1/siting",
            json={"location_type": "entrance", "purpose": "大门出入口", "sign_installed": True},
        ).raise_for_status()


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_console(
            Path(tmp) / "home", cameras=("cam1", "cam2", "gate-3", "lobby-4")
        ) as console,
    ):
        wait_for_segments(console, 3)
        console.cams.stop()  # a camera outage: a gap on the timeline
        time.sleep(OUTAGE_S)
        console.cams.start()
        wait_for_segments(console, 4)
        segs = console.segments("cam1")
        gap_at = next(a.end_us for a, b in pairwise(segs) if b.start_us - a.end_us > 1e6)
        with chromium() as browser:
            page = browser.new_page(viewport=VIEWPORT)  # type: ignore[attr-defined]
            sign_in(page, console, "#/live")
            page.wait_for_function(
                """() => [...document.querySelectorAll('video')].length === 4 &&
                   [...document.querySelectorAll('video')].every(v =>
                     v.getVideoPlaybackQuality().totalVideoFrames > 10)"""
            )
            time.sleep(1)
            page.screenshot(path=str(out_dir / "live-wall.png"))
            print("wrote", out_dir / "live-wall.png")

            page.goto(f"{console.base}/#/playback")
            page.get_by_test_id("pb-camera-cam2").check()
            page.get_by_test_id("seek-input").fill(us_to_iso(gap_at - 6_000_000))
            page.get_by_test_id("seek-button").click()
            page.get_by_test_id("purpose-input").fill("核查 3 号门报警")
            page.get_by_test_id("destination-input").fill("本单位保卫科，仅现场查看")
            page.get_by_test_id("purpose-submit").click()
            page.get_by_test_id("playback-video-cam2").wait_for()
            for _ in range(9):  # a day, halved nine times: about three minutes
                page.get_by_test_id("zoom-in").click()
            time.sleep(9.5)  # plays through the gap, which it skips
            page.get_by_test_id("play-toggle").click()
            time.sleep(0.5)
            page.screenshot(path=str(out_dir / "timeline.png"))
            print("wrote", out_dir / "timeline.png")
            print("playhead", page.get_by_test_id("playback-clock").inner_text(),
                  "gap began", us_to_iso(gap_at))  # fmt: skip

            hotel_records(console)
            page.goto(f"{console.base}/#/compliance")
            page.get_by_test_id("cp-row-A14").wait_for()
            time.sleep(0.5)
            page.screenshot(path=str(out_dir / "compliance.png"))
            print("wrote", out_dir / "compliance.png")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/img"))
