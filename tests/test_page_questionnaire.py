"""AppTest: the questionnaire wizard — deep link with login in place, autosave, field errors, conflicts, submit."""

from __future__ import annotations

from sqlmodel import select

from models import OrderedProductState, Questionnaire, Role
from questionnaire.drafts import open_questionnaire, read_questionnaire, save_step
from questionnaire.store import load_answers
from tests.apptest_helpers import (  # noqa: F401
    all_text,
    app_like_server,
    click,
    field_message,
    open_expander,
    open_page,
    run,
    shown,
)
from tests.builders import PASSWORD, actor_of, make_municipality, make_user
from tests.questionnaire_builders import complete_answers, order_product


def _setup(session):
    town = make_municipality(session, name="Stadt Musterau")
    anna = make_user(session, municipality=town, can_manage_team=True)
    ordered = order_product(session, town, "meldebescheinigung")
    return town, anna, ordered


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    return value[0] if isinstance(value, list) else value


def _answers(session, ordered_id: int) -> dict:
    text = session.exec(select(Questionnaire.answers).where(Questionnaire.ordered_product_id == ordered_id)).one()
    session.commit()  # end the read: on SQLite it holds the write lock
    answers = load_answers(text)
    return answers


def test_a_link_from_the_mail_asks_for_the_login_in_place_and_then_shows_the_questionnaire(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", query={"nr": str(ordered.id), "schritt": "kontakte"})
    assert "Bitte melden Sie sich an" in all_text(at)
    at.text_input(key="guard_login_email").input(anna.email)
    at.text_input(key="guard_login_password").input(PASSWORD)
    click(at, "Anmelden")
    assert at.title[0].value == "Meldebescheinigung"
    assert "Ansprechpartner" in all_text(at)
    assert _param(at, "nr") == str(ordered.id)


def test_each_answer_is_saved_when_the_field_is_left_and_survives_a_new_login(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    field = next(t for t in at.text_input if shown(t.label).startswith("Fachliche:r Ansprechpartner:in – Name"))
    run(at, field.input("Erika Musterfrau"))
    assert _answers(session, ordered.id)["kontakte.fachlich_name"] == "Erika Musterfrau"
    again = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})  # a new browser
    field = next(t for t in again.text_input if shown(t.label).startswith("Fachliche:r Ansprechpartner:in – Name"))
    assert field.value == "Erika Musterfrau"


def test_a_wrong_email_is_shown_at_the_field_kept_as_typed_and_not_saved(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    questionnaire_id = session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).one()
    session.commit()
    key = f"q_fb{questionnaire_id}_kontakte.fachlich_email"
    run(at, at.text_input(key=key).input("erika@@stadt"))
    assert "gültige E-Mail-Adresse" in (field_message(at, key) or "")
    assert at.text_input(key=key).value == "erika@@stadt"
    assert "kontakte.fachlich_email" not in _answers(session, ordered.id)


def test_steps_are_chosen_in_the_list_and_kept_in_the_address(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    click(at, "Weiter")
    assert _param(at, "schritt") == "test"
    assert "Test im Wartungsmodus" in [s.value for s in at.header]
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id), "schritt": "produkt"})
    assert "Produkteinstellungen" in [s.value for s in at.header]
    labels = [shown(t.label) for t in at.text_input]  # as a person reads them
    assert any(label.startswith("Gebühr in Euro") for label in labels)  # from the catalogue's config fields


def test_review_lists_what_is_missing_and_a_complete_questionnaire_is_submitted_and_locked(engine, session):
    _town, anna, ordered = _setup(session)
    actor = actor_of(anna)
    questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    session.commit()
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id), "schritt": "pruefen"})
    text = all_text(at)
    assert "offene Punkte" in text and "Bitte beantworten Sie diese Frage." in text
    view = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id)
    for step, raw in complete_answers(view.steps).items():
        version = read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id).version
        save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key=step, raw=raw, base_version=version)
    session.commit()
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id), "schritt": "pruefen"})
    assert "Alle Pflichtangaben sind vollständig" in all_text(at)
    click(at, "Ja, verbindlich einreichen")
    text = all_text(at)
    assert "Eingereicht (Fassung 1)" in text and "schreibgeschützt" in text
    assert not [t for t in at.text_input if not t.disabled]  # nothing editable any more
    session.expire_all()
    assert read_questionnaire(session, actor=actor, questionnaire_id=questionnaire_id).state == OrderedProductState.SUBMITTED
    session.commit()


def test_two_colleagues_changing_the_same_answer_see_a_conflict_with_the_other_change(engine, session):
    town, anna, ordered = _setup(session)
    tom = make_user(session, municipality=town)
    first = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    second = open_page(engine, "questionnaire_form", user=tom, query={"nr": str(ordered.id)})
    label = "Zuständige Abteilung für Fragen zur Antragstellung"
    run(first, next(t for t in first.text_input if shown(t.label).startswith(label)).input("Bürgerbüro"))
    run(second, next(t for t in second.text_input if shown(t.label).startswith(label)).input("Einwohnermeldeamt"))
    text = all_text(second)
    assert "hat dieselben Angaben inzwischen geändert" in text and anna.full_name in text and "Bürgerbüro" in text
    assert _answers(session, ordered.id)["kontakte.abteilung"] == "Bürgerbüro"  # nothing overwritten silently
    click(second, "Meine Eingabe speichern")
    assert _answers(session, ordered.id)["kontakte.abteilung"] == "Einwohnermeldeamt"


