"""The bureau's database: its own Alembic revisions, in step with its models, on SQLite and
PostgreSQL; and one bureau per database."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from tests.bureau.conftest import empty_postgres
from vigil.bureau.context import BureauContext
from vigil.bureau.db.migrate import HEAD_REVISION, VERSION_TABLE, alembic_config, current_revision
from vigil.bureau.db.models import BureauBase
from vigil.errors import ValidationError, VigilError


def test_the_bureau_database_is_migrated_to_its_head_with_every_table(tmp_path: Path) -> None:
    with empty_postgres() as url:
        ctx = BureauContext.init(tmp_path / "b", name="鼓楼分局", division_code="350102",
                                 database_url=url)  # fmt: skip
        try:
            head = ScriptDirectory.from_config(alembic_config(ctx.engine)).get_current_head()
            assert head == HEAD_REVISION == current_revision(ctx.engine)
            tables = set(inspect(ctx.engine).get_table_names())
            assert set(BureauBase.metadata.tables) | {VERSION_TABLE} <= tables
            assert "alembic_version" not in tables  # the site's version table is not used
            assert ctx.bureau().division_code == "350102"
            assert ctx.identity.startswith("bureau:")
        finally:
            ctx.close()
        # the same home again is the same bureau; another key on that database is refused
        again = BureauContext.init(tmp_path / "b", name="x", division_code="350102",
                                   database_url=url)  # fmt: skip
        assert again.bureau().name == "鼓楼分局"
        again.close()
        if url:
            with pytest.raises(VigilError, match="another key"):
                BureauContext.init(tmp_path / "c", name="x", division_code="350102",
                                   database_url=url)  # fmt: skip


def test_a_bureau_needs_a_current_division_code(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match=r"division: .*GB/T 2260"):
        BureauContext.init(tmp_path / "b", name="x", division_code="350199")
