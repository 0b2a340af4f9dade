"""orders and outbox

Revision ID: 15ff534a1f12
Revises: 770bdce3240a
Create Date: 2026-11-29 05:03:41.820565
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '15ff534a1f12'
down_revision: str | None = '770bdce3240a'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('fundingprogramme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('description', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('setup_percent', sa.Integer(), nullable=False),
    sa.Column('licence_percent', sa.Integer(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('modelcontract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('published_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('published_by', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version')
    )
    op.create_table('outboxmail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('to_address', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('text_body', sa.Text(), nullable=False),
    sa.Column('html_body', sa.Text(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='mailstatus', native_enum=False, length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('message_id')
    )
    with op.batch_alter_table('outboxmail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outboxmail_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmail_event'), ['event'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmail_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outboxmail_next_attempt_at'), ['next_attempt_at'], unique=False)

    op.create_table('cart',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )
    op.create_table('cartitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cart_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['cart_id'], ['cart.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['catalogproduct.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cart_id', 'product_id', name='uq_cartitem_cart_product')
    )
    with op.batch_alter_table('cartitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cartitem_cart_id'), ['cart_id'], unique=False)

    op.create_table('order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('placed_by_id', sa.Integer(), nullable=False),
    sa.Column('placed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cart_id', sa.Integer(), nullable=False),
    sa.Column('cart_revision', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('contract_version', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('signer_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('signer_position', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('signer_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('total_setup_cents', sa.Integer(), nullable=False),
    sa.Column('total_yearly_cents', sa.Integer(), nullable=False),
    sa.Column('due_setup_cents', sa.Integer(), nullable=False),
    sa.Column('due_yearly_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cart_id'], ['cart.id'], ),
    sa.ForeignKeyConstraint(['contract_id'], ['modelcontract.id'], ),
    sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'], ),
    sa.ForeignKeyConstraint(['placed_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('cart_id', 'cart_revision', name='uq_order_cart_revision'),
    sa.UniqueConstraint('number')
    )
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_placed_at'), ['placed_at'], unique=False)

    op.create_table('orderline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('product_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('setup_cents', sa.Integer(), nullable=False),
    sa.Column('yearly_licence_cents', sa.Integer(), nullable=False),
    sa.Column('price_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('price_is_sample', sa.Boolean(), nullable=False),
    sa.Column('funding_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('funding_setup_percent', sa.Integer(), nullable=False),
    sa.Column('funding_licence_percent', sa.Integer(), nullable=False),
    sa.Column('due_setup_cents', sa.Integer(), nullable=False),
    sa.Column('due_yearly_cents', sa.Integer(), nullable=False),
    sa.Column('ordered_product_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['order.id'], ),
    sa.ForeignKeyConstraint(['ordered_product_id'], ['orderedproduct.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['catalogproduct.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orderline_order_id'), ['order_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orderline_order_id'))

    op.drop_table('orderline')
    with op.batch_alter_table('order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_placed_at'))
        batch_op.drop_index(batch_op.f('ix_order_municipality_id'))

    op.drop_table('order')
    with op.batch_alter_table('cartitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cartitem_cart_id'))

    op.drop_table('cartitem')
    op.drop_table('cart')
    with op.batch_alter_table('outboxmail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outboxmail_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_outboxmail_municipality_id'))
        batch_op.drop_index(batch_op.f('ix_outboxmail_event'))
        batch_op.drop_index(batch_op.f('ix_outboxmail_created_at'))

    op.drop_table('outboxmail')
    op.drop_table('modelcontract')
    op.drop_table('fundingprogramme')
