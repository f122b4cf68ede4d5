"""Seals held by the bureau, and `check-site` (A3, A13.2; docs/integrity.md).

A unit hands over every seal it makes ("seal" messages); the bureau checks each with the
unit's pinned key and keeps it as signed. A seal the unit signed differently under an id
already held is refused and registered: the unit re-signed its past.

`check_site` asks the unit (a signed "chains.query" to UNIT/link/v1/query) for its chain
heads and, for every chain a held seal covers, the links from the oldest held seq on. From
the hash the bureau holds at that seq it recomputes each link
(SHA-256(previous hash || body), `vigil.integrity.chain`) and compares the hash the unit
stores and every later held seal's head. A unit that cut entries, or rewrote them and
re-signed seals with its own key, is named: which chain, which seq, which held seal.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import HeldSeal, SiteCheck, Unit
from vigil.bureau.link import BureauSide, linked_unit
from vigil.errors import NotFoundError, ValidationError
from vigil.keys.signing import load_public_pem
from vigil.link import handlers
from vigil.link.envelope import Envelope, new_id, open_envelope, sign
from vigil.link.errors import LinkRefused, PeerError
from vigil.link.seals import QUERY_MSG, QUERY_PATH, REPORT_MSG, SEAL_MSG

log = logging.getLogger(__name__)


@handlers.handles("bureau", SEAL_MSG)
def receive_seal(session: Session, ctx: Any, env: Envelope) -> None:
    unit = linked_unit(session, env.sender)
    if unit is None:  # the envelope check found it; a unit unlinked since
        raise LinkRefused("unknown_sender", f"{env.sender} is not linked")
    b = env.body
    seal_id, sealed_us, body, sig = (
        b.get("seal_id"), b.get("sealed_us"), b.get("body"), b.get("signature_hex")
    )  # fmt: skip
    if type(seal_id) is not int or type(sealed_us) is not int:
        raise ValidationError("seal_id and sealed_us are integers", field="seal_id")
    if not isinstance(body, str) or not isinstance(sig, str):
        raise ValidationError("body and signature_hex are strings", field="body")
    try:
        load_public_pem(unit.public_key_pem).verify(bytes.fromhex(sig), body.encode("ascii"))
        signed = json.loads(body)
    except (InvalidSignature, ValueError):
        raise ValidationError(
            f"seal {seal_id} does not verify with the unit's pinned key", field="signature_hex"
        ) from None
    if signed.get("site") != env.sender.removeprefix("site:"):
        raise ValidationError(f"seal {seal_id} names another site", field="body")
    held = session.scalar(
        select(HeldSeal).where(HeldSeal.unit_id == unit.id, HeldSeal.seal_id == seal_id)
    )
    if held is not None:
        if held.body != body:
            raise ValidationError(
                f"seal {seal_id} differs from the seal {seal_id} held since "
                f"{held.received_us}: the unit re-signed its history",
                field="body",
                article="A13.2",
            )
        return
    session.add(
        HeldSeal(
            unit_id=unit.id,
            seal_id=seal_id,
            sealed_us=sealed_us,
            key_id=str(b.get("key_id", unit.key_id))[:64],
            body=body,
            signature_hex=sig,
            received_us=ctx.clock.now_us(),
        )
    )


@dataclass(frozen=True)
class Finding:
    chain: str
    seq: int
    problem: str  # "missing", "altered", "diverged", "vanished"
    detail: str

    def line(self) -> str:
        return f"chain {self.chain} seq {self.seq}: {self.problem}: {self.detail}"


@dataclass
class CheckResult:
    unit: str
    seals_held: int = 0
    chains: int = 0
    links_checked: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def held_heads(session: Session, unit_id: int) -> tuple[int, dict[str, list[tuple[int, str, int]]]]:
    """Per chain, every (seq, hash, seal id) a held seal signed; and how many seals."""
    heads: dict[str, list[tuple[int, str, int]]] = {}
    count = 0
    for seal_id, body in session.execute(
        select(HeldSeal.seal_id, HeldSeal.body)
        .where(HeldSeal.unit_id == unit_id)
        .order_by(HeldSeal.seal_id)
    ):
        count += 1
        for chain, head in json.loads(body).get("heads", {}).items():
            heads.setdefault(chain, []).append((int(head["seq"]), str(head["hash"]), seal_id))
    return count, heads


def _ask(ctx: BureauContext, unit: Unit, me: str, wanted: dict[str, int]) -> dict[str, Any]:
    query = sign(
        ctx.signing_key,
        Envelope(me, str(unit.peer_id), QUERY_MSG, new_id(), ctx.clock.now_us(), {"from": wanted}),
    )
    if not unit.url:
        raise PeerError(f"unit {unit.name!r} gave no address to reach it at", field="unit")
    try:
        resp = httpx.post(unit.url.rstrip("/") + QUERY_PATH, json=query, timeout=60)
    except httpx.HTTPError as exc:
        raise PeerError(f"unit {unit.name!r} at {unit.url} cannot be reached: {exc}") from None
    if resp.status_code != 200:
        raise PeerError(f"unit {unit.name!r} refused the check: HTTP {resp.status_code} "
                        f"{resp.text[:300]}")  # fmt: skip
    side = BureauSide(ctx)
    with ctx.sessions() as s:
        peer = side.peer(s, str(unit.peer_id))
    env = open_envelope(
        resp.json(), me=me, keys_of=lambda sender: peer.keys if peer and sender == peer.peer_id
        else None, now_us=ctx.clock.now_us(), seen=lambda _id: False, window_s=side.window_s,
    )  # fmt: skip
    if env.type != REPORT_MSG or env.body.get("request") != query["id"]:
        raise PeerError("the unit's answer is not the report asked for")
    return dict(env.body)


def _links(ctx: BureauContext, unit: Unit, me: str, wanted: dict[str, int]) -> dict[str, list[Any]]:
    """Every link of each wanted chain from its seq to the unit's head: a report carries a
    bounded number per chain, so the bureau asks again from where one stopped."""
    chains: dict[str, list[Any]] = {c: [] for c in wanted}
    while wanted:
        report = _ask(ctx, unit, me, wanted)
        heads, got = report.get("heads", {}), report.get("chains", {})
        more: dict[str, int] = {}
        for chain in wanted:
            links = list(got.get(chain, []))
            chains[chain].extend(links)
            head = int(heads.get(chain, {}).get("seq", 0))
            if links and int(links[-1][0]) < head:
                more[chain] = int(links[-1][0]) + 1
        wanted = more
    return chains


def _check_chain(
    chain: str, held: list[tuple[int, str, int]], links: list[Any], result: CheckResult
) -> None:
    """The unit's links of `chain` from the oldest held seq on, against the held heads."""
    held = sorted(held)
    first_seq, first_hash, first_seal = held[0]
    if not links or int(links[0][0]) != first_seq:
        result.findings.append(
            Finding(
                chain, first_seq, "missing", f"held in seal {first_seal}, the unit no longer has it"
            )
        )
        return
    known: dict[int, str] = {first_seq: first_hash}
    prev, expect = first_hash, first_seq
    if str(links[0][2]) != first_hash:
        result.findings.append(
            Finding(
                chain,
                first_seq,
                "altered",
                f"the unit's hash differs from the one held in seal {first_seal}",
            )
        )
        return
    for seq, body, stored in links[1:]:
        result.links_checked += 1
        expect += 1
        if int(seq) != expect:
            result.findings.append(Finding(chain, expect, "missing", "entry cut from the chain"))
            return
        prev = hashlib.sha256(bytes.fromhex(prev) + str(body).encode("utf-8")).hexdigest()
        if prev != stored:
            result.findings.append(
                Finding(
                    chain,
                    expect,
                    "altered",
                    "its body or hash no longer follows from the entries the bureau holds",
                )
            )
            return
        known[expect] = prev
    for seq, h, seal_id in held:
        if seq not in known:
            result.findings.append(
                Finding(
                    chain,
                    seq,
                    "missing",
                    f"held in seal {seal_id}; the unit's chain ends at {expect}",
                )
            )
            return
        if known[seq] != h:
            result.findings.append(
                Finding(chain, seq, "diverged", f"differs from the head held in seal {seal_id}")
            )
            return


