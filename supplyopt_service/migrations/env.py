"""Alembic environment: runs on the connection given by the service's migrate step.

That is :func:`supplyopt_service.core.migrate.upgrade`, at every start.

Run by hand with ``alembic -c supplyopt_service/alembic.ini upgrade head``; the URL is
then read from the service settings (``SUPPLYOPT_DATABASE_URL``).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from supplyopt_service.core.tables import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Migrate over the given connection, or one opened from the settings."""
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    from supplyopt_service.core.settings import get_settings

    engine = create_engine(get_settings().database_url)
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run against a database")
run_migrations_online()
