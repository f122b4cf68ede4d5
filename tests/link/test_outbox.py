"""The outbox: a message is queued in the sender's transaction and goes or stays with it."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from vigil.audit.log import record
from vigil.context import SiteContext
from vigil.integrity.seal import seal_now
from vigil.keys.signing import key_id, public_pem
from vigil.link import outbox
from vigil.link.models import LinkBureau, LinkOutbox
from vigil.link.seals import SEAL_MSG


def link(site: SiteContext) -> str:
    pub = Ed25519PrivateKey.generate().public_key()
    peer = "bureau:" + "2" * 36
    with site.sessions.begin() as s:
        s.add(LinkBureau(peer_id=peer, name="鼓楼分局", division_code="350102",
                         url="http://127.0.0.1:9", public_key_pem=public_pem(pub).decode(),
                         key_id=key_id(pub), unit_name="unit", site_url="",
                         joined_us=site.clock.now_us()))  # fmt: skip
    return peer


def queued(site: SiteContext) -> list[LinkOutbox]:
    with site.sessions() as s:
        return list(s.scalars(select(LinkOutbox).order_by(LinkOutbox.id)))


def test_a_site_without_a_bureau_cannot_send(site: SiteContext) -> None:
    with pytest.raises(outbox.NotLinked, match="vigil link join"), site.sessions.begin() as s:
        outbox.enqueue(s, site, "filing.submit", {"x": 1})


def test_the_message_commits_or_rolls_back_with_the_act(site: SiteContext) -> None:
    peer = link(site)
    with site.sessions.begin() as s:
        record(s, site, actor="t", action="filing_submit")
        msg_id = outbox.enqueue(s, site, "filing.submit", {"n": 1, "名": "门口"})
    with pytest.raises(RuntimeError), site.sessions.begin() as s:
        outbox.enqueue(s, site, "filing.submit", {"n": 2})
        raise RuntimeError("the act failed")
    rows = queued(site)
    assert [(r.msg_id, r.receiver, json.loads(r.body)) for r in rows] == [
        (msg_id, peer, {"n": 1, "名": "门口"})
    ]
    assert rows[0].delivered_us is None
    with site.sessions() as s:
        status = outbox.status(s, outbox.side_for(site))
    assert (status.depth, status.delivered) == (1, 0)


def test_a_body_that_is_not_canonical_json_is_refused_naming_it(site: SiteContext) -> None:
    link(site)
    with pytest.raises(outbox.ValidationError, match="body"), site.sessions.begin() as s:
        outbox.enqueue(s, site, "x", {"f": 1.5e400})


def test_every_seal_of_a_linked_site_is_queued_in_its_own_transaction(site: SiteContext) -> None:
    seal_now(site, only_if_changed=False)  # before the link: stays at the site
    link(site)
    seals = [seal_now(site, only_if_changed=False) for _ in range(3)]
    rows = [r for r in queued(site) if r.msg_type == SEAL_MSG]
    assert [json.loads(r.body)["seal_id"] for r in rows] == [s.id for s in seals if s]
    with site.sessions() as s:
        assert s.scalar(select(func.count()).select_from(LinkOutbox)) == 3
