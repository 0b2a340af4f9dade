"""Mail templates: every event renders subject, text and HTML; HTML escapes, text does not; missing keys raise."""

from __future__ import annotations

import pathlib
import re

import pytest
from jinja2 import UndefinedError

from notifications.render import EVENTS, TEMPLATES, render_mail, safe_url

FOOTER = ["Ihr Team des KISA Antragsmanagements", "Tel.: +49 351 86652-0", "support.onlineantrag@kisa.it",
          "Kommunale Informationsverarbeitung Sachsen – KISA", "Eilenburger Straße 1a, 04317 Leipzig"]

# What lifecycle.notify.case_facts gives every lifecycle mail.
CASE = {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz", "ags": "14626110",
        "questionnaire_url": "https://shop.example/fragebogen?nr=7", "status_url": "https://shop.example/fortschritt?nr=7",
        "case_url": "https://shop.example/vorgang?nr=7"}
SAMPLES = {
    "order.confirmed": {
        "order_number": "B-2026-00042",
        "municipality": "Gemeinde Bärenstein",
        "contract_version": "2026-1",
        "products": [
            {"name": "Ummeldung einer Wohnung", "price": "1.234,56 €", "funding": "Förderung Sachsen: 617,28 €",
             "questionnaire_url": "https://shop.example/abfrage?line=7&order=42"},
            {"name": "Hundesteuer-Anmeldung", "price": "480,00 €", "funding": "",
             "questionnaire_url": "https://shop.example/abfrage?line=8&order=42"},
        ],
    },
    "team.invited": {"municipality": "Stadt Görlitz", "inviter_name": "Jörg Müßig",
                     "invitation_url": "https://shop.example/einladung?token=abc", "valid_until": "08.07.2026"},
    "registration.approved": {"municipality": "Gemeinde Bärenstein", "login_url": "https://shop.example/anmelden"},
    "registration.rejected": {"municipality": "Gemeinde Bärenstein", "reason": "Die Kommune ist bereits registriert."},
    "application.received": {"service": "Ausstellung einer Geburtsurkunde", "target_system": "Autista"},
    "questionnaire.submitted": {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz",
                                "submitter": "Jörg Müßig", "submitted_at": "29.11.2026 um 10:15 Uhr",
                                "submission_label": "erste Fassung",
                                "questionnaire_url": "https://shop.example/fragebogen?nr=7"},
    "questionnaire.received": {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz", "ags": "14626110",
                               "submitter": "Jörg Müßig", "submitter_email": "j.muessig@goerlitz.example",
                               "submission_label": "erste Fassung",
                               "questionnaire_url": "https://shop.example/fragebogen?nr=7"},
    "lifecycle.query": {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz", "message": "Bitte ergänzen.",
                        "comments": [{"label": "Zuständige Abteilung", "text": "Mit Zimmernummer, bitte."}],
                        "questionnaire_url": "https://shop.example/fragebogen?nr=7"},
    "lifecycle.setup_started": {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz",
                                "questionnaire_url": "https://shop.example/fragebogen?nr=7"},
    "lifecycle.go_live": {"product": "Meldebescheinigung", "municipality": "Stadt Görlitz", "testers": ["Tina Test"],
                          "questionnaire_url": "https://shop.example/fragebogen?nr=7"},
    "lifecycle.accepted": {**CASE, "accepted_by": "Jana Koordinatorin", "accepted_at": "14.12.2026 um 10:00 Uhr",
                           "round": 1, "remarks": "Danke für die schnelle Korrektur.",
                           "acceptance_url": "https://shop.example/abnahme?nr=7"},
    "lifecycle.live": {**CASE, "confirmed_by": "Jana Koordinatorin", "live_at": "15.12.2026 um 08:30 Uhr",
                       "acceptance_url": "https://shop.example/abnahme?nr=7",
                       "tasks": ["Website der Kommune: Hinweis und Link auf den Online-Antrag", "Pressemitteilung / Amtsblatt"]},
    "lifecycle.change_requested": {**CASE, "reason": "Neue Gebührensatzung ab 01.01.2027.",
                                   "requested_by": "Jana Koordinatorin"},
    "lifecycle.cancelled": {**CASE, "order_number": "B-2026-00042", "cancelled_by": "Jana Koordinatorin"},
    "lifecycle.terminated": {**CASE, "reason": "Kündigung zum Jahresende."},
    "release.published": {**CASE, "version": "1.3", "release_date": "29.11.2026",
                          "notes": "Neue Gebührensätze nach der Änderung des Sächsischen Verwaltungskostengesetzes.",
                          "review_required": True, "todo": "Bitte prüfen Sie, ob Ihre Konfiguration passt.",
                          "releases_url": "https://shop.example/versionen"},
    "problem.reported": {**CASE, "state": "Test im Wartungsmodus", "title": "Absenden schlägt fehl",
                         "test_item": "absenden", "problem_url": "https://shop.example/meldungen?meldung=3",
                         "text": "Nach dem Klick auf „Absenden“ erscheint ein Fehler.", "author": "Jana Koordinatorin",
                         "reopened": False},
    "problem.updated": {**CASE, "state": "live", "title": "Absenden schlägt fehl", "test_item": "",
                        "problem_url": "https://shop.example/meldungen?meldung=3", "text": "Tritt weiter auf.",
                        "author": "Jana Koordinatorin", "reopened": True},
    "problem.answered": {**CASE, "state": "live", "title": "Absenden schlägt fehl", "test_item": "",
                         "problem_url": "https://shop.example/meldungen?meldung=3", "text": "Wir prüfen das.",
                         "author": "Kira KISA", "reopened": False},
    "problem.solved": {**CASE, "state": "live", "title": "Absenden schlägt fehl", "test_item": "",
                       "problem_url": "https://shop.example/meldungen?meldung=3", "text": "Behoben.",
                       "author": "Kira KISA", "reopened": False},
    "questionnaire.assigned": {"municipality": "Stadt Görlitz", "inviter_name": "Jörg Müßig",
                               "items": [{"product": "Meldebescheinigung", "steps": "Ansprechpartner",
                                          "url": "https://shop.example/fragebogen?nr=7&schritt=kontakte"}],
                               "note": "Bitte bis Freitag, danke!", "invitation_url": "", "valid_until": ""},
}