def check_site(ctx: BureauContext, unit_name: str, *, actor: Actor) -> CheckResult:
    """Check that the unit's chains still extend every seal the bureau holds; registered."""
    with ctx.sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise NotFoundError(f"no unit {unit_name!r}", field="unit")
        if unit.state != "linked":
            raise ValidationError(f"unit {unit_name!r} has not joined yet", field="unit")
        count, heads = held_heads(s, unit.id)
        me = BureauSide(ctx).identity(s)
    result = CheckResult(unit_name, seals_held=count, chains=len(heads))
    try:
        if heads:
            chains = _links(ctx, unit, me, {c: min(h)[0] for c, h in heads.items()})
            for chain, held in sorted(heads.items()):
                _check_chain(chain, held, chains.get(chain, []), result)
    except (PeerError, LinkRefused) as exc:
        _register(ctx, unit, result, actor, error=exc.describe())
        raise
    _register(ctx, unit, result, actor)
    return result


def _register(
    ctx: BureauContext, unit: Unit, result: CheckResult, actor: Actor, *, error: str = ""
) -> None:
    findings = [asdict(f) for f in result.findings]
    if error:
        findings.append({"chain": "", "seq": 0, "problem": "unreachable", "detail": error})
    with ctx.sessions.begin() as s:
        s.add(
            SiteCheck(
                unit_id=unit.id,
                checked_us=ctx.clock.now_us(),
                ok=result.ok and not error,
                findings=json.dumps(findings),
            )
        )
        actor.audit(
            s, ctx, "check_site", result="ok" if result.ok and not error else "failed",
            detail={"unit": unit.name, "seals_held": result.seals_held,
                    "findings": [f.line() for f in result.findings][:20], "error": error},
        )  # fmt: skip


@handlers.handles("bureau", "site.address")
def receive_address(session: Session, ctx: Any, env: Envelope) -> None:
    """Where the unit's `vigil serve` listens: the address `check-site` asks at."""
    url = env.body.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")) or len(url) > 500:
        raise ValidationError("url must be an http(s) address", field="url")
    unit = linked_unit(session, env.sender)
    if unit is not None:
        unit.url = url


#: Who the audit log names for the checks the bureau runs by itself.
SCHEDULER = Actor("system:check-site")


def check_all(ctx: BureauContext) -> dict[str, bool]:
    """Check every linked unit once (each check recorded and registered); ok per unit."""
    with ctx.sessions() as s:
        names = list(s.scalars(select(Unit.name).where(Unit.state == "linked").order_by(Unit.id)))
    outcome: dict[str, bool] = {}
    for name in names:
        try:
            outcome[name] = check_site(ctx, name, actor=SCHEDULER).ok
        except (PeerError, LinkRefused):
            outcome[name] = False  # recorded as unreachable by check_site
    return outcome


@dataclass
class CheckScheduler:
    """Runs `check_all` every `every_s` in the background of `vigil bureau serve`; the
    outcome of each unit's latest check is on the console's list of units."""

    ctx: BureauContext
    every_s: float
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, name="check-site", daemon=True).start()

    def _run(self) -> None:
        while not self.stop.wait(self.every_s):
            try:
                check_all(self.ctx)
            except Exception:
                log.exception("scheduled check-site failed; retrying at the next interval")
