"""Playback grants: what one audited playback request may fetch, signed so that any API
process can check it without shared memory (HMAC-SHA256 with a key of the site's)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

GRANT_KEY_FILE = "grant.key"
GRANT_TTL_US = 4 * 3600 * 1_000_000


@dataclass(frozen=True)
class Grant:
    user_id: int
    cameras: tuple[int, ...]
    from_us: int
    to_us: int
    expires_us: int


def _key(keys_dir: Path) -> bytes:
    path = keys_dir / GRANT_KEY_FILE
    if not path.exists():
        keys_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_bytes(32))
    return path.read_bytes()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(keys_dir: Path, grant: Grant) -> str:
    payload = json.dumps(asdict(grant), separators=(",", ":")).encode()
    mac = hmac.new(_key(keys_dir), payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(mac)}"


def check(keys_dir: Path, token: str, now_us: int) -> Grant | None:
    try:
        payload_b64, mac_b64 = token.split(".", 1)
        payload = _unb64(payload_b64)
        mac = _unb64(mac_b64)
    except ValueError:
        return None
    if not hmac.compare_digest(mac, hmac.new(_key(keys_dir), payload, hashlib.sha256).digest()):
        return None
    data = json.loads(payload)
    grant = Grant(
        data["user_id"], tuple(data["cameras"]), data["from_us"], data["to_us"], data["expires_us"]
    )
    return grant if grant.expires_us > now_us else None
