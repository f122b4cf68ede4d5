"""The copy for publication (N22) asked for where people ask for exports: the API's
`mask` and `mask_regions` (real server, real HTTP) and `vigil export --mask` (the real
command in its own process)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.export.test_masking import make_face_clips
from tests.fabricate import commit_clips
from tests.site.test_api import Served, iso, login
from tests.site.test_api import served as served
from tests.site.test_export_quota import audit, finished
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.export.package import verify_export


def test_the_api_adds_the_masked_copy_to_the_package(served: Served, tmp_path: Path) -> None:
    c = login(served, "monitor")
    body = {"camera": "cam1", "from": iso(served.rec_start_us),
            "to": iso(served.rec_start_us + 2 * US_PER_S), "purpose": "通报",
            "destination": "官方微博"}  # fmt: skip
    # A bad region is refused before any job starts, naming the field and citing N22.
    for bad in ({"mask": True, "mask_regions": ["1,2,3"]}, {"mask_regions": ["1,2,3,4"]}):
        r = c.post("/api/v1/exports", json={**body, **bad})
        assert r.status_code == 400, r.text
        err = r.json()["error"]
        assert err["field"] == "mask_region" and err["article"] == "N22", err
    r = c.post("/api/v1/exports", json={**body, "mask": True, "mask_regions": ["0,0,40,20@0-1"]})
    assert r.status_code == 202, r.text
    assert r.json()["masked"] is True
    job = finished(c, r.json()["id"])
    assert job["state"] == "done", job
    got = c.get(f"/api/v1/exports/{job['id']}/download")
    assert got.status_code == 200
    package = tmp_path / "p.zip"
    package.write_bytes(got.content)
    with zipfile.ZipFile(io.BytesIO(got.content)) as zf:
        videos = sorted(n for n in zf.namelist() if n.endswith(".mp4"))
        assert len(videos) == 2 and videos[0].endswith(".masked.mp4")
        manifest = json.loads(zf.read(videos[1] + ".manifest.json"))
    assert manifest["derived"]["file"]["name"] == videos[0]
    assert manifest["derived"]["regions"] == [
        {"x": 0, "y": 0, "w": 40, "h": 20, "from_ms": 0, "to_ms": 1000}
    ]
    assert verify_export(package) == []
    (entry,) = [e for e in audit(served, "export") if e["result"] == "ok"]
    assert entry["actor"] == "monitor" and entry["detail"]["masked"] is True
    assert entry["detail"]["masked_boxes"]["marked"] == 10
    (fetched,) = audit(served, "download")
    assert fetched["detail"]["masked"] is True and fetched["detail"]["sha256"] == job["sha256"]


def vigil(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    out = subprocess.run([sys.executable, "-m", "vigil.cli.main", *args], env=env,
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == code, out.stdout + out.stderr
    assert "Traceback" not in out.stderr
    return out


@pytest.mark.slow
def test_vigil_export_mask_writes_and_verifies_the_masked_copy(
    cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {**cli_env, "COLUMNS": "400"}
    vigil(env, "init")
    home = Path(env["VIGIL_HOME"])
    if "VIGIL_DATABASE_URL" in env:
        monkeypatch.setenv("VIGIL_DATABASE_URL", env["VIGIL_DATABASE_URL"])
    ctx = SiteContext.open(home)
    try:
        cam = CameraRegistry(ctx).add("street", "rtsp://127.0.0.1:1/street")
        start = ctx.clock.now_us() - 3600 * US_PER_S
        segs = commit_clips(ctx, cam.id, make_face_clips(tmp_path / "clips"), start)
    finally:
        ctx.close()
    rng = [
        "--from",
        us_to_iso(segs[0].start_us),
        "--to",
        us_to_iso(segs[0].start_us + 2 * US_PER_S),
    ]
    act = ["--purpose", "通报", "--destination", "官方微博"]
    out = tmp_path / "out" / "notice.mp4"
    refused = vigil(env, "export", "street", *rng, *act, "-o", str(out),
                    "--mask-region", "1,1,5,5", code=2)  # fmt: skip
    assert "mask_region" in refused.stderr and "N22" in refused.stderr
    refused = vigil(env, "export", "street", *rng, *act, "-o", str(out), "--mask",
                    "--mask-region", "1,1,5,5@3-2", code=2)  # fmt: skip
    assert "mask_region" in refused.stderr and "N22" in refused.stderr
    assert not out.parent.exists()

    made = vigil(env, "export", "street", *rng, *act, "-o", str(out), "--mask",
                 "--mask-region", "195,4,120,40@1-2").stdout  # fmt: skip
    assert "notice.masked.mp4 is a derived copy, masked for publication (N22)" in made
    assert (out.parent / "notice.masked.mp4").is_file()
    checked = vigil(env, "export", "verify", str(out.parent / "notice.masked.mp4")).stdout
    assert (
        "the export holds" in checked
        and "derived copy" in checked
        and "not the original" in checked
    )
    as_json = json.loads(vigil(env, "export", "verify", str(out), "--json").stdout)
    assert as_json["ok"] and as_json["derived"]["file"]["name"] == "notice.masked.mp4"
    assert as_json["derived"]["masked_boxes"]["marked"] == 10
    os.truncate(out.parent / "notice.masked.mp4", 1000)
    broken = vigil(env, "export", "verify", str(out), code=1).stdout
    assert "derived_altered" in broken
