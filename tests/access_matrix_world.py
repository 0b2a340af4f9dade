"""The world of the access matrix: Riesa (municipality A) with a record of every kind, Meißen (B), KISA, an admin.

Built once per backend through the real service functions; every matrix test works in a transaction that is rolled
back, so the world stays as it is. Riesa's records carry markers (the town's name, its people, ``RIESA-GEHEIM`` in
free texts, their ids) that must never show up in what another municipality's user gets back.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from acceptance.view import acceptance_view
from accounts.actor import Actor
from accounts.registration import POSITIONS
from accounts.team import accept_invitation, invite_colleague
from backoffice.review import add_comment, ask_back
from catalog.store import to_row
from models import (
    Cart,
    CatalogProduct,
    ModelContract,
    OrderedProduct,
    OrderLine,
    OutboxMail,
    ReleaseNotice,
    Role,
    User,
    UserStatus,
)
from orders.cart import add_to_cart
from orders.checkout import place_order
from orders.defaults import ensure_defaults
from questionnaire.master import save_master
from questionnaire.team import invite_to_questionnaires
from releases.publish import publish_release
from support.threads import report_problem
from tests.acceptance_world import all_passed, live, questionnaire_id_of
from tests.backoffice_world import resubmit, submitted
from tests.builders import PASSWORD, actor_of, make_user
from tests.catalog_builders import make_product
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import fill_completely, make_world, named_user, opened

MB, MRA, FW = "meldebescheinigung", "melderegisterauskunft", "anzeige-eines-feuerwerkes"
GU, WS, AE = "geburtsurkunde", "wahlschein", "akteneinsicht"  # ordered through the shop; AE: in the carts only
SECRET = "RIESA-GEHEIM"
GHOST = 9_000_000  # an id no table has

# The people who call every function, by a short name (the test ids).
USER_A, COORD_A = "kollege_a", "koordinatorin_a"  # Riesa: Karl Kollege, Clara Koordinatorin (manages the team)
USER_B, INVITEE_B = "koordinator_b", "eingeladen_b"  # Meißen: Otto Anderswo (coordinator), a colleague he invited
KISA, ADMIN = "kisa", "admin"
DISABLED, PENDING = "deaktiviert_a", "wartend_a"  # a disabled account of Riesa; a registration still waiting
ROLES = (USER_A, COORD_A, USER_B, INVITEE_B, KISA, ADMIN, DISABLED, PENDING)

MUNICIPAL_A = frozenset({USER_A, COORD_A})
MUNICIPAL = frozenset({USER_A, COORD_A, USER_B, INVITEE_B})
STAFF = frozenset({KISA, ADMIN})
READERS_OF_A = MUNICIPAL_A | STAFF  # who may see Riesa's records at all
EVERYONE = frozenset(ROLES)


@dataclass(frozen=True)
class Ids:
    """The ids of Riesa's records the calls reach for; :meth:`ghost` gives ids that do not exist."""

    town: int
    mb: int  # live, accepted, with a problem thread and a release to check
    mra: int  # submitted (second version after a query), one remark not sent yet
    fw: int  # in test in maintenance mode, every item passed
    gu: int  # questionnaire filled completely, not submitted
    ws: int  # ordered, questionnaire not begun
    q_mb: int
    q_mra: int
    q_gu: int
    order: int  # the order of GU and WS
    line_ws: int
    report: int
    notice: int
    comment: int  # KISA's remark on MRA, not sent yet
    mail: int  # a mail to Riesa
    colleague_user: int
    pending_user: int
    first_item: str  # the first item of FW's test checklist

    def ghost(self) -> Ids:
        """Return the same record kinds with ids nobody has (texts, e.g. checklist keys, stay)."""
        ghosts: dict[str, Any] = {f.name: GHOST for f in dataclasses.fields(self)
                                  if isinstance(getattr(self, f.name), int)}
        return dataclasses.replace(self, **ghosts)


@dataclass
class MatrixWorld:
    """Riesa's ids, the actors by role, and the markers of Riesa's data."""

    ids: Ids
    actors: dict[str, Actor]
    markers: list[re.Pattern[str]]

    def leaks(self, text: str) -> list[str]:
        """Return the markers of Riesa's data found in ``text``."""
        return [m.pattern for m in self.markers if m.search(text)]


def _one(session: Session, statement: Any) -> Any:
    found = session.exec(statement).first()
    assert found is not None
    return found


