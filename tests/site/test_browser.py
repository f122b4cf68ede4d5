"""The console in a real browser: Debian's Chromium, a real camera, recorder and server.

Each test opens its own browser context against one console per module (tests/site/
conftest.py): two simulated cameras with the UTC clock burnt into the picture, recorded in
4 s segments of 1 s fragments.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
import time
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from tests.site.conftest import Console
from vigil.clock import US_PER_S, us_to_iso

pytestmark = pytest.mark.slow

# The simulated camera burns "YYYY-MM-DD HH:MM:SS.mmm" (UTC) at the top of the picture, in
# two lines when the picture is narrow.
TIME_OF_DAY = re.compile(r"(?<!\d)(\d{2}):(\d{2}):(\d{2})[.,:]?(\d{3})(?!\d)")
MIN_SEC_MS = re.compile(r"(\d{2}):(\d{2})[.,:](\d{3})(?!\d)")
DATE = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
# The pages of the unit's records, which every role may read (view_records).
RECORDS_ZH = ["场所", "点位", "人员", "维保", "自查", "当事人查看", "禁装检查"]
RECORDS_EN = [
    "Site", "Cameras", "Staff", "Maintenance", "Compliance", "Subject viewing", "Private places",
]  # fmt: skip


def sign_in(page: Any, console: Console, username: str, hash_: str = "") -> None:
    page.goto(f"{console.base}/{hash_}")
    page.get_by_test_id("login-username").fill(username)
    page.get_by_test_id("login-password").fill(console.passwords[username])
    page.get_by_test_id("login-submit").click()
    page.get_by_test_id("user-name").wait_for()


@contextmanager
def api_client(console: Console, username: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console.base, timeout=30) as client:
        r = client.post(
            "/api/v1/auth/login",
            json={"username": username, "password": console.passwords[username]},
        )
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield client


def recorded_instant(console: Console, camera: str = "cam1") -> int:
    """An instant well inside a sealed segment, off the frame grid."""
    segs = console.segments(camera)
    assert len(segs) >= 2
    seg = segs[len(segs) // 2]
    return seg.start_us + min(1_550_000, (seg.end_us - seg.start_us) // 2)


def _ocr(src: Path, level: int) -> str:
    prepared = src.with_name(f"clock-{level}.png")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-y", "-i", str(src), "-vf",
         "crop=iw:ih*0.45:0:0,scale=iw*3:ih*3:flags=bicubic,format=gray,"
         f"lut=y='if(gt(val,{level}),0,255)'", str(prepared)],
        check=True, timeout=30,
    )  # fmt: skip
    return subprocess.run(
        ["tesseract", str(prepared), "stdout", "--psm", "6",
         "-c", "tessedit_char_whitelist=0123456789-:."],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip


def read_burned_clock(png: bytes, work: Path, near_us: int) -> int | None:
    """The instant burnt into a screenshot of the picture, or None if it cannot be read.

    The top of the picture is cropped, upscaled ×3 and thresholded to black text on white
    (at a few levels: the test pattern's ball, white or shaded grey, may touch the text),
    then read by tesseract (digits and separators only). Minutes, seconds and milliseconds
    must be read from the picture; the date, and the hour if the ball hides it, are those
    (of the days and hours around `near_us`) that put the instant nearest to it.
    """
    src = work / "frame.png"
    src.write_bytes(png)
    near = datetime.fromtimestamp(near_us / US_PER_S, UTC)
    for level in (150, 235, 170, 110):
        text = _ocr(src, level)
        full, short = TIME_OF_DAY.search(text), MIN_SEC_MS.findall(text)
        if full and int(full[1]) <= 23:
            hours = [int(full[1])]
            mm, ss, ms = int(full[2]), int(full[3]), int(full[4])
        elif short:
            hours = [(near.hour + k) % 24 for k in (-1, 0, 1)]
            mm, ss, ms = (int(g) for g in short[-1])
        else:
            continue
        if mm > 59 or ss > 59:
            continue
        midnight = near.replace(hour=0, minute=0, second=0, microsecond=0)
        days = [midnight + timedelta(days=k) for k in (-1, 0, 1)]
        date = DATE.search(text)
        if date:
            y, mo, d = (int(g) for g in date.groups())
            with contextlib.suppress(ValueError):  # a misread date: fall back to the three
                days = [datetime(y, mo, d, tzinfo=UTC)]
        candidates = [
            int(day.replace(hour=hh, minute=mm, second=ss).timestamp()) * US_PER_S + ms * 1000
            for day in days
            for hh in hours
        ]
        return min(candidates, key=lambda us: abs(us - near_us))
    return None


# -- 1 -------------------------------------------------------------------------------------------


def test_sign_in_chinese_by_default_and_english_switch(page: Any, console: Console) -> None:
    page.goto(console.base + "/")
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    expect(page.get_by_test_id("login-submit")).to_have_text("登录")
    # A wrong password is refused, the reason shown under the form.
    page.get_by_test_id("login-username").fill("admin")
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("wrong username or password")

    page.get_by_test_id("login-password").fill(console.passwords["admin"])
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("user-role")).to_have_text("管理")
    expect(page.get_by_test_id("user-name")).to_have_text("值班主任")
    nav = page.get_by_test_id("nav").locator("a")
    expect(nav).to_have_text(["实时监看", "录像回放", "录像导出", "查阅登记", *RECORDS_ZH])
    expect(page).to_have_url(re.compile(r"#/live$"))

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("user-role")).to_have_text("administrator")
    expect(nav).to_have_text(["Live", "Playback", "Exports", "Audit log", *RECORDS_EN])
    assert page.evaluate("document.documentElement.lang") == "en"
    page.reload()  # the choice is kept, and so is the session
    expect(page.get_by_test_id("logout")).to_have_text("Sign out")
    expect(page.get_by_test_id("live-wall")).to_be_visible()
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("user-role")).to_have_text("管理")
    expect(page.get_by_test_id("logout")).to_have_text("退出")

    page.get_by_test_id("logout").click()
    page.get_by_test_id("login-form").wait_for()
    assert page.evaluate("fetch('/api/v1/auth/me').then(r => r.status)") == 401


# -- 2 -------------------------------------------------------------------------------------------

_PLAYING = """(name) => {
  const v = document.querySelector(`[data-testid="live-video-${name}"]`);
  if (!v) return null;
  const b = v.buffered;
  return {t: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames,
          end: b.length ? b.end(b.length - 1) : 0, paused: v.paused};
}"""


def test_live_tile_plays(page: Any, console: Console) -> None:
    sign_in(page, console, "admin", "#/live")
    page.get_by_test_id("live-tile-cam2").wait_for()
    page.wait_for_function(
        f"() => {{ const s = ({_PLAYING})('cam1'); return s && s.frames > 0 && s.t > 0; }}"
    )
    before = page.evaluate(_PLAYING, "cam1")
    page.wait_for_function(  # the picture moves on: 1.2 s of media, 10 fps decoded
        f"(b) => {{ const s = ({_PLAYING})('cam1'); return s.t - b.t >= 1.2 && s.frames - b.frames >= 10; }}",
        arg=before,
    )
    after = page.evaluate(_PLAYING, "cam1")
    assert after["t"] - before["t"] >= 1.2, (before, after)  # the picture moves on
    assert after["frames"] - before["frames"] >= 10, (before, after)  # 10 fps, decoded
    assert not after["paused"]
    assert after["end"] - after["t"] < 2.5, after  # near the live edge
    expect(page.get_by_test_id("live-state-cam1")).to_have_text("录像中")
    # Double-click: the single full view, and back.
    page.get_by_test_id("live-tile-cam1").dblclick()
    expect(page.get_by_test_id("live-tile-cam2")).to_have_count(0)
    page.get_by_test_id("live-tile-cam1").dblclick()
    expect(page.get_by_test_id("live-tile-cam2")).to_be_visible()


# -- 3 -------------------------------------------------------------------------------------------

#: Resolves once the page has painted twice: a frame ready before it is on the screen.
_PAINTED = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"

_SHOWING = """(iso) => {
  const v = document.querySelector('[data-testid="playback-video-cam1"]');
  if (!v || v.readyState < 2 || v.seeking || !v.paused) return false;
  const b = v.buffered;
  let inside = false;
  for (let i = 0; i < b.length; i++) inside ||= b.start(i) <= v.currentTime && v.currentTime < b.end(i);
  return inside && document.querySelector('[data-testid="playback-clock"]').textContent === iso;
}"""


def test_playback_seek_shows_the_instant_burnt_into_the_picture(
    page: Any, console: Console, tmp_path: Path
) -> None:
    assert shutil.which("tesseract"), "the OCR needs tesseract: apt-get install tesseract-ocr"
    first = recorded_instant(console)
    sign_in(page, console, "admin", "#/playback")
    page.get_by_test_id("pb-camera-cam1").wait_for()
    page.get_by_test_id("play-toggle").click()  # paused: the picture stays at the instant
    page.get_by_test_id("seek-input").fill(us_to_iso(first))
    page.get_by_test_id("seek-button").click()

    # Nothing plays before purpose and destination are given (A17.2(2)).
    dialog = page.get_by_test_id("purpose-dialog")
    expect(dialog.get_by_test_id("purpose-article")).to_have_text(
        "依据《办法》第十七条第二款第（二）项 / A17.2(2)"
    )
    expect(page.get_by_test_id("playback-video-cam1")).to_have_count(0)
    page.get_by_test_id("purpose-submit").click()
    error = page.get_by_test_id("error-purpose")
    expect(error).to_contain_text("A17.2(2)")
    expect(error).to_contain_text("用途")
    page.get_by_test_id("purpose-input").fill("核查 3 号门报警 browser-test")
    page.get_by_test_id("destination-input").fill("本单位保卫科")
    page.get_by_test_id("purpose-submit").click()
    expect(dialog).to_have_count(0)

    # The moving ball of the test pattern can hide the clock in one frame: up to three
    # instants, each read independently from the picture, the first legible one decides.
    readings = []
    for k in range(3):
        target = first + k * 1_270_000
        iso = us_to_iso(target)
        if k:  # inside the registered day: no new dialog
            page.get_by_test_id("seek-input").fill(iso)
            page.get_by_test_id("seek-button").click()
        page.wait_for_function(_SHOWING, arg=iso, timeout=20_000)
        expect(page.get_by_test_id("playback-clock")).to_have_text(iso)
        page.evaluate(_PAINTED)  # the seeked frame has reached the screen
        shot = page.get_by_test_id("playback-video-cam1").screenshot()
        burned = read_burned_clock(shot, tmp_path, target)
        readings.append((iso, us_to_iso(burned) if burned else None))
        if burned is not None:
            assert abs(burned - target) <= US_PER_S, readings
            break
    else:
        pytest.fail(f"the burnt-in clock could not be read: {readings}")
    expect(dialog).to_have_count(0)

    # Playing on: the clock under the video follows the picture.
    page.get_by_test_id("play-toggle").click()
    page.wait_for_function(
        """(iso) => document.querySelector('[data-testid="playback-clock"]').textContent > iso""",
        arg=us_to_iso(target + 1_500_000),
    )


_CLOCKS = """() => [...document.querySelectorAll('[data-testid^="playback-video-"]')]
  .map(v => ({t: v.currentTime, paused: v.paused, ready: v.readyState, rate: v.playbackRate}))"""


def test_playback_of_two_cameras_keeps_them_within_0_3_s(page: Any, console: Console) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # enough material for 3 s at 1× and 3 s at 4×
        segs = console.segments("cam2")
        if segs[-1].end_us - segs[0].start_us >= 20 * US_PER_S:
            break
        time.sleep(0.5)
    start = console.segments("cam1")[0].start_us + US_PER_S
    sign_in(page, console, "admin", "#/playback")
    page.get_by_test_id("pb-camera-cam2").check()
    page.get_by_test_id("seek-input").fill(us_to_iso(start))
    page.get_by_test_id("seek-button").click()
    page.get_by_test_id("purpose-input").fill("两路同步核查 browser-test")
    page.get_by_test_id("destination-input").fill("本单位保卫科")
    page.get_by_test_id("purpose-submit").click()
    page.wait_for_function(  # both players there ([].every is true) and playing
        f"() => {{ const c = ({_CLOCKS})(); return c.length === 2 && c.every(x => !x.paused && x.ready >= 3); }}"
    )
    for speed in ("1", "4"):
        page.get_by_test_id("speed").select_option(speed)
        clocks = page.evaluate(_CLOCKS)
        spreads = []
        for _ in range(6):  # a sample every 0.5 s of media at 1x, every 2 s at 4x
            page.wait_for_function(
                f"(t) => ({_CLOCKS})()[0].t >= t", arg=clocks[0]["t"] + 0.5 * float(speed)
            )
            clocks = page.evaluate(_CLOCKS)
            spreads.append(max(c["t"] for c in clocks) - min(c["t"] for c in clocks))
        assert len(clocks) == 2 and max(spreads) <= 0.3, (speed, spreads)
        assert all(c["rate"] == float(speed) and not c["paused"] for c in clocks), clocks


# -- 4 -------------------------------------------------------------------------------------------


def test_export_downloads_a_zip_that_ffprobe_accepts(
    page: Any, console: Console, tmp_path: Path
) -> None:
    segs = console.segments("cam1")
    start = segs[0].start_us + 500_000
    sign_in(page, console, "admin", "#/exports")
    page.get_by_test_id("export-camera").locator("option", has_text="cam1").wait_for(
        state="attached"
    )
    page.get_by_test_id("export-camera").select_option("cam1")
    page.get_by_test_id("export-from").fill(us_to_iso(start))
    page.get_by_test_id("export-to").fill(us_to_iso(start - US_PER_S))
    page.get_by_test_id("export-purpose").fill("移交派出所 browser-test")
    page.get_by_test_id("export-destination").fill("城关派出所")
    page.get_by_test_id("export-submit").click()
    # The server's refusal is shown next to the field it names.
    expect(page.get_by_test_id("error-to")).to_contain_text("later than")

    page.get_by_test_id("export-to").fill(us_to_iso(start + 5 * US_PER_S))
    page.get_by_test_id("export-submit").click()
    link = page.get_by_test_id("export-download")
    link.wait_for(timeout=60_000)
    expect(page.get_by_test_id("error-to")).to_be_hidden()
    assert page.get_by_test_id("export-progress").evaluate("p => p.value") == 1
    with page.expect_download() as info:
        link.click()
    package = tmp_path / "export.zip"
    info.value.save_as(package)
    with zipfile.ZipFile(package) as z:
        videos = [n for n in z.namelist() if n.endswith(".mp4")]
        assert len(videos) == 1, z.namelist()
        z.extract(videos[0], tmp_path)
    probe = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height"
         ":format=duration", "-of", "json", str(tmp_path / videos[0])],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    info_json = json.loads(probe.stdout)
    video = next(s for s in info_json["streams"] if s["codec_type"] == "video")
    assert (video["codec_name"], video["width"], video["height"]) == ("h264", 320, 240)
    assert float(info_json["format"]["duration"]) >= 3.0


# -- 5 -------------------------------------------------------------------------------------------


def test_audit_page_shows_playback_and_export_with_purpose(page: Any, console: Console) -> None:
    tag = uuid.uuid4().hex[:6]
    segs = console.segments("cam1")
    rng = {"from": us_to_iso(segs[0].start_us), "to": us_to_iso(segs[0].start_us + 3 * US_PER_S)}
    with api_client(console, "admin") as admin:
        r = admin.post("/api/v1/playback", json={"cameras": ["cam1"], **rng,
                       "purpose": f"回放-{tag}", "destination": f"去向甲-{tag}"})  # fmt: skip
        assert r.status_code == 200, r.text
        r = admin.post("/api/v1/exports", json={"camera": "cam1", **rng,
                       "purpose": f"导出-{tag}", "destination": f"去向乙-{tag}"})  # fmt: skip
        assert r.status_code == 202, r.text
        job = r.json()
        deadline = time.monotonic() + 60
        while job["state"] == "running" and time.monotonic() < deadline:
            time.sleep(0.3)
            job = admin.get(f"/api/v1/exports/{job['id']}").json()
        assert job["state"] == "done", job

    sign_in(page, console, "checker", "#/audit")  # an auditor (审计): the audit page only
    expect(page.get_by_test_id("nav").locator("a")).to_have_text(["查阅登记", *RECORDS_ZH])
    rows = page.get_by_test_id("audit-rows").locator("tr")
    played = rows.filter(has_text=f"回放-{tag}")
    expect(played).to_have_count(1)
    expect(played).to_have_attribute("data-action", "playback")
    expect(played.locator('[data-col="destination"]')).to_have_text(f"去向甲-{tag}")
    expect(played.locator('[data-col="camera"]')).to_have_text("cam1")
    exported = rows.filter(has_text=f"导出-{tag}")
    expect(exported).to_have_count(1)
    expect(exported).to_have_attribute("data-action", "export")
    expect(exported.locator('[data-col="purpose"]')).to_have_text(f"导出-{tag}")
    expect(exported.locator('[data-col="destination"]')).to_have_text(f"去向乙-{tag}")

    # Filtering by action; the CSV link carries the same filter.
    page.get_by_test_id("audit-action").select_option("export")
    page.get_by_test_id("audit-filter").click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="audit-rows"] tr')]
                 .every(tr => tr.dataset.action === 'export')"""
    )
    href = page.get_by_test_id("audit-csv").get_attribute("href")
    assert href is not None and "action=export" in href
    csv_text = page.evaluate("(u) => fetch(u).then(r => r.text())", href)
    assert f"导出-{tag}" in csv_text and f"回放-{tag}" not in csv_text


