"""The demo products and their journeys (sample data): ordered weeks or months ago, moved through the real lifecycle.

Every step runs through ``lifecycle.machine.transition`` (or the real questionnaire and back-office functions, which
call it) with the application clock set back to the step's day, so the history, audit log, questionnaires and mails
carry consistent backdated times and the journey view shows a realistic picture: products live, in test, in set-up,
queried, in the questionnaire, some overdue, one with a change after go-live and one cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from acceptance.checklist import plan_for
from acceptance.launch import confirm_live
from acceptance.record import accept
from acceptance.results import record_result
from accounts.actor import Actor
from backoffice.review import add_comment, ask_back, take_over
from backoffice.setup import checklist, tick
from core import clock
from core.clock import today_local, utcnow
from core.errors import DomainError
from demo.questionnaires import start_questionnaire, submit_questionnaire
from lifecycle.machine import allowed, transition
from models import (
    CatalogProduct,
    Municipality,
    OrderedProduct,
    OrderedProductState,
    OrderLine,
    Questionnaire,
    Role,
    TestOutcome,
    User,
)
from orders.cart import add_to_cart, view_cart
from orders.checkout import place_order
from orders.contracts import current_contract

S = OrderedProductState
MUNICIPAL_PERSONAS = {"14999001": "anna.beispiel@musterstadt.example", "14999002": "berta.muster@talheim.example",
                      "14999004": "vera.verbund@beispielsee.example"}
KISA_PERSONA = "klara.kisa@kisa.example"
SAMPLE = " (Beispieldaten)"


@dataclass(frozen=True)
class Step:
    """One step of a demo product: ``day`` days after the order it moves to ``state``."""

    day: float
    state: OrderedProductState
    note: str = ""  # the reason of a change request (else the machine's label)


@dataclass(frozen=True)
class Story:
    """A demo product: who ordered what how many days ago, and its steps since."""

    ags: str
    product_id: str
    ordered_days_ago: float
    steps: tuple[Step, ...] = ()
    real: bool = False  # questionnaire, submission, query and take-over through the real functions


def _path(*steps: tuple[float, OrderedProductState]) -> tuple[Step, ...]:
    return tuple(Step(day, state) for day, state in steps)


# Planned: two weeks questionnaire, two weeks set-up, three weeks test (live on day 49 after the order).
FIRST_LIVE = _path((2, S.QUESTIONNAIRE), (13, S.SUBMITTED), (16, S.SETUP), (29, S.TESTING), (47, S.ACCEPTED),
                   (49, S.LIVE))
STORIES: tuple[Story, ...] = (
    # Musterstadt: fifteen products at every stage (the journey chart's example).
    Story("14999001", "meldebescheinigung", 160, _path(
        (2, S.QUESTIONNAIRE), (16, S.SUBMITTED), (19, S.QUERY), (24, S.SUBMITTED), (27, S.SETUP), (41, S.TESTING),
        (58, S.ACCEPTED), (60, S.LIVE))),
    Story("14999001", "wohnungsgeberbestaetigung", 150, _path(
        (1, S.QUESTIONNAIRE), (10, S.SUBMITTED), (13, S.SETUP), (24, S.TESTING), (40, S.ACCEPTED), (41, S.LIVE))),
    Story("14999001", "eheurkunde", 240, (
        *FIRST_LIVE, Step(170, S.CHANGE_REQUESTED, "Änderung beantragt: neue Verwaltungskostensatzung" + SAMPLE),
        *_path((181, S.SUBMITTED), (184, S.SETUP), (192, S.TESTING), (203, S.ACCEPTED), (205, S.LIVE)))),
    Story("14999001", "antrag-auf-begruessungsgeld", 120, (
        *FIRST_LIVE, Step(112, S.CHANGE_REQUESTED, "Änderung beantragt: Begrüßungsgeld ab 2027 erhöht" + SAMPLE))),
    Story("14999001", "sterbeurkunde", 70, _path(
        (2, S.QUESTIONNAIRE), (15, S.SUBMITTED), (18, S.SETUP), (33, S.TESTING), (66, S.ACCEPTED))),
    Story("14999001", "geburtsurkunde", 45, _path(
        (1, S.QUESTIONNAIRE), (12, S.SUBMITTED), (14, S.SETUP), (27, S.TESTING))),
    Story("14999001", "anmeldung-der-hauptwohnung", 80, _path(
        (4, S.QUESTIONNAIRE), (18, S.SUBMITTED), (20, S.QUERY), (26, S.SUBMITTED), (28, S.SETUP), (44, S.TESTING))),
    Story("14999001", "anmeldung-eheschliessung", 40, _path((2, S.QUESTIONNAIRE), (12, S.SUBMITTED), (16, S.SETUP)),
          real=True),
    Story("14999001", "gewerbeanmeldung", 30, _path((3, S.QUESTIONNAIRE), (15, S.SUBMITTED), (19, S.QUERY)), real=True),
    Story("14999001", "anmeldung-der-nebenwohnung", 22, _path((2, S.QUESTIONNAIRE), (20, S.SUBMITTED)), real=True),
    Story("14999001", "anerkennung-wesenstest-fuer-gefaehrliche-hunde", 24, _path((4, S.QUESTIONNAIRE)), real=True),
    # Three Meldewesen products just ordered: the questionnaire's "copy to other products" has targets.
    Story("14999001", "einfache-melderegisterauskunft", 6),
    Story("14999001", "antrag-auf-auskunftssperre", 6),
    Story("14999001", "uebermittlungssperren", 6),
    Story("14999001", "bereitschaftserklaerung-fuer-wahlhelfende", 100, _path((5, S.QUESTIONNAIRE), (20, S.CANCELLED))),
    # Talheim: one product in test, one configuration waiting for KISA.
    Story("14999002", "meldebescheinigung", 50, _path((2, S.QUESTIONNAIRE), (13, S.SUBMITTED), (15, S.SETUP),
                                                       (30, S.TESTING))),
    Story("14999002", "anzeige-eines-feuerwerkes", 20, _path((8, S.QUESTIONNAIRE), (17, S.SUBMITTED)), real=True),
    # The Verwaltungsgemeinschaft: its configurations name the member municipalities, so the test checklist asks
    # whether their applications arrive too. One product live, one in test, one being set up, one being filled in.
    Story("14999004", "anmeldung-der-hauptwohnung", 110, FIRST_LIVE, real=True),
    Story("14999004", "gewerbeanmeldung", 60, _path((2, S.QUESTIONNAIRE), (12, S.SUBMITTED), (15, S.SETUP),
                                                    (33, S.TESTING)), real=True),
    Story("14999004", "hundesteuer-anmeldung-eines-hundes", 25, _path((2, S.QUESTIONNAIRE), (11, S.SUBMITTED),
                                                                      (14, S.SETUP)), real=True),
    Story("14999004", "bewohnerparkausweis", 9, _path((3, S.QUESTIONNAIRE)), real=True),
)


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Let the application clock show ``moment`` while the block runs (the demo's steps happened back then)."""
    shift = (moment - utcnow()).total_seconds()
    clock.advance(shift)
    try:
        yield
    finally:
        clock.advance(-shift)


