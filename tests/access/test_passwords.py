"""Passwords: argon2id at rest, verification, rehash, and the policy for new ones."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from vigil.access import passwords
from vigil.context import SiteContext
from vigil.db.models import User
from vigil.errors import ValidationError

from .helpers import PASSWORD, add_user


def test_hash_is_argon2id_and_verifies() -> None:
    h = passwords.hash_password("a long passphrase")
    assert h.startswith("$argon2id$")
    assert "a long passphrase" not in h
    assert passwords.verify_password(h, "a long passphrase")
    assert not passwords.verify_password(h, "a long passphrasE")
    assert not passwords.verify_password("not a hash", "a long passphrase")
    assert not passwords.needs_rehash(h)


def test_weaker_parameters_need_rehash() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192).hash("a long passphrase")
    assert passwords.verify_password(weak, "a long passphrase")
    assert passwords.needs_rehash(weak)
    assert passwords.needs_rehash("garbage")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short-1", "at least 10"),
        ("1234567890123", "only digits"),
        ("Alice.Wong", "username"),
        ("x" * 1025, "at most"),
    ],
)
def test_policy_names_the_field(password: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        passwords.check_policy(password, "alice.wong")
    assert err.value.field == "password"
    assert fragment in err.value.message
    assert password not in str(err.value)


def test_policy_accepts_a_good_password() -> None:
    assert passwords.check_policy("ten chars!", "alice") == "ten chars!"


def test_stored_hash_is_argon2id_never_plain(site: SiteContext) -> None:
    add_user(site)
    with site.sessions() as s:
        stored = s.scalar(select(User.password_hash).where(User.username == "alice"))
    assert stored is not None and stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    db = site.home / "vigil.db"
    if db.exists():  # SQLite: the password is nowhere in the file
        site.engine.dispose()
        raw = db.read_bytes() + (db.with_name("vigil.db-wal").read_bytes()
                                 if db.with_name("vigil.db-wal").exists() else b"")  # fmt: skip
        assert PASSWORD.encode() not in raw
