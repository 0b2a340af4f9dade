"""Cart, orders with their snapshots, the model contract and funding programmes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from core.clock import utcnow


class FundingProgramme(SQLModel, table=True):
    """A funding programme KISA maintains, e.g. 100 % state funding 01.07.2022–31.12.2024."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    description: str = Field(default="", max_length=2000)
    setup_percent: int = Field(ge=0, le=100)  # share of the set-up price the programme pays
    licence_percent: int = Field(ge=0, le=100)  # share of the yearly licence the programme pays
    valid_from: date
    valid_to: date | None = None  # inclusive; None = open-ended
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = Field(default="system", max_length=254)


class ModelContract(SQLModel, table=True):
    """One published version of the model contract (Mustervertrag); never edited after publication."""

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=300)
    body: str = Field(sa_type=Text)  # plain text with paragraphs; rendered inert everywhere
    valid_from: date
    published_at: datetime = Field(default_factory=utcnow)
    published_by: str = Field(default="system", max_length=254)


class Cart(SQLModel, table=True):
    """A user's cart in the database: survives reloads, logouts and other browsers."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    revision: int = Field(default=1)  # +1 when an order is placed from it: (cart, revision) orders once


class CartItem(SQLModel, table=True):
    """A product in a cart."""

    __table_args__ = (UniqueConstraint("cart_id", "product_id", name="uq_cartitem_cart_product"),)

    id: int | None = Field(default=None, primary_key=True)
    cart_id: int = Field(foreign_key="cart.id", index=True)
    product_id: str = Field(foreign_key="catalogproduct.id", max_length=80)
    added_at: datetime = Field(default_factory=utcnow)


class Order(SQLModel, table=True):
    """A placed order with snapshots of contract and signer; its lines snapshot the prices."""

    __table_args__ = (UniqueConstraint("cart_id", "cart_revision", name="uq_order_cart_revision"),)

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=40, unique=True)  # e.g. B-2026-00042
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    placed_by_id: int = Field(foreign_key="user.id")
    placed_at: datetime = Field(default_factory=utcnow, index=True)
    cart_id: int = Field(foreign_key="cart.id")
    cart_revision: int  # with cart_id: a double click or a second tab places nothing twice
    contract_id: int = Field(foreign_key="modelcontract.id")
    contract_version: str = Field(max_length=40)  # snapshot
    signer_name: str = Field(max_length=200)  # snapshot of who confirmed they may sign
    signer_position: str = Field(default="", max_length=120)
    signer_email: str = Field(max_length=254)
    total_setup_cents: int = 0  # list prices
    total_yearly_cents: int = 0
    due_setup_cents: int = 0  # after funding
    due_yearly_cents: int = 0


class OrderLine(SQLModel, table=True):
    """One ordered product with the price and funding that applied when the order was placed."""

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="order.id", index=True)
    product_id: str = Field(foreign_key="catalogproduct.id", max_length=80)
    product_name: str = Field(max_length=300)  # snapshot, for when the product changes or goes
    setup_cents: int
    yearly_licence_cents: int
    price_note: str = Field(default="", max_length=1000)
    price_is_sample: bool = True
    funding_name: str = Field(default="", max_length=200)  # snapshot; empty when none applied
    funding_setup_percent: int = 0
    funding_licence_percent: int = 0
    due_setup_cents: int = 0
    due_yearly_cents: int = 0
    ordered_product_id: int | None = Field(default=None, foreign_key="orderedproduct.id")
