"""The proof an export carries: chain links and seals from the index, checked, and the
manifest draft they go into (everything but the exported file itself).

The draft is checked with `export_manifest.check_proof` and the site's public key before
anything is written: an export is only made from a chain that holds.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlalchemy import select

from vigil.clock import US_PER_S, us_to_iso
from vigil.context import SiteContext
from vigil.db.models import Camera, ChainEntry, Gap, Seal, Segment
from vigil.errors import VigilError
from vigil.export import manifest as em
from vigil.export.mp4 import Piece
from vigil.integrity.chain import GENESIS_HASH, camera_chain
from vigil.integrity.seal import seal_now, signature_valid
from vigil.keys.signing import key_id, load_public_pem


class ExportIntegrityError(VigilError):
    """The originals or their chain do not hold: nothing is exported from them."""

    code = "integrity"
    exit_code = 6


def covering_seals(
    ctx: SiteContext, chain: str, seqs: Sequence[int], since_us: int
) -> dict[int, Seal]:
    """The earliest seal whose head of `chain` is at or past each seq; seals now if needed."""

    def scan() -> dict[int, Seal]:
        found: dict[int, Seal] = {}
        remaining = sorted(seqs)
        with ctx.sessions() as s:
            q = select(Seal).where(Seal.sealed_us >= since_us).order_by(Seal.id)
            for seal in s.scalars(q.execution_options(yield_per=500)):
                head = json.loads(seal.body)["heads"].get(chain)
                if head is None:
                    continue
                while remaining and remaining[0] <= int(head["seq"]):
                    found[remaining.pop(0)] = seal
                if not remaining:
                    break
        return found

    found = scan()
    if len(found) < len(seqs):
        seal_now(ctx)
        found = scan()
    return found


def chain_proof(ctx: SiteContext, chain: str, lo: int, hi: int) -> em.ManifestChain:
    with ctx.sessions() as s:
        prev = s.scalar(
            select(ChainEntry.chain_hash).where(ChainEntry.chain == chain, ChainEntry.seq == lo - 1)
        )
        links = s.execute(
            select(ChainEntry.seq, ChainEntry.body, ChainEntry.chain_hash)
            .where(ChainEntry.chain == chain, ChainEntry.seq >= lo, ChainEntry.seq <= hi)
            .order_by(ChainEntry.seq)
        ).all()
    return {
        "name": chain,
        "prev_hash": GENESIS_HASH if lo == 1 else (prev or ""),
        "links": [{"seq": int(q), "body": b, "chain_hash": h} for q, b, h in links],
    }


def manifest_draft(
    ctx: SiteContext, cam: Camera, segs: Sequence[Segment], gaps: Sequence[Gap],
    pieces: Sequence[Piece], from_us: int, to_us: int, purpose: str, destination: str, actor: str,
    caller_unit: str = "",
) -> em.ExportManifest:  # fmt: skip
    """Everything but the file: the act, the range, and the proof from chain and seals."""
    site = ctx.site()
    kid = key_id(ctx.signing_key.public_key())
    if kid != site.key_id:
        raise VigilError("the site key on disk is not the key registered in the index")
    chain = camera_chain(cam.id)
    seqs = [s.seq for s in segs]
    with ctx.sessions() as s:
        hashes = {
            int(q): h
            for q, h in s.execute(
                select(ChainEntry.seq, ChainEntry.chain_hash).where(
                    ChainEntry.chain == chain, ChainEntry.seq.in_(seqs)
                )
            ).all()
        }
        since = s.scalar(
            select(ChainEntry.recorded_us).where(
                ChainEntry.chain == chain, ChainEntry.seq == seqs[0]
            )
        )
    seals = covering_seals(ctx, chain, seqs, (since or 0) - 24 * 3600 * US_PER_S)
    missing = [q for q in seqs if q not in hashes or q not in seals]
    if missing:
        raise ExportIntegrityError(
            f"segment #{missing[0]} is not chained and sealed; run `vigil verify`"
        )
    for seal in {s.id: s for s in seals.values()}.values():
        if seal.key_id != site.key_id or not signature_valid(site.public_key_pem, seal):
            raise ExportIntegrityError(
                f"seal {seal.id} does not verify with the site key; run `vigil verify`"
            )
    hi = max(int(json.loads(s.body)["heads"][chain]["seq"]) for s in seals.values())
    actual_from, actual_to = pieces[0].start_us, pieces[-1].end_us
    now_us = ctx.clock.now_us()
    manifest: em.ExportManifest = {
        "type": em.MANIFEST_TYPE,
        "site": site.site_uuid,
        "key_id": kid,
        "camera_id": cam.id,
        "camera_name": cam.name,
        "requested_from_us": from_us, "requested_to_us": to_us,
        "requested_from": us_to_iso(from_us), "requested_to": us_to_iso(to_us),
        "actual_from_us": actual_from, "actual_to_us": actual_to,
        "actual_from": us_to_iso(actual_from), "actual_to": us_to_iso(actual_to),
        "purpose": purpose,
        "destination": destination,
        "actor": actor,
        "caller_unit": caller_unit,  # N16.2(3)
        "created_us": now_us,
        "created": us_to_iso(now_us),
        "method": "stream copy of whole fragments of the originals; starts at the keyframe at "
        "or before the requested start; video time 0 is actual_from and follows the wall clock",
        "segments": [
            {
                "seq": seg.seq, "start_us": seg.start_us, "end_us": seg.end_us,
                "start": us_to_iso(seg.start_us), "end": us_to_iso(seg.end_us),
                "bytes": seg.bytes, "sha256": seg.sha256, "path": seg.path,
                "chain_hash": hashes[seg.seq],
                "seal": {"id": seals[seg.seq].id, "body": seals[seg.seq].body,
                         "signature": seals[seg.seq].signature_hex},
            }
            for seg in segs
        ],
        "gaps": [
            {"seq": g.seq, "start_us": g.start_us, "end_us": g.end_us, "reason": g.reason}
            for g in gaps
            if g.end_us > actual_from and g.start_us < actual_to
        ],
        "chain": chain_proof(ctx, chain, seqs[0], hi),
    }  # fmt: skip
    problems = em.check_proof(manifest, load_public_pem(site.public_key_pem))
    if problems:
        raise ExportIntegrityError(
            f"the chain of camera {cam.name} does not hold ({problems[0]}); run `vigil verify`"
        )
    return manifest
