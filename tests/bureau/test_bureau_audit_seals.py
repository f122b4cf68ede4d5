"""The bureau's own audit log is sealed and verifiable (A27, issue 12): `vigil bureau seal`
signs its chain heads with the bureau's key, each seal chained to the previous one;
`vigil bureau serve` seals every VIGIL_SEAL_INTERVAL_S; `vigil bureau audit verify` fails,
naming the seq, when the sealed tail was cut off or an entry altered, and when a seal was
removed. Real processes, real SQLite and PostgreSQL."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update

from tests.bureau.conftest import Server, empty_postgres, env_for, vigil, wait_for
from vigil.audit.actor import Actor
from vigil.audit.log import AUDIT_CHAIN
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import AUDIT_ENTRIES, CHAIN_ENTRIES, BureauSeal


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    with empty_postgres() as url:
        home = tmp_path / "bureau"
        args = ["bureau", "init", "--home", str(home)] + (["--database-url", url] if url else [])
        out = vigil(*args)
        assert out.returncode == 0, out.stderr
        yield home


def cli(home: Path, *args: str) -> tuple[int, str]:
    out = vigil("bureau", *args, "--home", str(home))
    return out.returncode, out.stdout + out.stderr


def acts(home: Path, n: int) -> int:
    """Register n acts in the bureau's log, as its commands do; the newest seq."""
    ctx = BureauContext.open(home)
    try:
        seq = 0
        for i in range(n):
            with ctx.sessions.begin() as s:
                seq = Actor.cli().audit(s, ctx, "test_act", detail={"n": i})
        return seq
    finally:
        ctx.close()


def seals(home: Path) -> list[BureauSeal]:
    ctx = BureauContext.open(home)
    try:
        with ctx.sessions() as s:
            return list(s.scalars(select(BureauSeal).order_by(BureauSeal.id)))
    finally:
        ctx.close()


def tamper(home: Path, *statements: object) -> None:
    ctx = BureauContext.open(home)
    try:
        with ctx.sessions.begin() as s:
            for stmt in statements:
                s.execute(stmt)  # type: ignore[call-overload]
    finally:
        ctx.close()


def test_a_clean_bureau_verifies_and_its_seals_chain(home: Path) -> None:
    acts(home, 3)
    rc, out = cli(home, "seal")
    assert rc == 0, out
    rc, out = cli(home, "seal")
    assert rc == 0, out
    first, second = seals(home)
    body1, body2 = json.loads(first.body), json.loads(second.body)
    assert body1["type"] == "vigil.seal.v2" and body1["prev"] is None
    assert body2["prev"]["id"] == first.id
    # each `bureau seal` is audited as cli:<user> and covered by its own seal (A27)
    assert body2["heads"][AUDIT_CHAIN]["seq"] == body1["heads"][AUDIT_CHAIN]["seq"] + 1
    ctx = BureauContext.open(home)
    with ctx.sessions() as s:
        actors = s.scalars(
            select(AUDIT_ENTRIES.c.actor).where(AUDIT_ENTRIES.c.action == "bureau_seal")
        ).all()
    ctx.close()
    assert actors == [f"cli:{getpass.getuser()}"] * 2
    rc, out = cli(home, "audit", "verify")
    assert rc == 0 and "holds" in out, out


def test_cutting_off_the_sealed_tail_is_named_by_seq(home: Path) -> None:
    acts(home, 4)
    assert cli(home, "seal")[0] == 0
    head = json.loads(seals(home)[-1].body)["heads"][AUDIT_CHAIN]["seq"]
    keep = head - 3
    # the newest three entries removed, rows and chain links alike: the chain itself holds
    tamper(
        home,
        delete(AUDIT_ENTRIES).where(AUDIT_ENTRIES.c.seq > keep),
        delete(CHAIN_ENTRIES).where(
            (CHAIN_ENTRIES.c.chain == AUDIT_CHAIN) & (CHAIN_ENTRIES.c.seq > keep)
        ),
    )
    rc, out = cli(home, "audit", "verify", "--json")
    assert rc == 1, out
    problems = json.loads(out)["problems"]
    assert [(p["kind"], p["seq"]) for p in problems] == [("seal_mismatch", head)], problems
    rc, out = cli(home, "audit", "verify")
    assert rc == 1 and f"seal_mismatch: #{head}" in out, out


def test_an_altered_entry_is_named_by_seq(home: Path) -> None:
    seq = acts(home, 3) - 1
    assert cli(home, "seal")[0] == 0
    tamper(home, update(AUDIT_ENTRIES).where(AUDIT_ENTRIES.c.seq == seq).values(detail="{}"))
    rc, out = cli(home, "audit", "verify")
    assert rc == 1 and f"audit_row_altered: #{seq}: detail differs" in out, out


def test_removing_a_seal_breaks_the_seal_chain(home: Path) -> None:
    for _ in range(3):
        acts(home, 1)
        assert cli(home, "seal")[0] == 0
    ids = [seal.id for seal in seals(home)]
    assert cli(home, "audit", "verify")[0] == 0
    tamper(home, delete(BureauSeal).where(BureauSeal.id == ids[1]))
    rc, out = cli(home, "audit", "verify")
    assert rc == 1 and f"seal {ids[2]}: signs seal {ids[1]} as its predecessor" in out, out
    # the newest seal removed too: the bureau row's tip still names it
    tamper(home, delete(BureauSeal).where(BureauSeal.id == ids[2]))
    rc, out = cli(home, "audit", "verify")
    assert rc == 1 and f"the bureau's newest is seal {ids[2]}: it was removed" in out, out


def test_serve_seals_the_audit_log_every_interval(home: Path) -> None:
    server = Server(["bureau", "serve", "--home", str(home)], env_for(VIGIL_SEAL_INTERVAL_S="1"))
    server.start()
    try:
        wait_for(lambda: len(seals(home)) >= 1, "the first seal of serve")
        seq = acts(home, 2)

        def sealed() -> bool:
            newest = seals(home)[-1]
            return bool(json.loads(newest.body)["heads"][AUDIT_CHAIN]["seq"] >= seq)

        wait_for(sealed, "a seal covering the newest entry")
    finally:
        server.stop()
    rc, out = cli(home, "audit", "verify")
    assert rc == 0, out
    # unchanged heads are not sealed again
    count = len(seals(home))
    bad = vigil("bureau", "serve", "--home", str(home),
                env=env_for(VIGIL_SEAL_INTERVAL_S="0"))  # fmt: skip
    assert bad.returncode != 0 and "VIGIL_SEAL_INTERVAL_S" in bad.stdout + bad.stderr
    assert len(seals(home)) == count


def test_the_bureau_database_has_its_seals_table(home: Path) -> None:
    ctx = BureauContext.open(home)
    with ctx.sessions() as s:
        assert s.scalar(select(func.count()).select_from(BureauSeal)) == 0
    ctx.close()
