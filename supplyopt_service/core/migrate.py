"""Bring a database's schema up to date with the Alembic migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from .db import Database

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


class MigrationError(RuntimeError):
    """A migration would leave the database inconsistent; nothing was changed."""


def alembic_config() -> Config:
    """Return the Alembic configuration of the service's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` (idempotent)."""
    run(db, "upgrade", revision)


def run(db: Database, direction: str, revision: str) -> None:
    """Migrate ``db`` up or down (``direction``: ``upgrade``/``downgrade``) to ``revision``.

    On SQLite, a migration that changes a table's constraints rebuilds the
    table (copy, drop, rename), which foreign-key enforcement would refuse
    for a table other rows refer to. As SQLite's documentation prescribes,
    enforcement is off while migrating and every foreign key is checked
    before the transaction commits.
    """
    config = alembic_config()
    with _migration_connection(db) as connection:
        config.attributes["connection"] = connection
        getattr(command, direction)(config, revision)
        if db.is_sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"migration would break foreign keys: {broken[:5]}")


@contextmanager
def _migration_connection(db: Database) -> Iterator[Connection]:
    """A connection in one transaction; SQLite's foreign-key enforcement off meanwhile."""
    with db.write_engine.connect() as connection:
        if not db.is_sqlite:
            with connection.begin():
                yield connection
            return
        raw = connection.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")  # a no-op inside a transaction: before it
        try:
            with connection.begin():
                yield connection
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
