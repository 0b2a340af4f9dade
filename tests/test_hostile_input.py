"""Hostile input through every free-text field: refused with a German message or stored cleaned, and inert in
pages, mails and PDFs (issue #7).

Every field gets every string of :data:`tests.hostile.HOSTILE` through its domain function, on SQLite and
PostgreSQL (which refuses NUL in text and text longer than its column). Each attempt runs in its own transaction,
is read back and rolled back, so the world stays the same for the next string. The page tests then put one
string with every markup attack (:data:`tests.hostile.PAYLOAD`) into the field and open the pages that show it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from markupsafe import escape
from sqlmodel import Session, col, func, select

from acceptance.launch import confirm_live
from acceptance.record import accept, acceptance_pdf
from acceptance.results import record_result
from accounts import approval
from accounts.administration import create_staff_account, list_accounts
from accounts.authentication import LOGIN_FAILED, authenticate
from accounts.registration import RegistrationInput, register
from accounts.team import invite_colleague
from accounts.validation import clean_text
from audit.log import list_events
from backoffice.review import add_comment, ask_back, take_over
from backoffice.setup import checklist, go_live, tick
from catalog.editing import problem_list, report_names
from catalog.loader import CatalogError, Problem
from catalog.store import get_product, save_product
from core.clock import today_local
from core.errors import FieldErrors
from core.text import clean_free_text
from documents import render_contract
from lifecycle.changes import request_change, terminate
from models import (
    Acceptance,
    CatalogProduct,
    FundingProgramme,
    ModelContract,
    Municipality,
    OrderedProductState,
    OutboxMail,
    ProblemMessage,
    ProblemReport,
    QuestionnaireAssignment,
    RegistrationDecision,
    ReleaseNotice,
    ReviewComment,
    Role,
    StateChange,
    TestOutcome,
    TestResult,
    User,
)
from notifications.outbox import enqueue, list_mails
from notifications.render import EVENTS, render_mail
from orders.cart import view_cart
from orders.checkout import place_order
from orders.contract_document import contract_data
from orders.contracts import current_contract, publish_contract
from orders.defaults import ensure_defaults
from orders.funding import add_programme
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.export import configuration_pdf
from questionnaire.master import read_master, save_master
from questionnaire.team import invite_to_questionnaires
from releases.publish import publish_release
from releases.review import confirm_reviewed
from support.threads import list_problems, mark_solved, reopen, reply, report_problem
from tests.acceptance_world import TESTER, all_passed, keys_of
from tests.apptest_helpers import app_like_server, click, open_page, run
from tests.backoffice_world import MB, in_testing, put_in_state, resubmit, save, submitted
from tests.builders import actor_of
from tests.catalog_builders import product_data
from tests.hostile import (
    ACTIVE_TOKENS,
    HOSTILE,
    PAYLOAD,
    assert_mail_inert,
    assert_no_active_markup,
    assert_pdf_inert,
    assert_shown_inert,
    has_forbidden,
    tagged,
    unescaped,
)
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, fill_completely, mails, make_world, opened, user_row
from tests.test_notifications_render import SAMPLES

__all__ = ["app_like_server"]  # autouse fixture: pages run as server.py serves them

S = OrderedProductState


@pytest.fixture
def world(session: Session) -> World:
    questionnaire_catalog(session)
    return make_world(session)


# ---- the rule every field follows --------------------------------------------------------------------------------
def one_line(raw: str) -> str:
    return clean_free_text(raw, multiline=False)


def paragraph(raw: str) -> str:
    return clean_free_text(raw, multiline=True)


def account_text(raw: str) -> str:
    """How names and addresses of accounts are cleaned (accounts.validation.clean_text), without the cut."""
    return clean_text(raw, max_length=len(raw))


@dataclass(frozen=True)
class Rule:
    """What a field keeps of a string: cleaned by ``clean``; refused if shorter than ``minimum`` or longer than ``limit``."""

    field: str  # where the German message is shown (FieldErrors key, or the catalogue field path)
    limit: int
    minimum: int = 1
    clean: Callable[[str], str] = paragraph

    def expected(self, raw: str) -> str | None:
        """Return what must be stored, or None if the string must be refused."""
        text = self.clean(raw)
        return text if self.minimum <= len(text) <= self.limit else None

    def good_message(self, raw: str, message: str) -> bool:
        """Tell whether ``message`` is the German message a person needs for this refusal."""
        if len(self.clean(raw)) > self.limit:
            return "höchstens" in message and "Zeichen" in message and str(self.limit) in message.replace(".", "")
        return bool(message) and message[0].isupper() and message.rstrip().endswith((".", "“", ")"))


def refusal(exc: Exception) -> dict[str, str] | None:
    """Return the field messages of a refusal (FieldErrors, or the catalogue's CatalogError), None for a crash."""
    if isinstance(exc, FieldErrors):
        return exc.errors
    if isinstance(exc, CatalogError):
        return {p.field: p.message for p in exc.problems}
    return None


def last_mail_id(session: Session) -> int:
    return int(session.exec(select(func.coalesce(func.max(OutboxMail.id), 0))).one())


def feed(session: Session, rule: Rule, attempt: Callable[[str], str], *, mail_shows: tuple[str, ...] = (),
         pdf: Callable[[], bytes] | None = None) -> None:
    """Put every hostile string through ``attempt`` (which returns what was stored) and check the outcome.

    Mails written by an accepted string must be inert; those of ``mail_shows`` must show the stored text (escaped).
    ``pdf`` renders the document that prints the field; it must read back without control characters.
    """
    problems: list[str] = []
    for key, raw in HOSTILE.items():
        want = rule.expected(raw)
        before = last_mail_id(session)
        try:
            stored = attempt(raw)
            session.flush()
        except Exception as exc:
            session.rollback()
            errors = refusal(exc)
            if errors is None:
                problems.append(f"{key}: crashed with {type(exc).__name__}: {str(exc)[:160]}")
            elif want is not None:
                problems.append(f"{key}: refused with {errors} although it is acceptable")
            elif not rule.good_message(raw, errors.get(rule.field, "")):
                problems.append(f"{key}: no fitting German message at {rule.field!r}: {str(errors)[:200]}")
            continue
        try:
            if want is None:
                problems.append(f"{key}: stored ({len(stored)} characters) although it must be refused")
                continue
            if stored != want:
                problems.append(f"{key}: stored {stored[:50]!r} instead of {want[:50]!r}")
            assert not has_forbidden(stored)
            for mail in session.exec(select(OutboxMail).where(OutboxMail.id > before)).all():
                assert_mail_inert(mail, want if mail.event in mail_shows else None)
            if pdf is not None:
                assert_pdf_inert(pdf(), visible=[want[:30]] if want.isprintable() else [])
        except AssertionError as exc:
            problems.append(f"{key}: {exc}")
        finally:
            session.rollback()
    assert not problems, "\n".join(problems)


def reread(session: Session, model: type, row_id: Any, attribute: str) -> str:
    """Return a column as stored now (the flushed row, read back from the database)."""
    session.flush()
    session.expire_all()
    row = session.get(model, row_id)
    assert row is not None
    return str(getattr(row, attribute))


# ---- step 1: registration, approval, team, staff accounts --------------------------------------------------------
GOOD_REGISTRATION = dict(
    full_name="Erika Mustermann", email="erika.mustermann@grossenhain.example", phone="03522 123456", ags="14627060",
    position="OZG-Koordinator:in", authorised=True, ars="146270060060", street="Hauptmarkt 1", postal_code="01558",
    city="Großenhain", password="Elbflorenz-Brücke-1745", password_repeat="Elbflorenz-Brücke-1745",
)


@pytest.mark.parametrize(("field", "column", "minimum", "limit"), [
    ("full_name", "full_name", 3, 200), ("street", "street", 3, 200), ("city", "city", 2, 120),
])
def test_registration_names_and_address(session, field, column, minimum, limit):
    def attempt(raw: str) -> str:
        user = register(session, RegistrationInput(**{**GOOD_REGISTRATION, field: raw}))
        if column == "full_name":
            return reread(session, User, user.id, column)
        return reread(session, Municipality, user.municipality_id, column)

    feed(session, Rule(field, limit, minimum, clean=account_text), attempt)


def test_the_reason_of_a_rejected_registration(session, world):
    pending = register(session, RegistrationInput(**GOOD_REGISTRATION))
    session.commit()

    def attempt(raw: str) -> str:
        approval.reject(session, actor=world.kisa, user_id=pending.id or 0, reason=raw)
        session.flush()
        return session.exec(select(RegistrationDecision.reason).where(RegistrationDecision.user_id == pending.id)).one()

    feed(session, Rule("reason", 2000, minimum=10), attempt, mail_shows=("registration.rejected",))


def test_the_name_of_an_invited_colleague(session, world):
    numbers = iter(range(1000))

    def attempt(raw: str) -> str:
        invitation = invite_colleague(session, actor=world.coordinator, full_name=raw,
                                      email=f"kollegin{next(numbers)}@riesa.example", position="Sachbearbeitung")
        return reread(session, User, invitation.user_id, "full_name")

    feed(session, Rule("full_name", 200, 3, clean=account_text), attempt)


def test_the_name_of_a_new_staff_account(session, world):
    numbers = iter(range(1000))

    def attempt(raw: str) -> str:
        user = create_staff_account(session, actor=world.admin, email=f"neu{next(numbers)}@kisa.example", full_name=raw,
                                    password="Elbflorenz-Brücke-1745", role=Role.KISA)
        return reread(session, User, user.id, "full_name")

    feed(session, Rule("full_name", 200, 3, clean=account_text), attempt)


# ---- step 2: contract, funding, catalogue ------------------------------------------------------------------------
CONTRACT_BODY = "Vertragstext des Musters, lang genug für eine Fassung mit fünfzig Zeichen: "


@pytest.mark.parametrize(("field", "rule"), [
    ("version", Rule("version", 40, clean=one_line)),
    ("title", Rule("title", 300, 5, clean=one_line)),
    ("body", Rule("body", 50_000, 50, clean=lambda raw: paragraph(CONTRACT_BODY + raw))),
])
def test_model_contract_fields(session, world, field, rule):
    numbers = iter(range(1000))

    def attempt(raw: str) -> str:
        values = {"version": f"2031-{next(numbers)}", "title": "Mustervertrag Antragsassistenten",
                  "body": CONTRACT_BODY, field: CONTRACT_BODY + raw if field == "body" else raw}
        contract = publish_contract(session, actor=world.kisa, valid_from=date(2031, 1, 1), **values)
        return reread(session, ModelContract, contract.id, field)

    feed(session, rule, attempt)


@pytest.mark.parametrize(("field", "minimum", "limit", "clean"), [
    ("name", 5, 200, one_line), ("description", 0, 2000, paragraph),
])
def test_funding_programme_fields(session, world, field, minimum, limit, clean):
    def attempt(raw: str) -> str:
        values = {"name": "Förderprogramm Test", "description": "", field: raw}
        programme = add_programme(session, actor=world.kisa, setup_percent=50, licence_percent=50,
                                  valid_from=date(2031, 1, 1), valid_to=None, **values)
        return reread(session, FundingProgramme, programme.id, field)

    feed(session, Rule(field, limit, minimum, clean=clean), attempt)


CATALOGUE_FIELDS = [
    # (field path, how to put the text into the product data, how to read it back, rule)
    ("name", lambda d, s: d.update(name=s), lambda p: p.name, Rule("name", 300, clean=one_line)),
    ("short_description", lambda d, s: d.update(short_description=f"Kurz: {s}"), lambda p: p.short_description,
     Rule("short_description", 300, 10, clean=lambda raw: paragraph(f"Kurz: {raw}"))),
    ("description", lambda d, s: d.update(description=f"Beschreibung eines Antrags: {s}"), lambda p: p.description,
     Rule("description", 10_000, 20, clean=lambda raw: paragraph(f"Beschreibung eines Antrags: {raw}"))),
    ("legal_basis.0", lambda d, s: d.update(legal_basis=[s]), lambda p: p.legal_basis[0],
     Rule("legal_basis.0", 300, clean=one_line)),
    ("prices.note", lambda d, s: d["prices"].update(note=s), lambda p: p.prices.note,
     Rule("prices.note", 1000, 0, clean=paragraph)),
    ("output_fields.0.label", lambda d, s: d["output_fields"][0].update(label=s), lambda p: p.output_fields[0].label,
     Rule("output_fields.0.label", 300, clean=one_line)),
]


@pytest.mark.parametrize(("field", "put", "get", "rule"), CATALOGUE_FIELDS, ids=[c[0] for c in CATALOGUE_FIELDS])
def test_catalogue_editing_fields(session, world, field, put, get, rule):
    def attempt(raw: str) -> str:
        data = product_data("Hostile Produkt")
        put(data, raw)
        save_product(session, actor=world.kisa, data=data, expected_version=None)
        session.flush()
        session.expire_all()
        return get(get_product(session, "hostile-produkt")[0])

    feed(session, rule, attempt)


# ---- step 3: questionnaire, master data, team requests -----------------------------------------------------------
@pytest.mark.parametrize(("step", "key", "limit", "clean"), [
    ("kontakte", "kontakte.fachlich_name", 200, one_line),
    ("daten", "daten.hinweise", 2000, paragraph),
    ("servicekonto", "servicekonto.text", 1000, paragraph),
])
def test_questionnaire_free_text(session, world, step, key, limit, clean):
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])

    def attempt(raw: str) -> str:
        version = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).version
        save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key=step, raw={key: raw},
                  base_version=version)
        session.flush()
        session.expire_all()
        return read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).answers[key]

    def pdf() -> bytes:
        return configuration_pdf(session, actor=world.kisa, questionnaire_id=questionnaire_id)

    feed(session, Rule(key, limit, clean=clean), attempt, pdf=pdf)


