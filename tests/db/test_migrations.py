"""The schema comes from the migrations, on the database under test."""

from __future__ import annotations

from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from vigil.context import SiteContext
from vigil.db.migrate import HEAD_REVISION, alembic_config, current_revision
from vigil.db.models import Base


def test_head_constant_matches_the_migration_scripts(site: SiteContext) -> None:
    script = ScriptDirectory.from_config(alembic_config(site.engine))
    assert script.get_current_head() == HEAD_REVISION
    assert current_revision(site.engine) == HEAD_REVISION


def test_migrated_schema_has_every_model_table(site: SiteContext) -> None:
    tables = set(inspect(site.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
