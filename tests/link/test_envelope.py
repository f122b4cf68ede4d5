"""Signed link messages (A13.2's filing and the seals travel in them): every refusal reason."""

from __future__ import annotations

import base64
from collections.abc import Mapping

import pytest
import rfc8785
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vigil.keys.signing import key_id
from vigil.link.envelope import Envelope, canonical, new_id, open_envelope, sign
from vigil.link.errors import LinkRefused

NOW = 1_800_000_000_000_000
SITE, BUREAU = "site:" + "1" * 36, "bureau:" + "2" * 36
site_key = Ed25519PrivateKey.generate()


def keys_of(sender: str) -> Mapping[str, Ed25519PublicKey] | None:
    pub = site_key.public_key()
    return {key_id(pub): pub} if sender == SITE else None


def wire(**changes: object) -> dict[str, object]:
    env = Envelope(SITE, BUREAU, "seal", new_id(), NOW, {"seal_id": 7, "name": "门口"})
    return {**sign(site_key, env), **changes}


def opened(data: object, *, seen: set[str] | None = None, now: int = NOW) -> Envelope:
    return open_envelope(data, me=BUREAU, keys_of=keys_of, now_us=now,
                         seen=lambda i: i in (seen or set()), window_s=300)  # fmt: skip


def test_a_signed_message_opens_and_its_signature_covers_the_rfc8785_form() -> None:
    data = wire()
    env = opened(data)
    assert env.body == {"seal_id": 7, "name": "门口"} and env.sender == SITE
    part = {k: v for k, v in data.items() if k != "sig"}
    # a third party checks it with any JCS implementation and the public key alone
    site_key.public_key().verify(base64.b64decode(str(data["sig"])), rfc8785.dumps(part))
    assert canonical(part) == rfc8785.dumps(part)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("not an object", "malformed"),
        ({"v": 1}, "malformed"),
        (wire(receiver="bureau:" + "3" * 36), "wrong_receiver"),  # for another bureau
        (wire(sender="site:" + "9" * 36), "unknown_sender"),
        (wire(body={"seal_id": 8, "name": "门口"}), "forged"),  # content changed after signing
        (wire(key_id="0" * 64), "forged"),
        (wire(sig=base64.b64encode(b"x" * 64).decode()), "forged"),
        (wire(time=NOW - 301 * 1_000_000), "forged"),  # the time is signed too
    ],
)
def test_refusals_name_their_reason(data: object, reason: str) -> None:
    with pytest.raises(LinkRefused) as err:
        opened(data)
    assert err.value.reason == reason


def test_expired_and_replayed() -> None:
    data = wire()
    with pytest.raises(LinkRefused) as err:
        opened(data, now=NOW + 301 * 1_000_000)
    assert err.value.reason == "expired"
    assert opened(data, now=NOW + 299 * 1_000_000).id == data["id"]
    with pytest.raises(LinkRefused) as err:
        opened(data, seen={str(data["id"])})
    assert err.value.reason == "replayed"


def test_a_forger_with_its_own_key_is_refused() -> None:
    other = Ed25519PrivateKey.generate()
    env = Envelope(SITE, BUREAU, "seal", new_id(), NOW, {"seal_id": 7})
    with pytest.raises(LinkRefused) as err:
        opened(sign(other, env))
    assert err.value.reason == "forged"
