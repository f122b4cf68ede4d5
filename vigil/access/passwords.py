"""Passwords: argon2id hashes (argon2-cffi defaults) and the policy a new password meets.

Only the hash is ever stored; no function here logs, returns or echoes a password.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from vigil.errors import ValidationError

MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024

_hasher = PasswordHasher()  # argon2id, RFC 9106 low-memory profile by default
_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    """An argon2id hash in PHC format (`$argon2id$v=19$m=...`)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`; False for a malformed hash too."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_dummy(password: str) -> None:
    """Spend as long as a real verification, so an unknown username answers as slowly."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash("vigil-dummy-password-for-timing")
    verify_password(_dummy_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's defaults."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def check_policy(password: str, username: str = "") -> str:
    """Return `password` if acceptable, else raise ValidationError(field="password")."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValidationError(
            f"must be at least {MIN_PASSWORD_CHARS} characters (got {len(password)})",
            field="password",
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValidationError(f"must be at most {MAX_PASSWORD_CHARS} characters", field="password")
    if password.isdigit():
        raise ValidationError("must not be only digits", field="password")
    if username and password.strip().casefold() == username.casefold():
        raise ValidationError("must not be the username", field="password")
    return password
