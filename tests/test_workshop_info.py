"""Content of the participants' info pages: a FAQ of workshop size with sources, roles played by real demo personas,
contacts as the seed gives them."""

from __future__ import annotations

from email_validator import validate_email

from demo.personas import PERSONAS
from workshop.faq import FAQ
from workshop.roles import PARTIES, SHOP_ROLES
from workshop.services import CONTACTS
from workshop.systems import AMT24_SYSTEMS


def test_the_faq_has_eight_to_twelve_distinct_questions_each_with_its_slide():
    assert 8 <= len(FAQ) <= 12
    assert len({q.question for q in FAQ}) == len(FAQ)
    for item in FAQ:
        assert item.question.endswith("?") and item.answer and item.source.startswith("Abschnitt")


def test_illustrations_from_the_demo_are_kept_apart_from_the_answers():
    illustrated = [q for q in FAQ if q.illustration]
    assert illustrated  # the demo data only illustrates; the answers come from the slides
    for item in FAQ:
        assert "Musterstadt" not in item.answer and "Beispieldaten" not in item.answer


def test_the_roles_of_the_shop_are_played_by_demo_personas():
    keys = {p.key for p in PERSONAS}
    assert all(role.persona is None or role.persona in keys for role in SHOP_ROLES)
    assert {"KISA – Kommunale Informationsverarbeitung Sachsen", "Lecos", "SAKD"} <= {p.name for p in PARTIES}


def test_contacts_have_valid_addresses_and_the_kisa_team_comes_first():
    for contact in CONTACTS:
        if contact.email:
            validate_email(contact.email, check_deliverability=False)
    assert CONTACTS[0].email == "support.onlineantrag@kisa.it"
    assert [s.portal for s in AMT24_SYSTEMS] == ["https://amt24.sachsen.de/", "https://amt24dev.sachsen.de/",
                                                 "https://amt24test.sachsen.de/"]
