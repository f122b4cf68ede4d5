"""Rotating the bureau's key: the old key signs the new one (A3: the link stays trusted).

`vigil bureau rotate-key` makes a new Ed25519 key and queues for every linked unit a
"link.key" notice carrying the new public key. The notice, and everything queued before it,
is signed with the old key, which the unit pinned: so the old key vouches for the new one,
and the unit pins the new key when the notice arrives (`vigil.link.rotation`). What is
queued after is signed with the new key. The old key stays in keys/previous_ed25519.pem
until the next rotation, which waits until every notice of this one was delivered.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

import vigil.bureau.link  # noqa: F401  (the bureau's side of the link, for outbox.enqueue)
from vigil.audit.actor import Actor
from vigil.bureau.context import PREVIOUS_KEY_FILE, ROTATED_FILE, BureauContext
from vigil.bureau.db.models import Bureau, BureauOutbox, Unit
from vigil.errors import ConflictError
from vigil.keys import signing as keys
from vigil.link import outbox
from vigil.link.rotation import KEY_MSG


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())


def rotate_key(ctx: BureauContext, *, actor: Actor) -> tuple[str, int]:
    """Replace the bureau's key; (the new key id, how many units are told)."""
    old = ctx.signing_key
    kdir = keys.keys_dir(ctx.home)
    new = Ed25519PrivateKey.generate()
    pending = kdir / "next_ed25519.pem"
    _write_private(pending, new)
    new_pem = keys.public_pem(new.public_key()).decode("ascii")
    new_id = keys.key_id(new.public_key())
    with ctx.sessions.begin() as s:
        waiting = s.scalar(
            select(func.count()).where(BureauOutbox.msg_type == KEY_MSG,
                                       BureauOutbox.delivered_us.is_(None))
        )  # fmt: skip
        if waiting:
            pending.unlink()
            raise ConflictError(
                f"{waiting} units have not yet received the previous rotation's notice; "
                "rotate again once they have (vigil bureau serve delivers it)",
                field="key",
            )
        bureau = s.scalar(select(Bureau).with_for_update())
        assert bureau is not None
        old_id = bureau.key_id
        bureau.public_key_pem, bureau.key_id = new_pem, new_id
        units = list(s.scalars(select(Unit).where(Unit.state == "linked")))
        for unit in units:
            outbox.enqueue(s, ctx, KEY_MSG, {"public_key_pem": new_pem, "key_id": new_id},
                           to=str(unit.peer_id))  # fmt: skip
        actor.audit(s, ctx, "key_rotate", detail={"old_key_id": old_id, "new_key_id": new_id,
                                                  "units": len(units)})  # fmt: skip
    # after the commit: what was queued up to now is signed with the old key
    _write_private(kdir / PREVIOUS_KEY_FILE, old)
    (kdir / ROTATED_FILE).write_text(json.dumps({"rotated_us": ctx.clock.now_us()}),
                                     encoding="ascii")  # fmt: skip
    os.replace(pending, kdir / keys.PRIVATE_FILE)
    (kdir / keys.PUBLIC_FILE).write_text(new_pem, encoding="ascii")
    return new_id, len(units)
