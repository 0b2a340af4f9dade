"""Copy answers from one questionnaire to the municipality's other products: filled once, not fourteen times."""

from __future__ import annotations

import pytest
from sqlmodel import select

from core.errors import DomainError, NotFound
from models import AuditEvent, OrderedProductState, Questionnaire, QuestionnaireEdit
from questionnaire.copying import copy_answers, copy_targets
from questionnaire.drafts import read_questionnaire, save_step
from questionnaire.submission import submit
from tests.questionnaire_world import fill_completely, make_world, opened, state_of

MB, MA, FW = "meldebescheinigung", "melderegisterauskunft", "anzeige-eines-feuerwerkes"


@pytest.fixture
def world(session):
    return make_world(session)


@pytest.fixture
def source(session, world):
    """Meldebescheinigung, filled completely (transfer directory, fee 12,50 €, settings)."""
    questionnaire_id = opened(session, world.coordinator, world.ordered[MB])
    fill_completely(session, world.coordinator, questionnaire_id)
    return questionnaire_id


def answers(session, actor, questionnaire_id):
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    session.commit()
    return view.answers


def questionnaire_of(session, ordered):
    return session.exec(select(Questionnaire).where(Questionnaire.ordered_product_id == ordered.id)).first()


def test_the_copy_targets_are_the_other_editable_products_of_the_municipality(session, world, source):
    opened(session, world.coordinator, world.ordered[MA])
    targets = copy_targets(session, actor=world.colleague, questionnaire_id=source)
    assert [(t.ordered_product_id, t.product_name, t.begun) for t in targets] == [
        (world.ordered[FW].id, "Anzeige eines Feuerwerkes", False),
        (world.ordered[MA].id, "Melderegisterauskunft", True),
    ]


def test_steps_are_copied_to_several_products_including_one_never_opened(session, world, source):
    auskunft = opened(session, world.coordinator, world.ordered[MA])
    assert answers(session, world.coordinator, auskunft)["produkt.zustaendige_stelle"] == "Bürgerbüro"
    assert questionnaire_of(session, world.ordered[FW]) is None

    report = copy_answers(session, actor=world.colleague, questionnaire_id=source, step_keys=["kontakte", "produkt"],
                          target_ordered_ids=[world.ordered[MA].id, world.ordered[FW].id])
    session.commit()

    fireworks = questionnaire_of(session, world.ordered[FW])
    assert fireworks is not None  # created by the copy
    copied_fw = answers(session, world.coordinator, fireworks.id)
    copied_ma = answers(session, world.coordinator, auskunft)
    original = answers(session, world.coordinator, source)
    contacts = {k: v for k, v in original.items() if k.startswith("kontakte.")}
    assert contacts and all(copied_fw[k] == v and copied_ma[k] == v for k, v in contacts.items())
    # Product settings go over only where the target asks the same question.
    assert copied_ma["produkt.zustaendige_stelle"] == original["produkt.zustaendige_stelle"] == "Beispielwert"
    assert copied_ma["produkt.gebuehr"] == original["produkt.gebuehr"] == 1250  # cents survive the copy
    assert "produkt.zahlungsart" not in copied_ma  # Melderegisterauskunft does not ask for it
    assert not any(k.startswith("produkt.") for k in copied_fw)
    # Steps not chosen are not copied.
    assert "amt24.organisationseinheit" not in copied_ma and "datenschutz.dsb_name" not in copied_fw

    assert report.skipped == []
    assert report.copied == {"Melderegisterauskunft": len(contacts) + 2, "Anzeige eines Feuerwerkes": len(contacts)}
    assert state_of(session, world.ordered[FW]) == OrderedProductState.QUESTIONNAIRE
    assert state_of(session, world.ordered[MA]) == OrderedProductState.QUESTIONNAIRE
    edits = session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.step == "kopie")).all()
    assert {e.questionnaire_id for e in edits} == {auskunft, fireworks.id}
    assert {e.user_name for e in edits} == {"Karl Kollege"}
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.copied")).one()
    assert event.entity_id == str(source) and event.municipality_id == world.town.id
    assert answers(session, world.coordinator, source) == original  # the source is untouched


