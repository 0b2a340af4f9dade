"""Every kind of question checks its answer with a German message; completeness before submission (no database)."""

from __future__ import annotations

from typing import Any

import pytest

from catalog.schema import DELIVERY_NAMES, DataDelivery
from questionnaire.checks import (
    MAX_PERSONS,
    ValueProblem,
    clean_free_text,
    clean_step,
    clean_value,
    is_required,
    parse_money,
    problems,
    steps_with_problems,
)
from questionnaire.definition import ARRANGEMENTS, Question, Step, questions_by_key, steps_for
from tests.catalog_builders import make_product
from tests.questionnaire_builders import CONFIG_FIELDS, complete_answers

KNOWN_AGS = {"14612000", "14627170", "14522080"}
TRANSFER = DELIVERY_NAMES[DataDelivery.TRANSFERVERZEICHNIS]
E_MAIL_DELIVERY = DELIVERY_NAMES[DataDelivery.EMAIL]


def question(kind: str, **changes: Any) -> Question:
    return Question("test.frage", "Testfrage", kind, **changes)  # type: ignore[arg-type]


def clean(kind: str, raw: object, **changes: Any) -> object:
    return clean_value(question(kind, **changes), raw, known_ags=KNOWN_AGS)


def refused(kind: str, raw: object, **changes: Any) -> str:
    with pytest.raises(ValueProblem) as caught:
        clean(kind, raw, **changes)
    return str(caught.value)


# --- e-mail ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("buergerbuero@stadt-riesa.de", "buergerbuero@stadt-riesa.de"),
    ("  Erika.Musterfrau@Example.ORG ", "erika.musterfrau@example.org"),
])
def test_a_valid_email_address_is_stored_normalised(typed, stored):
    assert clean("email", typed) == stored


@pytest.mark.parametrize("typed", ["erika@", "@stadt.de", "erika musterfrau@stadt.de", "erika", "a@b@stadt.de"])
def test_an_invalid_email_address_is_refused_with_an_example(typed):
    assert "gültige E-Mail-Adresse" in refused("email", typed)


# --- telephone ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("0351 1234567", "+493511234567"),
    ("+49 351 1234567", "+493511234567"),
    ("0351/123 45 67", "+493511234567"),
    ("0171 1234567", "+491711234567"),
    ("03521 12345", "+49352112345"),
])
def test_a_german_phone_number_is_stored_in_international_form(typed, stored):
    assert clean("telefon", typed) == stored


@pytest.mark.parametrize("typed", ["12", "abc", "0351", "0000 0000000"])
def test_an_invalid_phone_number_is_refused(typed):
    assert "gültige Telefonnummer" in refused("telefon", typed)


# --- web address -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["https://amt24.sachsen.de/leistung/123", "https://www.riesa.de"])
def test_an_https_address_with_a_host_is_accepted(typed):
    assert clean("url", typed) == typed


@pytest.mark.parametrize("typed", [
    "http://amt24.sachsen.de", "https://", "https://localhost", "amt24.sachsen.de", "ftp://amt24.sachsen.de",
    "javascript:alert(1)", "https://amt24.sachsen.de/mit leerzeichen",
])
def test_an_address_that_is_not_https_with_a_host_is_refused(typed):
    assert "https://" in refused("url", typed)


# --- transfer directory path -------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    r"\\kdn-fs01\transfer\oaa", r"\\kdn-fs01.kdn.sachsen.de\transfer\oaa\meldewesen", r"\\srv\freigabe",
    "/kdn/transfer/oaa", "/kdn/transfer/oaa/",
])
def test_a_unc_or_absolute_posix_path_is_accepted(typed):
    assert clean("pfad", typed, max_length=240) == typed


@pytest.mark.parametrize("typed", [
    "/kdn/../etc", r"\\srv\freigabe\..\anderes", "transfer/oaa", r"transfer\oaa", r"C:\transfer", "/kdn/a*b",
    "/kdn/a?", '/kdn/"a"', "/kdn/<a>", "/kdn/a|b", r"\\srv", "/", "//srv/freigabe",
])
def test_a_relative_path_one_with_dot_dot_or_special_characters_is_refused(typed):
    message = refused("pfad", typed, max_length=240)
    assert "Netzwerkpfad" in message and "„..“" in message


# --- municipality keys (AGS) -------------------------------------------------------------------------------------

def test_known_municipality_keys_are_kept_once_in_the_given_order():
    assert clean("gemeinden", ["14627170", " 14612000", "14627170"]) == ["14627170", "14612000"]


