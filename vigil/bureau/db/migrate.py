"""Run the bureau database's own Alembic migrations (version table bureau_alembic_version)."""

from __future__ import annotations

from pathlib import Path

from vigil.db.migrate import Migrations

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: The newest revision in migrations/versions; a test keeps the two in step.
HEAD_REVISION = "b0061"
VERSION_TABLE = "bureau_alembic_version"

BUREAU = Migrations(MIGRATIONS_DIR, HEAD_REVISION, VERSION_TABLE)
alembic_config = BUREAU.alembic_config
current_revision = BUREAU.current_revision
upgrade = BUREAU.upgrade
