"""A site's runtime context: its home directory, settings, index, keys and clock.

Every command and service starts from `SiteContext.open(home)`; tests pass a FakeClock.
"""

from __future__ import annotations

import os
import stat
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from vigil.clock import Clock, SystemClock
from vigil.config import CONFIG_FILE, Settings, default_home, load_settings, render_default_config
from vigil.db.engine import database_url, make_engine, make_sessionmaker
from vigil.db.migrate import upgrade
from vigil.db.models import Site
from vigil.errors import VigilError
from vigil.keys import signing as keys
from vigil.keys.secrets import SecretBox


class Context(Protocol):
    """What the shared domain (the audit log, the chains, the link) needs of an app's
    context: a site's `SiteContext` or a bureau's `BureauContext`."""

    @property
    def home(self) -> Path: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def sessions(self) -> sessionmaker[Session]: ...


class NotInitialisedError(VigilError):
    code = "not_initialised"


#: Everything under a home is its owner's only: the index holds password hashes and
#: camera credentials, the recordings are personal data (docs/deployment.md, "File modes").
PRIVATE_UMASK = 0o077


def restrict_umask() -> None:
    """Files this process (and the ffmpeg it starts) creates are 0600, directories 0700."""
    os.umask(PRIVATE_UMASK)


def tighten_home(home: Path) -> int:
    """Take group and other rights off the home and everything in it (a home made by an
    older version, or copied with a loose umask); how many entries were changed."""
    changed = 0
    for root, dirs, names in os.walk(home):
        for path in [Path(root)] + [Path(root, n) for n in dirs + names]:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode) or not st.st_mode & PRIVATE_UMASK:
                continue
            os.chmod(path, stat.S_IMODE(st.st_mode) & ~PRIVATE_UMASK)
            changed += 1
    return changed


@dataclass
class SiteContext:
    home: Path
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    _signing_key: Ed25519PrivateKey | None = field(default=None, repr=False)
    _secrets: SecretBox | None = field(default=None, repr=False)

    @classmethod
    def init(
        cls,
        home: Path | None = None,
        clock: Clock | None = None,
        *,
        settings: dict[str, Any] | None = None,
    ) -> SiteContext:
        """Create (or complete) a site's home: directories, settings, keys, schema.

        `settings` seed a new home's vigil.toml; an existing file is left as it is.
        """
        restrict_umask()
        home = (home or default_home()).expanduser().resolve()
        for sub in ("segments", "staging", "quarantine", "keys"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        tighten_home(home)
        cfg = home / CONFIG_FILE
        if not cfg.exists():
            cfg.write_text(render_default_config(settings), encoding="utf-8")
        key = keys.create_site_key(home)
        SecretBox.open(keys.keys_dir(home))
        ctx = cls._connect(home, clock)
        pub = key.public_key()
        with ctx.sessions.begin() as s:
            existing = s.scalar(select(Site))
            if existing is not None and existing.key_id != keys.key_id(pub):
                raise VigilError(
                    "the index already belongs to a site with another signing key; "
                    "use that site's home or an empty database",
                    field="database_url",
                )
            if existing is None:
                s.add(
                    Site(
                        site_uuid=str(uuid.uuid4()),
                        created_us=ctx.clock.now_us(),
                        public_key_pem=keys.public_pem(pub).decode("ascii"),
                        key_id=keys.key_id(pub),
                    )
                )
        return ctx

    @classmethod
    def open(cls, home: Path | None = None, clock: Clock | None = None) -> SiteContext:
        restrict_umask()
        home = (home or default_home()).expanduser().resolve()
        if not (home / CONFIG_FILE).exists():
            raise NotInitialisedError(
                f"{home} is not a Vigil home; run `vigil init --home {home}` first"
            )
        return cls._connect(home, clock)

    @classmethod
    def _connect(cls, home: Path, clock: Clock | None) -> SiteContext:
        settings = load_settings(home)
        engine = make_engine(database_url(home, settings.database_url))
        upgrade(engine)
        return cls(home, settings, engine, make_sessionmaker(engine), clock or SystemClock())

    @property
    def segments_dir(self) -> Path:
        return self.home / "segments"

    @property
    def staging_dir(self) -> Path:
        return self.home / "staging"

    @property
    def quarantine_dir(self) -> Path:
        return self.home / "quarantine"

    @property
    def signing_key(self) -> Ed25519PrivateKey:
        if self._signing_key is None:
            self._signing_key = keys.load_private_key(self.home)
        return self._signing_key

    @property
    def secrets(self) -> SecretBox:
        if self._secrets is None:
            self._secrets = SecretBox.open(keys.keys_dir(self.home))
        return self._secrets

    def site(self) -> Site:
        with self.sessions() as s:
            site: Site | None = s.scalar(select(Site))
        if site is None:
            raise NotInitialisedError("the index has no site row; run `vigil init`")
        return site

    def close(self) -> None:
        self.engine.dispose()
