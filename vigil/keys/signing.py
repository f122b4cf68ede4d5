"""The site's Ed25519 signing key: created by `vigil init`, readable only by its owner."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vigil.errors import VigilError

PRIVATE_FILE = "site_ed25519.pem"
PUBLIC_FILE = "site_ed25519.pub.pem"


def keys_dir(home: Path) -> Path:
    return home / "keys"


def create_site_key(home: Path) -> Ed25519PrivateKey:
    kdir = keys_dir(home)
    kdir.mkdir(parents=True, exist_ok=True)
    os.chmod(kdir, 0o700)
    priv_path = kdir / PRIVATE_FILE
    if priv_path.exists():
        return load_private_key(home)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    (kdir / PUBLIC_FILE).write_bytes(public_pem(key.public_key()))
    return key


def load_private_key(home: Path) -> Ed25519PrivateKey:
    path = keys_dir(home) / PRIVATE_FILE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise VigilError(f"site key {path} is missing; run `vigil init`") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise VigilError(f"site key {path} is not an Ed25519 key")
    return key


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def load_public_pem(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise VigilError("public key is not Ed25519")
    return key


def key_id(key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw 32-byte public key, hex: a stable name for the key."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()