def test_questionnaire_persons_table(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])

    def attempt(raw: str) -> str:
        version = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).version
        person = {"name": raw, "email": "tina.test@example.org", "telefon": ""}
        save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key="test",
                  raw={"test.personen": [person]}, base_version=version)
        session.flush()
        session.expire_all()
        answers = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).answers
        return answers["test.personen"][0]["name"]

    def pdf() -> bytes:
        return configuration_pdf(session, actor=world.kisa, questionnaire_id=questionnaire_id)

    rule = Rule("test.personen", 200, 3, clean=one_line)
    feed(session, rule, attempt, pdf=pdf)


def test_master_data_free_text(session, world):
    def attempt(raw: str) -> str:
        version = read_master(session, actor=world.coordinator).version
        save_master(session, actor=world.coordinator, raw={"amt24.organisationseinheit": raw}, base_version=version)
        session.flush()
        session.expire_all()
        return read_master(session, actor=world.coordinator).answers["amt24.organisationseinheit"]

    feed(session, Rule("amt24.organisationseinheit", 200, clean=one_line), attempt)


def test_the_note_of_a_request_to_fill_steps(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])

    def attempt(raw: str) -> str:
        invited = invite_to_questionnaires(session, actor=world.coordinator, questionnaire_ids=[questionnaire_id],
                                           email=world.colleague.email, steps=["kontakte"], note=raw)
        session.flush()
        return session.exec(select(QuestionnaireAssignment.note)
                            .where(QuestionnaireAssignment.user_id == invited.user_id)).one()

    feed(session, Rule("note", 1000, minimum=0), attempt, mail_shows=("questionnaire.assigned",))


