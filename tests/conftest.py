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
from pathlib import Path

import psycopg
import pytest

from vigil.clock import FakeClock
from vigil.context import SiteContext

PG_URL = os.environ.get("VIGIL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/")
BACKEND = os.environ.get("VIGIL_TEST_DATABASE", "sqlite")


def pytest_report_header() -> str:
    return f"vigil index backend: {BACKEND}"


@pytest.fixture
def database_url() -> Iterator[str | None]:
    """None for SQLite under the home; else a throw-away PostgreSQL database."""
    if BACKEND == "sqlite":
        yield None
        return
    if BACKEND != "postgresql":
        raise pytest.UsageError(f"VIGIL_TEST_DATABASE={BACKEND!r}: use sqlite or postgresql")
    name = f"vigil_t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield PG_URL + name
    with psycopg.connect(PG_URL + "postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


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
