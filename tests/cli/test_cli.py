"""The `vigil` command as users and outside checks run it: real processes, real files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest


def vigil(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in out.stdout + out.stderr
    if ok:
        assert out.returncode == 0, out.stderr
    return out


@pytest.fixture
def home(cli_env: dict[str, str]) -> dict[str, str]:
    vigil(cli_env, "init")
    return cli_env


def test_init_creates_home_with_key_readable_only_by_owner(cli_env: dict[str, str]) -> None:
    out = vigil(cli_env, "init")
    home = Path(cli_env["VIGIL_HOME"])
    assert "home ready" in out.stdout
    key = home / "keys" / "site_ed25519.pem"
    assert key.stat().st_mode & 0o077 == 0
    assert (home / "vigil.toml").exists()
    vigil(cli_env, "init")  # idempotent: same key, same index
    assert key.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_init_home_flag(tmp_path: Path, cli_env: dict[str, str]) -> None:
    env = {k: v for k, v in cli_env.items() if k != "VIGIL_HOME"}
    vigil(env, "init", "--home", str(tmp_path / "elsewhere"))
    assert (tmp_path / "elsewhere" / "vigil.toml").exists()


def test_camera_lifecycle_and_password_never_shown(home: dict[str, str]) -> None:
    secret = "S3cr3t-pw"
    vigil(home, "camera", "add", "lobby", "--url", f"rtsp://admin:{secret}@10.1.2.3:554/s1")
    listed = vigil(home, "camera", "list", "--json")
    cams = json.loads(listed.stdout)
    assert [c["name"] for c in cams] == ["lobby"]
    assert cams[0]["url"] == "rtsp://admin:***@10.1.2.3:554/s1"
    assert cams[0]["retention_days"] == 30
    human = vigil(home, "camera", "list")
    status = vigil(home, "status", "--json")
    hom = Path(home["VIGIL_HOME"])
    logs = "".join(p.read_text() for p in (hom / "logs").glob("*.log"))
    db = (hom / "vigil.db").read_bytes() if (hom / "vigil.db").exists() else b""
    for text in (listed.stdout, human.stdout, status.stdout, logs):
        assert secret not in text
    assert secret.encode() not in db, "the password must be stored encrypted"
    removed = vigil(home, "camera", "remove", "lobby")
    assert "A18(2)" in removed.stdout
    assert json.loads(vigil(home, "camera", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("http://10.0.0.1/x", "scheme"),
        ("rtsp://", "no host"),
        ("rtsp://10.0.0.1:70000/x", "port"),
        ("rtsp://bad_host/x", "host"),
        ("", "empty"),
    ],
)
def test_bad_url_names_the_field(home: dict[str, str], url: str, fragment: str) -> None:
    out = vigil(home, "camera", "add", "c1", "--url", url, ok=False)
    assert out.returncode == 2
    assert "url:" in out.stderr and fragment in out.stderr


def test_bad_name_and_duplicate(home: dict[str, str]) -> None:
    out = vigil(home, "camera", "add", "bad name", "--url", "rtsp://10.0.0.1/x", ok=False)
    assert out.returncode == 2 and "name:" in out.stderr
    vigil(home, "camera", "add", "c1", "--url", "rtsp://10.0.0.1/x")
    dup = vigil(home, "camera", "add", "c1", "--url", "rtsp://10.0.0.1/y", ok=False)
    assert dup.returncode == 4 and "exists" in dup.stderr


def test_unknown_camera_and_bad_times(home: dict[str, str]) -> None:
    out = vigil(home, "segments", "nope", "--json", ok=False)
    assert out.returncode == 3 and "camera:" in out.stderr
    vigil(home, "camera", "add", "c1", "--url", "rtsp://10.0.0.1/x")
    bad = vigil(home, "segments", "c1", "--from", "yesterday", ok=False)
    assert bad.returncode == 2 and "from:" in bad.stderr
    rev = vigil(home, "segments", "c1", "--from", "2026-11-28T10:00Z", "--to", "2026-11-28T09:00Z",
                ok=False)  # fmt: skip
    assert rev.returncode == 2 and "to:" in rev.stderr
    empty = json.loads(vigil(home, "segments", "c1", "--json").stdout)
    assert empty == {"camera": "c1", "segments": [], "gaps": []}


def test_commands_need_an_initialised_home(cli_env: dict[str, str]) -> None:
    out = vigil(cli_env, "status", ok=False)
    assert out.returncode != 0 and "vigil init" in out.stderr


def test_verify_on_an_empty_site_holds(home: dict[str, str]) -> None:
    out = vigil(home, "verify", "--json")
    assert json.loads(out.stdout)["ok"] is True


def test_status_json_shape(home: dict[str, str]) -> None:
    vigil(home, "camera", "add", "c1", "--url", "rtsp://10.0.0.1/x")
    data = json.loads(vigil(home, "status", "--json").stdout)
    assert set(data) >= {"cameras", "disk", "forecast", "alarms"}
    cam = data["cameras"][0]
    assert cam["name"] == "c1" and cam["state"] == "not_recording"
    assert {"bitrate_bps", "last_segment_end", "gaps_24h"} <= set(cam)


def test_bad_setting_is_named(home: dict[str, str]) -> None:
    env = dict(home, VIGIL_SEGMENT_S="0")
    out = vigil(env, "status", ok=False)
    assert out.returncode == 2 and "segment_s" in out.stderr
