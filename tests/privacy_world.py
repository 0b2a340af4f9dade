"""A world in which two people left traces in every table: a municipal coordinator and a KISA clerk.

The coordinator (``PERSON``) logs in, orders, keeps the master data, fills and submits a questionnaire naming
themself as contact and tester, asks a colleague for help, tests, reports a problem, accepts, goes live, ticks the
communication checklist and confirms a release. The clerk (``STAFF``) edits the catalogue, publishes a contract
and a funding programme, decides registrations, comments, takes over, sets up, answers and solves the problem.
Everything runs through the real domain functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Enum as SAEnum
from sqlalchemy import String, TypeDecorator
from sqlmodel import Session, select

from acceptance.launch import LAUNCH_TASKS, confirm_live, tick_launch_task
from acceptance.record import accept
from accounts import approval, web_sessions
from accounts.actor import Actor
from accounts.authentication import authenticate
from accounts.registration import RegistrationInput, register
from backoffice.review import add_comment, take_over
from backoffice.setup import checklist, go_live, tick
from catalog.store import get_product, save_product
from core.clock import today_local
from models import Gemeinde, ReleaseNotice, User
from municipalities.keys import derive_ars
from orders.cart import add_to_cart, view_cart
from orders.checkout import place_order
from orders.contracts import current_contract, publish_contract
from orders.defaults import ensure_defaults
from orders.funding import add_programme
from questionnaire.master import save_master
from questionnaire.team import invite_to_questionnaires
from releases.publish import publish_release
from releases.review import confirm_reviewed
from support.threads import mark_solved, reply, report_problem
from tests.acceptance_world import record_all
from tests.backoffice_world import MB, resubmit, save
from tests.builders import PASSWORD
from tests.catalog_builders import product_data
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, fill_completely, make_world, opened

PERSON = ("Jörg Müller-Lüdenscheidt", "joerg.mueller@riesa.example", "+4935251234567")
STAFF = ("Sönke Sachbearbeiter", "soenke.sachbearbeiter@kisa.example", "+493419876543")
TESTER = {"name": "Tina Test", "email": "tina.test@example.org", "telefon": ""}
REGISTRATION = dict(
    full_name="Erika Mustermann", email="erika.mustermann@grossenhain.example", phone="03522 123456",
    ags="14627060", position="OZG-Koordinator:in", authorised=True, ars="146270060060", leitweg_id="",
    street="Hauptmarkt 1", postal_code="01558", city="Großenhain", password="Elbflorenz-Brücke-1745",
    password_repeat="Elbflorenz-Brücke-1745",
)


@dataclass
class PrivacyWorld:
    """The questionnaire world with a coordinator and a KISA clerk who left traces everywhere."""

    world: World
    person: Actor
    staff: Actor
    order_id: int
    questionnaire_id: int
    web_session_id: int
    registered: int  # a registration the clerk approved
    rejected: int  # a registration the clerk rejected


def rename(session: Session, actor: Actor, full_name: str, email: str, phone: str) -> Actor:
    """Give an account a distinctive name, address and phone number; return its new actor."""
    user = session.get(User, actor.user_id)
    assert user is not None
    user.full_name, user.email, user.phone = full_name, email, phone
    session.add(user)
    session.commit()
    return Actor.of(user)


def person_entry() -> dict[str, str]:
    return {"name": PERSON[0], "email": PERSON[1], "telefon": "0352 51234567"}


def build(session: Session) -> PrivacyWorld:
    questionnaire_catalog(session)
    world = make_world(session)
    person = world.coordinator = rename(session, world.coordinator, *PERSON)
    staff = world.kisa = rename(session, world.kisa, *STAFF)
    today = today_local()

    # The clerk: catalogue, contract, funding.
    ensure_defaults(session)
    save_product(session, actor=staff, data=product_data("Wahlschein"), expected_version=None)
    save_product(session, actor=staff, data=product_data("Hundesteuer"), expected_version=None)
    publish_contract(session, actor=staff, version="2099-1", title="Mustervertrag (Beispiel)",
                     body="§ 1 Gegenstand\n\nKISA stellt der Kommune die bestellten Online-Antragsassistenten "
                          "bereit (Beispieltext).", valid_from=today)
    add_programme(session, actor=staff, name="Förderung (Beispiel)", setup_percent=50, licence_percent=0,
                  valid_from=today, valid_to=None)
    session.commit()

    # The coordinator: a failed and a good login, a session, an order.
    authenticate(session, email=PERSON[1], password="falsch-falsch-falsch")
    assert authenticate(session, email=PERSON[1], password=PASSWORD).actor is not None
    web_session_id = web_sessions.start(session, actor=person).web_session_id
    session.commit()
    add_to_cart(session, actor=person, product_id="wahlschein")
    cart = view_cart(session, actor=person)
    contract = current_contract(session, today)
    assert contract is not None
    order, _created = place_order(session, actor=person, cart_revision=cart.revision, contract_id=contract.id or 0,
                                  authorised=True)
    session.commit()
    add_to_cart(session, actor=person, product_id="hundesteuer")  # for a later order
    session.commit()

    # Master data and the questionnaire name the coordinator as contact and tester.
    save_master(session, actor=person, raw={"test.personen": [person_entry(), TESTER]}, base_version=0)
    session.commit()
    questionnaire_id = opened(session, person, world.ordered[MB])
    fill_completely(session, person, questionnaire_id)
    save(session, person, questionnaire_id, "kontakte", {
        "kontakte.fachlich_name": PERSON[0], "kontakte.fachlich_email": PERSON[1],
        "kontakte.fachlich_telefon": "0352 51234567"})
    save(session, person, questionnaire_id, "test", {"test.personen": [person_entry(), TESTER],
                                                     "test.servicekonto": True})
    invite_to_questionnaires(session, actor=person, questionnaire_ids=[questionnaire_id],
                             email=world.colleague.email, steps=["daten"],
                             note=f"Bitte die Datenbereitstellung ergänzen. Rückfragen an {PERSON[0]}, {PERSON[2]}.")
    session.commit()
    resubmit(session, person, questionnaire_id)

    # The clerk reviews, takes over and sets up.
    add_comment(session, actor=staff, questionnaire_id=questionnaire_id, question_key="kontakte.fachlich_name",
                text=f"Ist {PERSON[0]} ({PERSON[1]}) auch für die Technik erreichbar?")
    session.commit()
    take_over(session, actor=staff, questionnaire_id=questionnaire_id)
    session.commit()
    ordered_id = world.ordered[MB].id or 0
    for task in checklist(session, actor=staff, ordered_product_id=ordered_id):
        tick(session, actor=staff, ordered_product_id=ordered_id, task=task.task, done=True)
    go_live(session, actor=staff, ordered_product_id=ordered_id)
    session.commit()

    # Test: the colleague and the coordinator record results; a problem thread names the coordinator.
    record_all(session, world.colleague, world.ordered[MB])
    report_id = report_problem(session, actor=person, ordered_product_id=ordered_id, title="Gebühr fehlt im PDF",
                               text=f"Gefunden beim Test. Rückruf bitte an {PERSON[0]} unter {PERSON[2]}.")
    session.commit()
    reply(session, actor=staff, report_id=report_id, text=f"Korrigiert; Hinweis an {PERSON[1]} ist raus.")
    mark_solved(session, actor=staff, report_id=report_id)
    session.commit()
    from acceptance.results import record_result

    record_result(session, actor=person, ordered_product_id=ordered_id, item=record_all_keys(session, world)[0],
                  outcome="passed", tester=PERSON[0], note=f"geprüft von {PERSON[0]}", base_version=1)
    session.commit()
    accept(session, actor=person, ordered_product_id=ordered_id, remarks=f"Abgenommen durch {PERSON[0]}.")
    session.commit()
    confirm_live(session, actor=person, ordered_product_id=ordered_id, maintenance_off=True)
    session.commit()
    tick_launch_task(session, actor=person, ordered_product_id=ordered_id, task=LAUNCH_TASKS[0][0], done=True)
    session.commit()

    # A release flags the live product; the coordinator confirms the check.
    _, expected = get_product(session, MB)
    publish_release(session, actor=staff, product_id=MB, version="9.1", notes="Neue Gebührenfelder (Beispiel).",
                    requires_config_review=True, expected_version=expected)
    session.commit()
    notice = session.exec(select(ReleaseNotice).where(ReleaseNotice.ordered_product_id == ordered_id)).one()
    confirm_reviewed(session, actor=person, notice_id=notice.id or 0, note=f"Geprüft von {PERSON[0]}.")
    session.commit()

    # Registrations the clerk decided.
    registered = register(session, RegistrationInput(**REGISTRATION))
    session.commit()
    approval.approve(session, actor=staff, user_id=registered.id or 0)
    session.commit()
    other = session.exec(select(Gemeinde).where(Gemeinde.ags != REGISTRATION["ags"]).order_by(Gemeinde.ags)).first()
    assert other is not None
    rejected = register(session, RegistrationInput(**{**REGISTRATION, "email": "zweiter.versuch@grossenhain.example",
                                                      "ags": other.ags, "ars": derive_ars(other.ags)}))
    session.commit()
    approval.reject(session, actor=staff, user_id=rejected.id or 0, reason="Keine Berechtigung nachgewiesen (Beispiel).")
    session.commit()
    built = PrivacyWorld(world=world, person=person, staff=staff, order_id=order.id or 0,
                         questionnaire_id=questionnaire_id, web_session_id=web_session_id,
                         registered=registered.id or 0, rejected=rejected.id or 0)
    session.commit()  # end the reads (SQLite): commands and pages open their own sessions
    return built


def record_all_keys(session: Session, world: World) -> list[str]:
    from tests.acceptance_world import keys_of

    return keys_of(session, world.coordinator, world.ordered[MB])


DAY = timedelta(days=1)


def is_text(column: Any) -> bool:
    """Tell whether a table column holds text (VARCHAR or TEXT; enums are not text)."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, String) and not isinstance(kind, SAEnum)