# ---- step 4: KISA's remarks and query ----------------------------------------------------------------------------
def test_kisa_remark_on_an_answer(session, world):
    questionnaire_id = submitted(session, world)

    def attempt(raw: str) -> str:
        comment_id = add_comment(session, actor=world.kisa, questionnaire_id=questionnaire_id,
                                 question_key="kontakte.fachlich_name", text=raw)
        return reread(session, ReviewComment, comment_id, "text")

    feed(session, Rule("text", 2000), attempt)


def test_the_message_of_kisas_query(session, world):
    questionnaire_id = submitted(session, world)

    def attempt(raw: str) -> str:
        ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message=raw)
        session.flush()
        return session.exec(select(ReviewComment.text).where(ReviewComment.questionnaire_id == questionnaire_id)).one()

    feed(session, Rule("message", 2000), attempt, mail_shows=("lifecycle.query",))


# ---- step 5: test results, acceptance, problems ------------------------------------------------------------------
def test_the_note_of_a_test_result(session, world):
    ordered = in_testing(session, world)
    item = keys_of(session, world.colleague, ordered)[0]

    def attempt(raw: str) -> str:
        row = record_result(session, actor=world.colleague, ordered_product_id=ordered.id or 0, item=item,
                            outcome=TestOutcome.FAILED, tester=TESTER, note=raw)
        return reread(session, TestResult, row.id, "note")

    feed(session, Rule("note", 2000), attempt)


