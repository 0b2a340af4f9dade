"""Demo questionnaires (sample data): master data of both sample municipalities, drafts and submitted configurations.

Filled through the real service functions as the demo personas, so the demo shows what the app really stores;
demo/journeys.py decides which product gets which, and when.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, delete, select

from accounts.actor import Actor
from models import (
    MasterData,
    OrderedProduct,
    Questionnaire,
    QuestionnaireAssignment,
    QuestionnaireEdit,
    QuestionnaireSubmission,
    ReviewComment,
    User,
)
from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
from questionnaire.master import save_master
from questionnaire.submission import submit

# Sample answers: persons, addresses and paths are invented (example.org / .example addresses).
SAMPLE_ANSWERS: dict[str, dict[str, Any]] = {
    "14999001": {
        "kontakte.fachlich_name": "Anna Beispiel", "kontakte.fachlich_email": "anna.beispiel@musterstadt.example",
        "kontakte.fachlich_telefon": "+49 351 5550101", "kontakte.technisch_name": "Tom Technik",
        "kontakte.technisch_email": "tom.technik@musterstadt.example", "kontakte.technisch_telefon": "+49 351 5550102",
        "kontakte.abteilung": "Bürgerbüro Musterstadt", "kontakte.abteilung_email": "buergerbuero@musterstadt.example",
        "kontakte.abteilung_telefon": "+49 351 5550100",
        "test.personen": [{"name": "Anna Beispiel", "email": "anna.beispiel@musterstadt.example", "telefon": ""},
                          {"name": "Tom Technik", "email": "tom.technik@musterstadt.example", "telefon": ""}],
        "daten.kdn": True, "daten.transferverzeichnis": r"\\kdn-fs01\transfer\musterstadt\oaa",
        "amt24.organisationseinheit": "Bürgerbüro", "amt24.mandant": "Musterstadt (Beispielmandant)",
        "zustaendigkeit.art": "keine", "zustaendigkeit.gemeinden": [],
        "benachrichtigung.email": "antraege@musterstadt.example", "benachrichtigung.kopie": "",
        "datenschutz.dsb_name": "Dana Datenschutz", "datenschutz.dsb_email": "datenschutz@musterstadt.example",
    },
    "14999002": {
        "kontakte.fachlich_name": "Berta Muster", "kontakte.fachlich_email": "berta.muster@talheim.example",
        "kontakte.fachlich_telefon": "+49 3591 555010", "kontakte.technisch_name": "IT-Service Verwaltungsverband",
        "kontakte.technisch_email": "it@talheim.example", "kontakte.technisch_telefon": "+49 3591 555020",
        "kontakte.abteilung": "Ordnungsamt", "kontakte.abteilung_email": "ordnungsamt@talheim.example",
        "test.personen": [{"name": "Berta Muster", "email": "berta.muster@talheim.example", "telefon": ""}],
        "daten.kdn": True, "daten.transferverzeichnis": "/kdn/transfer/talheim/oaa",
        "amt24.organisationseinheit": "Ordnungsamt",
        "zustaendigkeit.art": "keine", "zustaendigkeit.gemeinden": [],
        "benachrichtigung.email": "ordnungsamt@talheim.example",
        "datenschutz.dsb_name": "Dirk Schutz", "datenschutz.dsb_email": "dsb@talheim.example",
    },
    # The Verwaltungsgemeinschaft: its Bürgerbüro handles the applications of two member municipalities (real AGS
    # from the municipality list, as the questionnaire requires; the arrangement itself is sample data).
    "14999004": {
        "kontakte.fachlich_name": "Vera Verbund", "kontakte.fachlich_email": "vera.verbund@beispielsee.example",
        "kontakte.fachlich_telefon": "+49 35955 55010", "kontakte.technisch_name": "Ingo Netz",
        "kontakte.technisch_email": "it@beispielsee.example", "kontakte.technisch_telefon": "+49 35955 55020",
        "kontakte.abteilung": "Bürgerbüro der Verwaltungsgemeinschaft",
        "kontakte.abteilung_email": "buergerbuero@beispielsee.example",
        "test.personen": [{"name": "Vera Verbund", "email": "vera.verbund@beispielsee.example", "telefon": ""}],
        "daten.kdn": True, "daten.transferverzeichnis": "/kdn/transfer/beispielsee/oaa",
        "amt24.organisationseinheit": "Bürgerbüro", "amt24.mandant": "VG Am Beispielsee (Beispielmandant)",
        "zustaendigkeit.art": "Verwaltungsgemeinschaft", "zustaendigkeit.gemeinden": ["14625010", "14625060"],
        "benachrichtigung.email": "antraege@beispielsee.example",
        "datenschutz.dsb_name": "Dirk Schutz", "datenschutz.dsb_email": "dsb@beispielsee.example",
    },
}
COMPLETION = {"test.servicekonto": True, "datenschutz.vvt": True, "datenschutz.zugriff": True,
              "datenschutz.loeschung": True, "amt24.pflege": "Die Kommune pflegt die Leistungsseite selbst im "
              "Amt24-Admincenter.", "servicekonto.text": "Wir bearbeiten Ihre Anzeige in der Regel innerhalb von "
              "drei Werktagen. (Beispieltext)"}


def _actor(session: Session, email: str) -> Actor:
    user = session.exec(select(User).where(User.email == email)).one()
    return Actor.of(user)


def _fill(session: Session, actor: Actor, questionnaire_id: int, answers: dict[str, Any]) -> None:
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    for step in view.steps:
        raw: dict[str, object] = {q.key: answers[q.key] for q in step.questions if q.key in answers}
        for question in step.questions:
            if question.key not in raw and question.kind == "auswahl" and question.key not in view.answers:
                raw[question.key] = question.options[0]
        if raw:
            view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
            save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key=step.key, raw=raw,
                      base_version=view.version)


def seed_master_data(session: Session) -> None:
    """Fill the master data of the active sample municipalities (the questionnaires are pre-filled from it)."""
    for email, ags in (("anna.beispiel@musterstadt.example", "14999001"), ("berta.muster@talheim.example", "14999002"),
                       ("vera.verbund@beispielsee.example", "14999004")):
        save_master(session, actor=_actor(session, email), raw=dict(SAMPLE_ANSWERS[ags]), base_version=0)


def start_questionnaire(session: Session, actor: Actor, ordered: OrderedProduct) -> int:
    """Open the questionnaire (pre-filled from master data) and answer one point; product settings stay open."""
    qid = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id or 0)
    _fill(session, actor, qid, {"amt24.pflege": COMPLETION["amt24.pflege"]})
    return qid


def submit_questionnaire(session: Session, actor: Actor, ordered: OrderedProduct, ags: str) -> int | None:
    """Fill the questionnaire completely with the sample answers and submit it; return its id (None if incomplete)."""
    qid = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id or 0)
    _fill(session, actor, qid, SAMPLE_ANSWERS[ags] | COMPLETION)
    view = read_questionnaire(session, actor=actor, questionnaire_id=qid)
    if view.problems:  # a catalogue edit made a setting required that the sample cannot know
        return None
    submit(session, actor=actor, questionnaire_id=qid, base_version=view.version)
    return qid


def delete_questionnaires(session: Session, municipality_ids: Any) -> None:
    """Remove master data and questionnaires (with edits, submissions, assignments) of the given municipalities."""
    questionnaires = select(Questionnaire.id).where(col(Questionnaire.municipality_id).in_(municipality_ids))
    for table in (QuestionnaireAssignment, QuestionnaireEdit, QuestionnaireSubmission, ReviewComment):
        session.exec(delete(table).where(col(table.questionnaire_id).in_(questionnaires)))
    session.exec(delete(Questionnaire).where(col(Questionnaire.municipality_id).in_(municipality_ids)))
    session.exec(delete(MasterData).where(col(MasterData.municipality_id).in_(municipality_ids)))
