"""Master data (Stammdaten): checked, locked optimistically, pre-filling and updating drafts on request."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import select

from core.db import session_scope
from core.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from models import AuditEvent, MasterData, QuestionnaireEdit
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.master import (
    MASTER_STEPS,
    StaleMasterData,
    adopt_as_master,
    apply_master,
    differing_drafts,
    read_master,
    save_master,
)
from questionnaire.submission import submit
from tests.questionnaire_world import fill_completely, make_world, opened

NOTIFY = "benachrichtigung.email"
DEPARTMENT = "kontakte.abteilung"
THREADS = 5


@pytest.fixture
def world(session):
    return make_world(session)


def answers(session, actor, questionnaire_id):
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    session.commit()
    return view.answers


def master(session, actor, raw, base):
    saved = save_master(session, actor=actor, raw=raw, base_version=base)
    session.commit()
    return saved


def test_the_master_form_asks_only_master_questions():
    keys = {q.key for s in MASTER_STEPS for q in s.questions}
    assert {NOTIFY, DEPARTMENT, "test.personen", "zustaendigkeit.gemeinden"} <= keys
    assert not keys & {"daten.weg", "test.servicekonto", "datenschutz.vvt", "amt24.pflege"}


def test_master_data_starts_empty_and_is_saved_with_a_version_and_an_audit_event(session, world):
    assert read_master(session, actor=world.colleague).version == 0
    saved = master(session, world.colleague, {DEPARTMENT: "Bürgerbüro", "kontakte.fachlich_telefon": "0351 1234567",
                                              "daten.weg": "E-Mail mit PDF"}, 0)
    assert saved.version == 1 and set(saved.changed_keys) == {DEPARTMENT, "kontakte.fachlich_telefon"}
    view = read_master(session, actor=world.coordinator)
    assert view.answers == {DEPARTMENT: "Bürgerbüro", "kontakte.fachlich_telefon": "+493511234567"}
    assert view.updated_by == "Karl Kollege"
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "masterdata.saved")).one()
    assert event.municipality_id == world.town.id and "Zuständige Abteilung" in event.details
    assert read_master(session, actor=world.other).answers == {}  # Meißen has its own master data


def test_invalid_master_data_raises_field_errors_and_saves_nothing(session, world):
    with pytest.raises(FieldErrors) as caught:
        save_master(session, actor=world.coordinator, base_version=0, raw={
            DEPARTMENT: "Bürgerbüro", NOTIFY: "kaputt", "daten.transferverzeichnis": "../transfer",
            "zustaendigkeit.gemeinden": ["99999999"], "test.personen": [{"name": "Tina Test", "email": ""}]})
    session.rollback()
    assert set(caught.value.errors) == {NOTIFY, "daten.transferverzeichnis", "zustaendigkeit.gemeinden",
                                        "test.personen"}
    assert read_master(session, actor=world.coordinator).version == 0
    assert session.exec(select(MasterData)).all() == []


def test_saving_unchanged_master_data_keeps_the_version(session, world):
    master(session, world.coordinator, {DEPARTMENT: "Bürgerbüro"}, 0)
    saved = master(session, world.coordinator, {DEPARTMENT: " Bürgerbüro "}, 1)
    assert saved.version == 1 and saved.changed_keys == ()


def test_a_stale_master_save_is_refused_and_shows_who_changed_it(session, world):
    master(session, world.coordinator, {DEPARTMENT: "Bürgerbüro"}, 0)
    with pytest.raises(StaleMasterData) as caught:
        save_master(session, actor=world.colleague, raw={DEPARTMENT: "Ordnungsamt", NOTIFY: "karl@riesa.example"},
                    base_version=0)
    session.rollback()
    assert caught.value.current.version == 1
    assert caught.value.current.answers == {DEPARTMENT: "Bürgerbüro"}
    assert str(caught.value).startswith("Clara Koordinatorin hat die Stammdaten inzwischen geändert.")
    assert read_master(session, actor=world.coordinator).answers == {DEPARTMENT: "Bürgerbüro"}
    assert master(session, world.colleague, {DEPARTMENT: "Ordnungsamt"}, 1).version == 2


def test_only_municipal_users_have_master_data(session, world):
    with pytest.raises(PermissionDenied):
        save_master(session, actor=world.kisa, raw={DEPARTMENT: "Bürgerbüro"}, base_version=0)
    with pytest.raises(PermissionDenied):
        read_master(session, actor=world.admin)


def test_master_data_pre_fills_questionnaires_opened_later_but_not_earlier_ones(session, world):
    early = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    master(session, world.coordinator, {DEPARTMENT: "Bürgerbüro", "test.personen": [
        {"name": "Tina Test", "email": "tina@riesa.example", "telefon": ""}]}, 0)
    late = opened(session, world.coordinator, world.ordered["melderegisterauskunft"])
    assert answers(session, world.coordinator, late)[DEPARTMENT] == "Bürgerbüro"
    assert answers(session, world.coordinator, late)["test.personen"][0]["name"] == "Tina Test"
    assert DEPARTMENT not in answers(session, world.coordinator, early)
    assert not any(k.startswith("produkt.") for k in read_master(session, actor=world.coordinator).answers)


@pytest.fixture
def three_drafts(session, world):
    """Meldebescheinigung and Melderegisterauskunft in draft, Feuerwerk submitted; master data at version 1."""
    ids = {p: opened(session, world.coordinator, o) for p, o in world.ordered.items()}
    version = fill_completely(session, world.coordinator, ids["anzeige-eines-feuerwerkes"])
    submit(session, actor=world.coordinator, questionnaire_id=ids["anzeige-eines-feuerwerkes"], base_version=version)
    session.commit()
    master(session, world.coordinator, {NOTIFY: "antraege@example.org", DEPARTMENT: "Bürgerbüro"}, 0)
    return ids


def test_after_a_change_only_editable_drafts_with_other_answers_are_offered(session, world, three_drafts):
    ids = three_drafts
    auskunft = ids["melderegisterauskunft"]
    save_step(session, actor=world.colleague, questionnaire_id=auskunft, step_key="benachrichtigung",
              raw={NOTIFY: "neu@riesa.example"}, base_version=1)
    session.commit()
    saved = master(session, world.coordinator, {NOTIFY: "neu@riesa.example", DEPARTMENT: "Bürgerbüro"}, 1)
    assert saved.changed_keys == (NOTIFY,)
    assert [(d.questionnaire_id, d.product_name, d.keys, d.labels) for d in saved.drafts] == [
        (ids["meldebescheinigung"], "Meldebescheinigung", (NOTIFY,), ("E-Mail-Adresse für Antragseingänge",))]
    # Without keys: every master answer; the submitted Feuerwerk is never offered.
    everything = differing_drafts(session, actor=world.coordinator)
    assert {d.questionnaire_id for d in everything} == {ids["meldebescheinigung"], auskunft}
    assert ids["anzeige-eines-feuerwerkes"] not in {d.questionnaire_id for d in everything}
    assert differing_drafts(session, actor=world.other) == []


def test_master_data_is_applied_only_to_the_chosen_drafts(session, world, three_drafts):
    ids = three_drafts
    bescheinigung, auskunft = ids["meldebescheinigung"], ids["melderegisterauskunft"]
    saved = master(session, world.coordinator, {NOTIFY: "neu@riesa.example"}, 1)
    assert {d.questionnaire_id for d in saved.drafts} == {bescheinigung, auskunft}
    assert apply_master(session, actor=world.colleague, questionnaire_ids=[bescheinigung], keys=(NOTIFY,)) == 1
    session.commit()
    assert answers(session, world.coordinator, bescheinigung)[NOTIFY] == "neu@riesa.example"
    assert NOTIFY not in answers(session, world.coordinator, auskunft)
    edit = session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.questionnaire_id == bescheinigung)).one()
    assert edit.step == "stammdaten" and edit.user_name == "Karl Kollege"
    assert len(session.exec(select(AuditEvent).where(AuditEvent.action == "masterdata.applied")).all()) == 1
    assert [d.questionnaire_id for d in differing_drafts(session, actor=world.coordinator, keys=(NOTIFY,))] == [
        auskunft]
    # Applying again changes nothing.
    assert apply_master(session, actor=world.colleague, questionnaire_ids=[bescheinigung], keys=(NOTIFY,)) == 0


def test_master_data_is_not_written_into_a_submitted_questionnaire(session, world, three_drafts):
    ids = three_drafts
    submitted = ids["anzeige-eines-feuerwerkes"]
    before = read_questionnaire(session, actor=world.coordinator, questionnaire_id=submitted)
    session.commit()
    master(session, world.coordinator, {NOTIFY: "neu@riesa.example"}, 1)
    with pytest.raises(DomainError, match="eingereicht"):
        apply_master(session, actor=world.coordinator, keys=(NOTIFY,),
                     questionnaire_ids=[ids["meldebescheinigung"], submitted])
    session.rollback()
    after = read_questionnaire(session, actor=world.coordinator, questionnaire_id=submitted)
    assert (after.version, after.answers) == (before.version, before.answers)
    assert NOTIFY not in answers(session, world.coordinator, ids["meldebescheinigung"])  # all or nothing


def test_a_questionnaires_answers_can_be_adopted_as_master_data(session, world):
    questionnaire_id = opened(session, world.coordinator, world.ordered["meldebescheinigung"])
    fill_completely(session, world.colleague, questionnaire_id)
    master(session, world.coordinator, {DEPARTMENT: "Alte Abteilung"}, 0)
    saved = adopt_as_master(session, actor=world.coordinator, questionnaire_id=questionnaire_id)
    session.commit()
    assert saved.version == 2 and DEPARTMENT in saved.changed_keys
    view = read_master(session, actor=world.coordinator)
    assert view.answers[DEPARTMENT] == "Bürgerbüro"
    assert view.answers[NOTIFY] == "antraege@example.org"
    assert view.answers["kontakte.fachlich_telefon"] == "+493511234567"
    assert "amt24.pflege" not in view.answers and "datenschutz.vvt" not in view.answers  # not master data
    assert saved.drafts == ()  # the source agrees with the new master data


def test_another_municipalitys_questionnaire_cannot_be_adopted(session, world):
    foreign = opened(session, world.other, world.other_ordered)
    with pytest.raises(NotFound):
        adopt_as_master(session, actor=world.coordinator, questionnaire_id=foreign)


def test_concurrent_first_saves_of_master_data_let_exactly_one_win(engine, session, world):
    actors = [world.coordinator, world.colleague]
    barrier = threading.Barrier(THREADS)

    def attempt(n: int) -> str:
        barrier.wait()
        try:
            with session_scope(engine) as s:
                save_master(s, actor=actors[n % 2], raw={DEPARTMENT: f"Abteilung {n}"}, base_version=0)
        except StaleMasterData:
            return "stale"
        return "saved"

    with ThreadPoolExecutor(THREADS) as pool:
        results = sorted(pool.map(attempt, range(THREADS)))
    assert results == ["saved"] + ["stale"] * (THREADS - 1)
    session.expire_all()
    [row] = session.exec(select(MasterData)).all()
    assert row.version == 1