@pytest.mark.parametrize(("typed", "expected"), [
    (["1461200"], "kein Amtlicher Gemeindeschlüssel (8 Ziffern)"),
    (["14612000x"], "kein Amtlicher Gemeindeschlüssel"),
    (["Dresden"], "kein Amtlicher Gemeindeschlüssel"),
    (["99999999"], "steht nicht im Gemeindeverzeichnis"),
    ("14612000", "aus der Liste"),
])
def test_a_municipality_key_that_is_malformed_or_unknown_is_refused(typed, expected):
    assert expected in refused("gemeinden", typed)


def test_no_municipality_chosen_is_an_empty_answer():
    assert clean("gemeinden", []) is None
    assert clean("gemeinden", None) is None


# --- persons table -----------------------------------------------------------------------------------------------

def person(n: int, **changes: str) -> dict[str, str]:
    return {"name": f"Tina Test{n}", "email": f"tina{n}@example.org", "telefon": ""} | changes


def test_empty_rows_of_the_persons_table_are_ignored():
    rows = [{"name": "", "email": "", "telefon": ""}, person(1, telefon="0351 1234567"), {}]
    assert clean("personen", rows) == [{"name": "Tina Test1", "email": "tina1@example.org",
                                        "telefon": "+493511234567"}]
    assert clean("personen", [{"name": " ", "email": "", "telefon": ""}]) is None


@pytest.mark.parametrize(("row", "expected"), [
    ({"name": "", "email": "tina@example.org"}, "Person 2: Bitte geben Sie Vor- und Nachnamen an."),
    ({"name": "Tina Test", "email": ""}, "Person 2: Bitte geben Sie die E-Mail-Adresse an."),
    ({"name": "Tina Test", "email": "kaputt"}, "Person 2: Bitte geben Sie eine gültige E-Mail-Adresse an"),
    ({"name": "Tina Test", "email": "t@example.org", "telefon": "12"}, "Person 2: Bitte geben Sie eine gültige Tele"),
])
def test_a_person_needs_a_name_and_a_valid_email_and_the_message_names_the_row(row, expected):
    assert refused("personen", [person(1), row]).startswith(expected)


def test_at_most_ten_persons_are_accepted():
    assert len(clean("personen", [person(n) for n in range(MAX_PERSONS)])) == MAX_PERSONS  # type: ignore[arg-type]
    assert refused("personen", [person(n) for n in range(MAX_PERSONS + 1)]) == "Bitte nennen Sie höchstens 10 Personen."


# --- amounts and numbers -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "cents"), [
    ("8", 800), ("8,5", 850), ("8,50", 850), ("1.234,50", 123450), ("12.000", 1200000), ("0", 0), ("8 €", 800),
    ("8,00 EUR", 800), (8, 800), (8.5, 850),
])
def test_an_amount_in_german_notation_is_stored_in_cents(typed, cents):
    assert clean("betrag", typed) == cents
    assert parse_money(typed) == cents


@pytest.mark.parametrize("typed", ["abc", "8.5", "1,234", "8,505", "-3", "1.23,00", True, -5, float("nan"),
                                   float("inf")])
def test_an_amount_that_is_not_a_plain_euro_value_is_refused(typed):
    assert "Betrag" in refused("betrag", typed)


@pytest.mark.parametrize(("typed", "stored"), [
    ("14", 14), ("2,5", 2.5), ("1.234", 1234), (" 7 ", 7), (3, 3), (2.5, 2.5), (4.0, 4),
])
def test_a_number_in_german_notation_is_stored_as_a_number(typed, stored):
    assert clean("zahl", typed) == stored


@pytest.mark.parametrize(("typed", "expected"), [
    ("abc", "Bitte geben Sie eine Zahl ein"), ("1.5", "Bitte geben Sie eine Zahl ein"),
    ("inf", "Bitte geben Sie eine Zahl ein"), ("nan", "Bitte geben Sie eine Zahl ein"),
    ("1e400", "Bitte geben Sie eine Zahl ein"), ("1_000", "Bitte geben Sie eine Zahl ein"),
    (float("inf"), "Bitte geben Sie eine Zahl ein"), (True, "Bitte geben Sie eine Zahl ein"),
    ("-1", "Bitte geben Sie eine Zahl ab 0 ein."), (-2, "Bitte geben Sie eine Zahl ab 0 ein."),
])
def test_a_number_that_is_not_a_plain_non_negative_number_is_refused(typed, expected):
    assert refused("zahl", typed).startswith(expected)


# --- choices and yes/no ------------------------------------------------------------------------------------------

def test_a_choice_must_be_one_of_the_options():
    assert clean("auswahl", "Überweisung", options=("ePayBL", "Überweisung")) == "Überweisung"
    assert refused("auswahl", "Barzahlung", options=("ePayBL", "Überweisung")) == (
        "Bitte wählen Sie einen der angebotenen Einträge.")


