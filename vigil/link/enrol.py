"""Enrolment (A13.2, N14: a unit files with its bureau): `vigil link join URL --token T`.

The bureau's `vigil bureau invite UNIT` gives a one-time token valid 72 h. The site POSTs
to URL/link/v1/join a request naming its link id, its public key and where it listens,
signed with that key (proof that it holds it), with the token; the bureau checks the token,
pins the key and answers with its own id and key, signed likewise. The site pins the
bureau's key. Both sides register the enrolment, or its refusal, in their audit logs.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import httpx
from cryptography.exceptions import InvalidSignature
from sqlalchemy import select
from sqlalchemy.orm import Session

from vigil.audit.actor import Actor
from vigil.context import SiteContext
from vigil.db.models import Site
from vigil.errors import ConflictError, ValidationError, VigilError
from vigil.keys.signing import key_id, load_public_pem, public_pem
from vigil.link.envelope import canonical
from vigil.link.errors import PeerError
from vigil.link.models import LinkBureau
from vigil.link.seals import queue_newest_seal
from vigil.link.site_side import bureau_row, site_identity

JOIN_PATH = "/link/v1/join"


def token_ref(token: str) -> str:
    """How the logs name a token: the start of its SHA-256, never the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:12]


def signed(key: Any, payload: dict[str, Any]) -> dict[str, Any]:
    return {"payload": payload, "sig": base64.b64encode(key.sign(canonical(payload))).decode()}


def check_signed(message: Any, public_key_pem: str) -> dict[str, Any]:
    """The payload of a `signed` message if its signature verifies with the key given."""
    if not isinstance(message, dict) or not isinstance(message.get("payload"), dict):
        raise ValidationError("not a signed message", field="payload")
    try:
        load_public_pem(public_key_pem).verify(
            base64.b64decode(str(message.get("sig", "")), validate=True),
            canonical(message["payload"]),
        )
    except (InvalidSignature, ValueError, VigilError):
        raise ValidationError("signature does not verify", field="sig") from None
    payload: dict[str, Any] = message["payload"]
    return payload


def _register(ctx: SiteContext, result: str, detail: dict[str, Any]) -> None:
    with ctx.sessions.begin() as s:
        Actor.cli().audit(s, ctx, "link_join", result=result, detail=detail)


def join(ctx: SiteContext, url: str, token: str, *, site_url: str = "") -> LinkBureau:
    """Enrol this site with the bureau at `url`; the bureau as now pinned."""
    url = url.rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValidationError("the bureau's address starts with http:// or https://", field="url")
    if not token.strip():
        raise ValidationError("give the token the bureau printed", field="token")
    with ctx.sessions() as s:
        known = bureau_row(s)
        me = site_identity(s)
    if known is not None:
        raise ConflictError(
            f"this site is already linked with {known.name or known.peer_id} at {known.url}",
            field="url",
        )
    pub = ctx.signing_key.public_key()
    request = {
        "token": token.strip(),
        "site": me,
        "public_key_pem": public_pem(pub).decode("ascii"),
        "site_url": site_url.rstrip("/"),
        "time": ctx.clock.now_us(),
    }
    detail = {"bureau_url": url, "token": token_ref(token.strip())}
    try:
        resp = httpx.post(url + JOIN_PATH, json=signed(ctx.signing_key, request), timeout=30)
    except httpx.HTTPError as exc:
        _register(ctx, "failed", {**detail, "why": f"unreachable: {type(exc).__name__}"})
        raise PeerError(f"the bureau at {url} cannot be reached: {exc}", field="url") from None
    try:
        answer = resp.json()
    except ValueError:
        answer = {}
    if resp.status_code != 200:
        why = answer.get("message", resp.text[:200]) if isinstance(answer, dict) else ""
        _register(ctx, "refused", {**detail, "why": why})
        raise VigilError(f"the bureau refused the enrolment: {why}", field="token",
                         article="A13.2")  # fmt: skip
    payload = answer.get("payload") if isinstance(answer, dict) else None
    bureau_pem = payload.get("public_key_pem", "") if isinstance(payload, dict) else ""
    try:
        payload = check_signed(answer, str(bureau_pem))
    except ValidationError:
        _register(ctx, "refused", {**detail, "why": "bureau's answer is not signed by its key"})
        raise PeerError("the bureau's answer does not verify with the key it sent") from None
    if payload.get("site") != me:
        raise PeerError("the bureau's answer names another site")
    with ctx.sessions.begin() as s:
        # the site row locked, as every seal locks it: a seal made meanwhile is either
        # before this (handed over below as the newest) or after (queued by its listener)
        s.scalar(select(Site).with_for_update())
        row = LinkBureau(
            peer_id=str(payload["bureau"]),
            name=str(payload.get("name", "")),
            division_code=str(payload.get("division_code", "")),
            url=url,
            public_key_pem=str(bureau_pem),
            key_id=key_id(load_public_pem(str(bureau_pem))),
            unit_name=str(payload.get("unit", "")),
            site_url=str(request["site_url"]),
            joined_us=ctx.clock.now_us(),
        )
        s.add(row)
        s.flush()
        _audit_joined(s, ctx, row, detail)
        queue_newest_seal(s, ctx)
    return row


def _audit_joined(s: Session, ctx: SiteContext, row: LinkBureau, detail: dict[str, Any]) -> None:
    Actor.cli().audit(
        s, ctx, "link_join",
        detail={**detail, "bureau": row.peer_id, "bureau_key_id": row.key_id,
                "unit": row.unit_name},
    )  # fmt: skip


ADDRESS_MSG = "site.address"


def announce_address(ctx: SiteContext, url: str) -> str | None:
    """Tell the bureau where this site's `vigil serve` listens, when it has no address of
    the site or only a loopback one (`--site-url` at join names a public one, kept as is).
    Cheap when there is nothing to tell: `vigil serve` calls it every few seconds."""
    with ctx.sessions() as s:
        row = bureau_row(s)
        if row is None or not _should_announce(row.site_url, url):
            return None
    from vigil.link import outbox

    with ctx.sessions.begin() as s:
        row = bureau_row(s)
        if row is None or not _should_announce(row.site_url, url):
            return None
        row.site_url = url
        return outbox.enqueue(s, ctx, ADDRESS_MSG, {"url": url})


def _should_announce(known: str, url: str) -> bool:
    from urllib.parse import urlsplit

    if known == url:
        return False
    return not known or (urlsplit(known).hostname or "") in ("127.0.0.1", "localhost", "::1")
