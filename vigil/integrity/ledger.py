"""Appending to the hash chains stored in `chain_entries`.

One writer per chain at a time, across threads and processes, for the length of the
writer's transaction: an append happens inside a write transaction (`sessions.begin()`),
which on SQLite holds the database's write lock from its start (BEGIN IMMEDIATE), and on
PostgreSQL takes a transaction-scoped advisory lock on the chain before reading its head.
So the head read is the true head, and the link commits or rolls back with the act it
records. The (chain, seq) unique constraint stays as the last guard against a fork.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, select, text
from sqlalchemy.orm import Session

from vigil.db.engine import is_write_transaction
from vigil.db.models import ChainEntry
from vigil.integrity.chain import GENESIS_HASH, canonical_json, link_hash

_CHAIN_TABLE = cast(Table, ChainEntry.__table__)
_HEAD = (
    select(ChainEntry.seq, ChainEntry.chain_hash)
    .where(ChainEntry.chain == bindparam("chain"))
    .order_by(ChainEntry.seq.desc())
    .limit(1)
)


@dataclass(frozen=True)
class Appended:
    """The link just added: its position and hash."""

    seq: int
    chain_hash: str


class NotAWriteTransaction(RuntimeError):
    """A chain append outside `sessions.begin()`: it could fork the chain."""


def advisory_key(chain: str) -> int:
    """The PostgreSQL advisory-lock key of a chain: a signed 64-bit digest of its name."""
    digest = hashlib.sha256(b"vigil.chain:" + chain.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def lock(session: Session, chain: str) -> None:
    """Make this transaction the chain's only writer until it commits or rolls back."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": advisory_key(chain)})
    elif not is_write_transaction(session):
        raise NotAWriteTransaction(
            f"appending to chain {chain!r} needs a write transaction (sessions.begin())"
        )


def head(session: Session, chain: str) -> tuple[int, str]:
    """(seq, chain_hash) of the last link, or (0, genesis) for an empty chain."""
    row = session.execute(_HEAD, {"chain": chain}).first()
    if row is None:
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


# PostgreSQL reads the head and adds the link in one statement, hashing as `link_hash`
# does (sha256 over the previous hash's bytes and the ASCII body): one round trip less
# while the chain's lock is held, which bounds how many appends per second several writers
# get. Every reader re-hashes in Python (`verify`), so the two can't silently differ.
PG_ADD_LINK_SQL = """
    INSERT INTO chain_entries (chain, seq, kind, body, chain_hash, recorded_us)
    SELECT :chain, COALESCE(h.seq, 0) + 1, :kind, :body,
           encode(sha256(decode(COALESCE(h.chain_hash, :genesis), 'hex')
                         || convert_to(:body, 'UTF8')), 'hex'),
           :now_us
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT seq, chain_hash FROM chain_entries
        WHERE chain = :chain ORDER BY seq DESC LIMIT 1
    ) AS h ON true
    RETURNING seq, chain_hash
"""
_PG_ADD_LINK = text(PG_ADD_LINK_SQL)


def link_params(chain: str, kind: str, body_json: str, now_us: int) -> dict[str, Any]:
    """The parameters of `PG_ADD_LINK_SQL`."""
    return {"chain": chain, "kind": kind, "body": body_json, "genesis": GENESIS_HASH,
            "now_us": now_us}  # fmt: skip


def add_link(
    session: Session, chain: str, kind: str, body: Mapping[str, Any], now_us: int
) -> Appended:
    """Add one link after the head, in the caller's transaction; `lock` must be held."""
    body_json = canonical_json(body)
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(_PG_ADD_LINK, link_params(chain, kind, body_json, now_us)).one()
        return Appended(int(row[0]), str(row[1]))
    seq, prev = head(session, chain)
    link = Appended(seq + 1, link_hash(prev, body_json))
    session.execute(
        insert(_CHAIN_TABLE),
        {"chain": chain, "seq": link.seq, "kind": kind, "body": body_json,
         "chain_hash": link.chain_hash, "recorded_us": now_us},
    )  # fmt: skip
    return link


def append(
    session: Session, chain: str, kind: str, body: Mapping[str, Any], now_us: int
) -> Appended:
    """Lock the chain and add one link, in the caller's write transaction."""
    lock(session, chain)
    return add_link(session, chain, kind, body, now_us)