def test_a_choice_the_target_does_not_offer_is_reported_as_skipped(session, world, source):
    report = copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=["daten"],
                          target_ordered_ids=[world.ordered[FW].id, world.ordered[MA].id])
    session.commit()
    # The source chose the transfer directory; the Feuerwerk offers only e-mail.
    assert report.skipped == [("Anzeige eines Feuerwerkes", "Bereitstellung der Antragsdaten",
                               "Bitte wählen Sie einen der angebotenen Einträge.")]
    fireworks = answers(session, world.coordinator, questionnaire_of(session, world.ordered[FW]).id)
    assert fireworks["daten.weg"] == "E-Mail mit PDF"  # its only way stays
    assert fireworks["daten.transferverzeichnis"] == r"\\kdn-fs01\transfer\oaa"
    auskunft = answers(session, world.coordinator, questionnaire_of(session, world.ordered[MA]).id)
    assert auskunft["daten.weg"] == "Transferverzeichnis (KDN)"
    assert "daten.fachverfahren" not in auskunft  # the target has no Fachverfahren question


def test_targets_of_another_municipality_are_not_found(session, world, source):
    with pytest.raises(NotFound):
        copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=["kontakte"],
                     target_ordered_ids=[world.ordered[MA].id, world.other_ordered.id])
    session.rollback()
    assert questionnaire_of(session, world.other_ordered) is None
    assert questionnaire_of(session, world.ordered[MA]) is None  # all or nothing


def test_a_submitted_target_is_refused_and_nothing_is_copied(session, world, source):
    auskunft = opened(session, world.coordinator, world.ordered[MA])
    fireworks = opened(session, world.coordinator, world.ordered[FW])
    version = fill_completely(session, world.coordinator, fireworks)
    submit(session, actor=world.coordinator, questionnaire_id=fireworks, base_version=version)
    session.commit()
    before = answers(session, world.coordinator, auskunft)
    assert [t.product_name for t in copy_targets(session, actor=world.coordinator, questionnaire_id=source)] == [
        "Melderegisterauskunft"]
    with pytest.raises(DomainError, match="bereits eingereicht"):
        copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=["kontakte", "produkt"],
                     target_ordered_ids=[world.ordered[MA].id, world.ordered[FW].id])
    session.rollback()
    assert answers(session, world.coordinator, auskunft) == before
    assert session.exec(select(QuestionnaireEdit).where(QuestionnaireEdit.step == "kopie")).all() == []
    assert session.exec(select(AuditEvent).where(AuditEvent.action == "questionnaire.copied")).all() == []


def test_the_source_itself_is_no_target(session, world, source):
    with pytest.raises(DomainError):
        copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=["kontakte"],
                     target_ordered_ids=[world.ordered[MB].id])


@pytest.mark.parametrize(("targets", "steps", "expected"), [
    ([], ["kontakte"], "mindestens ein Produkt"),
    (None, [], "mindestens einen Schritt"),
])
def test_a_copy_needs_a_target_and_a_step(session, world, source, targets, steps, expected):
    target_ids = [world.ordered[MA].id] if targets is None else targets
    with pytest.raises(DomainError, match=expected):
        copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=steps,
                     target_ordered_ids=target_ids)


def test_an_answer_the_source_left_empty_keeps_the_targets_own_answer(session, world, source):
    auskunft = opened(session, world.coordinator, world.ordered[MA])
    save_step(session, actor=world.coordinator, questionnaire_id=auskunft, step_key="kontakte",
              raw={"kontakte.abteilung_telefon": "0351 7654321"}, base_version=1)
    session.commit()
    copy_answers(session, actor=world.coordinator, questionnaire_id=source, step_keys=["kontakte"],
                 target_ordered_ids=[world.ordered[MA].id])
    session.commit()
    assert "kontakte.abteilung_telefon" not in answers(session, world.coordinator, source)
    assert answers(session, world.coordinator, auskunft)["kontakte.abteilung_telefon"] == "+493517654321"