@pytest.mark.parametrize("kind", ["ja_nein", "bestaetigung"])
def test_yes_no_and_confirmations_take_only_true_false_or_nothing(kind):
    assert clean(kind, True) is True
    assert clean(kind, False) is False
    assert clean(kind, None) is None
    assert refused(kind, "ja") == "Bitte wählen Sie Ja oder Nein."


@pytest.mark.parametrize("kind", ["text", "langtext", "email", "telefon", "url", "pfad", "auswahl", "zahl", "betrag"])
def test_an_empty_or_blank_answer_is_stored_as_nothing(kind):
    assert clean(kind, "") is None
    assert clean(kind, "   ") is None
    assert clean(kind, None) is None


# --- free text ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", [
    'Bürgerbüro <b>Mitte</b> & "Ordnungsamt"', "Öffnungszeiten: Mo–Fr 8–12 Uhr; Tel. 0351/123",
    "Maß ß Ä Ö Ü € §", "Straße\u00a0Nr.\u00a01",
])
def test_free_text_is_kept_as_typed(typed):
    assert clean("text", typed) == typed
    assert clean("langtext", typed, max_length=2000) == typed


def test_control_characters_are_dropped_from_free_text():
    assert clean("text", "Bürger\x00büro\x1b") == "Bürgerbüro"
    assert clean("langtext", "Zeile 1\x00\x1b[0m", max_length=2000) == "Zeile 1[0m"


def test_line_breaks_are_kept_only_in_long_text():
    assert clean("langtext", "Zeile 1\r\nZeile 2\rZeile 3", max_length=2000) == "Zeile 1\nZeile 2\nZeile 3"
    assert clean("text", "Erika\nMusterfrau") == "Erika Musterfrau"
    assert clean_free_text("a\r\nb", multiline=False) == "a b"


def test_too_long_text_is_refused_with_a_message_and_not_cut():
    assert clean("text", "x" * 200) == "x" * 200
    assert refused("text", "x" * 201) == "Bitte kürzen Sie auf höchstens 200 Zeichen (jetzt 201)."
    assert "höchstens 20 Zeichen" in refused("langtext", "y" * 21, max_length=20)
    assert "höchstens 30 Zeichen" in refused("email", "a" * 30 + "@example.org", max_length=30)


def test_text_that_is_not_a_string_is_refused():
    assert refused("text", 5) == "Bitte geben Sie einen Text ein."


# --- one step ----------------------------------------------------------------------------------------------------

def test_a_step_reports_every_wrong_answer_by_key_and_keeps_the_good_ones():
    step = Step("s", "Schritt", "", (
        Question("s.mail", "E-Mail", "email"), Question("s.tel", "Telefon", "telefon"),
        Question("s.name", "Name", "text"), Question("s.nicht_gesendet", "Fehlt", "text", True),
    ))
    values, errors = clean_step(step, {"s.mail": "kaputt", "s.tel": "12", "s.name": " Erika "})
    assert values == {"s.name": "Erika"}
    assert set(errors) == {"s.mail", "s.tel"}
    assert all(isinstance(m, str) and m.startswith("Bitte") for m in errors.values())


# --- completeness ------------------------------------------------------------------------------------------------

PRODUCT = make_product("Meldebescheinigung", config_fields=CONFIG_FIELDS, fachverfahren=["VOIS/MESO"],
                       data_delivery=["transferverzeichnis", "fachverfahren", "email"])
STEPS = steps_for(PRODUCT)
QUESTIONS = questions_by_key(STEPS)


def stored_answers(**changes: object) -> dict[str, object]:
    """Return complete answers as they are stored, with ``changes`` (keys with "__" for ".")."""
    answers: dict[str, object] = {}
    for step in STEPS:
        values, errors = clean_step(step, complete_answers(STEPS)[step.key], known_ags=KNOWN_AGS)
        assert not errors
        answers.update(values)
    answers.update({k.replace("__", "."): v for k, v in changes.items()})
    return answers


def open_keys(answers: dict[str, object]) -> set[str]:
    return {p.key for p in problems(STEPS, answers, known_ags=KNOWN_AGS)}


def test_complete_answers_have_no_problems():
    assert problems(STEPS, stored_answers(), known_ags=KNOWN_AGS) == []


def test_an_empty_questionnaire_lists_every_required_question_with_its_step():
    found = problems(STEPS, {}, known_ags=KNOWN_AGS)
    required = {q.key for s in STEPS for q in s.questions if q.required}
    assert {p.key for p in found} == required
    assert steps_with_problems(found) == {s.key for s in STEPS if any(q.required for q in s.questions)}
    by_key = {p.key: p for p in found}
    assert by_key["kontakte.fachlich_name"].step == "kontakte"
    assert by_key["kontakte.fachlich_name"].message == "Bitte beantworten Sie diese Frage."
    assert by_key["datenschutz.vvt"].message == "Bitte bestätigen Sie diesen Punkt."
    assert by_key["produkt.gebuehr"].label == "Gebühr in Euro"


