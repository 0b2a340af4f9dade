"""AppTest of the participants' info pages: open without login and for every role, with the seed's content."""

from __future__ import annotations

import pytest

from core.config import get_settings
from demo.personas import persona
from models import Role, UserStatus
from tests.apptest_helpers import all_text, app_like_server, open_page, texts
from tests.builders import make_municipality, make_user
from workshop.dataflow import flows_in_words
from workshop.faq import FAQ

__all__ = ["app_like_server"]  # autouse fixture


def _table(at, index: int = 0):
    return at.table[index].value


def test_roles_page_shows_the_parties_and_the_coordination(engine):
    at = open_page(engine, "info_roles")
    assert texts(at, "title") == ["Rollen und Aufgaben"]
    assert texts(at, "header") == ["Beteiligte an der OZG-Umsetzung auf Amt24", "Ihre Rolle in der Kommune: die OZG-Koordination",
                                   "Rollen im OAA-Shop"]
    parties = _table(at, 0)
    assert parties.loc["Lecos", "Aufgaben"] == "richtet das Transferverzeichnis für die Antragsdaten ein"
    assert parties.loc["Sächsische Staatskanzlei", "Rolle"] == "Betreiber von Amt24"
    assert "Bringen Sie die Ansprechpartner an einen Tisch" in all_text(at)
    assert list(_table(at, 1).columns) == ["Was sie im Shop tut"]  # no demo personas outside demo mode


def test_in_demo_mode_the_roles_page_names_the_workshop_personas(engine, session, monkeypatch):
    monkeypatch.setenv("OAA_DEMO", "1")
    get_settings.cache_clear()
    at = open_page(engine, "info_roles", user=make_user(session, role=Role.KISA))
    roles = _table(at, 1)
    kisa = persona("kisa")
    assert roles.loc["KISA Team Antragsmanagement", "Im Workshop (Beispieldaten)"] == f"{kisa.full_name} ({kisa.email})"
    assert "Die Personen im Workshop sind Beispieldaten des Demomodus." in texts(at, "caption")


def test_systems_page_draws_the_data_flow_without_highlight_and_tells_it_in_words(engine, session):
    at = open_page(engine, "info_systems", user=make_user(session))
    assert texts(at, "title") == ["Systeme und Datenfluss"]
    [chart] = at.get("graphviz_chart")
    assert chart.proto.spec.startswith("digraph Datenfluss {") and "#fde68a" not in chart.proto.spec
    assert chart.proto.alt.startswith("Datenfluss eines Antrags auf Amt24")
    assert [e.label for e in at.expander] == ["Der Datenfluss in Worten",
                                              "Beispiel einer Benachrichtigung über den Antragseingang"]
    text = all_text(at)
    assert all(line in text for line in flows_in_words())
    assert "* abhängig vom Online-Antragsassistenten" in texts(at, "caption")  # a footnote, not a list bullet
    systems = _table(at)
    assert systems.loc["Live-System", "Admincenter (Verwaltung)"] == "https://admincenter.amt24.sachsen.de/"
    assert "Ihr Team des KISA Antragsmanagements" in at.text[0].value


def test_services_page_lists_kisas_services_steps_and_contacts(engine, session):
    at = open_page(engine, "info_services", user=make_user(session, role=Role.ADMIN))
    assert texts(at, "title") == ["Leistungen und Kontakte"]
    assert "7. **Anpassung** der Konfiguration des Online-Antragsassistenten bei Satzungsänderungen" in all_text(at)
    steps = _table(at, 0)
    assert list(steps["Was"]) == ["Registrieren und Freischaltung", "Auswählen und bestellen",
                                  "Nach dem Kauf: Konfiguration", "Einrichtung durch KISA", "Test, Abnahme, Livegang"]
    contacts = _table(at, 1)
    kisa = contacts.loc["Bestellung, Konfiguration, Betrieb und Support der OAAs"]
    assert (kisa["Wer"], kisa["E-Mail"], kisa["Telefon"]) == ("KISA Team Antragsmanagement",
                                                             "support.onlineantrag@kisa.it", "+49\u00a0351\u00a086652-0")
    assert any("gesichert bis 31.12.2024" in c for c in texts(at, "caption"))


def test_faq_page_answers_every_question_with_its_source(engine):
    at = open_page(engine, "info_faq")
    assert texts(at, "title") == ["Häufige Fragen"]
    assert [e.label for e in at.expander] == [q.question for q in FAQ]
    captions = texts(at, "caption")
    assert sum(c.startswith("Quelle: Folien, Abschnitt") for c in captions) == len(FAQ)
    illustrations = texts(at, "info")
    assert len(illustrations) == sum(1 for q in FAQ if q.illustration)
    assert all(i.startswith("Zur Veranschaulichung (Beispieldaten): ") for i in illustrations)


@pytest.mark.parametrize("page", ["info_roles", "info_systems", "info_services", "info_faq"])
def test_a_pending_person_can_read_the_info_pages_too(engine, session, page):
    user = make_user(session, municipality=make_municipality(session), status=UserStatus.PENDING)
    at = open_page(engine, page, user=user)
    assert len(texts(at, "title")) == 1 and not texts(at, "error")
