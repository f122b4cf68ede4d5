"""docs/bureau.md's walk-through, run command by command so that it stays true."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.bureau.conftest import empty_postgres, env_for, wait_for
from tests.filings.helpers import ALL_ITEMS
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import HeldSeal, Unit
from vigil.bureau.filings_models import BureauFiling
from vigil.context import SiteContext
from vigil.filings import submission
from vigil.link.models import LinkOutbox
from vigil.media.simulated import free_tcp_port

DOC = Path(__file__).resolve().parents[2] / "docs" / "bureau.md"


def walkthrough() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## Walk-through") :]
    block = section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh") + 5)]
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_walkthrough_in_docs_bureau_md_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bureau_port, site_port = free_tcp_port(), free_tcp_port()
    env = env_for(
        BUREAU_HOME=str(tmp_path / "bureau"), SITE_HOME=str(tmp_path / "site"),
        BUREAU_PORT=str(bureau_port), SITE_PORT=str(site_port),
        BUREAU_URL=f"http://127.0.0.1:{bureau_port}", OFFICER_PASSWORD="correct-horse-battery-9",
    )  # fmt: skip
    lines = walkthrough()
    assert any("check-site" in line for line in lines) and any(
        "link join" in line for line in lines
    )
    SiteContext.init(tmp_path / "site", settings={"min_free_bytes": 0}).close()
    for data, name in ALL_ITEMS.values():  # the filing's documents, as the doc names them
        (tmp_path / name.replace(".jpg", ".pdf")).write_bytes(
            data if name.endswith(".pdf") else b"%PDF-1.4 scanned ID card"
        )
    servers: list[subprocess.Popen[bytes]] = []
    outputs: dict[str, str] = {}
    try:
        with empty_postgres() as url:
            if url:
                env["VIGIL_BUREAU_DATABASE_URL"] = url
                monkeypatch.setenv("VIGIL_BUREAU_DATABASE_URL", url)  # for the checks here
            for line in lines:
                if "check-site" in line:  # once the seal and the unit's address have arrived
                    wait_for(lambda: _delivered(tmp_path / "site"), "the outbox to drain")
                    wait_for(lambda: _bureau_ready(tmp_path / "bureau"), "seal and address")
                if line.startswith("FILING="):  # once the filing has arrived at the bureau
                    wait_for(lambda: _filed(tmp_path / "bureau"), "the filing at the bureau")
                if "filing status" in line:  # once the receipt has arrived at the unit
                    wait_for(lambda: _receipt(tmp_path / "site"), "the receipt at the unit")
                if line.endswith("&"):
                    cmd = line[:-1].strip()
                    servers.append(subprocess.Popen(["bash", "-c", cmd], env=env,
                                                    stdout=subprocess.DEVNULL,
                                                    stderr=subprocess.DEVNULL))  # fmt: skip
                    port = bureau_port if "bureau serve" in cmd else site_port
                    wait_for(lambda p=port: _up(p), f"{cmd} to serve")  # type: ignore[misc]
                    continue
                assigned = re.fullmatch(r"(\w+)=\$\((.*)\)", line)
                cmd = assigned.group(2) if assigned else line
                out = subprocess.run(["bash", "-o", "pipefail", "-c", cmd], env=env,
                                     capture_output=True, text=True, timeout=120,
                                     cwd=tmp_path)  # fmt: skip
                assert out.returncode == 0, f"{line}\n{out.stdout}\n{out.stderr}"
                outputs[line] = out.stdout
                if assigned:
                    env[assigned.group(1)] = out.stdout.strip()
    finally:
        for proc in servers:
            proc.terminate()
            proc.wait(30)
    status = json.loads(next(v for k, v in outputs.items() if "link status" in k))
    assert status["linked"] and status["bureau"]["unit"] == "鼓楼某酒店"
    assert "ok" in next(v for k, v in outputs.items() if "check-site" in k)
    receipt = json.loads(next(v for k, v in outputs.items() if "filings/accept" in k))
    assert receipt["receipt_number"] in next(v for k, v in outputs.items() if "filing status" in k)
    assert shlex.split(lines[0])[:3] == ["vigil", "bureau", "init"]


def _up(port: int) -> bool:
    try:
        httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
    except httpx.TransportError:
        return False
    return True


def _delivered(home: Path) -> bool:
    ctx = SiteContext.open(home)
    try:
        with ctx.sessions() as s:
            rows = list(s.scalars(select(LinkOutbox)))
    finally:
        ctx.close()
    return (
        bool(rows)
        and all(r.delivered_us for r in rows)
        and any(r.msg_type == "site.address" for r in rows)
    )


def _filed(home: Path) -> bool:
    ctx = BureauContext.open(home)
    try:
        with ctx.sessions() as s:
            return bool(s.scalar(select(func.count()).select_from(BureauFiling)))
    finally:
        ctx.close()


def _receipt(home: Path) -> bool:
    ctx = SiteContext.open(home)
    try:
        return submission.status(ctx)["receipt"] is not None
    finally:
        ctx.close()


def _bureau_ready(home: Path) -> bool:
    ctx = BureauContext.open(home)
    try:
        with ctx.sessions() as s:
            unit = s.scalar(select(Unit))
            return bool(unit and unit.url and s.scalar(select(HeldSeal.id).limit(1)))
    finally:
        ctx.close()