def _actor(session: Session, email: str) -> Actor:
    return Actor.of(session.exec(select(User).where(User.email == email)).one())


def _questionnaire_id(session: Session, ordered: OrderedProduct) -> int | None:
    return session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).first()


def _real_step(session: Session, story: Story, ordered: OrderedProduct, target: OrderedProductState, town: Actor,
               kisa: Actor) -> None:
    """Take the step the way the people would; the caller falls back to a plain transition if it did not happen."""
    qid = _questionnaire_id(session, ordered)
    if target == S.QUESTIONNAIRE:
        start_questionnaire(session, town, ordered)
    elif target == S.SUBMITTED and ordered.state in (S.ORDERED, S.QUESTIONNAIRE):
        submit_questionnaire(session, town, ordered, story.ags)
    elif target == S.QUERY and qid is not None:
        add_comment(session, actor=kisa, questionnaire_id=qid, question_key="kontakte.abteilung",
                    text="Bitte nennen Sie das Sachgebiet, das Rückfragen von Antragstellenden beantwortet." + SAMPLE)
        ask_back(session, actor=kisa, questionnaire_id=qid,
                 message="Sonst ist die Konfiguration vollständig. Vielen Dank!" + SAMPLE)
    elif target == S.SETUP and qid is not None:
        take_over(session, actor=kisa, questionnaire_id=qid)
        for task in checklist(session, actor=kisa, ordered_product_id=ordered.id or 0)[:2]:  # set-up under way
            tick(session, actor=kisa, ordered_product_id=ordered.id or 0, task=task.task, done=True)
    session.flush()


