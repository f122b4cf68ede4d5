"""Inviting a unit and accepting its enrolment (A13.2; N14): the bureau's side.

`invite` makes a one-time token valid 72 h (only its SHA-256 is kept); `accept_join` checks
the site's signed request against it, pins the site's key and answers signed with the
bureau's. A used, expired or unknown token is refused; both outcomes are registered in the
bureau's audit log (the token named by a prefix of its hash, never itself).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.bureau.context import BureauContext
from vigil.bureau.db.models import Bureau, Invite, Unit
from vigil.bureau.divisions import within
from vigil.clock import US_PER_S
from vigil.errors import ConflictError, ValidationError, VigilError
from vigil.keys.signing import key_id, load_public_pem
from vigil.link.enrol import check_signed, signed, token_ref
from vigil.link.site_side import link_window_s
from vigil.regulation.identifiers import check_division_code

#: How long an invitation's token can be used.
INVITE_VALID_S = 72 * 3600
_SITE_ID = re.compile(r"site:[0-9a-f-]{36}")


class EnrolmentRefused(VigilError):
    code = "enrolment_refused"
    exit_code = 7


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def invite(
    ctx: BureauContext, unit_name: str, *, division_code: str | None = None, actor: Actor
) -> str:
    """A new one-time token for `unit_name` (created if new) within this bureau's division."""
    name = unit_name.strip()
    if not name or len(name) > 200:
        raise ValidationError("a unit's name is 1 to 200 characters", field="unit")
    now_us = ctx.clock.now_us()
    token = secrets.token_urlsafe(32)
    with ctx.sessions.begin() as s:
        bureau = s.scalar(select(Bureau))
        assert bureau is not None
        code = check_division_code(division_code or bureau.division_code, field="division")
        if not within(bureau.division_code, code):
            raise ValidationError(
                f"division {code} is outside this bureau's ({bureau.division_code})",
                field="division",
                article="A4",
            )
        unit = s.scalar(select(Unit).where(Unit.name == name))
        if unit is None:
            unit = Unit(name=name, division_code=code, state="invited", invited_us=now_us)
            s.add(unit)
            s.flush()
        elif unit.state == "linked":
            raise ConflictError(f"unit {name!r} is already linked", field="unit")
        s.add(
            Invite(
                unit_id=unit.id,
                token_sha256=_sha(token),
                created_us=now_us,
                expires_us=now_us + INVITE_VALID_S * US_PER_S,
                created_by=actor.name,
            )
        )
        actor.audit(
            s, ctx, "link_invite",
            detail={"unit": name, "division": code, "token": token_ref(token),
                    "valid_h": INVITE_VALID_S // 3600},
        )  # fmt: skip
    return token


def _refuse(ctx: BureauContext, detail: dict[str, Any], why: str) -> EnrolmentRefused:
    with ctx.sessions.begin() as s:
        Actor("link", client_addr=str(detail.get("addr", ""))[:64]).audit(
            s, ctx, "link_join", result="refused", detail={**detail, "why": why}
        )
    return EnrolmentRefused(why, field="token", article="A13.2")


def accept_join(ctx: BureauContext, message: Any, *, client_addr: str = "") -> dict[str, Any]:
    """Check a site's signed join request; pin it and answer signed, or refuse."""
    payload = message.get("payload") if isinstance(message, dict) else None
    if not isinstance(payload, dict):
        raise ValidationError("a join request is {payload, sig}", field="payload")
    token = str(payload.get("token", ""))
    site, pem = str(payload.get("site", "")), str(payload.get("public_key_pem", ""))
    detail: dict[str, Any] = {"token": token_ref(token), "site": site[:80], "addr": client_addr}
    try:
        check_signed(message, pem)
    except ValidationError:
        raise _refuse(ctx, detail, "the request is not signed by the key it presents") from None
    if not _SITE_ID.fullmatch(site):
        raise _refuse(ctx, detail, "the request names no site id")
    now_us = ctx.clock.now_us()
    sent_us = payload.get("time")
    if type(sent_us) is not int or abs(now_us - sent_us) > link_window_s() * US_PER_S:
        raise _refuse(ctx, detail, "the request's time is outside the window")
    try:
        with ctx.sessions.begin() as s:
            return _pin(ctx, s, token, site, pem, payload, detail, client_addr, now_us)
    except _Refusal as refusal:
        raise _refuse(ctx, detail, str(refusal)) from None


class _Refusal(Exception):
    pass


def _pin(
    ctx: BureauContext,
    s: Session,
    token: str,
    site: str,
    pem: str,
    payload: dict[str, Any],
    detail: dict[str, Any],
    client_addr: str,
    now_us: int,
) -> dict[str, Any]:
    inv = s.scalar(select(Invite).where(Invite.token_sha256 == _sha(token)).with_for_update())
    if inv is None:
        raise _Refusal("unknown token")
    if inv.used_us is not None:
        raise _Refusal("the token was used already")
    if now_us > inv.expires_us:
        raise _Refusal("the token expired (an invitation is valid 72 h)")
    unit = s.get(Unit, inv.unit_id)
    assert unit is not None
    if s.scalar(select(Unit).where(Unit.peer_id == site, Unit.id != unit.id)):
        raise _Refusal("this site is already enrolled as another unit")
    inv.used_us = now_us
    unit.state, unit.peer_id, unit.joined_us = "linked", site, now_us
    unit.public_key_pem, unit.key_id = pem, key_id(load_public_pem(pem))
    unit.url = str(payload.get("site_url", ""))[:500]
    bureau = s.scalar(select(Bureau))
    assert bureau is not None
    Actor("link", client_addr=client_addr[:64]).audit(
        s, ctx, "link_join", detail={**detail, "unit": unit.name, "site_key_id": unit.key_id}
    )
    answer = {
        "bureau": f"bureau:{bureau.bureau_uuid}",
        "name": bureau.name,
        "division_code": bureau.division_code,
        "public_key_pem": bureau.public_key_pem,
        "unit": unit.name,
        "site": site,
    }
    return signed(ctx.signing_key, answer)
