"""Alembic environment of the bureau's database: the engine is handed over by
vigil.bureau.db.migrate; its version table is its own."""

from __future__ import annotations

from alembic import context

from vigil.bureau.db.migrate import VERSION_TABLE
from vigil.bureau.db.models import BureauBase

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=BureauBase.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        version_table=VERSION_TABLE,
    )
    context.run_migrations()
