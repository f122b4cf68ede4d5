"""A bureau's key rotation at the site: the notice signed by the old key pins the new one.

The envelope of a "link.key" notice is checked like any message, with the key the site
pinned: its signature is the old key's signature over the new public key. The handler pins
the new key in the notice's own transaction and registers it in the site's audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vigil.errors import ValidationError, VigilError
from vigil.keys.signing import key_id, load_public_pem
from vigil.link import handlers
from vigil.link.envelope import Envelope
from vigil.link.site_side import SiteSide, bureau_row

KEY_MSG = "link.key"


@handlers.handles("site", KEY_MSG)
def pin_new_key(session: Session, ctx: Any, env: Envelope) -> None:
    pem = env.body.get("public_key_pem")
    try:
        new_id = key_id(load_public_pem(str(pem)))
    except (VigilError, ValueError):
        raise ValidationError("public_key_pem is not an Ed25519 public key",
                              field="public_key_pem") from None  # fmt: skip
    if env.body.get("key_id") != new_id:
        raise ValidationError("key_id does not name the key sent", field="key_id")
    row = bureau_row(session)
    if row is None or row.peer_id != env.sender:
        raise ValidationError("the notice is not from this site's bureau", field="sender")
    old_id = row.key_id
    row.public_key_pem, row.key_id = str(pem), new_id
    detail = {"bureau": env.sender, "old_key_id": old_id, "new_key_id": new_id}
    SiteSide(ctx).audit(session, "link_key_rotated", "ok", detail)
