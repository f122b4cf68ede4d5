"""`vigil filing submit|status` as a user runs them (A13.2, N14): the real command against a
fresh home; each refusal says what to do, the submission is registered as the OS user."""

from __future__ import annotations

import getpass
import json
import subprocess
from pathlib import Path

import pytest

from vigil.audit.query import list_entries
from vigil.context import SiteContext

from .helpers import ALL_ITEMS, HOTEL, pin_bureau


def vigil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def home(cli_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    assert vigil(cli_env, "init").returncode == 0
    profile = [
        "--unit-name", HOTEL["unit_name"], "--credit-code", HOTEL["credit_code"],
        "--division-code", "350102", "--address", HOTEL["address"],
        "--categories", "hospitality_entertainment", "--builder", "unit",
        "--delivered-on", "2025-12-01", "--commissioned-on", "2025-12-02",
    ]  # fmt: skip
    done = vigil(cli_env, "site", "profile", "set", *profile)
    assert done.returncode == 0, done.stderr
    if "VIGIL_DATABASE_URL" in cli_env:
        monkeypatch.setenv("VIGIL_DATABASE_URL", cli_env["VIGIL_DATABASE_URL"])
    return Path(cli_env["VIGIL_HOME"])


def test_submit_refuses_with_every_missing_item_then_unlinked_then_files(
    cli_env: dict[str, str], home: Path, tmp_path: Path
) -> None:
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(ALL_ITEMS["design_plan"][0])
    missing = vigil(cli_env, "filing", "submit", "--attach", f"design_plan={plan}")
    assert missing.returncode == 2
    err = " ".join(missing.stderr.split())
    assert "the filing lacks: test_report" in err and "(technical test report, A13.2)" in err
    assert "authorisation_letter 授权书" in err and "N14 (county bureau filing notice)" in err
    bad = vigil(cli_env, "filing", "submit", "--attach", "design_plan")
    assert bad.returncode == 2 and "KIND=FILE" in bad.stderr
    args = []
    for kind, (data, name) in ALL_ITEMS.items():
        path = tmp_path / name
        path.write_bytes(data)
        args += ["--attach", f"{kind}={path}"]
    unlinked = vigil(cli_env, "filing", "submit", *args)
    assert unlinked.returncode == 4
    assert "not linked to a bureau: vigil link join URL --token T" in unlinked.stderr
    ctx = SiteContext.open(home)
    try:
        pin_bureau(ctx)
    finally:
        ctx.close()
    done = vigil(cli_env, "filing", "submit", *args, "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["state"] == "submitted" and out["version"] == 1 and out["kind"] == "initial"
    shown = vigil(cli_env, "filing", "status", "--json")
    assert shown.returncode == 0, shown.stderr
    st = json.loads(shown.stdout)
    assert st["state"] == "submitted" and st["filings"][0]["filing"] == out["filing"]
    text = vigil(cli_env, "filing", "status")
    assert f"initial filing {out['filing']}: submitted" in text.stdout
    again = vigil(cli_env, "filing", "submit")
    assert again.returncode == 4 and "wait for its decision" in again.stderr
    ctx = SiteContext.open(home)
    try:
        entries = [e for e in list_entries(ctx, limit=1000) if e.action == "filing_submit"]
    finally:
        ctx.close()
    assert [e.actor for e in entries] == ["cli:" + getpass.getuser()]
    assert entries[0].detail["filing"] == out["filing"]