def test_a_tester_name_that_is_not_in_the_questionnaire_is_refused(session, world):
    ordered = in_testing(session, world)
    item = keys_of(session, world.colleague, ordered)[0]
    for raw in HOSTILE.values():
        with pytest.raises(FieldErrors) as refused:
            record_result(session, actor=world.colleague, ordered_product_id=ordered.id or 0, item=item,
                          outcome=TestOutcome.PASSED, tester=raw)
        session.rollback()
        assert refused.value.errors["tester"].startswith("Bitte wählen Sie eine der im Fragebogen genannten")
    assert session.exec(select(func.count()).select_from(TestResult)).one() == 0


def test_the_remarks_of_an_acceptance(session, world):
    ordered = all_passed(session, world)

    def attempt(raw: str) -> str:
        row = accept(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, remarks=raw)
        return reread(session, Acceptance, row.id, "remarks")

    def pdf() -> bytes:
        return acceptance_pdf(session, actor=world.coordinator, ordered_product_id=ordered.id or 0)

    feed(session, Rule("remarks", 4000, minimum=0), attempt, mail_shows=("lifecycle.accepted",), pdf=pdf)


@pytest.mark.parametrize(("field", "minimum", "limit", "clean"), [("title", 3, 200, one_line), ("text", 1, 4000, paragraph)])
def test_a_new_problem_report(session, world, field, minimum, limit, clean):
    ordered = in_testing(session, world)

    def attempt(raw: str) -> str:
        values = {"title": "Absenden schlägt fehl", "text": "Fehler 500 nach dem Absenden.", field: raw}
        report_id = report_problem(session, actor=world.colleague, ordered_product_id=ordered.id, **values)
        session.flush()
        if field == "title":
            return reread(session, ProblemReport, report_id, "title")
        return session.exec(select(ProblemMessage.text).where(ProblemMessage.report_id == report_id)).one()

    feed(session, Rule(field, limit, minimum, clean=clean), attempt, mail_shows=("problem.reported",))


def test_replies_and_reopening_reasons_in_a_problem_thread(session, world):
    ordered = in_testing(session, world)
    report_id = report_problem(session, actor=world.colleague, ordered_product_id=ordered.id,
                               title="Absenden schlägt fehl", text="Fehler 500 nach dem Absenden.")
    session.commit()

    def last_message() -> str:
        session.flush()
        return session.exec(select(ProblemMessage.text).where(ProblemMessage.report_id == report_id)
                            .order_by(col(ProblemMessage.id).desc())).first() or ""

    def answer(raw: str) -> str:
        reply(session, actor=world.kisa, report_id=report_id, text=raw)
        return last_message()

    feed(session, Rule("text", 4000), answer, mail_shows=("problem.answered",))
    mark_solved(session, actor=world.kisa, report_id=report_id)
    session.commit()

    def reopening(raw: str) -> str:
        reopen(session, actor=world.colleague, report_id=report_id, reason=raw)
        return last_message().removeprefix("Wieder geöffnet: ")

    feed(session, Rule("reason", 1000), reopening, mail_shows=("problem.updated",))


# ---- after go-live: change request, end of contract, releases ----------------------------------------------------
def reason_in_history(session: Session) -> str:
    """Return the reason as the history keeps it (the latest state change's note after its German lead-in)."""
    note = session.exec(select(StateChange.note).order_by(col(StateChange.id).desc())).first() or ""
    return note.split(": ", 1)[1]


def test_the_reason_of_a_change_request(session, world):
    live = put_in_state(session, world.ordered[MB], S.LIVE)

    def attempt(raw: str) -> str:
        request_change(session, actor=world.coordinator, ordered_product_id=live.id or 0, reason=raw)
        session.flush()
        return reason_in_history(session)

    feed(session, Rule("reason", 2000), attempt, mail_shows=("lifecycle.change_requested",))


def test_the_reason_for_ending_a_contract(session, world):
    live = put_in_state(session, world.ordered[MB], S.LIVE)

    def attempt(raw: str) -> str:
        terminate(session, actor=world.kisa, ordered_product_id=live.id or 0, reason=raw)
        session.flush()
        return reason_in_history(session)

    feed(session, Rule("reason", 2000), attempt, mail_shows=("lifecycle.terminated",))


def test_release_notes(session, world):
    put_in_state(session, world.ordered[MB], S.LIVE)

    def attempt(raw: str) -> str:
        version = session.get(CatalogProduct, MB).version  # type: ignore[union-attr]
        publish_release(session, actor=world.kisa, product_id=MB, version="9.1", notes=raw,
                        requires_config_review=True, expected_version=version)
        session.flush()
        session.expire_all()
        product, _ = get_product(session, MB)
        return product.releases[-1].notes

    feed(session, Rule("notes", 4000), attempt, mail_shows=("release.published",))


