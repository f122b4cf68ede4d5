"""Appending to the hash chains stored in `chain_entries`.

One writer per chain at a time: a process-wide lock per chain name, backed by the
(chain, seq) unique constraint, which makes a second process's racing append fail
rather than fork the chain.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.db.models import ChainEntry
from vigil.integrity.chain import GENESIS_HASH, canonical_json, link_hash

_locks: defaultdict[str, threading.RLock] = defaultdict(threading.RLock)
_locks_guard = threading.Lock()


def chain_lock(chain: str) -> threading.RLock:
    with _locks_guard:
        return _locks[chain]


def head(session: Session, chain: str) -> tuple[int, str]:
    """(seq, chain_hash) of the last link, or (0, genesis) for an empty chain."""
    row = session.execute(
        select(ChainEntry.seq, ChainEntry.chain_hash)
        .where(ChainEntry.chain == chain)
        .order_by(ChainEntry.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return 0, GENESIS_HASH
    return int(row[0]), str(row[1])


def append(
    session: Session, chain: str, kind: str, body: Mapping[str, Any], now_us: int
) -> ChainEntry:
    """Add one link in the caller's transaction; hold `chain_lock(chain)` around the commit."""
    seq, prev = head(session, chain)
    body_json = canonical_json(body)
    entry = ChainEntry(
        chain=chain,
        seq=seq + 1,
        kind=kind,
        body=body_json,
        chain_hash=link_hash(prev, body_json),
        recorded_us=now_us,
    )
    session.add(entry)
    session.flush()
    return entry
