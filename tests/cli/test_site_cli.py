"""`vigil site ...` and `vigil camera add|site|reference` as users run them: real processes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import site_settings
from tests.fabricate import commit_clips, make_clips
from vigil.cameras import CameraRegistry
from vigil.clock import SystemClock
from vigil.context import SiteContext

HOTEL = [
    "--unit-name", "福州某酒店有限公司", "--credit-code", "91350100M000100Y43",
    "--division-code", "350102", "--address", "福州市鼓楼区五四路1号",
    "--categories", "hospitality_entertainment", "--builder", "unit",
    "--delivered-on", "2025-12-01",
]  # fmt: skip


def vigil(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in out.stdout + out.stderr
    assert out.returncode == code, (out.returncode, out.stdout, out.stderr)
    return out


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def home(cli_env: dict[str, str]) -> dict[str, str]:
    vigil(cli_env, "init")
    return cli_env


def profile(env: dict[str, str]) -> dict[str, Any] | None:
    data = json.loads(vigil(env, "site", "profile", "show", "--json").stdout)
    return data["profile"]  # type: ignore[no-any-return]


def test_hotel_profile_is_saved_and_shown(home: dict[str, str]) -> None:
    assert profile(home) is None
    out = vigil(home, "site", "profile", "set", *HOTEL)
    assert "saved" in out.stdout and "A13.2" in out.stdout
    saved = profile(home)
    assert saved is not None
    assert saved["credit_code"] == "91350100M000100Y43"
    assert saved["categories"] == ["hospitality_entertainment"]
    assert saved["updated_by"].startswith("cli:")
    vigil(home, "site", "profile", "set", "--contact-phone", "0591-88880000")
    assert profile(home)["contact_phone"] == "0591-88880000"  # type: ignore[index]
    human = vigil(home, "site", "profile", "show").stdout
    assert "福州某酒店有限公司" in human and "A13.2" in human
    positions = json.loads(vigil(home, "site", "positions", "--json").stdout)
    assert [p["code"] for p in positions["positions"]] == ["lobby", "passage", "entrance"]


def test_invalid_credit_code_names_the_field_and_saves_nothing(home: dict[str, str]) -> None:
    bad = [a if a != "91350100M000100Y43" else "91350100M000100Y44" for a in HOTEL]
    out = vigil(home, "site", "profile", "set", *bad, code=2)
    assert "credit_code:" in out.stderr and "GB 32100" in one_line(out.stderr)
    assert profile(home) is None
    out = vigil(home, "site", "profile", "set", *HOTEL, "--builder", "other", code=2)
    assert "builder:" in out.stderr and "(A9.3)" in out.stderr
    out = vigil(home, "site", "profile", "set", *HOTEL, "--delivered-on", "01/12/2025", code=2)
    assert "delivered_on:" in out.stderr
    assert profile(home) is None


def test_division_code_is_checked_against_the_current_list(home: dict[str, str]) -> None:
    """350199 has the right shape but names no division: refused naming the field; 350102
    is accepted and shown with its name."""
    bad = [a if a != "350102" else "350199" for a in HOTEL]
    out = vigil(home, "site", "profile", "set", *bad, code=2)
    assert "division_code:" in out.stderr and "350199" in out.stderr
    assert "GB/T 2260" in one_line(out.stderr)
    assert profile(home) is None
    out = vigil(home, "site", "profile", "set", *HOTEL)
    assert "350102: 福建省福州市鼓楼区" in out.stdout
    assert profile(home)["division_name"] == "福建省福州市鼓楼区"  # type: ignore[index]
    assert "福建省福州市鼓楼区" in vigil(home, "site", "profile", "show").stdout


def test_camera_in_a_guest_room_is_refused_citing_a8_1(home: dict[str, str]) -> None:
    vigil(home, "site", "profile", "set", *HOTEL)
    out = vigil(home, "camera", "add", "room-301", "--url", "rtsp://10.0.0.9/s",
                "--location-type", "hotel_guest_room", "--purpose", "watch", code=2)  # fmt: skip
    text = one_line(out.stderr)
    assert "location_type:" in text and "hotel guest room" in text and "(A8(1), N8(1))" in text
    assert json.loads(vigil(home, "camera", "list", "--all", "--json").stdout) == []
    # Registered at the entrance, then moved to a guest room: refused, siting kept.
    vigil(home, "camera", "add", "door", "--url", "rtsp://10.0.0.9/s",
          "--location-type", "entrance", "--purpose", "front door")  # fmt: skip
    out = vigil(home, "camera", "site", "door", "--location-type", "hotel_guest_room", code=2)
    assert "(A8(1), N8(1))" in one_line(out.stderr)
    sited = json.loads(vigil(home, "camera", "site", "door", "--json").stdout)
    assert (sited["location_type"], sited["purpose"]) == ("entrance", "front door")


def test_coverage_lists_the_lobby_without_a_camera(home: dict[str, str]) -> None:
    out = vigil(home, "site", "coverage")
    assert "no key positions" in out.stdout
    vigil(home, "site", "profile", "set", *HOTEL)
    vigil(
        home, "camera", "add", "door", "--url", "rtsp://10.0.0.9/s", "--location-type", "entrance"
    )
    vigil(home, "camera", "add", "hall", "--url", "rtsp://10.0.0.9/t")
    vigil(home, "camera", "site", "hall", "--location-type", "passage", "--purpose", "corridor")
    report = json.loads(vigil(home, "site", "coverage", "--json").stdout)
    assert report["gaps"] == ["lobby"]
    assert {r["code"]: r["status"] for r in report["positions"]} == {
        "lobby": "gap", "passage": "not_working", "entrance": "not_working"}  # fmt: skip
    human = vigil(home, "site", "coverage").stdout
    assert "gaps (no camera): lobby" in human


def test_positions_add_and_drop(home: dict[str, str]) -> None:
    vigil(home, "site", "profile", "set", *HOTEL)
    vigil(home, "site", "positions", "drop", "passage")
    vigil(home, "site", "positions", "add", "custom:back-door", "--label", "后门 back door")
    out = vigil(home, "site", "positions", "add", "custom:toilet", "--label", "卫生间", code=2)
    assert "code:" in out.stderr and "(A8(2), N8(3))" in one_line(out.stderr)
    out = vigil(home, "site", "positions", "add", "custom:side-door", code=2)
    assert "label:" in out.stderr
    listed = json.loads(vigil(home, "site", "positions", "--json").stdout)
    assert [p["code"] for p in listed["positions"]] == ["lobby", "entrance", "custom:back-door"]
    assert [p["code"] for p in listed["suggested"]] == ["passage"]


def test_sign_photo_must_be_an_image(home: dict[str, str], tmp_path: Path) -> None:
    vigil(
        home, "camera", "add", "door", "--url", "rtsp://10.0.0.9/s", "--location-type", "entrance"
    )
    notes = tmp_path / "sign.jpg"
    notes.write_text("this is not a photo\n")
    out = vigil(home, "camera", "site", "door", "--sign-photo", str(notes), code=2)
    assert "sign_photo:" in out.stderr and "only JPEG or PNG" in one_line(out.stderr)
    pdf = tmp_path / "sign.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%%EOF\n")
    out = vigil(home, "camera", "site", "door", "--sign-photo", str(pdf), code=2)
    assert "sign_photo:" in out.stderr
    assert not (Path(home["VIGIL_HOME"]) / "attachments").exists()
    vigil(home, "camera", "site", "door", "--sign")
    assert json.loads(vigil(home, "camera", "site", "door", "--json").stdout)["sign_installed"]


def test_reference_view_from_a_recorded_segment_is_taken_and_approved(
    cli_env: dict[str, str], database_url: str | None, tmp_path: Path
) -> None:
    ctx = SiteContext.init(Path(cli_env["VIGIL_HOME"]), SystemClock(),
                           settings=site_settings(database_url))  # fmt: skip
    cam = CameraRegistry(ctx).add("door", "rtsp://10.0.0.9/s", location_type="entrance")
    out = vigil(cli_env, "camera", "reference", "door", "--take", code=4)
    assert "no recorded segment" in one_line(out.stderr)
    commit_clips(ctx, cam.id, make_clips(tmp_path, 2), ctx.clock.now_us() - 10_000_000)
    ctx.close()
    taken = json.loads(vigil(cli_env, "camera", "reference", "door", "--take", "--json").stdout)
    assert taken["reference_view_id"] and not taken["reference_approved"]
    saved = tmp_path / "view.jpg"
    approved = json.loads(vigil(cli_env, "camera", "reference", "door", "--approve", "--save",
                                str(saved), "--json").stdout)  # fmt: skip
    assert approved["reference_approved"] and approved["reference_approved_by"].startswith("cli:")
    assert saved.read_bytes().startswith(b"\xff\xd8")
    out = vigil(cli_env, "camera", "reference", "door", "--approve", code=4)
    assert "already approved" in one_line(out.stderr)
    audit = json.loads(vigil(cli_env, "audit", "list", "--json").stdout)
    actions = {e["action"] for e in audit}
    assert {"reference_take", "reference_approve", "reference_view"} <= actions
