"""index for the catalogue version

Revision ID: 770bdce3240a
Revises: c3834722defc
Create Date: 2026-11-29 05:01:00.243874
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '770bdce3240a'
down_revision: str | None = 'c3834722defc'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('catalogproduct', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogproduct_updated_at'), ['updated_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('catalogproduct', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogproduct_updated_at'))

