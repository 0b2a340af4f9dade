"""Access (Art. 15 DSGVO) and erasure (Art. 17): everything about a person comes out, and nothing of them stays."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select
from typer.testing import CliRunner

from acceptance.record import acceptance_pdf
from accounts.authentication import authenticate
from accounts.registration import RegistrationInput, register
from cli.main import app
from core.errors import DomainError, FieldErrors, PermissionDenied
from models import AuditEvent, MailStatus, Order, OrderLine, OutboxMail, User, UserStatus, WebSession
from municipalities.keys import derive_ars
from privacy.erasure import REDACTED_TEXT, erase_person
from privacy.export import SECRET_TEXT, export_person
from privacy.inventory import person_tables
from privacy.matching import placeholder_email, placeholder_name
from questionnaire.drafts import read_questionnaire
from questionnaire.export import operator_actor
from tests.backoffice_world import MB
from tests.builders import PASSWORD
from tests.privacy_world import PERSON, REGISTRATION, STAFF, PrivacyWorld, build, is_text

runner = CliRunner()


@pytest.fixture
def pw(session: Session) -> PrivacyWorld:
    return build(session)


def all_texts(session: Session) -> list[tuple[str, str, str]]:
    """Return (table, column, value) for every text value in the whole database."""
    found = []
    for name, table in SQLModel.metadata.tables.items():
        columns = [c for c in table.columns if is_text(c)]
        for row in session.execute(sa_select(*columns)).all() if columns else []:
            found.extend((name, c.name, value) for c, value in zip(columns, row, strict=True) if isinstance(value, str))
    return found


def traces(session: Session, *needles: str) -> list[tuple[str, str, str]]:
    return [t for t in all_texts(session) if any(n.lower() in t[2].lower() for n in needles)]


def counts(session: Session) -> dict[str, int]:
    return {name: session.execute(sa_select(func.count()).select_from(table)).scalar_one()
            for name, table in SQLModel.metadata.tables.items()}


# --- access (Art. 15) ------------------------------------------------------------------------------------------------


def test_the_export_contains_every_table_that_can_be_about_a_person(session, pw):
    person = export_person(session, actor=pw.world.admin, user_id=pw.person.user_id)
    staff = export_person(session, actor=pw.world.admin, user_id=pw.staff.user_id)
    session.commit()
    json.dumps(person), json.dumps(staff)  # serialisable as it is
    assert set(person["tabellen"]) | set(staff["tabellen"]) == set(person_tables())

    tables = person["tabellen"]
    assert person["person"] == {"konto": pw.person.user_id, "name": PERSON[0], "email": PERSON[1]}
    [own] = tables["user"]["zeilen"]  # their own account, not the colleagues they invited
    assert own["email"] == PERSON[1] and own["password_hash"] == SECRET_TEXT
    assert [o["signer_email"] for o in tables["order"]["zeilen"]] == [PERSON[1]]
    assert [i["product_id"] for i in tables["cartitem"]["zeilen"]] == ["hundesteuer"]
    assert tables["order"]["rechtsgrundlage"].startswith("Art. 6 Abs. 1 lit. c DSGVO")
    [answers] = [q["answers"] for q in tables["questionnaire"]["zeilen"]]
    assert answers["kontakte.fachlich_email"] == PERSON[1]
    assert {p["name"] for p in answers["test.personen"]} == {PERSON[0], "Tina Test"}
    assert all(r["actor_id"] == pw.person.user_id or PERSON[1] in r["actor_label"] + r["details"]
               or PERSON[0] in r["details"] for r in tables["auditevent"]["zeilen"])
    assert {r["tester_name"] for r in tables["testresult"]["zeilen"]} == {PERSON[0]}  # not the colleague's results
    assert {"registrationdecision", "catalogproduct", "modelcontract", "fundingprogramme", "setuptask"} <= set(
        staff["tabellen"])
    exported = session.exec(select(AuditEvent).where(AuditEvent.action == "privacy.exported")).all()
    assert {e.entity_id for e in exported} == {str(pw.person.user_id), str(pw.staff.user_id)}


def test_a_person_may_export_their_own_data_and_only_administrators_that_of_others(session, pw):
    own = export_person(session, actor=pw.person, user_id=pw.person.user_id)
    session.commit()
    assert own["person"]["email"] == PERSON[1]
    for actor in (pw.world.colleague, pw.staff, pw.world.other):
        with pytest.raises(PermissionDenied):
            export_person(session, actor=actor, user_id=pw.person.user_id)
        session.rollback()


def test_the_export_command_prints_json(engine, session, pw):
    result = runner.invoke(app, ["privacy", "export", "--email", PERSON[1].upper()])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["person"]["konto"] == pw.person.user_id
    missing = runner.invoke(app, ["privacy", "export", "--email", "niemand@riesa.example"])
    assert missing.exit_code == 1 and "kein Konto" in missing.output


# --- erasure (Art. 17) -----------------------------------------------------------------------------------------------


def test_after_erasure_no_name_or_address_is_left_and_contracts_history_and_log_stay(session, pw):
    assert traces(session, PERSON[0], PERSON[1], STAFF[0], STAFF[1])  # the world left traces everywhere
    before = counts(session)
    audit_ids = set(session.exec(select(AuditEvent.id)).all())
    order = session.get(Order, pw.order_id)
    lines = [(ln.product_id, ln.setup_cents, ln.due_setup_cents) for ln in
             session.exec(select(OrderLine).where(OrderLine.order_id == pw.order_id)).all()]
    number, totals = order.number, (order.total_setup_cents, order.due_setup_cents, order.municipality_id)
    session.commit()

    erase_person(session, actor=pw.world.admin, user_id=pw.person.user_id,
                 reason=f"Antrag nach Art. 17 DSGVO von {PERSON[0]} vom 3. März")
    erase_person(session, actor=pw.world.admin, user_id=pw.staff.user_id, reason="Ausgeschieden, Antrag auf Löschung")
    session.commit()
    session.expire_all()

    assert traces(session, PERSON[0], PERSON[1], PERSON[2], "0352 51234567", STAFF[0], STAFF[1], STAFF[2]) == []
    after = counts(session)
    assert after == {**before, "auditevent": before["auditevent"] + 2}
    assert audit_ids <= set(session.exec(select(AuditEvent.id)).all())
    erased = session.exec(select(AuditEvent).where(AuditEvent.action == "privacy.erased")
                          .order_by(col(AuditEvent.id))).all()
    assert [e.entity_id for e in erased] == [str(pw.person.user_id), str(pw.staff.user_id)]
    assert placeholder_name(pw.person.user_id) in erased[0].details  # the reason, without the name

    order = session.get(Order, pw.order_id)
    assert (order.number, (order.total_setup_cents, order.due_setup_cents, order.municipality_id)) == (number, totals)
    assert (order.signer_name, order.signer_email) == (placeholder_name(pw.person.user_id),
                                                      placeholder_email(pw.person.user_id))
    assert [(ln.product_id, ln.setup_cents, ln.due_setup_cents) for ln in
            session.exec(select(OrderLine).where(OrderLine.order_id == pw.order_id)).all()] == lines

    user = session.get(User, pw.person.user_id)
    assert (user.full_name, user.email, user.phone, user.status) == (
        placeholder_name(user.id), placeholder_email(user.id), "", UserStatus.DISABLED)
    assert authenticate(session, email=PERSON[1], password=PASSWORD).actor is None
    assert session.get(WebSession, pw.web_session_id).revoked_at is not None
    to_them = session.exec(select(OutboxMail).where(OutboxMail.to_address == placeholder_email(user.id))).all()
    assert to_them and all(m.text_body == REDACTED_TEXT for m in to_them)
    assert all(m.status != MailStatus.PENDING for m in to_them)  # never sent to the placeholder

    # Other people keep their data; the records still work.
    assert traces(session, "Karl Kollege") and traces(session, "tina.test@example.org")
    answers = read_questionnaire(session, actor=pw.world.colleague, questionnaire_id=pw.questionnaire_id).answers
    testers = {p["name"]: p for p in answers["test.personen"]}
    assert set(testers) == {placeholder_name(user.id), "Tina Test"}
    assert testers[placeholder_name(user.id)]["telefon"] == "" and answers["kontakte.fachlich_telefon"] == ""
    pdf = acceptance_pdf(session, actor=pw.world.colleague, ordered_product_id=pw.world.ordered[MB].id)
    assert pdf.startswith(b"%PDF")


def test_erasure_is_for_administrators_with_a_reason_and_spares_the_last_administrator(session, pw):
    target = pw.world.colleague.user_id
    with pytest.raises(PermissionDenied):
        erase_person(session, actor=pw.staff, user_id=target, reason="Antrag nach Art. 17")
    session.rollback()
    with pytest.raises(FieldErrors) as problem:
        erase_person(session, actor=pw.world.admin, user_id=target, reason="  ")
    assert "Grund" in problem.value.errors["reason"]
    session.rollback()
    with pytest.raises(DomainError, match="eigenes Konto"):
        erase_person(session, actor=pw.world.admin, user_id=pw.world.admin.user_id, reason="Antrag nach Art. 17")
    session.rollback()
    with pytest.raises(DomainError, match="letzte aktive Administrationskonto"):
        erase_person(session, actor=operator_actor(), user_id=pw.world.admin.user_id, reason="Antrag nach Art. 17")
    session.rollback()
    pending = register(session, RegistrationInput(**{**REGISTRATION, "email": "noch.offen@grossenhain.example",
                                                     "ags": "14612000", "ars": derive_ars("14612000")}))
    session.commit()
    with pytest.raises(DomainError, match="zuerst ab"):
        erase_person(session, actor=pw.world.admin, user_id=pending.id, reason="Antrag nach Art. 17")
    session.rollback()
    erase_person(session, actor=pw.world.admin, user_id=target, reason="Antrag nach Art. 17")
    session.commit()
    with pytest.raises(DomainError, match="bereits gelöscht"):
        erase_person(session, actor=pw.world.admin, user_id=target, reason="Antrag nach Art. 17")
    session.rollback()
    assert session.get(User, pw.world.admin.user_id).status == UserStatus.ACTIVE


def test_the_erase_command_asks_for_confirmation(engine, session, pw):
    declined = runner.invoke(app, ["privacy", "erase", "--email", PERSON[1], "--reason", "Antrag"], input="n\n")
    assert declined.exit_code == 1 and "Nichts geändert" in declined.output
    assert session.get(User, pw.person.user_id).email == PERSON[1]
    session.commit()
    done = runner.invoke(app, ["privacy", "erase", "--email", PERSON[1], "--reason", "Antrag nach Art. 17", "--yes"])
    assert done.exit_code == 0, done.output
    assert f"Konto {pw.person.user_id} anonymisiert" in done.output
    session.expire_all()
    assert session.get(User, pw.person.user_id).email == placeholder_email(pw.person.user_id)
