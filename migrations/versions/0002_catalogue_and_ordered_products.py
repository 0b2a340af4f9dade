"""catalogue and ordered products

Revision ID: c3834722defc
Revises: a6d6acbdf60a
Create Date: 2026-11-29 04:17:29.921726
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = 'c3834722defc'
down_revision: str | None = 'a6d6acbdf60a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('catalogproduct',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('group', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('manufacturer', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('catalogproduct', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogproduct_group'), ['group'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogproduct_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogproduct_status'), ['status'], unique=False)

    op.create_table('orderedproduct',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('state', sa.Enum('ordered', 'questionnaire', 'submitted', 'query', 'setup', 'testing', 'accepted', 'live', 'change_requested', 'cancelled', 'terminated', name='orderedproductstate', native_enum=False), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['catalogproduct.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('orderedproduct', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orderedproduct_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_orderedproduct_product_id'), ['product_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('orderedproduct', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orderedproduct_product_id'))
        batch_op.drop_index(batch_op.f('ix_orderedproduct_municipality_id'))

    op.drop_table('orderedproduct')
    with op.batch_alter_table('catalogproduct', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogproduct_status'))
        batch_op.drop_index(batch_op.f('ix_catalogproduct_name'))
        batch_op.drop_index(batch_op.f('ix_catalogproduct_group'))

    op.drop_table('catalogproduct')
