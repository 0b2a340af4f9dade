"""AppTest of the audit log: KISA reads who did what, newest first, filtered by area and text."""

from __future__ import annotations

from audit.log import record
from models import Role
from tests.apptest_helpers import app_like_server, click, open_page, run, texts
from tests.builders import make_user

__all__ = ["app_like_server"]  # autouse fixture


def events(session, *items):
    for action, label, details in items:
        record(session, action=action, entity_type="user", entity_id=7, actor_label=label, details=details)
        session.commit()


def audit_page(engine, session):
    return open_page(engine, "audit_log", user=make_user(session, role=Role.KISA))


def table(at):
    return at.dataframe[0].value


def test_kisa_sees_the_events_newest_first_in_german(engine, session):
    events(
        session,
        ("registration.submitted", "anna@musterstadt.example", "Registrierung für Musterstadt eingereicht."),
        ("registration.approved", "kisa@kisa.example", "Freigeschaltet: Anna für Musterstadt."),
        ("login.failed", "mallory@example.org", "Falsches Passwort (1. Fehlversuch)."),
    )
    at = audit_page(engine, session)
    assert texts(at, "title") == ["Protokoll"]
    assert "3 Einträge" in texts(at, "markdown")
    rows = table(at)
    assert list(rows.columns) == ["Zeitpunkt", "Person", "Aktion", "Datensatz", "Beschreibung"]
    assert list(rows["Aktion"]) == ["Anmeldung fehlgeschlagen", "Registrierung freigeschaltet",
                                    "Registrierung eingereicht"]
    assert list(rows["Person"]) == ["mallory@example.org", "kisa@kisa.example", "anna@musterstadt.example"]
    assert set(rows["Datensatz"]) == {"Konto 7"}
    assert all(value.endswith(" Uhr") for value in rows["Zeitpunkt"])


def test_filters_by_area_and_text(engine, session):
    events(
        session,
        ("login.success", "anna@musterstadt.example", "Angemeldet."),
        ("logout", "anna@musterstadt.example", "Abgemeldet."),
        ("registration.submitted", "bert@beispielheim.example", "Registrierung für Beispielheim eingereicht."),
        ("team.invited", "anna@musterstadt.example", "Kolleg:in eingeladen: Tom Technik (tom@musterstadt.example)."),
    )
    at = audit_page(engine, session)
    run(at, at.selectbox(key="audit_area").select("Anmeldungen"))
    assert sorted(table(at)["Aktion"]) == ["Abmeldung", "Anmeldung"]
    run(at, at.selectbox(key="audit_area").select("Registrierungen"))
    assert list(table(at)["Person"]) == ["bert@beispielheim.example"]
    assert "1 Eintrag" in texts(at, "markdown")
    run(at, at.selectbox(key="audit_area").select("Alle"))
    run(at, at.text_input(key="audit_text").input("  TOM TECHNIK "))  # case and blanks do not matter
    assert list(table(at)["Aktion"]) == ["Kolleg:in eingeladen"]
    run(at, at.text_input(key="audit_text").input("gibt es nicht"))
    assert "0 Einträge" in texts(at, "markdown") and table(at).empty


def test_long_log_is_paged_and_a_new_filter_starts_at_the_newest(engine, session):
    events(session, *[("login.failed", f"person{n:02d}@example.org", f"Fehlversuch {n:02d}") for n in range(55)])
    at = audit_page(engine, session)
    assert "55 Einträge" in texts(at, "markdown") and len(table(at)) == 50
    assert table(at)["Person"].iloc[0] == "person54@example.org"
    assert [b.label for b in at.button if b.label.endswith("→") or b.label.startswith("←")] == ["Ältere →"]
    click(at, "Ältere →")
    assert list(table(at)["Person"]) == [f"person{n:02d}@example.org" for n in (4, 3, 2, 1, 0)]
    click(at, "← Neuere")
    assert len(table(at)) == 50
    click(at, "Ältere →")
    run(at, at.text_input(key="audit_text").input("Fehlversuch 5"))  # 50–54: fewer than one page
    assert "5 Einträge" in texts(at, "markdown") and len(table(at)) == 5


def test_a_long_log_says_mehr_als_and_still_pages_on(engine, session, monkeypatch):
    from core import paging

    monkeypatch.setattr(paging, "COUNT_CAP", 2)  # as with a million events nationwide: counted to the page's end only
    for n in range(60):
        record(session, action="login.failed", entity_type="user", entity_id=7, actor_label=f"p{n}@example.org",
               details=f"Fehlversuch {n}.")
    session.commit()
    at = audit_page(engine, session)
    assert "mehr als 50 Einträge" in texts(at, "markdown") and len(table(at)) == 50
    click(at, "Ältere →")
    assert "60 Einträge" in texts(at, "markdown") and len(table(at)) == 10
