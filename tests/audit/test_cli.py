"""`vigil audit list|verify` as users run them: the real command, real processes."""

from __future__ import annotations

import csv
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import delete, update

from vigil.audit.log import AUDIT_CHAIN, register
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, ChainEntry
from vigil.integrity.seal import seal_now


def vigil(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True, timeout=60)
    assert "Traceback" not in out.stdout + out.stderr
    return out


@pytest.fixture
def env(site: SiteContext, cli_env: dict[str, str]) -> dict[str, str]:
    register(site, actor="alice", action="sign_in", actor_role="monitor")
    register(site, actor="bob", action="export", camera_id=1, camera_name="gate",
             from_us=1_767_225_600_000_000, to_us=1_767_225_660_000_000,
             purpose="案件调查", destination="市公安局")  # fmt: skip
    register(site, actor="bob", action="playback", camera_id=1, camera_name="gate",
             purpose="查看", destination="监控室")  # fmt: skip
    return dict(cli_env, VIGIL_HOME=str(site.home))


def test_list_json_and_filters(env: dict[str, str]) -> None:
    out = vigil(env, "audit", "list", "--json")
    assert out.returncode == 0, out.stderr
    entries = json.loads(out.stdout)
    assert [e["seq"] for e in entries] == [1, 2, 3]
    export = entries[1]
    assert export["action"] == "export" and export["purpose"] == "案件调查"
    assert export["destination"] == "市公安局" and export["camera_name"] == "gate"
    assert export["from"] == "2026-01-01T00:00:00.000Z" and export["time"].endswith("Z")
    bob = json.loads(vigil(env, "audit", "list", "--json", "--actor", "bob").stdout)
    assert [e["seq"] for e in bob] == [2, 3]
    exports = json.loads(vigil(env, "audit", "list", "--json", "--action", "export").stdout)
    assert [e["seq"] for e in exports] == [2]
    none = json.loads(vigil(env, "audit", "list", "--json", "--since", "2030-01-01T00:00Z").stdout)
    assert none == []


def test_list_table_and_csv(env: dict[str, str], tmp_path: Path) -> None:
    out = vigil(env, "audit", "list", "--camera", "gate", "--csv", str(tmp_path / "a.csv"))
    assert out.returncode == 0, out.stderr
    assert "2 entries" in out.stdout
    with (tmp_path / "a.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["purpose"] for r in rows] == ["案件调查", "查看"]


def test_bad_since_names_the_field(env: dict[str, str]) -> None:
    out = vigil(env, "audit", "list", "--since", "yesterday")
    assert out.returncode == 2
    assert "since:" in out.stderr


def test_verify_exit_codes(env: dict[str, str], site: SiteContext) -> None:
    ok = vigil(env, "audit", "verify")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "holds" in ok.stdout
    with site.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(destination="家里"))
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 3))
    bad = vigil(env, "audit", "verify")
    assert bad.returncode == 1
    assert "audit_row_altered: #2: destination differs" in bad.stdout
    assert "audit_row_unchained: #3" in bad.stdout
    data = json.loads(vigil(env, "audit", "verify", "--json").stdout)
    assert data["ok"] is False
    assert {(p["kind"], p["seq"]) for p in data["problems"]} == {
        ("audit_row_altered", 2),
        ("audit_row_unchained", 3),
    }


def test_truncation_after_seal_fails_vigil_verify(env: dict[str, str], site: SiteContext) -> None:
    seal_now(site)
    with site.sessions.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 3))
    whole = vigil(env, "verify")
    assert whole.returncode == 1
    assert "seal_mismatch" in whole.stdout and "#3" in whole.stdout
    audit = vigil(env, "audit", "verify")
    assert audit.returncode == 1
    assert "seal_mismatch" in audit.stdout
