"""Plan revisions: the plan a job revises, its events, superseded approvals.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 18:51:52.499826

On SQLite the ``plan_jobs`` table is rebuilt (batch mode) to change its CHECK
constraint; :func:`supplyopt_service.core.migrate.upgrade` runs migrations with
foreign-key enforcement off there, as SQLite asks for table rebuilds, and checks
every foreign key before committing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

OLD_APPROVALS = "approval IS NULL OR approval IN ('approved', 'dispatched', 'released')"
NEW_APPROVALS = (
    "approval IS NULL OR approval IN ('approved', 'dispatched', 'released', 'superseded')"
)


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_id", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("events", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_plan_jobs_previous_id"), ["previous_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_jobs_previous_id_plan_jobs"), "plan_jobs", ["previous_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_jobs_superseded_by_plan_jobs"),
            "plan_jobs",
            ["superseded_by"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_plan_jobs_approval"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_plan_jobs_approval"), NEW_APPROVALS)


def downgrade() -> None:
    """Revert this revision.

    A superseded approval no longer holds stock (its revision does), which the
    old schema can only say as ``released``.
    """
    op.execute("UPDATE plan_jobs SET approval = 'released' WHERE approval = 'superseded'")
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_plan_jobs_approval"), type_="check")
        batch_op.create_check_constraint(batch_op.f("ck_plan_jobs_approval"), OLD_APPROVALS)
        batch_op.drop_constraint(
            batch_op.f("fk_plan_jobs_superseded_by_plan_jobs"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_plan_jobs_previous_id_plan_jobs"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_plan_jobs_previous_id"))
        batch_op.drop_column("superseded_by")
        batch_op.drop_column("events")
        batch_op.drop_column("previous_id")
