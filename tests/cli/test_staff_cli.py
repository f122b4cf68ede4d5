"""`vigil staff|room|maintenance` as users run them: real processes on a fresh home."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import vigil


def test_roster_room_log_and_maintenance(cli_env: dict[str, str]) -> None:
    vigil(cli_env, "init")
    bad = vigil(cli_env, "staff", "add", "Wang Fang", "--duty", "cook", "--joined-on",
                "2025-01-01", ok=False)  # fmt: skip
    assert bad.returncode == 2 and "duty:" in bad.stderr and "A16(4)" in bad.stderr
    added = vigil(cli_env, "staff", "add", "Wang Fang", "--duty", "监看", "--joined-on",
                  "2025-01-01")  # fmt: skip
    assert "staff #1" in added.stdout and "monitoring" in added.stdout

    visitor = vigil(cli_env, "room", "enter", "--reason", "parcel", "--name", "Zhao",
                    "--organisation", "Courier")  # fmt: skip
    assert "flagged" in visitor.stdout and "A24(4)" in visitor.stdout
    vigil(cli_env, "room", "enter", "--reason", "watch shift", "--staff", "1")
    flagged = json.loads(vigil(cli_env, "room", "list", "--flagged", "--json").stdout)
    assert [(e["person_name"], e["article"]) for e in flagged] == [("Zhao", "A24(4)")]

    vigil(cli_env, "maintenance", "log", "add", "fault", "--summary", "cam offline", "--by", "Li")
    faults = json.loads(vigil(cli_env, "maintenance", "log", "list", "--open", "--json").stdout)
    assert [(f["kind"], f["open"]) for f in faults] == [("fault", True)]


def test_contract_and_emergency_plan_kept_on_file_from_the_cli(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    vigil(cli_env, "init")
    signed = tmp_path / "contract.pdf"
    signed.write_bytes(b"%PDF-1.4\n% signed contract\n%%EOF\n")
    made = vigil(cli_env, "maintenance", "contract", "add", "--contractor", "Minhang Ltd",
                 "--scope", "cameras", "--starts-on", "2025-01-01", "--ends-on", "2099-12-31",
                 "--security-clause", "--file", str(signed))  # fmt: skip
    assert "shortfall" not in made.stdout
    (contract,) = json.loads(vigil(cli_env, "maintenance", "contract", "list", "--json").stdout)
    assert contract["attachment_id"] is not None and contract["shortfall"] == []

    # An emergency plan entry needs the plan on file (A16(1)): --file puts it there.
    bare = vigil(cli_env, "maintenance", "log", "add", "emergency_plan", "--summary", "adopted",
                 "--by", "Li", ok=False)  # fmt: skip
    assert bare.returncode == 2 and "attachment_id:" in bare.stderr and "A16(1)" in bare.stderr
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4\n% emergency plan\n%%EOF\n")
    vigil(cli_env, "maintenance", "log", "add", "emergency_plan", "--summary", "adopted",
          "--by", "Li", "--file", str(plan))  # fmt: skip
    (entry,) = json.loads(vigil(cli_env, "maintenance", "log", "list", "--json").stdout)
    assert entry["kind"] == "emergency_plan" and entry["attachment_id"] is not None

    both = vigil(cli_env, "maintenance", "log", "add", "drill", "--summary", "x", "--by", "Li",
                 "--attachment-id", "1", "--file", str(plan), ok=False)  # fmt: skip
    assert both.returncode == 2 and "file:" in both.stderr
    text = tmp_path / "plan.txt"
    text.write_text("not a pdf")
    bad = vigil(cli_env, "maintenance", "log", "add", "drill", "--summary", "x", "--by", "Li",
                "--file", str(text), ok=False)  # fmt: skip
    assert bad.returncode == 2 and "file:" in bad.stderr
