"""Hash chains, pure: the same construction serves the camera chains and the audit log.

    chain_hash(n) = SHA-256( bytes.fromhex(chain_hash(n-1)) || canonical_json(body(n)) )
    chain_hash(0) = 64 zero hex digits (the genesis value)

`body` is a JSON object; for a segment it carries the segment's metadata and its file's
SHA-256, so the chain commits to both. Canonical JSON: keys sorted, no spaces, ASCII only,
integers only (no floats), so any language can recompute a link byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(body: Mapping[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def link_hash(prev_hash: str, body_json: str) -> str:
    return hashlib.sha256(bytes.fromhex(prev_hash) + body_json.encode("ascii")).hexdigest()


def camera_chain(camera_id: int) -> str:
    return f"camera:{camera_id}"


@dataclass(frozen=True)
class Link:
    seq: int
    kind: str
    body: str
    chain_hash: str


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str  # "missing", "altered", "bad_body"
    detail: str


def walk(links: Iterable[Link]) -> tuple[list[ChainProblem], dict[int, str]]:
    """Check the links of one chain in seq order (see `walk_rows`)."""
    return walk_rows((link.seq, link.body, link.chain_hash) for link in links)


def walk_rows(rows: Iterable[tuple[int, str, str]]) -> tuple[list[ChainProblem], dict[int, str]]:
    """Check the links of one chain, given as (seq, body, chain_hash) in seq order.

    Returns the problems and, for every seq that is present, the hash the chain *should*
    have there (recomputed), so seals can be checked against recomputed heads.
    After a missing or altered link the walk resynchronises on the stored hash, so one
    bad link is reported once instead of poisoning everything after it.

    Per link this is one SHA-256 and no parsing: a body whose hash recomputes is the body
    the writer chained (canonical JSON); only a link that fails is parsed, to say whether
    its body is still JSON. That keeps a walk of millions of links to seconds.
    """
    problems: list[ChainProblem] = []
    expected: dict[int, str] = {}
    sha256 = hashlib.sha256
    prev: bytes | None = bytes(32)  # the genesis value, GENESIS_HASH
    next_seq = 1
    for seq, body, stored in rows:
        if seq > next_seq:
            for missing in range(next_seq, seq):
                problems.append(ChainProblem(missing, "missing", "chain entry removed"))
            # The next link cannot be checked against an unknown predecessor.
            prev = None
        data = body.encode("utf-8", "surrogateescape")
        if prev is not None:
            recomputed = sha256(prev + data).hexdigest()
            expected[seq] = recomputed
            if recomputed != stored:
                _check_json(seq, body, problems)
                problems.append(
                    ChainProblem(seq, "altered", "stored hash does not match its content")
                )
        else:
            _check_json(seq, body, problems)
        try:
            prev = bytes.fromhex(stored)
        except ValueError:  # a stored hash overwritten with junk: resync on the next link
            prev = None
        next_seq = seq + 1
    return problems, expected


def _check_json(seq: int, body: str, problems: list[ChainProblem]) -> None:
    try:
        json.loads(body)
    except ValueError:
        problems.append(ChainProblem(seq, "bad_body", "body is not JSON"))
