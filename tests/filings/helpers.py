"""A hotel ready to file, a bureau key pinned as D1's `vigil link join` pins it, and the
bureau's signed decisions as they arrive over the link."""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from vigil.audit.actor import Actor
from vigil.cameras import CameraRegistry
from vigil.context import SiteContext
from vigil.keys.signing import key_id, public_pem
from vigil.records import siting
from vigil.records.profile import update_profile

ADMIN = Actor("admin", "administrator")
PDF = b"%PDF-1.4 scanned document "
BUREAU_ID = "bureau:350102"

HOTEL = {
    "unit_name": "福州某酒店有限公司",
    "credit_code": "91350100M000100Y43",
    "division_code": "350102",
    "address": "福州市鼓楼区五四路1号",
    "categories": ["hospitality_entertainment"],
    "builder": "unit",
    "contact_name": "张三",
    "contact_phone": "0591-12345678",
    "delivered_on": "2025-12-01",
    "commissioned_on": "2025-12-02",
}

#: Every item the province's law asks on 2026-01-01: A13.2's three and the N14 notice's three.
ALL_ITEMS = {
    "design_plan": (PDF + b"design", "设计方案.pdf"),
    "test_report": (PDF + b"test", "检测报告.pdf"),
    "acceptance_report": (PDF + b"acceptance", "验收.pdf"),
    "authorisation_letter": (PDF + b"letter", "授权书.pdf"),
    "business_licence": (PDF + b"licence", "营业执照.pdf"),
    "handler_id": (b"\xff\xd8\xff\xe0 id card", "身份证.jpg"),
}


def hotel(ctx: SiteContext, **changes: Any) -> None:
    update_profile(ctx, {**HOTEL, **changes}, ADMIN)
    cams = CameraRegistry(ctx)
    for name, where in (("lobby1", "lobby"), ("door1", "entrance")):
        cams.add(name, f"rtsp://10.0.0.1/{name}")
        siting.update_siting(ctx, name, ADMIN, location_type=where, purpose="治安防范")


def pin_bureau(ctx: SiteContext) -> Ed25519PrivateKey:
    """The bureau as `vigil link join` leaves it pinned at the site; the bureau's key."""
    from vigil.link.models import LinkBureau

    key = Ed25519PrivateKey.generate()
    pub = key.public_key()
    with ctx.sessions.begin() as s:
        s.add(
            LinkBureau(
                peer_id=BUREAU_ID, name="鼓楼分局", division_code="350102",
                url="http://127.0.0.1:9", public_key_pem=public_pem(pub).decode("ascii"),
                key_id=key_id(pub), joined_us=ctx.clock.now_us(),
            )
        )  # fmt: skip
    return key


def outbox(ctx: SiteContext) -> list[tuple[str, str, str]]:
    """(message id, type, body) of every message the site queued."""
    from vigil.link.models import LinkOutbox

    with ctx.sessions() as s:
        return [
            (r.msg_id, r.msg_type, r.body)
            for r in s.scalars(select(LinkOutbox).order_by(LinkOutbox.id))
        ]


def bureau_says(
    ctx: SiteContext, key: Ed25519PrivateKey, msg_type: str, body: dict[str, Any]
) -> str:
    """Deliver a signed message of the bureau to the site's inbox, as its HTTP route does."""
    import vigil.filings.handlers  # noqa: F401  (the site's handlers)
    from vigil.link import inbox
    from vigil.link.envelope import Envelope, new_id, sign
    from vigil.link.side import side_for

    side = side_for(ctx)
    with ctx.sessions() as s:
        me = side.identity(s)
    env = Envelope(BUREAU_ID, me, msg_type, new_id(), ctx.clock.now_us(), body)
    data = sign(key, env)
    inbox.receive(side, data)
    return env.id
