"""Seals: the site key's Ed25519 signature over the heads of all hash chains.

A seal's signed message is its `body` exactly as stored (canonical JSON, ASCII):
    {"heads":{"camera:1":{"hash":"…","seq":42},…},"key_id":"…",
     "prev":{"id":6,"sha256":"…"},"sealed_us":…,"site":"<uuid>","type":"vigil.seal.v2"}
Seals form a chain of their own: `prev` is the previous seal's id and the SHA-256 of its
body (null only for a site's first seal), taken from the tip the site row keeps, so a
seal deleted from the middle or the end stays visible. Seals made before the chain
(`vigil.seal.v1`) have no `prev`; the first chained seal signs the newest of them.
Exported as `seal-<id>.json` (the message), `seal-<id>.sig` (the raw 64-byte signature)
and the public key in PEM, it verifies with `openssl pkeyutl -verify -rawin`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.clock import Clock
from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Seal, Site
from vigil.integrity.chain import canonical_json
from vigil.keys.signing import key_id, load_public_pem

SEAL_TYPE = "vigil.seal.v2"

#: Called in every seal's own transaction once the seal row exists: fn(session, ctx, seal).
#: The link registers one that queues the seal for the bureau (vigil.link.seals), so a
#: seal and the message that hands it over commit together.
seal_listeners: list[Callable[[Session, SiteContext, Seal], None]] = []


class SealRow(Protocol):
    """A stored seal: the site's `seals` row or the bureau's `bureau_seals` row."""

    @property
    def id(self) -> int: ...

    @property
    def body(self) -> str: ...

    @property
    def signature_hex(self) -> str: ...

    @property
    def key_id(self) -> str: ...


class SealTip(Protocol):
    """The row keeping the seal chain's tip (the site row, the bureau row)."""

    last_seal_id: int | None
    last_seal_sha256: str | None


S = TypeVar("S", bound=SealRow)


def _heads(s: Session) -> dict[str, dict[str, object]]:
    last = (
        select(ChainEntry.chain, func.max(ChainEntry.seq).label("seq"))
        .group_by(ChainEntry.chain)
        .subquery()
    )
    rows = s.execute(
        select(ChainEntry.chain, ChainEntry.seq, ChainEntry.chain_hash).join(
            last, (ChainEntry.chain == last.c.chain) & (ChainEntry.seq == last.c.seq)
        )
    ).all()
    return {chain: {"seq": int(seq), "hash": h} for chain, seq, h in sorted(rows)}


def seal_sha256(body: str) -> str:
    """The hash by which the next seal names this one (of its body, as signed)."""
    return hashlib.sha256(body.encode("ascii")).hexdigest()


def _prev(row: SealTip, newest: SealRow | None) -> dict[str, object] | None:
    if row.last_seal_id is not None:
        # the tip, even when its seal row is gone: the next seal then records the loss
        return {"id": row.last_seal_id, "sha256": row.last_seal_sha256}
    if newest is not None:  # seals made before the seal chain: link to the newest
        return {"id": newest.id, "sha256": seal_sha256(newest.body)}
    return None


def sealer_beat(ctx: SiteContext, *, starting: bool = False) -> None:
    """The sealing service's heartbeat on the site row (`starting`: a new run begins), so
    that verify can tell a stopped site from one whose seals were removed."""
    now_us = ctx.clock.now_us()
    with ctx.sessions.begin() as s:
        row = s.scalar(select(Site).with_for_update())
        if row is None:
            return
        if starting or row.sealer_started_us is None:
            row.sealer_started_us = now_us
        row.sealer_beat_us = now_us
        row.sealer_interval_s = ctx.settings.seal_interval_s


def chain_heads(ctx: SiteContext) -> dict[str, dict[str, object]]:
    """The head of every chain that has entries: cameras' and the audit log's."""
    with ctx.sessions() as s:
        return _heads(s)


def seal_now(
    ctx: SiteContext,
    *,
    only_if_changed: bool = True,
    register: Callable[[Session], object] | None = None,
) -> Seal | None:
    """Sign the heads of every chain that has entries; None if nothing changed since the
    last seal (with `only_if_changed`).

    `register` (a person's `vigil seal`) adds the act's audit entry in the seal's own
    transaction before the heads are read, so the seal covers its own entry and a site
    where nothing was recorded yet still gets its audit chain sealed.
    """
    site = ctx.site()
    key = ctx.signing_key
    kid = key_id(key.public_key())
    if kid != site.key_id:
        raise RuntimeError("the site key on disk is not the key registered in the index")
    with ctx.sessions.begin() as s:
        # the site row locked (PostgreSQL; SQLite holds the write lock): one seal at a time,
        # so two sealers cannot both extend the same tip
        row = s.scalar(select(Site).with_for_update())
        assert row is not None
        seal = sign_heads(
            s,
            Seal,
            row,
            key=key,
            owner={"site": site.site_uuid},
            clock=ctx.clock,
            only_if_changed=only_if_changed,
            register=register,
        )
        if seal is not None:
            for listener in seal_listeners:
                listener(s, ctx, seal)
    return seal


def sign_heads(
    s: Session,
    model: type[S],
    tip: SealTip,
    *,
    key: Ed25519PrivateKey,
    owner: Mapping[str, str],
    clock: Clock,
    only_if_changed: bool = True,
    register: Callable[[Session], object] | None = None,
) -> S | None:
    """In the caller's transaction (with `tip`'s row locked): sign the heads of every chain
    in `s`'s database as a new `model` row chained to the tip, and move the tip to it.
    `owner` names the signer in the body ({"site": uuid} or {"bureau": uuid}); the site's
    seals and the bureau's own (A27) are made by this one function."""
    kid = key_id(key.public_key())
    heads = _heads(s)
    table = cast(Any, model)
    previous: S | None = s.scalar(select(model).order_by(table.id.desc()).limit(1))
    if only_if_changed and previous is not None and json.loads(previous.body)["heads"] == heads:
        return None
    if register is not None:
        register(s)
        heads = _heads(s)
    if not heads and only_if_changed:
        return None
    sealed_us = clock.now_us()
    body = canonical_json(
        {
            "type": SEAL_TYPE,
            **owner,
            "key_id": kid,
            "sealed_us": sealed_us,
            "heads": heads,
            "prev": _prev(tip, previous),
        }
    )
    signature = key.sign(body.encode("ascii"))
    seal = table(sealed_us=sealed_us, body=body, signature_hex=signature.hex(), key_id=kid)
    s.add(seal)
    s.flush()
    tip.last_seal_id = seal.id
    tip.last_seal_sha256 = seal_sha256(body)
    return cast(S, seal)


def signature_valid(public_key_pem: str, seal: SealRow) -> bool:
    try:
        load_public_pem(public_key_pem).verify(
            bytes.fromhex(seal.signature_hex), seal.body.encode("ascii")
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def export_seal(ctx: SiteContext, seal: Seal, out_dir: Path) -> list[Path]:
    """Write the seal so that a third party can check it with openssl alone."""
    out_dir.mkdir(parents=True, exist_ok=True)
    msg = out_dir / f"seal-{seal.id}.json"
    sig = out_dir / f"seal-{seal.id}.sig"
    pub = out_dir / "site_ed25519.pub.pem"
    msg.write_bytes(seal.body.encode("ascii"))
    sig.write_bytes(bytes.fromhex(seal.signature_hex))
    pub.write_text(ctx.site().public_key_pem, encoding="ascii")
    return [msg, sig, pub]
