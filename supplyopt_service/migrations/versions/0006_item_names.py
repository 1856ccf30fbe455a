"""Items: display names per language (``names``, the scenario extension of items).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

``POST /items`` and ``POST /warehouses/import`` keep an item's ``names``
(``{"en": "Tent", "zh": "帐篷"}``); items added before have none (null).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("names")