def test_a_release_version_is_refused_unless_it_is_a_number(session, world):
    for key, raw in HOSTILE.items():
        version = session.get(CatalogProduct, MB).version  # type: ignore[union-attr]
        with pytest.raises(FieldErrors) as refused:
            publish_release(session, actor=world.kisa, product_id=MB, version=raw, notes="Neue Gebühr",
                            requires_config_review=False, expected_version=version)
        session.rollback()
        assert refused.value.errors["version"].startswith("Bitte geben Sie die Version"), key
    assert session.exec(select(func.count()).select_from(ReleaseNotice)).one() == 0


def test_the_note_of_a_checked_release(session, world):
    live = put_in_state(session, world.ordered[MB], S.LIVE)
    version = session.get(CatalogProduct, MB).version  # type: ignore[union-attr]
    publish_release(session, actor=world.kisa, product_id=MB, version="9.1", notes="Neue Gebühr",
                    requires_config_review=True, expected_version=version)
    session.commit()
    notice_id = session.exec(select(ReleaseNotice.id).where(ReleaseNotice.ordered_product_id == live.id)).one()

    def attempt(raw: str) -> str:
        confirm_reviewed(session, actor=world.coordinator, notice_id=notice_id, note=raw)
        return reread(session, ReleaseNotice, notice_id, "review_note").split(": ", 1)[1]

    feed(session, Rule("note", 1000, minimum=1), attempt)


# ---- searches: SQL only with bound parameters -----------------------------------------------------------------------
def test_searches_and_the_login_take_any_text_literally_and_never_run_it(session, world):
    ordered = in_testing(session, world)
    report_problem(session, actor=world.colleague, ordered_product_id=ordered.id, title="Absenden schlägt fehl",
                   text="Fehler 500.")
    session.commit()
    users = session.exec(select(func.count()).select_from(User)).one()
    for key, raw in HOSTILE.items():
        assert list_accounts(session, actor=world.admin, text=raw) == [], key
        assert list_events(session, actor=world.kisa, text=raw).total == 0, key
        assert list_mails(session, actor=world.kisa, text=raw).total == 0, key
        assert list_problems(session, actor=world.kisa, query=raw) == [], key
        assert authenticate(session, email=raw, password=raw).message == LOGIN_FAILED, key
        session.rollback()
    assert session.exec(select(func.count()).select_from(User)).one() == users  # DROP TABLE was only text


