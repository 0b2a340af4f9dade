"""AppTest of the registration page: a municipality's first person registers; nothing is stored on bad input."""

from __future__ import annotations

import pytest

from models import Municipality, MunicipalityStatus, User, UserStatus
from tests.apptest_helpers import all_text, app_like_server, click, count, field_message, load, open_page, run, texts
from tests.builders import make_municipality

__all__ = ["app_like_server"]  # autouse fixture

DRESDEN = "14612000"
GOOD = {
    "reg_full_name": "Dora Digital",
    "reg_email": "dora.digital@dresden.example",
    "reg_phone": "0351 4881234",
    "reg_street": "Dr.-Külz-Ring 19",
    "reg_postal_code": "01067",
    "reg_city": "Dresden",
    "reg_password": "Elbflorenz-Zwinger-2026",
    "reg_password_repeat": "Elbflorenz-Zwinger-2026",
}


def fill(at, *, ags=DRESDEN, position="OZG-Koordinator:in", authorised=True, **changes):
    """Fill the form like a person would; ``None`` leaves a field untouched."""
    if ags is not None:
        run(at, at.selectbox(key="reg_ags").select(ags))
    values = {**GOOD, **changes}
    for key, value in values.items():
        if value is not None:
            at.text_input(key=key).input(value)
    if position is not None:
        at.selectbox(key="reg_position").select(position)
    if authorised:
        at.checkbox(key="reg_authorised").check()
    return at


def submit(at):
    return click(at, "Registrierung absenden")


def test_complete_registration_creates_a_pending_user_and_municipality(engine):
    at = open_page(engine, "register")
    assert "Kommune registrieren" in texts(at, "title")
    fill(at)
    assert at.text_input(key="reg_ars").value == "146120000000"  # proposed from the AGS
    submit(at)
    success = " ".join(texts(at, "success"))
    assert "Vielen Dank! Ihre Registrierung für **Dresden, Stadt** ist eingegangen" in success
    assert [p.proto.page for p in at.page_link] == ["anmelden"]
    [user] = load(engine, User)
    assert (user.email, user.status, user.can_manage_team) == ("dora.digital@dresden.example", UserStatus.PENDING, True)
    assert user.phone == "+493514881234" and user.position == "OZG-Koordinator:in"
    [municipality] = load(engine, Municipality)
    assert (municipality.ags, municipality.name, municipality.status) == (DRESDEN, "Dresden, Stadt",
                                                                          MunicipalityStatus.PENDING)
    assert municipality.ars == "146120000000" and user.municipality_id == municipality.id



@pytest.mark.parametrize(
    ("changes", "key", "message"),
    [
        ({"reg_email": "dora.digital-at-dresden"}, "reg_email", "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"reg_password": "zu-kurz", "reg_password_repeat": "zu-kurz"}, "reg_password",
         "Das Passwort muss mindestens 12 Zeichen lang sein."),
        ({"reg_password": "passwort1234", "reg_password_repeat": "passwort1234"}, "reg_password",
         "Dieses Passwort ist zu leicht zu erraten."),
        ({"reg_password_repeat": "Elbflorenz-Zwinger-2027"}, "reg_password_repeat",
         "Die beiden Passwörter stimmen nicht überein."),
        ({"authorised": False}, "reg_authorised", "Bitte bestätigen Sie, dass Sie für Ihre Kommune handeln dürfen."),
        ({"ags": None}, "reg_ags", "Bitte wählen Sie Ihre Kommune aus der Liste der sächsischen Gemeinden."),
    ],
    ids=["email", "short-password", "common-password", "repeat", "authorisation", "no-municipality"],
)
def test_invalid_input_shows_the_message_at_the_field_and_stores_nothing(engine, changes, key, message):
    at = open_page(engine, "register")
    fill(at, **changes)
    submit(at)
    assert message in (field_message(at, key) or "")
    assert "Bitte prüfen Sie die markierten Angaben (1)." in texts(at, "error")
    assert not texts(at, "success")
    assert count(engine, User) == 0 and count(engine, Municipality) == 0



def test_already_registered_municipality_is_refused_at_the_field(engine, session):
    make_municipality(session, ags=DRESDEN, name="Dresden, Stadt")
    at = open_page(engine, "register")
    fill(at)
    submit(at)
    message = field_message(at, "reg_ags") or ""
    assert "Dresden, Stadt ist bereits registriert" in message
    assert "als Kolleg:in hinzufügen" in message
    assert count(engine, User) == 0 and count(engine, Municipality) == 1


def test_several_problems_are_shown_together_and_a_corrected_form_goes_through(engine):
    at = open_page(engine, "register")
    fill(at, reg_email="kaputt", reg_phone="12", authorised=False)
    at.text_input(key="reg_ars").input("14612")
    submit(at)
    assert "Bitte prüfen Sie die markierten Angaben (4)." in texts(at, "error")
    assert "gültige Telefonnummer" in (field_message(at, "reg_phone") or "")
    assert "genau 12 Ziffern" in (field_message(at, "reg_ars") or "")
    assert count(engine, User) == 0
    at.text_input(key="reg_email").input(GOOD["reg_email"])
    at.text_input(key="reg_phone").input(GOOD["reg_phone"])
    at.text_input(key="reg_ars").input("146120000000")
    at.checkbox(key="reg_authorised").check()
    submit(at)
    assert "Ihre Registrierung für **Dresden, Stadt** ist eingegangen" in " ".join(texts(at, "success"))
    assert not texts(at, "error")
    assert count(engine, User, User.status == UserStatus.PENDING) == 1


def test_the_form_is_german_and_asks_for_the_authorisation(engine):
    at = open_page(engine, "register")
    text = all_text(at)
    assert "Die **erste berechtigte Person** einer Kommune registriert sie hier einmalig." in text
    assert at.selectbox(key="reg_ags").placeholder == "Name der Gemeinde oder Stadt eingeben …"
    assert "Dresden, Stadt (Dresden, Stadt) – AGS 14612000" in at.selectbox(key="reg_ags").options
    assert at.checkbox(key="reg_authorised").label.startswith("Ich bin berechtigt, für meine Kommune")
    assert not texts(at, "error")  # no complaints before the first submit
