"""N16.2(3): every review and retrieval registers the caller's unit beside the reason, the
content and the caller's name: over real HTTP (playback, export, download), in the export's
signed manifest, in the audit listing, page data and CSV, and from `vigil export
--caller-unit`. Bad input names the field `caller_unit` and cites N16.2(3)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import time
import zipfile
from pathlib import Path

import pytest

from tests.fabricate import commit_clips, make_clips
from tests.site.rows_profile import HOTEL
from tests.site.test_api import Served, iso, login, served  # noqa: F401 (fixture)
from vigil.audit.caller import check_caller_unit
from vigil.audit.query import list_entries
from vigil.cameras import CameraRegistry
from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.integrity.seal import seal_now

BUREAU = "福州市公安局鼓楼分局"


@pytest.mark.parametrize("bad", ["", "   ", "x\x1b[2J", "单" * 201])
def test_a_bad_callers_unit_is_refused_naming_the_field_and_article(bad: str) -> None:
    with pytest.raises(ValidationError) as err:
        check_caller_unit(bad)
    assert (err.value.field, err.value.article) == ("caller_unit", "N16.2(3)")


def test_playback_export_and_download_register_the_callers_unit(served: Served) -> None:  # noqa: F811
    admin = login(served, "administrator")
    rng = {"from": iso(served.rec_start_us), "to": iso(served.rec_end_us)}
    ask = {"cameras": ["cam1"], **rng, "purpose": "核查", "destination": "现场"}

    bad = admin.post("/api/v1/playback", json={**ask, "caller_unit": "a\x07b"})
    assert bad.status_code == 400
    err = bad.json()["error"]
    assert (err["field"], err["article"]) == ("caller_unit", "N16.2(3)")
    assert admin.post("/api/v1/playback", json={**ask, "caller_unit": ""}).status_code == 400

    # no profile yet: nothing to default to; then the site's own unit by default
    assert admin.post("/api/v1/playback", json=ask).status_code == 200
    assert admin.put("/api/v1/site/profile", json=HOTEL).status_code == 200
    assert admin.post("/api/v1/playback", json=ask).status_code == 200
    assert admin.post("/api/v1/playback", json={**ask, "caller_unit": BUREAU}).status_code == 200
    units = [e.caller_unit for e in list_entries(served.ctx, action="playback")]
    assert units == ["", HOTEL["unit_name"], BUREAU]

    monitor = login(served, "monitor")
    r = monitor.post("/api/v1/exports", json={"camera": "cam1", **rng, "purpose": "案件",
                                              "destination": "法院", "caller_unit": BUREAU})  # fmt: skip
    assert r.status_code == 202, r.text
    job = r.json()
    deadline = time.monotonic() + 60
    while job["state"] == "running":
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = monitor.get(f"/api/v1/exports/{job['id']}").json()
    assert job["state"] == "done", job
    package = monitor.get(f"/api/v1/exports/{job['id']}/download")
    assert package.status_code == 200
    with zipfile.ZipFile(io.BytesIO(package.content)) as z:
        [name] = [n for n in z.namelist() if n.endswith(".manifest.json")]
        manifest = json.loads(z.read(name))
    assert manifest["caller_unit"] == BUREAU and manifest["actor"] == "monitor"

    for action in ("export", "download"):
        [entry] = list_entries(served.ctx, action=action)
        assert (entry.caller_unit, entry.actor, entry.camera_name) == (BUREAU, "monitor", "cam1")
    listed = admin.get("/api/v1/audit", params={"action": "download"}).json()
    rows = listed["entries"] if isinstance(listed, dict) else listed
    assert rows[0]["caller_unit"] == BUREAU
    table = list(csv.DictReader(io.StringIO(admin.get("/api/v1/audit.csv").text)))
    assert {r["action"]: r["caller_unit"] for r in table if r["action"] in ("export", "download")} \
        == {"export": BUREAU, "download": BUREAU}  # fmt: skip


def test_cli_export_registers_the_callers_unit_in_the_log_and_manifest(
    site: SiteContext, cli_env: dict[str, str], tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:  # fmt: skip
    cam = CameraRegistry(site).add("gate", "rtsp://127.0.0.1/gate")
    segs = commit_clips(site, cam.id, make_clips(tmp_path_factory.getbasetemp(), 3),
                        site.clock.now_us())  # fmt: skip
    seal_now(site)
    env = dict(cli_env, VIGIL_HOME=str(site.home))

    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["vigil", *args], env=env, capture_output=True, text=True)

    common = ["export", "gate", "--from", us_to_iso(segs[0].start_us),
              "--to", us_to_iso(segs[0].start_us + 3 * US_PER_S),
              "--purpose", "案件调查", "--destination", "市公安局"]  # fmt: skip
    bad = vigil(*common, "--caller-unit", " ", "-o", str(tmp_path / "bad.mp4"))
    assert bad.returncode == 2 and "caller_unit" in bad.stderr and "N16.2(3)" in bad.stderr
    assert not (tmp_path / "bad.mp4").exists()
    out = vigil(*common, "--caller-unit", BUREAU, "-o", str(tmp_path / "c.mp4"))
    assert out.returncode == 0, out.stderr
    manifest = json.loads((tmp_path / "c.mp4.manifest.json").read_text(encoding="utf-8"))
    assert manifest["caller_unit"] == BUREAU
    assert vigil("export", "verify", str(tmp_path / "c.mp4")).returncode == 0
    listed = json.loads(vigil("audit", "list", "--json", "--action", "export").stdout)
    assert [(e["result"], e["caller_unit"]) for e in listed] == [("failed", ""), ("ok", BUREAU)]
    env["COLUMNS"] = "300"  # the table, wide enough not to be cut
    assert BUREAU in vigil("audit", "list", "--action", "export").stdout
