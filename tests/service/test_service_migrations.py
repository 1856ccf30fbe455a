"""Alembic migrations build exactly the schema the code declares, and can be undone."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from supplyopt_service.core.db import Database
from supplyopt_service.core.migrate import run, upgrade
from supplyopt_service.core.tables import Base


def test_migrated_schema_matches_the_tables(db: Database) -> None:
    """After upgrade to head, autogenerate finds no difference from the declared tables."""
    with db.write_engine.connect() as connection:
        context = MigrationContext.configure(connection)
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_and_upgrade_again(db: Database) -> None:
    """Downgrading to base drops every table; upgrading again restores them."""
    run(db, "downgrade", "base")
    with db.write_engine.connect() as connection:
        tables = set(db.write_engine.dialect.get_table_names(connection))
    assert tables <= {"alembic_version"}
    upgrade(db)
    upgrade(db)
    with db.write_engine.connect() as connection:
        assert set(Base.metadata.tables) <= set(db.write_engine.dialect.get_table_names(connection))


def test_revisions_migration_keeps_approved_plans_and_their_reservations(db: Database) -> None:
    """Upgrading 0001 → head rebuilds plan_jobs without losing rows other tables refer to."""
    run(db, "downgrade", "0001")
    statements = [
        "INSERT INTO items VALUES ('tent', NULL, 75, 0.4, '2026-01-01')",
        "INSERT INTO warehouses VALUES ('w', NULL, 44, 87, '{}', 0, 0, NULL, '2026-01-01')",
        "INSERT INTO stock VALUES ('w', 'tent', 10, 5)",
        "INSERT INTO plan_jobs (id, status, scenario, use_inventory, time_limit_s, seed, "
        "progress, approval, created_at) VALUES ('p1', 'done', '{}', false, 1, 0, 1, "
        "'approved', '2026-01-01')",
        "INSERT INTO reservations VALUES ('p1', 'w', 'tent', 5)",
    ]
    with db.write_engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    upgrade(db)
    with db.write_engine.connect() as connection:
        job = connection.execute(
            text("SELECT approval, previous_id, superseded_by FROM plan_jobs WHERE id = 'p1'")
        ).one()
        held = connection.execute(text("SELECT quantity FROM reservations")).scalars().all()
    assert tuple(job) == ("approved", None, None)
    assert held == [5]


def test_leases_migration_expires_the_lease_of_jobs_left_running(db: Database) -> None:
    """Upgrading 0002 → head gives a job an older server left running an expired lease."""
    run(db, "downgrade", "0002")
    with db.write_engine.begin() as connection:
        for job_id, status in (("r", "running"), ("q", "queued")):
            connection.execute(
                text(
                    "INSERT INTO plan_jobs (id, status, scenario, use_inventory, time_limit_s, "
                    "seed, progress, created_at) VALUES (:id, :status, '{}', false, 1, 0, 0, "
                    "'2026-01-01')"
                ),
                {"id": job_id, "status": status},
            )
    upgrade(db)
    with db.write_engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, lease_expires_at IS NOT NULL, attempts FROM plan_jobs ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [("q", False, 0), ("r", True, 1)]
