"""Signed link messages: an envelope and its Ed25519 signature over RFC 8785 JSON.

The signed part is the JSON object
    {"body": {...}, "id": "<uuid4>", "key_id": "<sha256 of the sender's raw public key>",
     "receiver": "bureau:<uuid>", "sender": "site:<uuid>", "time": <µs since the epoch>,
     "type": "seal", "v": 1}
serialised by the JSON Canonicalization Scheme (RFC 8785, the `rfc8785` package), so any
language with a JCS implementation can check a message byte for byte; on the wire the
object carries one more member, "sig": the base64 of the 64-byte signature. `time` is when
the message was (re)signed for sending: a queued message is signed afresh at each delivery
attempt, keeping its id, so the receiver's time window bounds how long a captured copy can
be replayed and its inbox (ids unique) refuses a replay within the window.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vigil.clock import US_PER_S
from vigil.keys.signing import key_id
from vigil.link.errors import LinkRefused

VERSION = 1
#: A message signed more than this far from the receiver's clock is refused as expired.
DEFAULT_WINDOW_S = 300


@dataclass(frozen=True)
class Envelope:
    sender: str
    receiver: str
    type: str
    id: str
    time: int
    body: Mapping[str, Any] = field(default_factory=dict)
    key_id: str = ""


def new_id() -> str:
    return str(uuid.uuid4())


def canonical(obj: Mapping[str, Any]) -> bytes:
    """RFC 8785 canonical JSON (UTF-8)."""
    return rfc8785.dumps(dict(obj))


def _signed_part(env: Envelope) -> dict[str, Any]:
    return {
        "v": VERSION,
        "sender": env.sender,
        "receiver": env.receiver,
        "type": env.type,
        "id": env.id,
        "time": env.time,
        "body": dict(env.body),
        "key_id": env.key_id,
    }


def sign(key: Ed25519PrivateKey, env: Envelope) -> dict[str, Any]:
    """The wire form of `env`, signed with `key` (its key_id is filled in)."""
    part = _signed_part(Envelope(**{**env.__dict__, "key_id": key_id(key.public_key())}))
    part["sig"] = base64.b64encode(key.sign(canonical(part))).decode("ascii")
    return part


def _text(data: Mapping[str, Any], name: str, limit: int = 200) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value or len(value) > limit:
        raise LinkRefused("malformed", f"{name} must be a non-empty string")
    return value


KeysOf = Callable[[str], Mapping[str, Ed25519PublicKey] | None]
"""The pinned keys of a sender, by key id; None for a sender this side does not know."""


def open_envelope(
    data: Any,
    *,
    me: str,
    keys_of: KeysOf,
    now_us: int,
    seen: Callable[[str], bool],
    window_s: int = DEFAULT_WINDOW_S,
) -> Envelope:
    """Check a received message and return it; `LinkRefused` names the reason otherwise.

    In this order: well-formed, addressed to `me`, from a known sender, signed by one of
    the sender's pinned keys, signed within `window_s` of `now_us`, an id not yet `seen`.
    """
    if not isinstance(data, Mapping):
        raise LinkRefused("malformed", "a message is a JSON object")
    if data.get("v") != VERSION:
        raise LinkRefused("malformed", f"unknown envelope version {data.get('v')!r}")
    sender, receiver = _text(data, "sender"), _text(data, "receiver")
    msg_type, msg_id = _text(data, "type", 64), _text(data, "id", 36)
    kid, sig_text = _text(data, "key_id", 64), _text(data, "sig", 200)
    sent_us, body = data.get("time"), data.get("body")
    if type(sent_us) is not int:
        raise LinkRefused("malformed", "time must be an integer (µs since the epoch)")
    if not isinstance(body, Mapping):
        raise LinkRefused("malformed", "body must be a JSON object")
    if receiver != me:
        raise LinkRefused("wrong_receiver", f"addressed to {receiver}, this is {me}")
    keys = keys_of(sender)
    if not keys:
        raise LinkRefused("unknown_sender", f"{sender} is not linked with {me}")
    key = keys.get(kid)
    if key is None:
        raise LinkRefused("forged", f"key {kid[:16]}… is not a key pinned for {sender}")
    env = Envelope(sender, receiver, msg_type, msg_id, sent_us, body, kid)
    try:
        signature = base64.b64decode(sig_text, validate=True)
        key.verify(signature, canonical(_signed_part(env)))
    except (InvalidSignature, binascii.Error, ValueError):
        raise LinkRefused("forged", f"signature does not verify with {sender}'s key") from None
    except (TypeError, rfc8785.CanonicalizationError):
        raise LinkRefused("malformed", "body cannot be put in canonical form") from None
    if abs(now_us - sent_us) > window_s * US_PER_S:
        raise LinkRefused(
            "expired", f"signed {(now_us - sent_us) // US_PER_S} s away from this clock"
        )
    if seen(msg_id):
        raise LinkRefused("replayed", f"message {msg_id} was received before")
    return env
