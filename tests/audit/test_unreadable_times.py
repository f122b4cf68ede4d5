"""`vigil audit list` reads every stored row, even one whose time no date can hold."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import update

from tests.audit.test_cli import vigil
from vigil.audit.log import register
from vigil.context import SiteContext
from vigil.db.models import AuditEntry

YEAR_10000_US = 253_402_354_800_000_000


def test_audit_list_survives_a_time_out_of_every_date_range(
    site: SiteContext, cli_env: dict[str, str], tmp_path: Path
) -> None:
    register(site, actor="alice", action="sign_in", actor_role="monitor")
    register(site, actor="eve", action="export", camera_name="gate", from_us=YEAR_10000_US,
             to_us=YEAR_10000_US + 1, purpose="p", destination="d")  # fmt: skip
    with site.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(at_us=-(2**62)))
    env = dict(cli_env, VIGIL_HOME=str(site.home))
    out = vigil(env, "audit", "list", "--json")
    assert out.returncode == 0, out.stderr
    eve = json.loads(out.stdout)[1]
    assert eve["time"] == f"<{-(2**62)} us: not a date>"
    assert eve["from"] == f"<{YEAR_10000_US} us: not a date>"
    table = vigil(env, "audit", "list", "--csv", str(tmp_path / "a.csv"))
    assert table.returncode == 0, table.stderr
    assert "2 entries" in table.stdout and "not a date" in table.stdout
    assert f"<{YEAR_10000_US} us: not a date>" in (tmp_path / "a.csv").read_text("utf-8")
