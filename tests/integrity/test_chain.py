"""The chain construction, pure: each test breaks one thing and expects it named."""

from __future__ import annotations

import hashlib
import json

from vigil.integrity.chain import GENESIS_HASH, Link, canonical_json, link_hash, walk


def build(bodies: list[dict[str, object]]) -> list[Link]:
    links, prev = [], GENESIS_HASH
    for i, body in enumerate(bodies, start=1):
        text = canonical_json(body)
        prev = link_hash(prev, text)
        links.append(Link(i, "segment", text, prev))
    return links


def test_link_hash_is_the_documented_formula() -> None:
    body = {"b": 2, "a": "x"}
    text = canonical_json(body)
    assert text == '{"a":"x","b":2}'
    expected = hashlib.sha256(bytes(32) + text.encode()).hexdigest()
    assert link_hash(GENESIS_HASH, text) == expected


def test_intact_chain_has_no_problems() -> None:
    links = build([{"n": i} for i in range(5)])
    problems, expected = walk(links)
    assert problems == []
    assert expected[5] == links[-1].chain_hash


def test_altered_body_is_named_once() -> None:
    links = build([{"n": i} for i in range(5)])
    links[2] = Link(3, "segment", canonical_json({"n": 99}), links[2].chain_hash)
    problems, _ = walk(links)
    assert [(p.seq, p.problem) for p in problems] == [(3, "altered")]


def test_removed_link_is_named_and_walk_resynchronises() -> None:
    links = build([{"n": i} for i in range(5)])
    del links[1]
    problems, _ = walk(links)
    assert [(p.seq, p.problem) for p in problems] == [(2, "missing")]


def test_bad_json_body_is_reported() -> None:
    links = build([{"n": 1}])
    links[0] = Link(1, "segment", "{not json", links[0].chain_hash)
    problems, _ = walk(links)
    assert {p.problem for p in problems} == {"bad_body", "altered"}
    json.dumps([p.detail for p in problems])