def _accept_and_launch(session: Session, ordered: OrderedProduct, target: OrderedProductState, town: Actor) -> None:
    """Test, accept and go live the way the municipality would, so the Abnahmeprotokoll exists (any story)."""
    if target == S.ACCEPTED and ordered.state == S.TESTING:
        plan = plan_for(session, ordered)
        if not plan.tester_names:
            return  # the plain transition stands in
        for item in plan.items:
            record_result(session, actor=town, ordered_product_id=ordered.id or 0, item=item.key,
                          outcome=TestOutcome.PASSED, tester=plan.tester_names[0])
        accept(session, actor=town, ordered_product_id=ordered.id or 0,
               remarks="Alle Prüfpunkte im Wartungsmodus erfolgreich getestet." + SAMPLE)
    elif target == S.LIVE and ordered.state == S.ACCEPTED:
        confirm_live(session, actor=town, ordered_product_id=ordered.id or 0, maintenance_off=True)
    session.flush()


def _walk(session: Session, story: Story, ordered: OrderedProduct, town: Actor, kisa: Actor) -> None:
    for number, step in enumerate(story.steps):
        moment = ordered.created_at + timedelta(days=step.day, hours=1 + number % 4, minutes=7 * number)
        rule = allowed(ordered.state, step.state)
        assert rule is not None, f"demo story {story.product_id}: {ordered.state} -> {step.state} is not allowed"
        assert moment < utcnow(), f"demo story {story.product_id}: step on day {step.day} lies in the future"
        with clock_at(moment):
            if story.real:
                _real_step(session, story, ordered, step.state, town, kisa)
            _accept_and_launch(session, ordered, step.state, town)
            if ordered.state != step.state:
                actor = town if Role.KOMMUNE in rule.roles and step.state != S.TERMINATED else kisa
                transition(session, actor=actor, ordered=ordered, target=step.state, details=step.note)
        session.flush()


def _order(session: Session, town: Actor, municipality: Municipality, product_ids: list[str],
           ordered_at: datetime) -> dict[str, OrderedProduct]:
    """Order the products on ``ordered_at`` the way the coordinator would (cart, then checkout with the model
    contract: order, order lines, confirmation mail); without a model contract they are created plainly."""
    with clock_at(ordered_at):
        contract = current_contract(session, today_local())
        if contract is not None and contract.id is not None:
            try:
                with session.begin_nested():
                    for product_id in product_ids:
                        add_to_cart(session, actor=town, product_id=product_id)
                    revision = view_cart(session, actor=town).revision
                    order, _ = place_order(session, actor=town, cart_revision=revision, contract_id=contract.id,
                                           authorised=True)
                rows = session.exec(select(OrderedProduct).join(
                    OrderLine, col(OrderLine.ordered_product_id) == OrderedProduct.id).where(
                    OrderLine.order_id == order.id)).all()
                return {ordered.product_id: ordered for ordered in rows}
            except DomainError:
                pass  # e.g. a product was discontinued in this catalogue: created plainly below
        created = {}
        for product_id in product_ids:
            ordered = OrderedProduct(municipality_id=municipality.id or 0, product_id=product_id)
            session.add(ordered)
            created[product_id] = ordered
        session.flush()
        return created


def seed_journeys(session: Session, by_ags: dict[str, Municipality]) -> None:
    """Order the demo products on their backdated days and walk each through its story (if the catalogue has it).

    Products of one municipality ordered on the same day go into one order."""
    known = set(session.exec(select(CatalogProduct.id)).all())
    kisa = _actor(session, KISA_PERSONA)
    now = utcnow()
    groups: dict[tuple[str, float], list[Story]] = {}
    for story in STORIES:
        if story.product_id in known and story.ags in by_ags:
            groups.setdefault((story.ags, story.ordered_days_ago), []).append(story)
    for (ags, days_ago), stories in sorted(groups.items(), key=lambda item: -item[0][1]):
        town = _actor(session, MUNICIPAL_PERSONAS[ags])
        ordered_at = (now - timedelta(days=days_ago)).replace(hour=8, minute=30, second=0, microsecond=0)
        products = _order(session, town, by_ags[ags], [s.product_id for s in stories], ordered_at)
        for story in stories:
            _walk(session, story, products[story.product_id], town, kisa)
