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
from collections.abc import Iterator, Sequence
from dataclasses import fields
from json.encoder import encode_basestring_ascii as _esc
from typing import Any

from vigil.audit.log import AUDIT_CHAIN, AuditRecord
from vigil.context import Context, SiteContext
from vigil.db.models import AuditEntry
from vigil.integrity.chain import walk_rows
from vigil.integrity.verify import Problem, check_seals

_FIELDS = tuple(f.name for f in fields(AuditRecord))
#: The row's fields in the order of the canonical body's sorted keys ("kind" is constant).
_SORTED = tuple(sorted(_FIELDS))
_BATCH_ROWS = 10_000
# A plain join streamed through the driver's cursor: no ORM objects, one pass, in seq
# order. AUDIT_CHAIN is a constant, so it is written into the statement.
_JOINED = (
    "SELECT c.seq, c.body, c.chain_hash, a.seq, "
    + ", ".join(f"a.{name}" for name in _SORTED)
    + " FROM chain_entries c LEFT JOIN audit_entries a ON a.seq = c.seq"
    + f" WHERE c.chain = '{AUDIT_CHAIN}' ORDER BY c.seq"
)


def _problem(kind: str, seq: int | None, detail: str) -> Problem:
    return Problem(kind, None, seq, None, detail)


def row_body(entry: AuditEntry) -> dict[str, object]:
    """The chain body the row should have: what `record()` chained for it."""
    return AuditRecord(**{name: getattr(entry, name) for name in _FIELDS}).body()


def _num(value: object) -> str:
    if value is None:
        return "null"
    if type(value) is not int:
        raise TypeError("not an integer")
    return str(value)


def _fast_body(r: Sequence[Any]) -> str:
    """canonical_json of the row's body, written out for the fixed AuditRecord fields
    (r: the row's fields in `_SORTED` order). A row whose body this cannot write (a value
    of the wrong type) raises TypeError; a mismatch is then judged field by field."""
    (action, actor, actor_role, at_us, camera_id, camera_name, client_addr, destination,
     detail, from_us, purpose, result, to_us) = r  # fmt: skip
    return (
        f'{{"action":{_esc(action)},"actor":{_esc(actor)},"actor_role":{_esc(actor_role)},'
        f'"at_us":{_num(at_us)},"camera_id":{_num(camera_id)},'
        f'"camera_name":{_esc(camera_name)},"client_addr":{_esc(client_addr)},'
        f'"destination":{_esc(destination)},"detail":{_esc(detail)},"from_us":{_num(from_us)},'
        f'"kind":"audit","purpose":{_esc(purpose)},"result":{_esc(result)},'
        f'"to_us":{_num(to_us)}}}'
    )


def _differing(link_body: str, r: Sequence[Any]) -> list[str]:
    """The fields in which the row differs from its chain record (slow path)."""
    try:
        body = json.loads(link_body)
    except ValueError:
        return []  # the link itself is damaged: reported by the walk
    should = AuditRecord(**dict(zip(_SORTED, r, strict=True))).body()
    return sorted(k for k in should.keys() | body.keys() if should.get(k) != body.get(k))


def _stream(ctx: Context) -> Iterator[tuple[Any, ...]]:
    with ctx.sessions() as s:
        cur = s.connection().connection.cursor()
        try:
            cur.execute(_JOINED)
            while batch := cur.fetchmany(_BATCH_ROWS):
                yield from batch
        finally:
            cur.close()


def check_audit(ctx: Context) -> tuple[list[Problem], dict[int, str], int]:
    """Chain and rows only (no seals): the problems, the recomputed hash at every seq
    (for checking the seals' audit heads) and the number of links walked."""
    with ctx.sessions() as s:
        cur = s.connection().connection.cursor()
        try:
            cur.execute("SELECT seq FROM audit_entries")
            row_seqs = {int(r[0]) for r in cur.fetchall()}
        finally:
            cur.close()
    links = list(_stream(ctx))
    chain_problems, expected = walk_rows((r[0], r[1], r[2]) for r in links)
    problems: list[Problem] = []
    missing = {p.seq for p in chain_problems if p.problem == "missing"}
    for p in chain_problems:
        if p.problem == "missing":
            where = "its row remains" if p.seq in row_seqs else "its row is gone too"
            problems.append(_problem("audit_chain_missing", p.seq, f"chain link removed; {where}"))
        else:
            problems.append(_problem("audit_chain_altered", p.seq, p.detail))
    for link in links:
        seq, body = link[0], link[1]
        if link[3] is None:
            problems.append(
                _problem("audit_row_missing", seq, "row deleted; the chain still records it")
            )
            continue
        fields_ = link[4:]
        try:
            if _fast_body(fields_) == body:
                continue
        except TypeError:
            pass
        differ = _differing(body, fields_)
        if differ:
            problems.append(
                _problem(
                    "audit_row_altered",
                    seq,
                    f"{', '.join(differ)} differ{'s' if len(differ) == 1 else ''} "
                    "from the chain record",
                )
            )
    chained = {link[0] for link in links}
    for seq in sorted(row_seqs - chained - missing):
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