# ---- every mail template, every context value hostile ------------------------------------------------------------
def _hostile_context(value: Any, text: str) -> Any:
    """Return a copy of a sample context with every text replaced by ``text`` (links and flags stay as they are)."""
    if isinstance(value, dict):
        return {k: v if k.endswith("url") else _hostile_context(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_hostile_context(v, text) for v in value]
    return text if isinstance(value, str) and value else value


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_every_mail_keeps_hostile_text_inert(event):
    for key, raw in HOSTILE.items():
        mail = render_mail(event, _hostile_context(SAMPLES[event], raw))
        assert "\n" not in mail.subject and "\r" not in mail.subject and not has_forbidden(mail.subject), key
        assert "<script" not in mail.html and "<img src=x" not in mail.html and "href=\"javascript:" not in mail.html, key
        assert str(escape(raw)) in mail.html, f"{event}: {key} not shown escaped in the HTML part"
        assert "{{" not in mail.subject or raw.startswith("{{"), key  # a value is never a template


# ---- pages: the payload in every field, every page that shows it ---------------------------------------------------
def registered(session: Session, kisa: Any, **fields: str) -> User:
    """Register Großenhain with ``fields`` typed into the form and let KISA approve it; return the active user."""
    user = register(session, RegistrationInput(**{**GOOD_REGISTRATION, **fields}))
    session.commit()
    approval.approve(session, actor=kisa, user_id=user.id or 0)
    session.commit()
    return user


def test_catalogue_contract_funding_and_order_texts_are_inert_on_every_page_and_in_the_contract(engine, session, world):
    data = product_data("Hostile Produkt")
    data.update(name=tagged("Name"), short_description=tagged("Kurz"), description=tagged("Beschreibung"),
                legal_basis=[tagged("Recht")], synonyms=[tagged("Synonym")], life_situations=[tagged("Lebenslage")],
                fachverfahren=[tagged("Verfahren")],
                releases=[{"version": "1.0", "date": "2026-01-05", "notes": tagged("Notiz")}])
    data["prices"]["note"] = tagged("Preis")
    data["output_fields"][0] |= {"label": tagged("Feld"), "description": tagged("Feldinfo")}
    save_product(session, actor=world.kisa, data=data, expected_version=None)
    ensure_defaults(session)
    publish_contract(session, actor=world.kisa, version="2031-1", title=tagged("Vertrag"),
                     body=f"Vertragstext mit mindestens fünfzig Zeichen und Hostilem: {PAYLOAD}", valid_from=today_local())
    add_programme(session, actor=world.kisa, name=tagged("Förderung"), setup_percent=50, licence_percent=50,
                  valid_from=today_local(), valid_to=None, description=tagged("Förderinfo"))
    session.commit()
    signer = registered(session, world.kisa, full_name=tagged("Person"), street=tagged("Straße"), city="Ort " + PAYLOAD[:100])
    buyer = actor_of(signer)

    product = open_page(engine, "product", user=signer, query={"id": "hostile-produkt"})
    for tag in ("Name", "Kurz", "Beschreibung", "Recht", "Synonym", "Lebenslage", "Verfahren", "Preis", "Notiz"):
        assert_shown_inert(product, tagged(tag))
    click(product, "In den Warenkorb")
    search = open_page(engine, "catalog_search", user=signer, query={"suche": "Synonym"})
    assert_shown_inert(search, tagged("Name"))
    assert_shown_inert(search, tagged("Kurz"))
    cart = open_page(engine, "cart", user=signer)
    for tag in ("Name", "Kurz", "Vertrag", "Förderung"):
        assert_shown_inert(cart, tagged(tag))

    order, _ = place_order(session, actor=buyer, cart_revision=view_cart(session, actor=buyer).revision,
                           contract_id=current_contract(session, today_local()).id or 0, authorised=True)
    session.commit()
    [mail] = [m for m in mails(session, "order.confirmed") if m.to_address == signer.email]
    assert_mail_inert(mail, tagged("Name"))
    session.commit()  # end the read: SQLite lets the page write only then
    orders = open_page(engine, "my_orders", user=signer)
    assert_shown_inert(orders, tagged("Name"))
    assert_shown_inert(orders, tagged("Person"))
    pdf = render_contract(contract_data(session, actor=buyer, order_id=order.id or 0))
    assert_pdf_inert(pdf, visible=["Name <script>alert(1)</script>", "Person <script>", "Straße <script>",
                                   "Vertrag <script>", "Förderung <script>"])

    kisa = user_row(session, world.kisa)
    session.commit()
    contracts = open_page(engine, "contracts_admin", user=kisa)
    assert_shown_inert(contracts, tagged("Vertrag"))
    assert_shown_inert(contracts, tagged("Förderung"))
    catalogue = open_page(engine, "catalog_admin", user=kisa)
    run(catalogue, catalogue.selectbox(key="cat_adm_pick").select("hostile-produkt"))
    assert_shown_inert(catalogue, tagged("Name"))  # the retire confirmation names the product


def test_names_of_people_and_the_rejection_reason_are_inert_on_every_page(engine, session, world):
    pending = register(session, RegistrationInput(**{**GOOD_REGISTRATION, "full_name": tagged("Antrag")}))
    staff = create_staff_account(session, actor=world.admin, email="neu@kisa.example", full_name=tagged("KISA"),
                                 password="Elbflorenz-Brücke-1745", role=Role.KISA)
    invitation = invite_colleague(session, actor=world.coordinator, full_name=tagged("Kollegin"),
                                  email="kollegin@riesa.example", position="Sachbearbeitung")
    session.commit()
    kisa, admin, coordinator = (user_row(session, a) for a in (world.kisa, world.admin, world.coordinator))
    session.commit()

    approvals = open_page(engine, "approvals", user=kisa)
    assert_shown_inert(approvals, tagged("Antrag"))
    accounts = open_page(engine, "accounts_admin", user=admin)
    assert_no_active_markup(accounts)
    run(accounts, accounts.selectbox(key="adm_pick").select(staff.id))
    assert_shown_inert(accounts, tagged("KISA"))  # "Ja, … deactivate" names the person
    run(accounts, accounts.checkbox(key="adm_confirm").check())
    click(accounts, "Deaktivieren")
    assert_shown_inert(accounts, tagged("KISA"))  # "… ist deaktiviert."
    assert_no_active_markup(open_page(engine, "team", user=coordinator))
    assert_shown_inert(open_page(engine, "invitation", query={"token": invitation.token}), tagged("Kollegin"))

    approval.reject(session, actor=world.kisa, user_id=pending.id or 0, reason=tagged("Grund"))
    session.commit()
    [mail] = mails(session, "registration.rejected")
    assert_mail_inert(mail, tagged("Grund"))
    session.commit()
    assert_shown_inert(open_page(engine, "start", user=pending), tagged("Grund"))
    assert_no_active_markup(open_page(engine, "audit_log", user=kisa))


def test_questionnaire_answers_remarks_and_query_are_inert_on_every_page_and_in_the_configuration(engine, session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])
    fill_completely(session, world.coordinator, questionnaire_id)
    answers = {"kontakte": {"kontakte.fachlich_name": tagged("Fachlich")}, "daten": {"daten.hinweise": tagged("Hinweis")},
               "servicekonto": {"servicekonto.text": tagged("Servicekonto")},
               "amt24": {"amt24.organisationseinheit": tagged("OE")},
               "test": {"test.personen": [{"name": tagged("Tester"), "email": "tina.test@example.org", "telefon": ""}]}}
    for step, raw in answers.items():
        save(session, world.coordinator, questionnaire_id, step, raw)
    save_master(session, actor=world.coordinator, raw={"amt24.mandant": tagged("Mandant")}, base_version=0)
    invite_to_questionnaires(session, actor=world.coordinator, questionnaire_ids=[questionnaire_id],
                             email=world.colleague.email, steps=["kontakte"], note=tagged("Bitte"))
    session.commit()
    [request] = mails(session, "questionnaire.assigned")
    assert_mail_inert(request, tagged("Bitte"))
    coordinator, colleague, kisa = (user_row(session, a) for a in (world.coordinator, world.colleague, world.kisa))
    session.commit()
    shown = ("Fachlich", "Hinweis", "Servicekonto", "OE", "Tester")

    review = open_page(engine, "questionnaire_form", user=coordinator, query={"nr": str(world.ordered[MB].id),
                                                                              "schritt": "pruefen"})
    for tag in shown:
        assert_shown_inert(review, tagged(tag))
    assert_no_active_markup(open_page(engine, "master_data", user=coordinator))
    assert_no_active_markup(open_page(engine, "questionnaires", user=colleague))

    resubmit(session, world.coordinator, questionnaire_id)
    add_comment(session, actor=world.kisa, questionnaire_id=questionnaire_id, question_key="kontakte.fachlich_name",
                text=tagged("Anmerkung"))
    session.commit()
    case = open_page(engine, "kisa_case", user=kisa, query={"nr": str(world.ordered[MB].id)})
    for tag in (*shown, "Anmerkung"):
        assert_shown_inert(case, tagged(tag))
    ask_back(session, actor=world.kisa, questionnaire_id=questionnaire_id, message=tagged("Rückfrage"))
    session.commit()
    for mail in mails(session, "lifecycle.query"):
        assert_mail_inert(mail, tagged("Rückfrage"))
    session.commit()
    answering = open_page(engine, "questionnaire_form", user=coordinator, query={"nr": str(world.ordered[MB].id)})
    assert_shown_inert(answering, tagged("Anmerkung"))
    assert_shown_inert(answering, tagged("Rückfrage"))
    pdf = configuration_pdf(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    assert_pdf_inert(pdf, visible=[f"{tag} <script>alert(1)</script>" for tag in shown])


def test_test_results_acceptance_problems_and_change_request_are_inert_on_every_page_and_in_the_record(
        engine, session, world):
    ordered = world.ordered[MB]
    questionnaire_id = opened(session, world.coordinator, ordered)
    fill_completely(session, world.coordinator, questionnaire_id)
    tester = tagged("Tester")
    save(session, world.coordinator, questionnaire_id, "test",
         {"test.personen": [{"name": tester, "email": "tina.test@example.org", "telefon": ""}]})
    resubmit(session, world.coordinator, questionnaire_id)
    take_over(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    for task in checklist(session, actor=world.kisa, ordered_product_id=ordered.id or 0):
        tick(session, actor=world.kisa, ordered_product_id=ordered.id or 0, task=task.task, done=True)
    go_live(session, actor=world.kisa, ordered_product_id=ordered.id or 0)
    session.commit()
    for key in keys_of(session, world.colleague, ordered):
        record_result(session, actor=world.colleague, ordered_product_id=ordered.id or 0, item=key,
                      outcome=TestOutcome.PASSED, tester=tester, note=tagged("Notiz"))
    report_id = report_problem(session, actor=world.colleague, ordered_product_id=ordered.id, title=tagged("Titel"),
                               text=tagged("Meldung"))
    reply(session, actor=world.kisa, report_id=report_id, text=tagged("Antwort"))
    session.commit()
    for event in ("problem.reported", "problem.answered"):
        for mail in mails(session, event):
            assert_mail_inert(mail)
    coordinator, kisa = user_row(session, world.coordinator), user_row(session, world.kisa)
    session.commit()

    testing = open_page(engine, "acceptance", user=coordinator, query={"nr": str(ordered.id)})
    assert_shown_inert(testing, tester)
    assert_shown_inert(testing, tagged("Notiz"))
    for user in (coordinator, kisa):
        thread = open_page(engine, "problems", user=user, query={"meldung": str(report_id)})
        for tag in ("Titel", "Meldung", "Antwort"):
            assert_shown_inert(thread, tagged(tag))
        assert_shown_inert(open_page(engine, "problems", user=user), tagged("Titel"))
    assert_shown_inert(open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered.id)}), tagged("Titel"))

    mark_solved(session, actor=world.kisa, report_id=report_id)
    accept(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, remarks=tagged("Bemerkung"))
    session.commit()
    for mail in mails(session, "lifecycle.accepted"):
        assert_mail_inert(mail, tagged("Bemerkung"))
    session.commit()
    accepted_page = open_page(engine, "acceptance", user=coordinator, query={"nr": str(ordered.id)})
    assert_shown_inert(accepted_page, tagged("Bemerkung"))
    pdf = acceptance_pdf(session, actor=world.coordinator, ordered_product_id=ordered.id or 0)
    assert_pdf_inert(pdf, visible=["Tester <script>alert(1)</script>", "Notiz <script>", "Bemerkung <script>"])

    confirm_live(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, maintenance_off=True)
    request_change(session, actor=world.coordinator, ordered_product_id=ordered.id or 0, reason=tagged("Satzung"))
    session.commit()
    for mail in mails(session, "lifecycle.change_requested"):
        assert_mail_inert(mail, tagged("Satzung"))
    session.commit()
    assert_no_active_markup(open_page(engine, "journey", user=coordinator, query={"nr": str(ordered.id)}))
    assert_no_active_markup(open_page(engine, "kisa_case", user=kisa, query={"nr": str(ordered.id)}))
    terminate(session, actor=world.kisa, ordered_product_id=ordered.id or 0, reason=tagged("Kündigung"))
    session.commit()
    for mail in mails(session, "lifecycle.terminated"):
        assert_mail_inert(mail, tagged("Kündigung"))
    session.commit()
    assert_no_active_markup(open_page(engine, "journey", user=kisa, query={"nr": str(ordered.id)}))
    assert_no_active_markup(open_page(engine, "audit_log", user=kisa))