def test_colleagues_filling_different_answers_at_once_keep_both(engine, session):
    town, anna, ordered = _setup(session)
    tom = make_user(session, municipality=town)
    first = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    second = open_page(engine, "questionnaire_form", user=tom, query={"nr": str(ordered.id)})
    run(first, next(t for t in first.text_input if shown(t.label).startswith("Fachliche:r Ansprechpartner:in – Name"))
        .input("Anna Fach"))
    run(second, next(t for t in second.text_input if shown(t.label).startswith("Technische:r Ansprechpartner:in – Name"))
        .input("Tom Technik"))
    assert "inzwischen geändert" not in all_text(second)
    answers = _answers(session, ordered.id)
    assert answers["kontakte.fachlich_name"] == "Anna Fach" and answers["kontakte.technisch_name"] == "Tom Technik"


def test_another_municipalitys_questionnaire_is_not_found(engine, session):
    _town, _anna, ordered = _setup(session)
    stranger = make_user(session, can_manage_team=True)
    at = open_page(engine, "questionnaire_form", user=stranger, query={"nr": str(ordered.id)})
    assert "nicht gefunden" in all_text(at)
    assert "Meldebescheinigung" not in [t.value for t in at.title]


def test_kisa_sees_the_municipalitys_answers_read_only(engine, session):
    _town, anna, ordered = _setup(session)
    actor = actor_of(anna)
    questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key="kontakte",
              raw={"kontakte.abteilung": "Bürgerbüro Musterau"}, base_version=1)
    session.commit()
    kisa = make_user(session, role=Role.KISA)
    at = open_page(engine, "questionnaire_form", user=kisa, query={"nr": str(ordered.id)})
    assert "Bürgerbüro Musterau" in all_text(at)
    assert not at.text_input and not at.radio


def test_answers_are_copied_to_other_products_after_confirmation(engine, session):
    town, anna, ordered = _setup(session)
    other = order_product(session, town, "melderegisterauskunft")
    actor = actor_of(anna)
    questionnaire_id = open_questionnaire(session, actor=actor, ordered_product_id=ordered.id)
    save_step(session, actor=actor, questionnaire_id=questionnaire_id, step_key="benachrichtigung",
              raw={"benachrichtigung.email": "antraege@musterau.example"}, base_version=1)
    session.commit()
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    assert not [m for m in at.multiselect if m.key == f"cp_targets_{questionnaire_id}"]  # closed: not even read
    open_expander(at, f"cp_panel_{questionnaire_id}")
    run(at, at.multiselect(key=f"cp_targets_{questionnaire_id}").select(other.id))
    click(at, "Ja, kopieren")
    assert "Angaben in 1 Fragebogen übernommen" in all_text(at)
    assert _answers(session, other.id)["benachrichtigung.email"] == "antraege@musterau.example"


def test_coordinator_asks_a_new_colleague_for_help_and_a_mail_goes_out(engine, session):
    from models import OutboxMail, User

    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    questionnaire_id = session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).one()
    session.commit()
    prefix = f"iv_{questionnaire_id}"
    open_expander(at, f"{prefix}_panel")
    at.text_input(key=f"{prefix}_email").input("it-leitung@musterau.example")
    at.text_input(key=f"{prefix}_name").input("Ina Technik")
    at.selectbox(key=f"{prefix}_position").select_index(0)
    at.multiselect(key=f"{prefix}_steps").select("daten")
    click(at, "Einladung senden")
    assert "ein neues Konto wurde angelegt" in all_text(at)
    assert at.text_input(key=f"{prefix}_email").value == ""  # a second click cannot send it twice
    invited = session.exec(select(User).where(User.email == "it-leitung@musterau.example")).one()
    mail = session.exec(select(OutboxMail).where(OutboxMail.to_address == invited.email)).one()
    session.commit()
    assert invited.municipality_id == anna.municipality_id
    assert f"fragebogen?nr={ordered.id}&schritt=daten" in mail.text_body and "einladung?token=" in mail.text_body


def test_start_page_points_to_open_questionnaires(engine, session):
    _town, anna, _ordered = _setup(session)
    text = all_text(open_page(engine, user=anna))
    assert "Ihre nächsten Schritte" in text and "1 Konfigurationsfragebogen ist noch nicht eingereicht." in text


def test_review_and_read_only_pages_offer_the_pdf_and_the_json_export(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id), "schritt": "pruefen"})
    assert [b.label for b in at.get("download_button")] == ["Konfiguration als PDF", "Export für KISA (JSON)"]


def test_a_wrong_value_not_saved_is_an_open_point_on_the_review_page(engine, session):
    _town, anna, ordered = _setup(session)
    at = open_page(engine, "questionnaire_form", user=anna, query={"nr": str(ordered.id)})
    questionnaire_id = session.exec(select(Questionnaire.id).where(Questionnaire.ordered_product_id == ordered.id)).one()
    session.commit()
    run(at, at.text_input(key=f"q_fb{questionnaire_id}_kontakte.fachlich_telefon").input("12"))
    run(at, at.radio(key=f"fb_step_{questionnaire_id}").set_value("pruefen"))
    text = all_text(at)
    assert "Fachliche:r Ansprechpartner:in – Telefon – nicht gespeichert" in text
    run(at, at.radio(key=f"fb_step_{questionnaire_id}").set_value("kontakte"))
    assert at.text_input(key=f"q_fb{questionnaire_id}_kontakte.fachlich_telefon").value == "12"  # still as typed
