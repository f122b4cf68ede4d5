"""Engine and sessions: SQLite in WAL mode by default, PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from vigil.config import DB_FILE


def database_url(home: Path, configured: str | None) -> str:
    if configured:
        if configured.startswith("postgresql://"):
            return "postgresql+psycopg://" + configured.removeprefix("postgresql://")
        return configured
    return f"sqlite:///{home / DB_FILE}"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            # WAL: readers never block the recorder; synchronous=FULL: a committed row
            # survives power loss, matching the fsync we do on the segment files.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
            # SQLAlchemy emits BEGIN itself (below), so a write transaction can take the
            # write lock up front instead of the driver's lazy, deferred BEGIN.
            dbapi_conn.isolation_level = None

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # A deferred transaction that read first and then writes fails at once
            # (SQLITE_BUSY_SNAPSHOT, no busy wait) when another process committed between;
            # BEGIN IMMEDIATE waits for the write lock instead and then reads the newest
            # state, which is what a chain append needs to extend the true head.
            immediate = conn.get_execution_options().get(WRITE_OPTION)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=40)


#: Execution option set on the connections of `Sessions.begin()`: a write transaction.
WRITE_OPTION = "vigil_write"


class Sessions(sessionmaker[Session]):
    """`sessions()` for reading; `sessions.begin()` for a write transaction, which on SQLite
    holds the write lock from its first statement (BEGIN IMMEDIATE) so that writers from
    several processes queue instead of failing."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine, expire_on_commit=False)
        self._writer = engine.execution_options(**{WRITE_OPTION: True})

    @contextmanager
    def begin(self) -> Iterator[Session]:
        with self(bind=self._writer) as session, session.begin():
            yield session


def is_write_transaction(session: Session) -> bool:
    """True inside `Sessions.begin()`."""
    return bool(session.connection().get_execution_options().get(WRITE_OPTION))


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return Sessions(engine)
