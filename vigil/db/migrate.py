"""Run the Alembic migrations that ship inside the package: the site's (here) and, through
`Migrations`, the bureau's (`vigil.bureau.db.migrate`), each with its own version table."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
#: The newest revision in migrations/versions; a test keeps the two in step.
HEAD_REVISION = "0012"


@dataclass(frozen=True)
class Migrations:
    """One database's migrations: where its revisions live, the newest, its version table."""

    directory: Path
    head: str
    version_table: str = "alembic_version"

    def alembic_config(self, engine: Engine) -> Config:
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(self.directory))
        cfg.attributes["engine"] = engine
        return cfg

    def current_revision(self, engine: Engine) -> str | None:
        with engine.connect() as conn:
            if not inspect(conn).has_table(self.version_table):
                return None
            return conn.execute(text(f"SELECT version_num FROM {self.version_table}")).scalar()

    def upgrade(self, engine: Engine) -> None:
        """Bring the schema to the newest revision; at head already, Alembic is not even
        loaded (it costs every command a noticeable start-up time and memory)."""
        if self.current_revision(engine) == self.head:
            return
        from alembic import command

        command.upgrade(self.alembic_config(engine), "head")


SITE = Migrations(MIGRATIONS_DIR, HEAD_REVISION)
alembic_config = SITE.alembic_config
current_revision = SITE.current_revision
upgrade = SITE.upgrade
