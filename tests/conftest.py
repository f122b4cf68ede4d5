"""Shared fixtures: a fresh site on the database under test, clips, a real RTSP camera.

The database is SQLite unless VIGIL_TEST_DATABASE=postgresql, in which case every site
gets a database of its own on the PostgreSQL server at VIGIL_TEST_PG_URL
(default postgresql://postgres@127.0.0.1:5432/). CI runs the suite once for each.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest

from vigil.clock import FakeClock
from vigil.context import SiteContext

PG_URL = os.environ.get("VIGIL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/")
BACKEND = os.environ.get("VIGIL_TEST_DATABASE", "sqlite")


def pytest_report_header() -> str:
    return f"vigil index backend: {BACKEND}"


_template: dict[str, str] = {}


def _admin_execute(sql: str) -> None:
    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(sql)


def _template_database() -> str:
    """A database migrated to head once per test session (by the real Alembic migrations);
    each test's database is a copy of it, which is far quicker than migrating anew."""
    if "name" not in _template:
        from sqlalchemy import create_engine

        from vigil.db.migrate import upgrade

        name = f"vigil_tmpl_{uuid.uuid4().hex[:12]}"
        _admin_execute(f'CREATE DATABASE "{name}"')
        engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://") + name)
        try:
            upgrade(engine)
        finally:
            engine.dispose()  # a template must have no open connection when copied
        _template["name"] = name
    return _template["name"]


def pytest_sessionfinish(session: pytest.Session) -> None:
    if "name" in _template:
        _admin_execute(f'DROP DATABASE IF EXISTS "{_template.pop("name")}" WITH (FORCE)')


@contextmanager
def postgres_database(prefix: str = "vigil_t") -> Iterator[str]:
    """A throw-away PostgreSQL database at head, dropped afterwards; yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    _admin_execute(f'CREATE DATABASE "{name}" TEMPLATE "{_template_database()}"')
    try:
        yield PG_URL + name
    finally:
        _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None for SQLite under the home; else a throw-away PostgreSQL database."""
    if BACKEND == "sqlite":
        yield None
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"VIGIL_TEST_DATABASE={BACKEND!r}: use sqlite or postgresql")
    with postgres_database() as url:
        yield url


def site_settings(database_url: str | None, **extra: object) -> dict[str, object]:
    settings: dict[str, object] = {"min_free_bytes": 0, **extra}
    if database_url:
        settings["database_url"] = database_url
    return settings


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def site(tmp_path: Path, database_url: str | None, clock: FakeClock) -> Iterator[SiteContext]:
    """A site driven by a fake clock (for rules, retention, integrity)."""
    ctx = SiteContext.init(tmp_path / "home", clock, settings=site_settings(database_url))
    yield ctx
    ctx.close()


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    """Environment for running the real `vigil` command against a fresh home."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["VIGIL_HOME"] = str(tmp_path / "clihome")
    env.pop("VIGIL_DATABASE_URL", None)
    if database_url:
        env["VIGIL_DATABASE_URL"] = database_url
    env["VIGIL_MIN_FREE_BYTES"] = "0"
    return env
