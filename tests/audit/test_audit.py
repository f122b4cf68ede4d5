"""The audit log (A17.2(2)) names every altered, removed or inserted entry by its seq.

Entries are registered through the real `register()`, on the database under test; damage
is done directly in the index, as someone with write access to it could.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from vigil.audit.log import AUDIT_CHAIN, register
from vigil.audit.query import CSV_COLUMNS, list_entries, to_csv
from vigil.audit.site_verify import verify_site as verify
from vigil.audit.verify import verify_audit
from vigil.clock import FakeClock, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, ChainEntry
from vigil.errors import ValidationError
from vigil.integrity.seal import seal_now

PURPOSE_ZH = '调取录像：案件（2026）第17号, "盗窃"\n第二行'
DESTINATION_ZH = "市公安局刑侦支队，张警官"


@pytest.fixture
def logged(site: SiteContext, clock: FakeClock) -> SiteContext:
    """Five acts by three actors, a second apart."""
    acts = [
        {"actor": "alice", "action": "sign_in", "actor_role": "monitor", "client_addr": "10.0.0.5"},
        {
            "actor": "alice",
            "action": "playback",
            "camera_id": 1,
            "camera_name": "gate",
            "from_us": clock.now_us() - 3_600_000_000,
            "to_us": clock.now_us(),
            "purpose": "incident check",
            "destination": "screen in the monitoring room",
        },
        {
            "actor": "bob",
            "action": "export",
            "camera_id": 2,
            "camera_name": "hall",
            "from_us": clock.now_us() - 600_000_000,
            "to_us": clock.now_us(),
            "purpose": PURPOSE_ZH,
            "destination": DESTINATION_ZH,
            "detail": {"file": "案件.mp4"},
        },
        {"actor": "cli:root", "action": "user_add", "detail": {"user": "carol"}},
        {
            "actor": "bob",
            "action": "export",
            "camera_id": 1,
            "camera_name": "gate",
            "result": "failed",
            "purpose": "x",
            "destination": "y",
        },
    ]
    for act in acts:
        register(site, **act)  # type: ignore[arg-type]
        clock.advance(seconds=1)
    return site


def kinds(site: SiteContext) -> set[tuple[str, int | None]]:
    return {(p.kind, p.seq) for p in verify_audit(site)}


def test_untouched_log_holds(logged: SiteContext) -> None:
    assert verify_audit(logged) == []
    report = verify(logged)
    assert report.ok, report.problems
    assert report.chain_entries == 5


def test_altered_purpose_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(purpose="routine"))
    problems = verify_audit(logged)
    assert [(p.kind, p.seq) for p in problems] == [("audit_row_altered", 2)]
    assert "purpose" in problems[0].detail
    assert "audit_row_altered: #2: purpose differs" in problems[0].line()


def test_altered_time_and_actor_are_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="eve", at_us=1))
    (problem,) = verify_audit(logged)
    assert (problem.kind, problem.seq) == ("audit_row_altered", 3)
    assert "actor" in problem.detail and "at_us" in problem.detail


def test_deleted_row_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    assert kinds(logged) == {("audit_row_missing", 3)}


def test_deleted_chain_link_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 2))
    assert kinds(logged) == {("audit_chain_missing", 2)}


def test_cut_off_last_link_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 5))
    assert kinds(logged) == {("audit_row_unchained", 5)}


def test_edited_chain_body_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        link = s.scalar(
            select(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 2)
        )
        assert link is not None
        link.body = link.body.replace("incident check", "routine check")
    found = kinds(logged)
    assert ("audit_chain_altered", 2) in found
    assert ("audit_row_altered", 2) in found  # the row no longer matches the body either
    assert {seq for _, seq in found} == {2}


def test_inserted_row_is_named(logged: SiteContext) -> None:
    with logged.sessions.begin() as s:
        s.add(AuditEntry(seq=42, at_us=1, actor="eve", action="export", result="ok"))
    assert kinds(logged) == {("audit_row_unchained", 42)}


def test_audit_chain_is_separate_from_camera_chains(logged: SiteContext) -> None:
    with logged.sessions() as s:
        chains = set(s.scalars(select(ChainEntry.chain)))
    assert chains == {AUDIT_CHAIN}


def test_truncated_log_after_seal_is_named(logged: SiteContext) -> None:
    """Removing the newest entry everywhere (row and link) leaves a consistent chain;
    only the seal over the audit head shows it."""
    seal = seal_now(logged)
    assert seal is not None and '"audit"' in seal.body
    with logged.sessions.begin() as s:
        s.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
        s.execute(delete(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN, ChainEntry.seq == 5))
    assert verify_audit(logged, seals=False) == []
    assert ("seal_mismatch", 5) in kinds(logged)
    report = verify(logged)
    assert {(p.kind, p.seq) for p in report.problems} == {("seal_mismatch", 5)}
    assert "audit chain" in report.problems[0].line()


def test_log_growing_after_a_seal_still_holds(logged: SiteContext) -> None:
    seal_now(logged)
    register(logged, actor="alice", action="sign_in")
    assert verify_audit(logged) == []
    assert verify(logged).ok


def test_list_filters(logged: SiteContext, clock: FakeClock) -> None:
    every = list_entries(logged)
    assert [e.seq for e in every] == [1, 2, 3, 4, 5]
    assert [e.seq for e in list_entries(logged, actor="bob")] == [3, 5]
    assert [e.seq for e in list_entries(logged, action="export")] == [3, 5]
    assert [e.seq for e in list_entries(logged, camera="gate")] == [2, 5]
    assert [e.seq for e in list_entries(logged, limit=2)] == [4, 5]
    start = every[1].at_us
    assert [e.seq for e in list_entries(logged, since_us=start, until_us=start + 2_000_000)] == [
        2,
        3,
    ]
    assert list_entries(logged, actor="nobody") == []
    export = every[2]
    assert export.purpose == PURPOSE_ZH and export.detail == {"file": "案件.mp4"}
    assert export.time == us_to_iso(export.at_us) and export.time.endswith("Z")
    with pytest.raises(ValidationError) as err:
        list_entries(logged, since_us=start, until_us=start)
    assert err.value.field == "until"


def test_csv_round_trip_with_chinese_text(logged: SiteContext, tmp_path: Path) -> None:
    entries = list_entries(logged)
    path = tmp_path / "audit.csv"
    path.write_text(to_csv(entries), encoding="utf-8", newline="")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 5
    export = rows[2]
    assert export["purpose"] == PURPOSE_ZH
    assert export["destination"] == DESTINATION_ZH
    assert export["camera"] == "hall" and export["actor"] == "bob"
    assert export["time"] == entries[2].time
    assert export["from"] == us_to_iso(entries[2].from_us or 0)
    assert '"file": "案件.mp4"' in export["detail"]
    assert rows[0]["role"] == "monitor" and rows[0]["client"] == "10.0.0.5"
    assert rows[0]["from"] == "" and rows[0]["camera"] == ""
    assert [r["seq"] for r in rows] == ["1", "2", "3", "4", "5"]
    assert rows[4]["result"] == "failed"
    # Bytes on disk are UTF-8, not an escape form.
    assert DESTINATION_ZH.encode("utf-8") in path.read_bytes()


def test_empty_csv_has_the_header(site: SiteContext) -> None:
    assert next(csv.reader(io.StringIO(to_csv([])))) == list(CSV_COLUMNS)


def test_csv_defuses_spreadsheet_formulas(site: SiteContext) -> None:
    register(site, actor="eve", action="export", purpose='=HYPERLINK("http://x","y")',
             destination="+1 555", camera_name="@cam")  # fmt: skip
    row = next(csv.DictReader(io.StringIO(to_csv(list_entries(site)))))
    assert row["purpose"] == '\'=HYPERLINK("http://x","y")'
    assert row["destination"] == "'+1 555" and row["camera"] == "'@cam"
    assert row["actor"] == "eve"


def test_the_whole_log_is_read_in_batches_and_pages(site: SiteContext) -> None:
    """Nothing is cut off at the newest N: paging back with before_seq and reading in
    batches both reach every entry, in order."""
    from vigil.audit.query import csv_chunks, iter_entries, page_cursor

    for i in range(23):
        register(site, actor=f"u{i}", action="login")
    everything = [e.seq for e in list_entries(site)]
    assert [e.seq for e in iter_entries(site, batch=5)] == everything
    assert [e.seq for e in iter_entries(site, actor="u7", batch=5)] == [everything[7]]
    paged: list[int] = []
    before = None
    while True:
        page = list_entries(site, limit=5, before_seq=before)
        paged = [e.seq for e in page] + paged
        before = page_cursor(page, 5)
        if before is None:
            break
    assert paged == everything
    rows = "".join(csv_chunks(iter_entries(site, batch=4), rows_per_chunk=3))
    assert rows == to_csv(list_entries(site)) and rows.count("\r\n") == len(everything) + 1