# -- 6 -------------------------------------------------------------------------------------------

_SOCKET = """(camera) => new Promise((resolve) => {
  const ws = new WebSocket(`ws://${location.host}/api/v1/live/${camera}`);
  ws.onmessage = () => { resolve('data'); ws.close(); };
  ws.onclose = (e) => resolve(e.code);
  setTimeout(() => resolve('timeout'), 15000);
})"""

_PLAYBACK = """async ([camera, from, to]) => {
  const me = await (await fetch('/api/v1/auth/me')).json();
  const r = await fetch('/api/v1/playback', {method: 'POST',
    headers: {'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token},
    body: JSON.stringify({cameras: [camera], from, to, purpose: 'p', destination: 'd'})});
  return r.status;
}"""


def test_monitor_without_rights_never_sees_cam2(page: Any, console: Console) -> None:
    sign_in(page, console, "watcher", "#/live")  # a monitor (监看) granted cam1 only
    expect(page.get_by_test_id("user-role")).to_have_text("监看")
    expect(page.get_by_test_id("nav").locator("a")).to_have_text(
        ["实时监看", "录像回放", "录像导出", *RECORDS_ZH]
    )
    page.get_by_test_id("live-tile-cam1").wait_for()
    page.wait_for_function(f"() => {{ const s = ({_PLAYING})('cam1'); return s && s.frames > 0; }}")
    expect(page.get_by_test_id("live-tile-cam2")).to_have_count(0)
    names = page.evaluate(
        "fetch('/api/v1/cameras').then(r => r.json()).then(l => l.map(c => c.name))"
    )
    assert names == ["cam1"]
    # The API refuses what the UI does not offer (close code 4000 + HTTP status).
    assert page.evaluate(_SOCKET, "cam1") == "data"
    assert page.evaluate(_SOCKET, "cam2") == 4403
    t = recorded_instant(console)
    rng = [us_to_iso(t - 2 * US_PER_S), us_to_iso(t + 2 * US_PER_S)]
    assert page.evaluate(_PLAYBACK, ["cam2", *rng]) == 403
    assert page.evaluate(_PLAYBACK, ["cam1", *rng]) == 200
    timeline = f"/api/v1/cameras/cam2/timeline?from={rng[0]}&to={rng[1]}"
    assert page.evaluate("(u) => fetch(u).then(r => r.status)", timeline) == 403
    # Nor does playback or export offer it; the audit page is not reachable either.
    page.goto(console.base + "/#/playback")
    page.get_by_test_id("pb-camera-cam1").wait_for()
    expect(page.get_by_test_id("pb-camera-cam2")).to_have_count(0)
    page.goto(console.base + "/#/exports")
    expect(page.get_by_test_id("export-camera").locator("option")).to_have_text(["cam1"])
    page.goto(console.base + "/#/audit")
    page.wait_for_url("**/#/live")
