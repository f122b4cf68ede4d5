"""Seals: the site key's Ed25519 signature over the heads of all hash chains.

A seal's signed message is its `body` exactly as stored (canonical JSON, ASCII):
    {"heads":{"camera:1":{"hash":"…","seq":42},…},"key_id":"…","sealed_us":…,
     "site":"<uuid>","type":"vigil.seal.v1"}
Exported as `seal-<id>.json` (the message), `seal-<id>.sig` (the raw 64-byte signature)
and the public key in PEM, it verifies with `openssl pkeyutl -verify -rawin`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vigil.context import SiteContext
from vigil.db.models import ChainEntry, Seal
from vigil.integrity.chain import canonical_json
from vigil.keys.signing import key_id, load_public_pem

SEAL_TYPE = "vigil.seal.v1"


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
        heads = _heads(s)
        previous = s.scalar(select(Seal.body).order_by(Seal.id.desc()).limit(1))
        if only_if_changed and previous is not None and json.loads(previous)["heads"] == heads:
            return None
        if register is not None:
            register(s)
            heads = _heads(s)
        if not heads and only_if_changed:
            return None
        sealed_us = ctx.clock.now_us()
        body = canonical_json(
            {
                "type": SEAL_TYPE,
                "site": site.site_uuid,
                "key_id": kid,
                "sealed_us": sealed_us,
                "heads": heads,
            }
        )
        signature = key.sign(body.encode("ascii"))
        seal = Seal(sealed_us=sealed_us, body=body, signature_hex=signature.hex(), key_id=kid)
        s.add(seal)
    return seal


def signature_valid(public_key_pem: str, seal: Seal) -> bool:
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
