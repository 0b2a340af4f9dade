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

from acceptance.record import accept, acceptance_pdf
from acceptance.results import record_result
from accounts import approval
from accounts.administration import create_staff_account, list_accounts
from accounts.registration import RegistrationInput, register
from accounts.team import invite_colleague
from accounts.validation import clean_text
from audit.log import list_events
from backoffice.review import add_comment, ask_back
from catalog.loader import CatalogError
from catalog.store import get_product, save_product
from core.errors import FieldErrors
from core.text import clean_free_text
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
from notifications.outbox import list_mails
from notifications.render import EVENTS, render_mail
from orders.contracts import publish_contract
from orders.funding import add_programme
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.export import configuration_pdf
from questionnaire.master import read_master, save_master
from questionnaire.team import invite_to_questionnaires
from releases.publish import publish_release
from releases.review import confirm_reviewed
from support.threads import list_problems, mark_solved, reopen, reply, report_problem
from tests.acceptance_world import TESTER, all_passed, keys_of
from tests.backoffice_world import MB, in_testing, put_in_state, submitted
from tests.catalog_builders import product_data
from tests.hostile import HOSTILE, assert_mail_inert, assert_pdf_inert, has_forbidden
from tests.questionnaire_builders import questionnaire_catalog
from tests.questionnaire_world import World, make_world, opened
from tests.test_notifications_render import SAMPLES

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


def reason_in_history(session: Session) -> str:
    """Return the reason as the history keeps it (the latest state change's note after its German lead-in)."""
    note = session.exec(select(StateChange.note).order_by(col(StateChange.id).desc())).first() or ""
    return note.split(": ", 1)[1]


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
def test_searches_take_any_text_literally_and_never_run_it(session, world):
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
