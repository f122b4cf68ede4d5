"""Camera types (N14 files "the number and types of cameras"): recorded on add and set from
the registry, the CLI and the API, refused naming camera_type and citing N14 when unknown,
audited, and counted per type by the filing."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.site.test_api import Served, login, served  # noqa: F401 (fixture)
from vigil.audit.actor import Actor
from vigil.audit.query import list_entries
from vigil.cameras import CAMERA_TYPES, CameraRegistry
from vigil.compliance.filing import CAMERA_TYPES_ZH, camera_types
from vigil.context import SiteContext
from vigil.errors import ValidationError


def test_types_are_recorded_refused_audited_and_counted(site: SiteContext) -> None:
    assert {k: v[0] for k, v in CAMERA_TYPES.items()} == {
        k: v for k, v in CAMERA_TYPES_ZH.items() if k != "not_recorded"}  # fmt: skip
    reg = CameraRegistry(site)
    with pytest.raises(ValidationError) as err:
        reg.add("door", "rtsp://127.0.0.1/d", camera_type="box")
    assert (err.value.field, err.value.article) == ("camera_type", "N14")
    assert reg.list() == []
    assert reg.add("door", "rtsp://127.0.0.1/d", camera_type="Dome").camera_type == "dome"
    reg.add("gate", "rtsp://127.0.0.1/g")
    assert camera_types(site) == {"dome": 1, "not_recorded": 1}
    who = Actor("admin", "administrator")
    assert reg.set_type("gate", "ptz", by=who).camera_type == "ptz"
    with pytest.raises(ValidationError):
        reg.set_type("gate", "")
    assert reg.get("gate").camera_type == "ptz"
    assert camera_types(site) == {"dome": 1, "ptz": 1}
    [entry] = list_entries(site, action="camera_type")
    assert (entry.actor, entry.camera_name, entry.detail["to"]) == ("admin", "gate", "ptz")


def test_cli_camera_add_and_set_type(cli_env: dict[str, str]) -> None:
    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["vigil", *args], env=cli_env, capture_output=True, text=True)

    assert vigil("init").returncode == 0
    assert vigil("camera", "add", "gate", "--url", "rtsp://10.0.0.1/s", "--type", "bullet") \
        .returncode == 0  # fmt: skip
    bad = vigil("camera", "set", "gate", "--type", "box")
    assert bad.returncode == 2 and "camera_type" in bad.stderr and "N14" in bad.stderr
    assert vigil("camera", "set", "gate", "--type", "fisheye").returncode == 0
    assert vigil("camera", "set", "gate", "--retention-days", "45").returncode == 0
    [cam] = json.loads(vigil("camera", "list", "--json").stdout)
    assert (cam["camera_type"], cam["retention_days"]) == ("fisheye", 45)
    assert vigil("camera", "set", "gate").returncode == 2  # nothing to change


def test_api_records_the_type(served: Served) -> None:  # noqa: F811
    admin = login(served, "administrator")
    r = admin.post("/api/v1/cameras", json={"name": "new1", "url": "rtsp://10.0.0.9/x",
                                            "camera_type": "dome"})  # fmt: skip
    assert r.status_code == 201 and r.json()["camera_type"] == "dome"
    bad = admin.patch("/api/v1/cameras/cam1", json={"camera_type": "box", "retention_days": 45})
    assert bad.status_code == 400
    assert (bad.json()["error"]["field"], bad.json()["error"]["article"]) == ("camera_type", "N14")
    ok = admin.patch("/api/v1/cameras/cam1", json={"camera_type": "ptz"})
    assert ok.status_code == 200 and ok.json()["camera_type"] == "ptz"
    listed = {c["name"]: c for c in admin.get("/api/v1/cameras").json()}
    assert listed["cam1"]["camera_type"] == "ptz" and listed["cam1"]["retention_days"] == 30
    assert listed["cam2"]["camera_type"] is None
    assert admin.patch("/api/v1/cameras/cam1", json={}).status_code == 400
