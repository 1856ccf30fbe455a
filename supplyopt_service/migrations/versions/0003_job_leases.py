"""Job leases: which worker holds a running job, until when, and how often it started.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000

A worker claims a queued job by setting ``lease_owner`` and
``lease_expires_at`` and renews the lease while it solves; only a job whose
lease expired is queued again (``attempts`` below the bound) or failed. Jobs
a previous server left running get an already expired lease, so the first
worker that starts recovers them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_owner", sa.String(length=200), nullable=True))
        batch_op.add_column(
            sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("attempts", sa.Integer(), server_default="0", nullable=False))
    # Running jobs of an older server have no lease: expired now, so they are recovered.
    op.execute(
        "UPDATE plan_jobs SET lease_expires_at = CURRENT_TIMESTAMP, attempts = 1 "
        "WHERE status = 'running'"
    )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("plan_jobs", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("lease_expires_at")
        batch_op.drop_column("lease_owner")