@pytest.mark.parametrize("key", ["datenschutz.vvt", "datenschutz.zugriff", "datenschutz.loeschung",
                                 "test.servicekonto"])
@pytest.mark.parametrize("value", [False, None])
def test_a_confirmation_must_be_true(key, value):
    assert open_keys(stored_answers(**{key.replace(".", "__"): value})) == {key}


def test_the_transfer_path_is_required_only_when_the_transfer_directory_is_chosen():
    assert QUESTIONS["daten.transferverzeichnis"].required is False
    assert open_keys(stored_answers(daten__weg=TRANSFER, daten__transferverzeichnis=None)) == {
        "daten.transferverzeichnis"}
    assert open_keys(stored_answers(daten__weg=E_MAIL_DELIVERY, daten__transferverzeichnis=None)) == set()


def test_the_kdn_answer_is_required_only_when_the_transfer_directory_is_chosen():
    assert "daten.kdn" in open_keys(stored_answers(daten__weg=TRANSFER, daten__kdn=None))
    assert "daten.kdn" not in open_keys(stored_answers(daten__weg=E_MAIL_DELIVERY, daten__kdn=None))


def test_the_fachverfahren_is_required_only_when_the_interface_is_chosen():
    interface = DELIVERY_NAMES[DataDelivery.FACHVERFAHREN]
    assert open_keys(stored_answers(daten__weg=interface, daten__fachverfahren=None)) == {"daten.fachverfahren"}
    assert open_keys(stored_answers(daten__weg=interface, daten__fachverfahren="VOIS/MESO")) == set()


@pytest.mark.parametrize("arrangement", ARRANGEMENTS[1:])
def test_member_municipalities_are_required_for_every_arrangement_but_none(arrangement):
    answers = stored_answers(zustaendigkeit__art=arrangement, zustaendigkeit__gemeinden=None)
    assert open_keys(answers) == {"zustaendigkeit.gemeinden"}
    assert is_required(QUESTIONS["zustaendigkeit.gemeinden"], answers)
    assert open_keys(stored_answers(zustaendigkeit__art=arrangement, zustaendigkeit__gemeinden=["14627170"])) == set()


def test_member_municipalities_are_not_required_without_an_arrangement():
    answers = stored_answers(zustaendigkeit__art="keine", zustaendigkeit__gemeinden=None)
    assert open_keys(answers) == set()
    assert not is_required(QUESTIONS["zustaendigkeit.gemeinden"], answers)


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("kontakte.fachlich_email", "kaputt", "gültige E-Mail-Adresse"),
    ("amt24.leistungsseite", "http://amt24.sachsen.de", "https://"),
    ("daten.transferverzeichnis", "../transfer", "Netzwerkpfad"),
    ("zustaendigkeit.gemeinden", ["99999999"], "Gemeindeverzeichnis"),
    ("produkt.zahlungsart", "Barzahlung", "angebotenen Einträge"),
    ("kontakte.fachlich_name", "x" * 201, "höchstens 200 Zeichen"),
])
def test_a_stored_answer_that_no_longer_passes_its_check_is_a_problem(key, value, expected):
    found = problems(STEPS, stored_answers(**{key.replace(".", "__"): value}), known_ags=KNOWN_AGS)
    assert [p.key for p in found] == [key]
    assert expected in found[0].message


def test_a_stored_amount_in_cents_passes_the_completeness_check():
    answers = stored_answers(produkt__gebuehr=123450)
    assert open_keys(answers) == set()


def test_an_empty_list_counts_as_unanswered():
    assert open_keys(stored_answers(test__personen=[])) == {"test.personen"}


def test_phone_numbers_of_contacts_must_be_german():
    assert "deutsche Telefonnummer" in refused("telefon", "+1 202 555 0143")
    assert clean("telefon", "0351 1234567") == "+493511234567"


def test_direction_overrides_are_dropped_but_joiners_of_names_and_emoji_are_kept():
    assert clean("text", "Amt\u202eevil\u202c") == "Amtevil"
    assert clean("text", "Familie 👩\u200d👩\u200d👧") == "Familie 👩\u200d👩\u200d👧"


def test_a_phone_number_with_an_extension_is_refused_not_cut():
    assert "Durchwahl" in refused("telefon", "0351 / 555-0 ext. 7")


def test_every_problem_of_the_persons_table_is_named_at_once():
    message = refused("personen", [{"name": "Anna Beispiel", "email": "anna@", "telefon": ""},
                                   {"name": "Paul Prüfer", "email": "paul@example.org", "telefon": "12"},
                                   {"name": "Petra Ohne", "email": "", "telefon": ""}])
    assert "Person 1" in message and "Person 2" in message and "Person 3" in message
