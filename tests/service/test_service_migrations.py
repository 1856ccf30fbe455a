"""Alembic migrations build exactly the schema the code declares, and can be undone."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from supplyopt_service.core.db import Database
from supplyopt_service.core.migrate import alembic_config, upgrade
from supplyopt_service.core.tables import Base


def test_migrated_schema_matches_the_tables(db: Database) -> None:
    """After upgrade to head, autogenerate finds no difference from the declared tables."""
    with db.write_engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_and_upgrade_again(db: Database) -> None:
    """Downgrading to base drops every table; upgrading again restores them."""
    config = alembic_config()
    with db.write_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    with db.write_engine.connect() as connection:
        tables = set(db.write_engine.dialect.get_table_names(connection))
    assert tables <= {"alembic_version"}
    upgrade(db)
    upgrade(db)
    with db.write_engine.connect() as connection:
        assert set(Base.metadata.tables) <= set(db.write_engine.dialect.get_table_names(connection))