def test_a_hostile_product_name_and_release_notes_are_inert_on_every_page_of_its_journey(engine, session, world):
    product, version = get_product(session, MB)
    data = product.model_dump(mode="json") | {"name": tagged("Produkt")}
    save_product(session, actor=world.kisa, data=data, expected_version=version)
    session.commit()
    ordered_id = in_testing(session, world).id
    report_problem(session, actor=world.colleague, ordered_product_id=ordered_id, title="Absenden schlägt fehl",
                   text="Fehler 500.")
    session.commit()
    other = put_in_state(session, world.ordered["melderegisterauskunft"], S.LIVE).product_id
    publish_release(session, actor=world.kisa, product_id=other, version="9.1", notes=tagged("Neu"),
                    requires_config_review=True, expected_version=get_product(session, other)[1])
    session.commit()
    for mail in mails(session, "release.published"):
        assert_mail_inert(mail, tagged("Neu"))
    coordinator, kisa = user_row(session, world.coordinator), user_row(session, world.kisa)
    session.commit()
    name = tagged("Produkt")
    nr = {"nr": str(ordered_id)}
    for user, page, query in [
        (coordinator, "start", None), (coordinator, "questionnaires", None), (coordinator, "questionnaire_form", nr),
        (coordinator, "acceptance", None), (coordinator, "acceptance", nr), (coordinator, "journey", None),
        (coordinator, "journey", nr), (coordinator, "problems", None), (coordinator, "my_orders", None),
        (kisa, "kisa_queue", None), (kisa, "kisa_case", nr), (kisa, "acceptance", nr), (kisa, "problems", None),
        (kisa, "journey", nr), (kisa, "questionnaires", None),
    ]:
        at = open_page(engine, page, user=user, query=query)
        try:
            assert_no_active_markup(at)
            if query or page in ("questionnaires", "acceptance", "problems"):
                assert_shown_inert(at, name)
        except AssertionError as exc:
            raise AssertionError(f"{page} {query or ''} as {user.full_name}: {exc}") from exc
    releases = open_page(engine, "releases", user=coordinator)
    assert_shown_inert(releases, tagged("Neu"))
    note = next(t for t in releases.text_input if t.key and t.key.startswith("rel_note_"))
    run(releases, note.input(tagged("Geprüft")))
    click(releases, "Geprüft, keine Änderung nötig")
    assert_shown_inert(releases, tagged("Geprüft"))
    assert_no_active_markup(open_page(engine, "releases", user=kisa))
    assert_shown_inert(open_page(engine, "product", user=kisa, query={"id": other}), tagged("Neu"))


