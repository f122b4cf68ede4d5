"""`vigil staff|room|maintenance` as users run them: real processes on a fresh home."""

from __future__ import annotations

import json

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
