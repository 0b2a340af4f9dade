"""Questionnaires in draft: opened once and pre-filled, saved per step with optimistic locking, resumed later."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, col, select

from accounts.actor import Actor
from core.db import session_scope
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from lifecycle.machine import transition
from models import AuditEvent, OrderedProduct, OrderedProductState, Questionnaire, QuestionnaireEdit, User, UserStatus
from questionnaire.drafts import list_questionnaires, open_questionnaire, read_questionnaire, save_step
from questionnaire.master import save_master
from questionnaire.store import EditConflict
from questionnaire.submission import submit
from tests.questionnaire_world import fill_completely, make_world, opened, state_of

THREADS = 5


@pytest.fixture
def world(session):
    return make_world(session)


def edits_of(session: Session, questionnaire_id: int) -> list[QuestionnaireEdit]:
    session.expire_all()
    return list(session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.questionnaire_id == questionnaire_id)
                             .order_by(col(QuestionnaireEdit.version))).all())


def save(session: Session, actor: Actor, questionnaire_id: int, step: str, raw: dict[str, object], base: int) -> int:
    saved = save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key=step, raw=raw,
                      base_version=base)
    session.commit()
    return saved.version


def answers_of(session: Session, actor: Actor, questionnaire_id: int) -> dict[str, object]:
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    session.commit()
    return view.answers


# --- opening -----------------------------------------------------------------------------------------------------

def test_opening_twice_returns_the_same_questionnaire(session, world):
    first = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    second = opened(session, world.colleague, world.ordered["meldebescheinigung"])
    assert first == second
    assert len(session.exec(select(Questionnaire)).all()) == 1
    assert state_of(session, world.ordered["meldebescheinigung"]) == OrderedProductState.ORDERED  # opening is no edit


def test_a_new_questionnaire_is_pre_filled_with_defaults_master_data_and_the_only_possible_choice(session, world):
    save_master(session, actor=world.coordinator, base_version=0, raw={
        "kontakte.abteilung": "Bürgerbüro Riesa", "benachrichtigung.email": "antraege@riesa.example",
        "daten.transferverzeichnis": r"\\kdn-fs01\transfer\riesa"})
    session.commit()
    answers = answers_of(session, world.coordinator, opened(session, world.coordinator,
                                                            world.ordered["meldebescheinigung"]))
    assert answers["produkt.zustaendige_stelle"] == "Bürgerbüro"  # catalogue default
    assert answers["produkt.gebuehr"] == 800  # "8,00" in cents
    assert "produkt.zahlungsart" not in answers  # two options, no default: the municipality chooses
    assert answers["zustaendigkeit.art"] == "keine"
    assert answers["kontakte.abteilung"] == "Bürgerbüro Riesa"
    assert answers["benachrichtigung.email"] == "antraege@riesa.example"
    assert answers["daten.transferverzeichnis"] == r"\\kdn-fs01\transfer\riesa"
    assert "daten.weg" not in answers  # two delivery ways

    fireworks = answers_of(session, world.coordinator, opened(session, world.coordinator,
                                                              world.ordered["anzeige-eines-feuerwerkes"]))
    assert fireworks["daten.weg"] == "E-Mail mit PDF"  # the only way this product offers is preselected
    assert not any(k.startswith("produkt.") for k in fireworks)


def test_staff_cannot_open_a_questionnaire_the_municipality_has_not_begun(session, world):
    with pytest.raises(NotFound):
        open_questionnaire(session, actor=world.kisa, ordered_product_id=world.ordered["meldebescheinigung"].id)
    session.rollback()
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    assert open_questionnaire(session, actor=world.kisa,
                              ordered_product_id=world.ordered["meldebescheinigung"].id) == questionnaire_id
    view = read_questionnaire(session, actor=world.kisa, questionnaire_id=questionnaire_id)
    assert view.municipality_name == "Riesa" and not view.editable


def test_a_cancelled_product_has_no_questionnaire(session, world):
    ordered = world.ordered["meldebescheinigung"]
    ordered.state = OrderedProductState.CANCELLED
    session.add(ordered)
    session.commit()
    with pytest.raises(DomainError, match="storniert"):
        open_questionnaire(session, actor=world.coordinator, ordered_product_id=ordered.id)


def test_concurrent_first_visits_create_one_questionnaire(engine, session, world):
    ordered_id = world.ordered["meldebescheinigung"].id
    actors = [world.coordinator, world.colleague]
    barrier = threading.Barrier(THREADS)

    def visit(n: int) -> int:
        barrier.wait()
        with session_scope(engine) as s:
            return open_questionnaire(s, actor=actors[n % 2], ordered_product_id=ordered_id)

    with ThreadPoolExecutor(THREADS) as pool:
        ids = list(pool.map(visit, range(THREADS)))
    assert len(set(ids)) == 1
    session.expire_all()
    assert len(session.exec(select(Questionnaire)).all()) == 1


# --- saving a step -----------------------------------------------------------------------------------------------

def test_invalid_input_raises_field_errors_and_changes_nothing(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    before = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    session.commit()
    with pytest.raises(FieldErrors) as caught:
        save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key="kontakte",
                  base_version=before.version, raw={"kontakte.fachlich_name": "Erika Musterfrau",
                                                    "kontakte.fachlich_email": "kaputt",
                                                    "kontakte.fachlich_telefon": "12"})
    session.rollback()
    assert set(caught.value.errors) == {"kontakte.fachlich_email", "kontakte.fachlich_telefon"}
    assert "gültige E-Mail-Adresse" in caught.value.errors["kontakte.fachlich_email"]
    after = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    assert after.version == before.version and after.answers == before.answers  # the good name was not saved either
    assert edits_of(session, questionnaire_id) == []
    assert state_of(session, world.ordered["meldebescheinigung"]) == OrderedProductState.ORDERED


def test_an_unknown_step_is_not_found(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    with pytest.raises(NotFound):
        save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key="gibt_es_nicht",
                  raw={}, base_version=1)


def test_the_first_save_starts_the_questionnaire_in_the_lifecycle_once(session, world):
    ordered = world.ordered["meldebescheinigung"]
    questionnaire_id = opened(session, world.coordinator, ordered)
    version = save(session, world.coordinator, questionnaire_id, "kontakte",
                   {"kontakte.fachlich_name": "Erika Musterfrau"}, 1)
    assert version == 2
    assert state_of(session, ordered) == OrderedProductState.QUESTIONNAIRE
    save(session, world.colleague, questionnaire_id, "amt24", {"amt24.organisationseinheit": "Meldeamt"}, version)
    started = session.exec(select(AuditEvent).where(AuditEvent.action == "lifecycle.questionnaire_started",
                                                    AuditEvent.entity_id == str(ordered.id))).all()
    assert len(started) == 1 and started[0].actor_id == world.coordinator.user_id
    edits = edits_of(session, questionnaire_id)
    assert [(e.version, e.step, e.user_name) for e in edits] == [
        (2, "kontakte", "Clara Koordinatorin"), (3, "amt24", "Karl Kollege")]
    view = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    assert view.updated_by == "Karl Kollege" and view.state == OrderedProductState.QUESTIONNAIRE


def test_saving_unchanged_answers_does_not_bump_the_version(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    raw: dict[str, object] = {"kontakte.fachlich_name": "Erika Musterfrau", "kontakte.abteilung_telefon": ""}
    version = save(session, world.coordinator, questionnaire_id, "kontakte", raw, 1)
    saved = save_step(session, actor=world.coordinator, questionnaire_id=questionnaire_id, step_key="kontakte",
                      raw={"kontakte.fachlich_name": " Erika Musterfrau ", "kontakte.abteilung_telefon": None},
                      base_version=version)
    session.commit()
    assert (saved.version, saved.changed) == (version, 0)
    assert len(edits_of(session, questionnaire_id)) == 1


def test_an_answer_can_be_emptied_again(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    version = save(session, world.coordinator, questionnaire_id, "kontakte",
                   {"kontakte.abteilung_telefon": "0351 1234567"}, 1)
    save(session, world.coordinator, questionnaire_id, "kontakte", {"kontakte.abteilung_telefon": ""}, version)
    assert "kontakte.abteilung_telefon" not in answers_of(session, world.coordinator, questionnaire_id)



def test_a_colleague_whose_account_was_disabled_meanwhile_cannot_save(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    user = session.get(User, world.colleague.user_id)
    user.status = UserStatus.DISABLED
    session.add(user)
    session.commit()
    with pytest.raises(PermissionDenied):  # the actor in the browser session still says "active"
        save_step(session, actor=world.colleague, questionnaire_id=questionnaire_id, step_key="amt24",
                  raw={"amt24.organisationseinheit": "Meldeamt"}, base_version=1)
    session.rollback()
    assert edits_of(session, questionnaire_id) == []


# --- two colleagues at once (optimistic lock) --------------------------------------------------------------------

def test_two_colleagues_saving_the_same_step_from_one_version_conflict_and_can_merge(engine, session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    clara, karl = world.coordinator, world.colleague
    with Session(engine, expire_on_commit=False) as session_b:  # Karl's own session, next to Clara's
        base = read_questionnaire(session, actor=clara, questionnaire_id=questionnaire_id).version
        session.commit()
        assert read_questionnaire(session_b, actor=karl, questionnaire_id=questionnaire_id).version == base
        session_b.commit()

        save(session, clara, questionnaire_id, "kontakte",
             {"kontakte.fachlich_name": "Clara Koordinatorin", "kontakte.fachlich_email": "clara@riesa.example"}, base)

        with pytest.raises(EditConflict) as caught:
            save_step(session_b, actor=karl, questionnaire_id=questionnaire_id, step_key="kontakte", base_version=base,
                      raw={"kontakte.fachlich_name": "Karl Kollege", "kontakte.technisch_name": "Tom Technik"})
        session_b.rollback()
        conflict = caught.value
        assert conflict.current_version == base + 1
        assert "Clara Koordinatorin" in str(conflict) and "noch nicht gespeichert" in str(conflict)
        assert [e.user_name for e in conflict.edits] == ["Clara Koordinatorin"]
        changed = conflict.edits[0].answers
        assert [(a.key, a.label, a.old, a.new) for a in changed] == [
            ("kontakte.fachlich_name", "Fachliche:r Ansprechpartner:in – Name", None, "Clara Koordinatorin")]
        answers = answers_of(session, clara, questionnaire_id)
        assert answers["kontakte.fachlich_name"] == "Clara Koordinatorin"
        assert "kontakte.technisch_name" not in answers  # nothing of Karl's was saved

        # Another step from the old version is merged: Clara's answers stay.
        merged = save_step(session_b, actor=karl, questionnaire_id=questionnaire_id, step_key="amt24",
                           raw={"amt24.organisationseinheit": "Einwohnermeldeamt"}, base_version=base)
        session_b.commit()
        assert merged.version == base + 2
        # Other answers of the same step that Clara did not touch are merged too.
        save(session_b, karl, questionnaire_id, "kontakte", {"kontakte.technisch_name": "Tom Technik"}, base)

        # Karl decides to keep his own name after seeing Clara's: he saves from the conflict's version.
        final = save(session_b, karl, questionnaire_id, "kontakte", {"kontakte.fachlich_name": "Karl Kollege"},
                     conflict.current_version)

    answers = answers_of(session, clara, questionnaire_id)
    assert answers["kontakte.fachlich_name"] == "Karl Kollege"
    assert answers["kontakte.fachlich_email"] == "clara@riesa.example"
    assert answers["kontakte.technisch_name"] == "Tom Technik"
    assert answers["amt24.organisationseinheit"] == "Einwohnermeldeamt"
    assert read_questionnaire(session, actor=clara, questionnaire_id=questionnaire_id).version == final == base + 4


def test_concurrent_saves_of_the_same_step_from_one_version_let_exactly_one_win(engine, session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    actors = [world.coordinator, world.colleague]
    barrier = threading.Barrier(THREADS)

    def attempt(n: int) -> str:
        barrier.wait()
        try:
            with session_scope(engine) as s:
                save_step(s, actor=actors[n % 2], questionnaire_id=questionnaire_id, step_key="kontakte",
                          raw={"kontakte.fachlich_name": f"Person Nummer {n}"}, base_version=1)
        except EditConflict:
            return "conflict"
        return "saved"

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(attempt, range(THREADS)))
    assert sorted(results) == ["conflict"] * (THREADS - 1) + ["saved"]
    edits = edits_of(session, questionnaire_id)
    assert len(edits) == 1
    winner = edits[0]
    view = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    assert view.version == 2
    assert view.answers["kontakte.fachlich_name"] in winner.changes
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "lifecycle.questionnaire_started")).all()) == 1


# --- resume after a lost session ---------------------------------------------------------------------------------

def test_answers_are_there_again_after_a_new_login(engine, session, world):
    questionnaire_id = opened(session, world.colleague, world.ordered["meldebescheinigung"])
    version = save(session, world.colleague, questionnaire_id, "kontakte",
                   {"kontakte.fachlich_name": "Erika Musterfrau", "kontakte.fachlich_telefon": "0351 1234567"}, 1)
    version = save(session, world.colleague, questionnaire_id, "test",
                   {"test.personen": [{"name": "Tina Test", "email": "tina@riesa.example"}]}, version)
    session.close()  # the browser was closed; the Streamlit session is gone

    with Session(engine) as fresh:  # a new login: a new actor read from the database, a new session
        user = fresh.get(User, world.colleague.user_id)
        assert user is not None
        again = Actor.of(user)
        rows = [r for r in list_questionnaires(fresh, actor=again) if r.questionnaire_id == questionnaire_id]
        assert len(rows) == 1 and rows[0].editable and rows[0].updated_at is not None
        reopened = open_questionnaire(fresh, actor=again, ordered_product_id=world.ordered["meldebescheinigung"].id)
        view = read_questionnaire(fresh, actor=again, questionnaire_id=reopened)
    assert reopened == questionnaire_id
    assert view.version == version
    assert view.answers["kontakte.fachlich_name"] == "Erika Musterfrau"
    assert view.answers["kontakte.fachlich_telefon"] == "+493511234567"
    assert view.answers["test.personen"] == [{"name": "Tina Test", "email": "tina@riesa.example", "telefon": ""}]
    assert view.editable and 0 < view.progress < 1


# --- after submission ----------------------------------------------------------------------------------------------

def test_a_submitted_questionnaire_is_read_only_until_kisa_asks_back(session, world):
    ordered = world.ordered["meldebescheinigung"]
    questionnaire_id = opened(session, world.coordinator, ordered)
    version = fill_completely(session, world.coordinator, questionnaire_id)
    submit(session, actor=world.coordinator, questionnaire_id=questionnaire_id, base_version=version)
    session.commit()

    with pytest.raises(DomainError, match="eingereicht"):
        save_step(session, actor=world.colleague, questionnaire_id=questionnaire_id, step_key="amt24",
                  raw={"amt24.organisationseinheit": "Bürgeramt"}, base_version=version)
    session.rollback()
    view = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    assert not view.editable and view.version == version and view.submission_count == 1
    session.commit()

    row = session.get(OrderedProduct, ordered.id)
    transition(session, actor=world.kisa, ordered=row, target=OrderedProductState.QUERY,
               details="Bitte die Organisationseinheit prüfen.")
    session.commit()

    assert read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).editable
    session.commit()
    save(session, world.colleague, questionnaire_id, "amt24", {"amt24.organisationseinheit": "Bürgeramt"}, version)
    assert answers_of(session, world.coordinator, questionnaire_id)["amt24.organisationseinheit"] == "Bürgeramt"
    assert state_of(session, ordered) == OrderedProductState.QUERY  # answering a query does not restart it


def test_typing_what_the_colleague_saved_already_is_no_conflict(engine, session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    base = read_questionnaire(session, actor=world.coordinator, questionnaire_id=questionnaire_id).version
    session.commit()
    save(session, world.coordinator, questionnaire_id, "kontakte", {"kontakte.abteilung": "Bürgerbüro"}, base)
    with Session(engine, expire_on_commit=False) as session_b:
        saved = save_step(session_b, actor=world.colleague, questionnaire_id=questionnaire_id, step_key="kontakte",
                          raw={"kontakte.abteilung": "Bürgerbüro"}, base_version=base)
        session_b.commit()
    assert saved.changed == 0


def test_staff_list_of_questionnaires_is_filtered_and_paged_in_the_database(session, world):
    from questionnaire.drafts import questionnaire_page

    opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    everything = list_questionnaires(session, actor=world.kisa)
    first = questionnaire_page(session, actor=world.kisa, number=1, size=2)
    rest = questionnaire_page(session, actor=world.kisa, number=2, size=2)
    paged = first.items + rest.items
    assert first.total == len(everything) and len(paged) == min(4, len(everything))
    assert {r.ordered_product_id for r in paged} <= {r.ordered_product_id for r in everything}
    since = {o.id: o.state_since for o in session.exec(select(OrderedProduct)).all()}
    order = [(since[r.ordered_product_id], r.ordered_product_id) for r in paged]
    assert order == sorted(order)  # longest in its state first: what was submitted first is read first
    riesa = questionnaire_page(session, actor=world.kisa, search="RIESA", size=50)
    assert riesa.total == 3 and {r.municipality_name for r in riesa.items} == {"Riesa"}
    assert questionnaire_page(session, actor=world.kisa, states=(OrderedProductState.ORDERED,)).total == len(everything)
    assert questionnaire_page(session, actor=world.kisa, states=(OrderedProductState.SUBMITTED,)).total == 0
    own = questionnaire_page(session, actor=world.coordinator, size=50)  # a municipality: its own only
    assert {r.municipality_name for r in own.items} == {"Riesa"}
    session.commit()