def test_every_event_has_its_three_templates_and_a_sample():
    for event in EVENTS:
        for suffix in (".subject.txt", ".txt", ".html"):
            assert (TEMPLATES / f"{event}{suffix}").is_file(), f"{event}{suffix}"
    assert set(SAMPLES) == set(EVENTS)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_each_event_renders_a_one_line_subject_and_both_parts_with_the_kisa_footer(event):
    mail = render_mail(event, SAMPLES[event])
    assert mail.subject and "\n" not in mail.subject
    assert mail.text.startswith("Sehr geehrte Damen und Herren,")
    assert "Sehr geehrte Damen und Herren," in mail.html
    assert "Mit freundlichen Grüßen" in mail.text
    for line in FOOTER:
        assert line in mail.text
        assert line in mail.html
    assert "<" not in mail.text  # the text part is plain text
    assert mail.html.lstrip().startswith("<!DOCTYPE html>") and 'lang="de"' in mail.html


def test_order_confirmation_lists_products_prices_funding_links_and_the_contract_version():
    mail = render_mail("order.confirmed", SAMPLES["order.confirmed"])
    assert mail.subject == "Bestellbestätigung B-2026-00042 – Online-Antragsassistenten für Gemeinde Bärenstein"
    for text in ("Ummeldung einer Wohnung", "1.234,56 €", "Förderung Sachsen: 617,28 €", "Hundesteuer-Anmeldung",
                 "480,00 €", "Fassung 2026-1", "Gemeinde Bärenstein"):
        assert text in mail.text and text in mail.html
    # The text part shows the link as written; the HTML part escapes the & in the attribute.
    assert "https://shop.example/abfrage?line=7&order=42" in mail.text
    assert 'href="https://shop.example/abfrage?line=7&amp;order=42"' in mail.html
    assert mail.text.count("Förderung:") == 1  # no empty funding line for the unfunded product


def test_application_received_reads_like_the_kisa_example():
    mail = render_mail("application.received", SAMPLES["application.received"])
    assert ("über Amt24 wurde ein Onlineantrag zur Ausstellung einer Geburtsurkunde gestellt. "
            "Die Antragsdaten wurden in Autista übermittelt.") in mail.text
    assert mail.subject == "Antragseingang: Ausstellung einer Geburtsurkunde"


def test_hostile_text_is_escaped_in_html_but_left_alone_in_text_and_subject():
    hostile = '<script>alert("x")</script> & <b onmouseover=alert(1)>'
    mail = render_mail("registration.rejected", {"municipality": "Gemeinde <i>Bärenstein</i>", "reason": hostile})
    assert hostile in mail.text
    assert "<script>" not in mail.html and "<b onmouseover" not in mail.html and "<i>" not in mail.html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b onmouseover=alert(1)&gt;" in mail.html
    assert mail.subject == "Ihre Registrierung im OAA-Shop"
    invited = render_mail("team.invited", {**SAMPLES["team.invited"], "municipality": "A & B <Zweckverband>"})
    assert "A & B <Zweckverband>" in invited.subject  # a subject is plain text, never HTML


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>x</script>",
                                 "vbscript:x", "//evil.example/x"])
def test_links_other_than_http_https_and_mailto_become_inert(url):
    mail = render_mail("team.invited", {**SAMPLES["team.invited"], "invitation_url": url})
    assert re.findall(r'href="([^"]*)"', mail.html)[0] == "#"
    assert "javascript:" not in mail.html.lower().replace("mailto:", "")


def test_safe_url_keeps_web_and_mail_links():
    assert safe_url("https://shop.example/a?b=1") == "https://shop.example/a?b=1"
    assert safe_url("mailto:support.onlineantrag@kisa.it") == "mailto:support.onlineantrag@kisa.it"
    assert safe_url("javascript:alert(1)") == "#"


def test_a_missing_context_key_raises_instead_of_rendering_blank():
    context = dict(SAMPLES["order.confirmed"])
    del context["contract_version"]
    with pytest.raises(UndefinedError):
        render_mail("order.confirmed", context)
    with pytest.raises(UndefinedError):
        render_mail("order.confirmed", {**SAMPLES["order.confirmed"], "products": [{"name": "X", "price": "1,00 €"}]})


def test_an_unknown_event_is_refused():
    with pytest.raises(ValueError, match="unknown mail event"):
        render_mail("order.exploded", {})


def test_the_notifications_package_does_not_import_streamlit():
    package = pathlib.Path(__file__).resolve().parents[1] / "notifications"
    for path in package.glob("*.py"):
        assert "streamlit" not in path.read_text(encoding="utf-8"), path.name
