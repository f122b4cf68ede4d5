"""The bureau's own audit log, sealed (A27): `vigil bureau seal`, the sealing thread of
`vigil bureau serve`, and `vigil bureau audit verify`.

The bureau's staff acts are hash-chained like a site's (`chain_entries`/`audit_entries`,
vigil.audit). Its seals are the site's (vigil.integrity.seal.sign_heads): the bureau key's
Ed25519 signature over its chain heads, each seal chained to the previous one, the tip
kept on the bureau row. So cutting the newest entries off the log after a seal, altering
an entry, or removing a seal is found by verify, which reuses the site's audit and seal
checks (vigil.audit.verify.check_audit, vigil.integrity.verify.seal_chain).
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from typing import Annotated

from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.audit.log import AUDIT_CHAIN
from vigil.audit.verify import check_audit
from vigil.bureau.context import BureauContext, previous_key
from vigil.bureau.db.models import Bureau, BureauSeal
from vigil.config import Settings
from vigil.errors import ValidationError
from vigil.integrity.seal import sign_heads, signature_valid
from vigil.integrity.verify import Problem, seal_chain
from vigil.keys.signing import key_id, public_pem

log = logging.getLogger(__name__)

#: The site's setting, read by the bureau too: how often `serve` seals (seconds).
SEAL_INTERVAL_ENV = "VIGIL_SEAL_INTERVAL_S"


def seal_interval_s() -> int:
    """VIGIL_SEAL_INTERVAL_S, bounded and defaulted as the site's `seal_interval_s`."""
    info = Settings.model_fields["seal_interval_s"]
    raw = os.environ.get(SEAL_INTERVAL_ENV)
    if raw is None:
        return int(info.default)
    try:
        return int(TypeAdapter(Annotated[int, info]).validate_python(raw))
    except PydanticValidationError:
        raise ValidationError("1 to 86400 seconds", field=SEAL_INTERVAL_ENV) from None


def seal_bureau(
    ctx: BureauContext, *, actor: Actor | None = None, only_if_changed: bool = True
) -> BureauSeal | None:
    """Sign the bureau's chain heads with its key (A27); None if nothing changed since the
    last seal. With `actor` (a person's `vigil bureau seal`) the act is audited in the
    seal's own transaction, before the heads are read, so the seal covers its own entry."""
    key = ctx.signing_key
    register = None
    if actor is not None:
        person = actor

        def register_act(s: Session) -> None:
            person.audit(s, ctx, "bureau_seal")

        register = register_act
        only_if_changed = False
    with ctx.sessions.begin() as s:
        # the bureau row locked (PostgreSQL; SQLite holds the write lock): one seal at a time
        row = s.scalar(select(Bureau).with_for_update())
        if row is None:
            raise ValidationError("the database has no bureau row", field="home")
        return sign_heads(
            s,
            BureauSeal,
            row,
            key=key,
            owner={"bureau": row.bureau_uuid},
            clock=ctx.clock,
            only_if_changed=only_if_changed,
            register=register,
        )


def _public_keys(ctx: BureauContext, bureau: Bureau) -> dict[str, str]:
    """The bureau's keys by id: its current key and the one it rotated away from, which
    signed the seals made before the rotation."""
    pems = {bureau.key_id: bureau.public_key_pem}
    previous = previous_key(ctx)
    if previous is not None:
        pub = previous[0].public_key()
        pems[key_id(pub)] = public_pem(pub).decode("ascii")
    return pems


def verify_bureau_audit(ctx: BureauContext) -> list[Problem]:
    """Every problem of the bureau's audit log and its seals, by seq; empty when it holds.

    The entries are checked against their chain (vigil.audit.verify.check_audit); every
    seal's signature, and its audit head against the chain (`seal_mismatch` at the sealed
    seq when the newest entries were cut off); the seals against each other (seal_chain)."""
    problems, expected, _ = check_audit(ctx)
    bureau = ctx.bureau()
    pems = _public_keys(ctx, bureau)
    with ctx.sessions() as s:
        seals = list(s.scalars(select(BureauSeal).order_by(BureauSeal.id)))
    for seal in seals:
        where = f"seal {seal.id}"
        pem = pems.get(seal.key_id)
        if pem is None or not signature_valid(pem, seal):
            detail = "signature does not verify with the bureau's key"
            problems.append(Problem("seal_invalid", None, None, where, detail))
            continue
        head = json.loads(seal.body)["heads"].get(AUDIT_CHAIN)
        if head is None:
            continue
        seq, have = int(head["seq"]), expected.get(int(head["seq"]))
        if have != head["hash"]:
            detail = (
                f"audit chain: sealed head #{seq} is missing from the chain"
                if have is None
                else f"audit chain: entry #{seq} differs from what {where} signed"
            )
            problems.append(Problem("seal_mismatch", None, seq, where, detail))
    problems.extend(seal_chain(bureau, seals, owner="bureau"))
    return problems


@dataclass
class SealScheduler:
    """Seals the bureau's chain heads every `every_s` in the background of `vigil bureau
    serve` (A27), as the site's recording service does."""

    ctx: BureauContext
    every_s: float
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        threading.Thread(target=self._run, name="bureau-seal", daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                seal_bureau(self.ctx)
            except Exception:
                log.exception("sealing the bureau's audit log failed; retrying next interval")
            if self.stop.wait(self.every_s):
                return
