"""Readiness jobs (contract §7 on the live inventory) and stock transfers between warehouses.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 22:00:00.000000

``readiness_jobs`` are leased like plan jobs (same status, lease and attempt
columns), so they survive a restart the same way. ``transfers`` are drafted
(often from a readiness run's recommended moves) and approved by a manager,
which books an issue and a receipt in the ledger (``issue_id``, ``receipt_id``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'cancelled')"


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "readiness_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("request", sa.JSON(), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("seed", sa.BigInteger(), nullable=False),
        sa.Column("time_limit_s", sa.Float(), nullable=False),
        sa.Column("move_budget_units", sa.BigInteger(), nullable=True),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("message", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("inventory_used", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_by", BigId, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_owner", sa.String(length=200), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.CheckConstraint(STATUSES, name=op.f("ck_readiness_jobs_status")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["api_keys.id"], name=op.f("fk_readiness_jobs_created_by_api_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_readiness_jobs")),
    )
    op.create_index(op.f("ix_readiness_jobs_status"), "readiness_jobs", ["status"], unique=False)
    op.create_table(
        "transfers",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=200), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("item_id", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("readiness_id", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", BigId, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", BigId, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("issue_id", BigId, nullable=True),
        sa.Column("receipt_id", BigId, nullable=True),
        sa.CheckConstraint(
            "status IN ('draft', 'approved', 'rejected')", name=op.f("ck_transfers_status")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_transfers_quantity_positive")),
        sa.CheckConstraint("source_id <> target_id", name=op.f("ck_transfers_distinct_warehouses")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["api_keys.id"], name=op.f("fk_transfers_created_by_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["api_keys.id"], name=op.f("fk_transfers_decided_by_api_keys")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["movements.id"], name=op.f("fk_transfers_issue_id_movements")
        ),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_transfers_item_id_items")),
        sa.ForeignKeyConstraint(
            ["readiness_id"],
            ["readiness_jobs.id"],
            name=op.f("fk_transfers_readiness_id_readiness_jobs"),
        ),
        sa.ForeignKeyConstraint(
            ["receipt_id"], ["movements.id"], name=op.f("fk_transfers_receipt_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["source_id"], ["warehouses.id"], name=op.f("fk_transfers_source_id_warehouses")
        ),
        sa.ForeignKeyConstraint(
            ["target_id"], ["warehouses.id"], name=op.f("fk_transfers_target_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfers")),
    )
    op.create_index(op.f("ix_transfers_status"), "transfers", ["status"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index(op.f("ix_transfers_status"), table_name="transfers")
    op.drop_table("transfers")
    op.drop_index(op.f("ix_readiness_jobs_status"), table_name="readiness_jobs")
    op.drop_table("readiness_jobs")
