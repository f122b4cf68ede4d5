"""`vigil audit verify`: every registered act is still there, unaltered, in its chain.

The audit chain ('audit') is built like a camera chain (`vigil.integrity.chain`): link n's
body is `{"kind": "audit", **AuditRecord fields}` of entry n, so the chain commits to every
field of every row. This walks the chain with the same code as `vigil verify`, compares
each `audit_entries` row with its link, and checks the seals' signed audit heads.

Findings, each naming the entry by seq:
- `audit_chain_missing`: a link is gone from the middle of the chain;
- `audit_chain_altered`: a link's body or hash was changed (its hash no longer recomputes);
- `audit_row_missing`: the chain records the act, its row is gone;
- `audit_row_altered`: the row differs from what the chain recorded (fields named);
- `audit_row_unchained`: a row without a link (inserted, or its link was cut off the end);
- `seal_mismatch` / `seal_invalid`: a seal signed an audit head the chain no longer holds
  (e.g. the newest entries were removed, rows and links alike), or a seal is forged.
Entries added after the last seal and then removed together with their links leave no
trace; seals (every few minutes) bound that window, as for recordings.
"""

from __future__ import annotations

import json
from dataclasses import fields

from sqlalchemy import select

from vigil.audit.log import AUDIT_CHAIN, AuditRecord
from vigil.context import SiteContext
from vigil.db.models import AuditEntry, ChainEntry
from vigil.integrity.chain import Link, walk
from vigil.integrity.verify import Problem, check_seals

_FIELDS = tuple(f.name for f in fields(AuditRecord))


def _problem(kind: str, seq: int | None, detail: str) -> Problem:
    return Problem(kind, None, seq, None, detail)


def row_body(entry: AuditEntry) -> dict[str, object]:
    """The chain body the row should have: what `record()` chained for it."""
    return AuditRecord(**{name: getattr(entry, name) for name in _FIELDS}).body()


def check_audit(ctx: SiteContext) -> tuple[list[Problem], dict[int, str], int]:
    """Chain and rows only (no seals): the problems, the recomputed hash at every seq
    (for checking the seals' audit heads) and the number of links walked."""
    with ctx.sessions() as s:
        links = list(
            s.scalars(
                select(ChainEntry).where(ChainEntry.chain == AUDIT_CHAIN).order_by(ChainEntry.seq)
            )
        )
        rows = {e.seq: e for e in s.scalars(select(AuditEntry))}
    chain_problems, expected = walk(Link(e.seq, e.kind, e.body, e.chain_hash) for e in links)
    problems: list[Problem] = []
    missing = {p.seq for p in chain_problems if p.problem == "missing"}
    for p in chain_problems:
        if p.problem == "missing":
            where = "its row remains" if p.seq in rows else "its row is gone too"
            problems.append(_problem("audit_chain_missing", p.seq, f"chain link removed; {where}"))
        else:
            problems.append(_problem("audit_chain_altered", p.seq, p.detail))
    for link in links:
        try:
            body = json.loads(link.body)
        except ValueError:
            continue  # reported by the walk
        row = rows.get(link.seq)
        if row is None:
            problems.append(
                _problem("audit_row_missing", link.seq, "row deleted; the chain still records it")
            )
            continue
        should = row_body(row)
        differ = sorted(k for k in should.keys() | body.keys() if should.get(k) != body.get(k))
        if differ:
            problems.append(
                _problem(
                    "audit_row_altered",
                    link.seq,
                    f"{', '.join(differ)} differ{'s' if len(differ) == 1 else ''} "
                    "from the chain record",
                )
            )
    chained = {link.seq for link in links}
    for seq in sorted(rows.keys() - chained - missing):
        problems.append(_problem("audit_row_unchained", seq, "row has no chain link"))
    problems.sort(key=lambda p: (p.seq or 0, p.kind))
    return problems, expected, len(links)


def verify_audit(ctx: SiteContext, *, seals: bool = True) -> list[Problem]:
    """Every problem of the audit log, by seq; empty when the log holds.

    With `seals` (the default) also checks that every seal's audit head is still in the
    chain, which catches the newest entries being cut off after a seal.
    """
    problems, expected, _ = check_audit(ctx)
    if seals:
        problems.extend(check_seals(ctx, {AUDIT_CHAIN: expected}))
    return problems