def build(session: Session) -> MatrixWorld:
    """Create the world through the service functions and commit it."""
    questionnaire_catalog(session)
    for name in ("Geburtsurkunde", "Wahlschein", "Akteneinsicht"):
        session.add(to_row(make_product(name), updated_by="test"))
    ensure_defaults(session)
    session.commit()
    world = make_world(session)
    coordinator, colleague, kisa = world.coordinator, world.colleague, world.kisa

    mb = live(session, world, MB)
    fw = all_passed(session, world, FW)
    q_mra = submitted(session, world, MRA)
    add_comment(session, actor=kisa, questionnaire_id=q_mra, question_key="kontakte.abteilung",
                text=f"{SECRET}: Bitte die Abteilung genauer bezeichnen.")
    ask_back(session, actor=kisa, questionnaire_id=q_mra, message="Bitte ergänzen.")
    session.commit()
    resubmit(session, coordinator, q_mra)
    comment = add_comment(session, actor=kisa, questionnaire_id=q_mra, question_key="kontakte.abteilung",
                          text="Noch eine Anmerkung, nicht gesendet.")
    session.commit()

    for product in (GU, WS):
        add_to_cart(session, actor=coordinator, product_id=product)
    session.commit()
    revision = cart_revision(session, coordinator)
    contract = _one(session, select(ModelContract).order_by(col(ModelContract.valid_from).desc()))
    order, _created = place_order(session, actor=coordinator, cart_revision=revision, contract_id=contract.id,
                                  authorised=True)
    session.commit()
    lines = {line.product_id: line for line in session.exec(select(OrderLine).where(OrderLine.order_id == order.id))}
    gu_id, ws_id = lines[GU].ordered_product_id, lines[WS].ordered_product_id
    assert gu_id is not None and ws_id is not None
    gu_row = session.get(OrderedProduct, gu_id)
    assert gu_row is not None
    q_gu = opened(session, coordinator, gu_row)
    fill_completely(session, coordinator, q_gu)
    save_master(session, actor=coordinator, raw={"amt24.mandant": f"Mandant {SECRET}"}, base_version=0)
    invite_to_questionnaires(session, actor=coordinator, questionnaire_ids=[q_gu], email=colleague.email,
                             steps=["kontakte"], note=f"{SECRET}: bitte die Kontakte ergänzen.")
    session.commit()

    report = report_problem(session, actor=colleague, ordered_product_id=mb.id, title=f"{SECRET} Gebühr falsch",
                            text="Die Gebühr wird mit 0 Euro angezeigt.")
    session.commit()
    row = session.get(CatalogProduct, MB)
    assert row is not None
    publish_release(session, actor=kisa, product_id=MB, version="5.0", notes="Neue Felder nach Gesetzesänderung.",
                    requires_config_review=True, expected_version=row.version)
    session.commit()
    notice = _one(session, select(ReleaseNotice).where(ReleaseNotice.ordered_product_id == mb.id))

    invitation = invite_colleague(session, actor=world.other, full_name="Ines Eingeladen",
                                  email="ines.eingeladen@meissen.example", position=POSITIONS[0])
    session.commit()
    accept_invitation(session, token=invitation.token, password=PASSWORD, password_repeat=PASSWORD)
    session.commit()
    invitee = actor_of(_one(session, select(User).where(User.id == invitation.user_id)))

    disabled = named_user(session, world.town, "Dora Deaktiviert")
    row_user = session.get(User, disabled.user_id)
    assert row_user is not None
    row_user.status = UserStatus.DISABLED
    session.add(row_user)
    session.commit()
    pending = make_user(session, municipality=world.town, status=UserStatus.PENDING)
    pending.full_name = "Paula Prüfung"
    session.add(pending)
    session.commit()

    for actor in (colleague, coordinator, world.other, invitee):  # everyone's cart holds a product to order
        add_to_cart(session, actor=actor, product_id=AE)
    session.commit()

    mail = _one(session, select(OutboxMail).where(OutboxMail.municipality_id == world.town.id)
                .order_by(col(OutboxMail.id)))
    first_item = acceptance_view(session, actor=coordinator, ordered_product_id=fw.id or 0).items[0].key
    session.commit()
    ids = Ids(
        town=world.town.id or 0, mb=mb.id or 0, mra=world.ordered[MRA].id or 0, fw=fw.id or 0, gu=gu_id, ws=ws_id,
        q_mb=questionnaire_id_of(session, mb), q_mra=q_mra, q_gu=q_gu, order=order.id or 0,
        line_ws=lines[WS].id or 0, report=report, notice=notice.id or 0, comment=comment, mail=mail.id or 0,
        colleague_user=colleague.user_id, pending_user=pending.id or 0, first_item=first_item,
    )
    session.commit()
    actors = {
        USER_A: colleague, COORD_A: coordinator, USER_B: world.other, INVITEE_B: invitee, KISA: kisa,
        ADMIN: world.admin, DISABLED: actor_of(row_user), PENDING: actor_of(pending),
    }
    assert actors[DISABLED].status == UserStatus.DISABLED and actors[PENDING].status == UserStatus.PENDING
    assert actors[USER_B].can_manage_team and not actors[INVITEE_B].can_manage_team
    assert actors[KISA].role == Role.KISA and actors[ADMIN].role == Role.ADMIN
    return MatrixWorld(ids, actors, _markers(ids))


def cart_revision(session: Session, actor: Actor) -> int:
    """Return the revision of the actor's cart (0 without one), as the cart page shows it."""
    cart = session.exec(select(Cart).where(Cart.user_id == actor.user_id)).first()
    return cart.revision if cart else 0


def _markers(ids: Ids) -> list[re.Pattern[str]]:
    def field(name: str, *values: int) -> re.Pattern[str]:
        return re.compile(rf"\b{name}=({'|'.join(str(v) for v in values)})\b")

    ordered = (ids.mb, ids.mra, ids.fw, ids.gu, ids.ws)
    return [
        re.compile(r"Riesa"), re.compile("Clara Koordinatorin"), re.compile("Karl Kollege"), re.compile(SECRET),
        field("municipality_id", ids.town), field("ordered_product_id", *ordered),
        field("questionnaire_id", ids.q_mb, ids.q_mra, ids.q_gu), field("report_id", ids.report),
        field("notice_id", ids.notice), field("order_id", ids.order),
    ]

