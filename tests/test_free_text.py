"""Free text is checked once, the same way, wherever it enters; the CLI prints it as written.

Purpose and destination of a playback or copy are registered (A17.2(2)) and read back by
`vigil audit list`: a terminal escape in them would rewrite the reader's screen, and Rich
markup would be interpreted. They pass the one check of free text (`vigil.text.check_text`)
on every way in (the API's playback and export, the CLI's export, the unit's records); the
CLI escapes markup and spells out control characters of rows stored before the check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.site.test_api import Served, login, served  # noqa: F401  (the fixture)
from vigil.audit.actor import Actor
from vigil.clock import us_to_iso
from vigil.context import SiteContext
from vigil.errors import ValidationError
from vigil.records.common import text_field
from vigil.text import check_text

ESCAPES = {
    "CSI (clear the screen)": "case \x1b[2J 7",
    "OSC (set the title)": "case \x1b]0;pwned\x07",
    "8-bit CSI": "case \x9b31m",
    "bell": "case\x07",
    "carriage return": "court\roverwritten",
}


@pytest.mark.parametrize("bad", ESCAPES.values(), ids=ESCAPES.keys())
def test_one_check_refuses_control_characters_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_text(bad, "purpose")
    assert e.value.field == "purpose" and "U+" in e.value.message
    with pytest.raises(ValidationError) as e:
        text_field(bad, "location_note", 500)  # the records' fields use the same check
    assert e.value.field == "location_note"
    assert check_text("line one\nline two", "note", multiline=True) == "line one\nline two"
    assert check_text("[bold]case 7[/bold] 案件", "purpose") == "[bold]case 7[/bold] 案件"


@pytest.mark.parametrize("path", ["/api/v1/playback", "/api/v1/exports"])
@pytest.mark.parametrize("field", ["purpose", "destination"])
def test_api_refuses_escapes_in_purpose_and_destination(
    served: Served,  # noqa: F811
    path: str,
    field: str,
) -> None:
    body: dict[str, object] = {
        "from": us_to_iso(served.rec_start_us),
        "to": us_to_iso(served.rec_end_us),
        "purpose": "case 7",
        "destination": "court",
    }
    if path.endswith("playback"):
        body["cameras"] = ["cam1"]
    else:
        body["camera"] = "cam1"
    c = login(served, "monitor")
    try:
        for bad in ESCAPES.values():
            r = c.post(path, json={**body, field: bad})
            assert r.status_code == 400, r.text
            err = r.json()["error"]
            assert err["field"] == field and "U+" in err["message"], err
    finally:
        c.close()
    a = login(served, "auditor")
    try:
        listing = a.get("/api/v1/audit").text
    finally:
        a.close()
    assert "\\u001b" not in listing and "\\u009b" not in listing and "\\u0007" not in listing


def vigil(env: dict[str, str], *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(
        [sys.executable, "-m", "vigil.cli.main", *args],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert out.returncode == code, out.stderr
    assert "Traceback" not in out.stderr
    return out


def test_cli_refuses_escapes_and_prints_stored_text_as_written(
    cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {**cli_env, "COLUMNS": "400"}  # a wide table: no cell is wrapped
    vigil(env, "init")
    vigil(env, "camera", "add", "cam1", "--url", "rtsp://127.0.0.1:1/s")
    common = ["--from", "2026-01-01T00:00:00Z", "--to", "2026-01-01T00:10:00Z"]
    out = vigil(env, "export", "cam1", *common, "--purpose", "case \x1b[2J 7",
                "--destination", "court", "-o", str(tmp_path / "x.zip"), code=2)  # fmt: skip
    assert "purpose:" in out.stderr and "terminal escapes" in out.stderr
    assert "\x1b" not in out.stderr

    # A row that carries markup (allowed: it is text) and one stored before the check.
    home = Path(env["VIGIL_HOME"])
    if "VIGIL_DATABASE_URL" in env:
        monkeypatch.setenv("VIGIL_DATABASE_URL", env["VIGIL_DATABASE_URL"])
    ctx = SiteContext.open(home)
    try:
        with ctx.sessions.begin() as s:
            for purpose in ("[bold]case 7[/bold] [link=https://x.test]y[/link]", "old \x1b[31m"):
                Actor.cli().audit(s, ctx, "playback", camera_name="cam1", purpose=purpose,
                                  destination="[red]court[/red]")  # fmt: skip
    finally:
        ctx.close()
    listing = vigil(env, "audit", "list").stdout
    assert "[bold]case 7[/bold] [link=https://x.test]y[/link]" in listing
    assert "[red]court[/red]" in listing
    assert "\x1b" not in listing and "old \\x1b[31m" in listing
    # The refused export is registered as a failed attempt, its escape spelled out.
    assert "case \\x1b[2J 7" in listing
