"""A bureau's runtime context: its home, settings, database, key and clock.

`vigil bureau init --home DIR` creates the home (bureau.toml, keys/, the database);
every other bureau command starts from `BureauContext.open(home)`.
"""

from __future__ import annotations

import json
import os
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from vigil.bureau.db.migrate import upgrade
from vigil.bureau.db.models import Bureau
from vigil.clock import Clock, SystemClock
from vigil.context import NotInitialisedError, restrict_umask, tighten_home
from vigil.db.engine import database_url, make_engine, make_sessionmaker
from vigil.errors import ValidationError, VigilError
from vigil.keys import signing as keys
from vigil.regulation.identifiers import check_division_code

CONFIG_FILE = "bureau.toml"
DB_FILE = "bureau.db"


class BureauSettings(BaseModel):
    """A bureau's settings (HOME/bureau.toml); VIGIL_BUREAU_<NAME> overrides any."""

    database_url: str | None = Field(
        None, description="PostgreSQL URL of the bureau's database; SQLite in the home if unset."
    )
    session_hours: int = Field(8, ge=1, le=24, description="How long a console sign-in lasts.")


def load_bureau_settings(home: Path) -> BureauSettings:
    data: dict[str, Any] = {}
    path = home / CONFIG_FILE
    if path.exists():
        data.update(tomllib.loads(path.read_text(encoding="utf-8")))
    for name in BureauSettings.model_fields:
        value = os.environ.get(f"VIGIL_BUREAU_{name.upper()}")
        if value is not None:
            data[name] = value
    try:
        return BureauSettings(**data)
    except PydanticValidationError as exc:
        first = exc.errors()[0]
        raise ValidationError(first["msg"], field=".".join(map(str, first["loc"]))) from None


@dataclass
class BureauContext:
    home: Path
    settings: BureauSettings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    _signing_key: tuple[int, Ed25519PrivateKey] | None = field(default=None, repr=False)

    @classmethod
    def init(
        cls,
        home: Path,
        *,
        name: str,
        division_code: str,
        database_url: str | None = None,
        clock: Clock | None = None,
    ) -> BureauContext:
        """Create (or reopen) a bureau's home; its division is checked (GB/T 2260)."""
        restrict_umask()
        code = check_division_code(division_code, field="division")
        if not name.strip() or len(name) > 200:
            raise ValidationError("the bureau's name is 1 to 200 characters", field="name")
        home = home.expanduser().resolve()
        (home / "keys").mkdir(parents=True, exist_ok=True)
        tighten_home(home)
        cfg = home / CONFIG_FILE
        if not cfg.exists():
            line = f'database_url = "{database_url}"\n' if database_url else ""
            cfg.write_text("# Vigil bureau settings (docs/bureau.md)\n" + line, encoding="utf-8")
        key = keys.create_site_key(home)
        ctx = cls._connect(home, clock)
        pub = key.public_key()
        with ctx.sessions.begin() as s:
            row = s.scalar(select(Bureau))
            if row is not None and row.key_id != keys.key_id(pub):
                raise VigilError(
                    "the database already belongs to a bureau with another key", field="database"
                )
            if row is None:
                s.add(
                    Bureau(
                        bureau_uuid=str(uuid.uuid4()),
                        name=name.strip(),
                        division_code=code,
                        created_us=ctx.clock.now_us(),
                        public_key_pem=keys.public_pem(pub).decode("ascii"),
                        key_id=keys.key_id(pub),
                    )
                )
        return ctx

    @classmethod
    def open(cls, home: Path, clock: Clock | None = None) -> BureauContext:
        restrict_umask()
        home = home.expanduser().resolve()
        if not (home / CONFIG_FILE).exists():
            raise NotInitialisedError(
                f"{home} is not a bureau's home; run `vigil bureau init --home {home}` first"
            )
        return cls._connect(home, clock)

    @classmethod
    def _connect(cls, home: Path, clock: Clock | None) -> BureauContext:
        settings = load_bureau_settings(home)
        url = settings.database_url or f"sqlite:///{home / DB_FILE}"
        engine = make_engine(database_url(home, url))
        upgrade(engine)
        return cls(home, settings, engine, make_sessionmaker(engine), clock or SystemClock())

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        """The bureau's current key; read again once `vigil bureau rotate-key` replaced it
        (a running `vigil bureau serve` signs with the new key from then on)."""
        mtime = (keys.keys_dir(self.home) / keys.PRIVATE_FILE).stat().st_mtime_ns
        if self._signing_key is None or self._signing_key[0] != mtime:
            self._signing_key = (mtime, keys.load_private_key(self.home))
        return self._signing_key[1]

    def bureau(self) -> Bureau:
        with self.sessions() as s:
            row: Bureau | None = s.scalar(select(Bureau))
        if row is None:
            raise NotInitialisedError("the database has no bureau row; run `vigil bureau init`")
        return row

    @property
    def identity(self) -> str:
        return f"bureau:{self.bureau().bureau_uuid}"

    def close(self) -> None:
        self.engine.dispose()


PREVIOUS_KEY_FILE = "previous_ed25519.pem"
ROTATED_FILE = "rotated.json"


def previous_key(ctx: BureauContext) -> tuple[Ed25519PrivateKey, int] | None:
    """The key the bureau rotated away from and when (µs), if it ever rotated: it signs what
    was queued before the rotation (vigil.bureau.rotation)."""
    kdir = keys.keys_dir(ctx.home)
    path, when = kdir / PREVIOUS_KEY_FILE, kdir / ROTATED_FILE
    if not path.exists() or not when.exists():
        return None
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise VigilError(f"{path} is not an Ed25519 key")
    return key, int(json.loads(when.read_text(encoding="ascii"))["rotated_us"])
