"""AppTest of "Mein Team": own colleagues only; the registering person invites further colleagues."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from accounts.team import peek_invitation
from core.db import session_scope
from models import User, UserStatus
from tests.apptest_helpers import app_like_server, click, count, field_message, load, open_page, texts
from tests.builders import make_municipality, make_user

__all__ = ["app_like_server"]  # autouse fixture

APP_URL = "https://oaa.example/team"


def fill_invitation(at, *, name="Tom Technik", email="tom.technik@stadt.example", phone="0351 7654321",
                    position="IT-Verantwortliche:r"):
    at.text_input(key="team_name").input(name)
    at.text_input(key="team_email").input(email)
    at.text_input(key="team_phone").input(phone)
    if position is not None:
        at.selectbox(key="team_position").select(position)
    return click(at, "Einladen")


def test_registering_person_invites_a_colleague_and_gets_the_link(engine, session):
    municipality = make_municipality(session, name="Musterstadt")
    coordinator = make_user(session, municipality=municipality, can_manage_team=True)
    at = open_page(engine, "team", user=coordinator, context={"url": APP_URL})
    assert texts(at, "title") == ["Mein Team"]
    assert f"Musterstadt · AGS {municipality.ags} · ARS {municipality.ars}" in texts(at, "caption")
    assert "Kolleg:in hinzufügen" in texts(at, "header")
    fill_invitation(at)
    [colleague] = load(engine, User, User.email == "tom.technik@stadt.example")
    assert colleague.status == UserStatus.INVITED and colleague.municipality_id == municipality.id
    assert colleague.invited_by_id == coordinator.id and not colleague.can_manage_team
    assert "Die Einladung ist angelegt." in " ".join(texts(at, "success"))
    [link] = texts(at, "code")
    assert link.startswith("https://oaa.example/einladung?token=")
    token = parse_qs(urlsplit(link).query)["token"][0]
    with session_scope() as s:
        assert peek_invitation(s, token=token).email == "tom.technik@stadt.example"
    table = at.dataframe[0].value
    row = table[table["E-Mail"] == "tom.technik@stadt.example"].iloc[0]
    assert (row["Name"], row["Status"], row["Telefon"]) == ("Tom Technik", "eingeladen", "+49 351 7654321")


def test_bad_invitation_shows_messages_at_the_fields_and_stores_nothing(engine, session):
    coordinator = make_user(session, can_manage_team=True)
    at = open_page(engine, "team", user=coordinator)
    fill_invitation(at, name="T", email="kaputt", phone="12", position=None)
    assert field_message(at, "team_name") == "Bitte geben Sie Vor- und Nachnamen an."
    assert "gültige E-Mail-Adresse" in (field_message(at, "team_email") or "")
    assert "gültige Telefonnummer" in (field_message(at, "team_phone") or "")
    assert field_message(at, "team_position") == "Bitte wählen Sie die Funktion in der Kommune."
    assert not texts(at, "success") and not texts(at, "code")
    assert count(engine, User) == 1
    fill_invitation(at, email=coordinator.email)
    assert field_message(at, "team_email") == "Mit dieser E-Mail-Adresse besteht bereits ein Konto."
    assert count(engine, User) == 1


def test_colleague_without_the_right_sees_no_form(engine, session):
    municipality = make_municipality(session)
    make_user(session, municipality=municipality, can_manage_team=True)
    colleague = make_user(session, municipality=municipality, can_manage_team=False)
    at = open_page(engine, "team", user=colleague)
    assert not at.form and not at.text_input and not [b for b in at.button if b.label == "Einladen"]
    assert texts(at, "info") == ["Neue Kolleg:innen fügt die Person hinzu, die Ihre Kommune registriert hat."]
    assert len(at.dataframe[0].value) == 2


def test_only_the_own_municipality_is_listed(engine, session):
    own = make_municipality(session)
    other = make_municipality(session)
    coordinator = make_user(session, municipality=own, can_manage_team=True, email="ich@eigene.example")
    make_user(session, municipality=own, email="kollege@eigene.example")
    make_user(session, municipality=other, can_manage_team=True, email="fremd@andere.example")
    make_user(session, municipality=other, status=UserStatus.PENDING, email="fremd2@andere.example")
    at = open_page(engine, "team", user=coordinator)
    table = at.dataframe[0].value
    assert sorted(table["E-Mail"]) == ["ich@eigene.example", "kollege@eigene.example"]
    assert list(table.columns) == ["Name", "Funktion", "E-Mail", "Telefon", "Status", "Verwaltet Team"]
    mine = table.set_index("E-Mail")
    assert (mine.loc["ich@eigene.example", "Verwaltet Team"], mine.loc["kollege@eigene.example", "Verwaltet Team"]) == (
        "ja", "")


def test_link_without_a_known_address_still_works_as_a_path(engine, session):
    coordinator = make_user(session, can_manage_team=True)
    at = open_page(engine, "team", user=coordinator)  # st.context.url is None (no browser)
    fill_invitation(at)
    [link] = texts(at, "code")
    assert link.startswith("/einladung?token=") and len(link) > len("/einladung?token=") + 20
