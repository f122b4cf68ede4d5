"""Seals form a chain of their own, and a running site's seals cannot go missing unnoticed
(issue 10, #3): real SQL tampering on the database under test, `vigil verify` and
`vigil audit verify` as users run them."""

from __future__ import annotations

import itertools
import subprocess

import pytest
from sqlalchemy import delete, select, text, update

from vigil.audit.log import AUDIT_CHAIN, register
from vigil.audit.site_verify import verify_site
from vigil.audit.verify import verify_audit
from vigil.clock import FakeClock
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, ChainEntry, Seal, Site
from vigil.integrity.seal import seal_now, seal_sha256, sealer_beat

INTERVAL_S = 300  # the default seal interval, which the fake service below keeps


def problems(site: SiteContext) -> set[tuple[str, str | None]]:
    return {(p.kind, p.path) for p in verify_site(site).problems}


def act(site: SiteContext, n: int) -> None:
    register(site, actor="alice", action="sign_in", actor_role="monitor", detail={"n": n})


def run_service(site: SiteContext, clock: FakeClock, intervals: int, *, seal: bool = True) -> None:
    """What the recording service does, on the fake clock: a beat every 10 s, a seal
    (changed or not) every interval, an act now and then."""
    for i in range(intervals):
        for _ in range(INTERVAL_S // 10):
            clock.advance(seconds=10)
            sealer_beat(site)
        act(site, i)
        if seal:
            seal_now(site, only_if_changed=False)


@pytest.fixture
def running(site: SiteContext, clock: FakeClock) -> SiteContext:
    sealer_beat(site, starting=True)
    run_service(site, clock, 4)
    return site


def test_a_running_site_holds_and_each_seal_signs_its_predecessor(running: SiteContext) -> None:
    assert problems(running) == set()
    with running.sessions() as s:
        seals = list(s.scalars(select(Seal).order_by(Seal.id)))
        site_row = s.scalar(select(Site))
    assert len(seals) == 4 and site_row is not None
    assert '"prev":null' in seals[0].body
    for before, seal in itertools.pairwise(seals):
        assert f'"prev":{{"id":{before.id},"sha256":"{seal_sha256(before.body)}"}}' in seal.body
    assert (site_row.last_seal_id, site_row.last_seal_sha256) == (
        seals[-1].id,
        seal_sha256(seals[-1].body),
    )


def test_a_seal_deleted_from_the_middle_breaks_the_chain(running: SiteContext) -> None:
    with running.sessions.begin() as s:
        s.execute(delete(Seal).where(Seal.id == 2))
    assert ("seal_chain_broken", "seal 3") in problems(running)
    assert "seal_chain_broken" in {p.kind for p in verify_audit(running)}


def test_the_newest_seal_deleted_is_found_and_stays_found(
    running: SiteContext, clock: FakeClock
) -> None:
    with running.sessions.begin() as s:
        s.execute(delete(Seal).where(Seal.id == 4))
    assert ("seal_chain_broken", "site") in problems(running)
    run_service(running, clock, 1)  # the next seal signs the missing one as its predecessor
    broken = [p for p in verify_site(running).problems if p.kind == "seal_chain_broken"]
    # (SQLite gives the new seal the freed id 4, PostgreSQL id 5: either way it names 4)
    assert len(broken) == 1 and "signs seal 4 as its predecessor" in broken[0].detail


def test_seals_emptied_with_the_newest_acts_fail_both_verifies(running: SiteContext) -> None:
    """The review's attack: the newest audit rows and links, and every seal, deleted."""
    with running.sessions.begin() as s:
        last = s.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
        s.execute(delete(AuditEntry).where(AuditEntry.seq == last))
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == last))
        s.execute(text("delete from seals"))
    found = problems(running)
    assert ("seal_chain_broken", "site") in found
    assert "seal_chain_broken" in {p.kind for p in verify_audit(running)}


def test_removing_the_tip_too_is_caught_by_staleness(
    running: SiteContext, clock: FakeClock
) -> None:
    """A tamperer who also clears the site row's tip: the service ran on, no seal since."""
    with running.sessions.begin() as s:
        s.execute(text("delete from seals"))
        s.execute(update(Site).values(last_seal_id=None, last_seal_sha256=None))
    clock.advance(seconds=1)
    sealer_beat(running)
    found = problems(running)
    assert ("seal_stale", "site") in found
    assert any(kind == "unsealed_entries" for kind, _ in found)
    assert "seal_stale" in {p.kind for p in verify_audit(running)}


def test_sealing_that_stops_while_the_site_runs_is_named(
    running: SiteContext, clock: FakeClock
) -> None:
    run_service(running, clock, 1, seal=False)
    assert problems(running) == set()  # one interval without a seal: within the slack
    run_service(running, clock, 1, seal=False)
    assert {p.kind for p in verify_site(running).problems} == {"seal_stale"}
    run_service(running, clock, 1, seal=False)  # the first unsealed act is 2 intervals old
    kinds = {p.kind: p for p in verify_site(running).problems}
    assert set(kinds) == {"seal_stale", "unsealed_entries"}
    assert "audit chain" in kinds["unsealed_entries"].detail


def test_a_stopped_site_still_holds(running: SiteContext, clock: FakeClock) -> None:
    act(running, 99)
    seal_now(running)  # the service's final seal on shutdown
    clock.advance(days=30)
    assert problems(running) == set()


def test_a_site_that_never_ran_the_service_holds_without_seals(
    site: SiteContext, clock: FakeClock
) -> None:
    act(site, 1)
    clock.advance(days=2)
    assert problems(site) == set()


def test_vigil_verify_exits_non_zero_when_the_seals_are_emptied(
    running: SiteContext, cli_env: dict[str, str]
) -> None:
    env = dict(cli_env, VIGIL_HOME=str(running.home))

    def vigil(*args: str) -> subprocess.CompletedProcess[str]:
        out = subprocess.run(["vigil", *args], env=env, capture_output=True, text=True,
                             timeout=120)  # fmt: skip
        assert "Traceback" not in out.stdout + out.stderr
        return out

    assert vigil("verify").returncode == 0
    with running.sessions.begin() as s:
        s.execute(text("delete from seals"))
    whole = vigil("verify")
    assert whole.returncode == 1
    assert "seal_chain_broken" in whole.stdout and "every seal is gone" in whole.stdout
    audit = vigil("audit", "verify")
    assert audit.returncode == 1 and "seal_chain_broken" in audit.stdout
