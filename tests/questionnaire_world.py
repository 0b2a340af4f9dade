"""A small world for questionnaire tests: two municipalities with ordered products, colleagues and KISA."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from accounts.actor import Actor
from models import Municipality, OrderedProduct, OrderedProductState, OutboxMail, Role, User
from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
from questionnaire.store import product_and_steps
from tests.builders import actor_of, make_municipality, make_user
from tests.questionnaire_builders import complete_answers, order_product

PRODUCTS = ("meldebescheinigung", "melderegisterauskunft", "anzeige-eines-feuerwerkes")


@dataclass
class World:
    """Riesa (coordinator, colleague, three ordered products), Meißen (coordinator, one product), KISA."""

    town: Municipality
    coordinator: Actor
    colleague: Actor
    ordered: dict[str, OrderedProduct]
    other_town: Municipality
    other: Actor
    other_ordered: OrderedProduct
    kisa: Actor
    admin: Actor


def named_user(session: Session, municipality: Municipality | None, name: str, *, role: Role = Role.KOMMUNE,
               can_manage_team: bool = False) -> Actor:
    user = make_user(session, role=role, municipality=municipality, can_manage_team=can_manage_team)
    user.full_name = name
    session.add(user)
    session.commit()
    return actor_of(user)


def make_world(session: Session) -> World:
    town = make_municipality(session, name="Riesa")
    other_town = make_municipality(session, name="Meißen")
    world = World(
        town=town,
        coordinator=named_user(session, town, "Clara Koordinatorin", can_manage_team=True),
        colleague=named_user(session, town, "Karl Kollege"),
        ordered={p: order_product(session, town, p) for p in PRODUCTS},
        other_town=other_town,
        other=named_user(session, other_town, "Otto Anderswo", can_manage_team=True),
        other_ordered=order_product(session, other_town, "meldebescheinigung"),
        kisa=named_user(session, None, "Kira KISA", role=Role.KISA),
        admin=named_user(session, None, "Ada Admin", role=Role.ADMIN),
    )
    return world


def opened(session: Session, actor: Actor, ordered: OrderedProduct) -> int:
    """Open the questionnaire of ``ordered`` (created on the first visit) and commit."""
    questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id or 0)
    session.commit()
    return questionnaire_id


def fill_completely(session: Session, actor: Actor, questionnaire_id: int) -> int:
    """Save valid answers in every step; return the version afterwards."""
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    version = view.version
    for step_key, raw in complete_answers(view.steps).items():
        version = save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key=step_key, raw=raw,
                            base_version=version).version
    session.commit()
    return version


def state_of(session: Session, ordered: OrderedProduct) -> OrderedProductState:
    session.expire_all()
    row = session.get(OrderedProduct, ordered.id)
    assert row is not None
    return row.state


def mails(session: Session, event: str) -> list[OutboxMail]:
    return list(session.exec(select(OutboxMail).where(OutboxMail.event == event).order_by(col(OutboxMail.id))).all())


def steps_of(session: Session, product_id: str) -> Any:
    return product_and_steps(session, product_id)[1]


def user_row(session: Session, actor: Actor) -> User:
    user = session.get(User, actor.user_id)
    assert user is not None
    return user