QUERY_PAGES = [
    ("product", {"id"}), ("kisa_case", {"nr"}), ("acceptance", {"nr"}), ("questionnaire_form", {"nr", "schritt"}),
    ("problems", {"meldung"}), ("problems", {"nr", "punkt", "titel"}), ("journey", {"nr"}), ("journey", {"kommune"}),
    ("catalog_search", {"suche"}),
]


@pytest.mark.parametrize("value", [PAYLOAD, "12\x00", "9" * 12, "1" * 5000, "²"],
                         ids=["payload", "nul", "beyond-int", "5000-digits", "superscript-digit"])
def test_hostile_addresses_open_every_page_without_harm(engine, session, world, value):
    """A link can carry anything in its query: pages say what is wrong (or ignore it), never crash, never render it."""
    in_testing(session, world)
    coordinator, kisa = user_row(session, world.coordinator), user_row(session, world.kisa)
    session.commit()
    for page, keys in QUERY_PAGES:
        for user in (kisa,) if page == "kisa_case" else (coordinator, kisa):
            try:
                assert_no_active_markup(open_page(engine, page, user=user, query=dict.fromkeys(keys, value)))
            except AssertionError as exc:
                raise AssertionError(f"{page} {sorted(keys)} as {user.full_name}: {exc}") from exc
    assert_no_active_markup(open_page(engine, "invitation", query={"token": value}))


def test_the_outbox_shows_a_hostile_mail_as_text_only(engine, session, world):
    context = {**SAMPLES["problem.reported"], "title": tagged("Betreff"), "text": tagged("Text")}
    mail = enqueue(session, event="problem.reported", to="kisa@kisa.example", context=context)
    session.commit()
    kisa = user_row(session, world.kisa)
    session.commit()
    at = open_page(engine, "outbox", user=kisa)
    run(at, at.selectbox(key="outbox_pick").select(mail.id))
    assert_shown_inert(at, tagged("Betreff"))
    assert not at.get("html")
    assert any(tagged("Text") in code.value for code in at.code)  # the text part as written, in a code block


def test_problems_of_a_catalogue_import_quote_the_file_inert():
    """An uploaded catalogue names its entries and fields itself; the list of its problems is Markdown."""
    problems = [Problem(f"{PAYLOAD}.json, Eintrag 1 ({PAYLOAD})", f"sample_data.{PAYLOAD}", PAYLOAD),
                Problem(f"{PAYLOAD}.json", "", PAYLOAD)]
    for text in (problem_list(problems, with_source=True), problem_list(problems), report_names(["x"], {"x": PAYLOAD})):
        for token in ACTIVE_TOKENS:
            assert not unescaped(text, token), token
