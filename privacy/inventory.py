"""Machine-readable inventory of the data the shop stores: every column of every table, classified.

Categories:

* ``personal`` – the value itself is personal data: a name, an e-mail address, a phone number, free text that may
  name people, a snapshot or JSON document that holds such values, or an account's own attributes (login times).
* ``reference`` – the id of a person's account (``user.id``). The row is about that person; erasure keeps the id
  (the account row stays, anonymised), so contracts, history and the audit log keep their structure.
* ``not personal`` – neither: keys of records, states, prices, catalogue and municipality data, timestamps of
  records that are personal only through a reference.

``erase`` says what :func:`privacy.erasure.erase_person` does with a column of another table than ``user``:
``scrub`` replaces the person's name, e-mail address and phone number wherever they occur in the text (JSON
documents are walked value by value); ``name``/``email`` hold one person's name or address as a snapshot: the
placeholder replaces it when ``owner`` (the column with that person's id) is the erased person, and when ``owner``
is empty the text is scrubbed; ``keep`` leaves the value. ``secret`` columns (password and token hashes) are never
exported. ``tests/test_privacy_inventory.py`` fails for a column that is not classified here.

The German texts (purpose, legal basis, who sees it, retention) go into the Art. 15 export; docs/data-protection.md
says the same in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Category = Literal["personal", "not personal", "reference"]
Erase = Literal["keep", "scrub", "name", "email"]

PERSONAL: Category = "personal"
REFERENCE: Category = "reference"
NOT_PERSONAL: Category = "not personal"


@dataclass(frozen=True)
class Col:
    """How one column is classified and treated on erasure."""

    category: Category
    erase: Erase = "keep"
    owner: str = ""  # for name/email snapshots: the column with the id of the person named
    json: bool = False  # the text is a JSON document
    secret: bool = False  # never exported (hashes of passwords and tokens)

    @property
    def names_people(self) -> bool:
        """Tell whether the text may hold a person's name or e-mail address (searched on export and erasure)."""
        return self.erase in ("scrub", "name", "email")


@dataclass(frozen=True)
class Table:
    """One table: what it is for, on which legal basis, who sees it, how long it is kept, and its columns."""

    title: str
    purpose: str
    legal_basis: str
    visible_to: str
    retention: str
    columns: dict[str, Col] = field(default_factory=dict)
    # Rows that belong to a person through another table's rows: (column here, table it points to).
    linked: tuple[str, str] | None = None


# Shorthands for the table below.
N = Col(NOT_PERSONAL)
R = Col(REFERENCE)
P = Col(PERSONAL)
TEXT = Col(PERSONAL, "scrub")
JSON = Col(PERSONAL, "scrub", json=True)
SECRET = Col(PERSONAL, secret=True)


def name(owner: str = "") -> Col:
    """A snapshot of a person's name (of the person in ``owner``, when given)."""
    return Col(PERSONAL, "name", owner=owner)


def email(owner: str = "") -> Col:
    """A snapshot of a person's e-mail address (of the person in ``owner``, when given)."""
    return Col(PERSONAL, "email", owner=owner)


PUBLIC_TASK = ("Art. 6 Abs. 1 lit. e DSGVO i. V. m. § 3 SächsDSDG (Aufgabe der KISA: Online-Antragsassistenten für "
               "die Kommunen bereitstellen und betreuen)")
CONTRACT = "Art. 6 Abs. 1 lit. b DSGVO (Vertrag mit der Kommune) und lit. e (Aufgabe der KISA)"
SECURITY = "Art. 6 Abs. 1 lit. c DSGVO i. V. m. Art. 32 DSGVO (Sicherheit der Verarbeitung) und lit. e"
RECORDS = ("Art. 6 Abs. 1 lit. c DSGVO (Aufbewahrungspflichten, z. B. § 147 AO) und lit. b (Nachweis des "
           "Vertrags)")

MUNICIPALITY_AND_KISA = "die eigene Kommune (ihre Konten) sowie KISA und die Administration"
KISA_ONLY = "KISA und die Administration"
CASE = "Laufzeit des Vertrags über das Produkt; danach nach den Aufbewahrungsfristen der KISA"

INVENTORY: dict[str, Table] = {
    "user": Table(
        "Benutzerkonten", "Anmeldung, Rolle, Zuordnung zur Kommune, Kontakt bei Rückfragen", PUBLIC_TASK,
        "die Person selbst; Kolleg:innen der eigenen Kommune (Name, E-Mail, Funktion); KISA und die Administration",
        "solange das Konto besteht; auf Antrag anonymisiert (Art. 17 DSGVO); abgelehnte Registrierungen nach "
        "OAA_RETENTION_REJECTED_REGISTRATION_DAYS",
        {
            "id": R, "email": P, "full_name": P, "phone": P, "role": N, "position": P, "municipality_id": N,
            "can_manage_team": N, "status": N, "password_hash": SECRET, "failed_logins": P, "locked_until": P,
            "last_login_at": P, "authorised_confirmed_at": P, "invited_by_id": R, "invitation_token_hash": SECRET,
            "invitation_expires_at": P, "is_demo": N, "created_at": P, "version": N,
        },
    ),
    "registrationdecision": Table(
        "Entscheidungen über Registrierungen", "Nachweis der Freischaltung oder Ablehnung mit Begründung",
        PUBLIC_TASK, KISA_ONLY, "wie das Konto; Begründungen abgelehnter Registrierungen werden mit ihnen anonymisiert",
        {"id": N, "user_id": R, "decided_by_id": R, "approved": N, "reason": TEXT, "decided_at": N},
    ),
    "websession": Table(
        "Anmeldesitzungen", "angemeldet bleiben (Cookie), Sitzungen beenden", SECURITY, "niemand (nur technisch)",
        "gelöscht OAA_RETENTION_SESSION_DAYS Tage nach dem Ende der Sitzung",
        {
            "id": N, "token_hash": SECRET, "user_id": R, "created_at": N, "last_seen_at": N, "expires_at": N,
            "revoked_at": N, "bind_code_hash": SECRET, "bind_code_expires_at": N, "authenticated_at": N,
            "return_ticket": TEXT,  # typed values kept across a confirmation at the identity provider, minutes
        },
    ),
    "auditevent": Table(
        "Protokoll (Audit-Log)", "Nachvollziehbarkeit: wer hat wann was getan (Anmeldungen, Bestellungen, Schritte)",
        SECURITY, KISA_ONLY, "gelöscht nach OAA_RETENTION_AUDIT_DAYS Tagen (Standard: 3 Jahre)",
        {
            "id": N, "at": N, "actor_id": R, "actor_label": email("actor_id"), "action": N, "entity_type": N,
            "entity_id": N, "municipality_id": N, "details": TEXT,
        },
    ),
    "gemeinde": Table(
        "Gemeindeverzeichnis", "Auswahl der Kommune bei der Registrierung", PUBLIC_TASK, "alle",
        "bis zur nächsten Aktualisierung des Verzeichnisses",
        {"ags": N, "name": N, "kreis_schluessel": N, "kreis": N, "land_code": N},
    ),
    "municipality": Table(
        "Registrierte Kommunen", "Mandant: alle Daten einer Kommune gehören zu ihr", CONTRACT,
        MUNICIPALITY_AND_KISA, "solange die Kommune den Shop nutzt",
        {
            "id": N, "ags": N, "name": N, "kreis": N, "ars": N, "leitweg_id": N, "street": N, "postal_code": N,
            "city": N, "status": N, "is_demo": N, "created_at": N,
        },
    ),
    "catalogproduct": Table(
        "OAA-Katalog", "Produkte, Preise, Versionen", PUBLIC_TASK, "alle angemeldeten Konten",
        "solange das Produkt angeboten wird",
        {
            "id": N, "name": N, "group": N, "manufacturer": N, "status": N, "data": N, "version": N,
            "updated_at": N, "updated_by": email(),
        },
    ),
    "orderedproduct": Table(
        "Bestellte Produkte", "Stand jedes bestellten Produkts; zuständige:r KISA-Bearbeiter:in", CONTRACT,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "municipality_id": N, "product_id": N, "state": N, "created_at": N, "updated_at": N,
            "state_since": N, "assigned_to_id": R,
        },
    ),
    "fundingprogramme": Table(
        "Förderprogramme", "Förderung bei Bestellungen anwenden", PUBLIC_TASK, "alle angemeldeten Konten",
        "dauerhaft (Nachweis der angewendeten Förderung)",
        {
            "id": N, "name": N, "description": N, "setup_percent": N, "licence_percent": N, "valid_from": N,
            "valid_to": N, "created_at": N, "created_by": email(),
        },
    ),
    "modelcontract": Table(
        "Musterverträge", "Vertragsgrundlage jeder Bestellung", CONTRACT, "alle angemeldeten Konten",
        "dauerhaft (Grundlage geschlossener Verträge)",
        {"id": N, "version": N, "title": N, "body": N, "valid_from": N, "published_at": N, "published_by": email()},
    ),
    "cart": Table(
        "Warenkörbe", "Produkte vor der Bestellung merken", PUBLIC_TASK, "die Person selbst",
        "solange das Konto besteht",
        {"id": N, "user_id": R, "revision": N},
    ),
    "cartitem": Table(
        "Produkte im Warenkorb", "Produkte vor der Bestellung merken", PUBLIC_TASK, "die Person selbst",
        "bis zur Bestellung oder zum Entfernen",
        {"id": N, "cart_id": N, "product_id": N, "added_at": N},
        linked=("cart_id", "cart"),
    ),
    "order": Table(
        "Bestellungen (Verträge)", "Vertrag mit der Kommune: Nummer, Produkte, Preise, wer unterzeichnet hat",
        RECORDS, MUNICIPALITY_AND_KISA,
        "10 Jahre nach Vertragsende (§ 147 AO); bei Löschung einer Person bleibt der Vertrag, die unterzeichnende "
        "Person wird durch einen Platzhalter ersetzt",
        {
            "id": N, "number": N, "municipality_id": N, "placed_by_id": R, "placed_at": N, "cart_id": N,
            "cart_revision": N, "contract_id": N, "contract_version": N, "signer_name": name("placed_by_id"),
            "signer_position": P, "signer_email": email("placed_by_id"), "total_setup_cents": N,
            "total_yearly_cents": N, "due_setup_cents": N, "due_yearly_cents": N,
        },
    ),
    "orderline": Table(
        "Bestellpositionen", "Produkte und Preise einer Bestellung", RECORDS, MUNICIPALITY_AND_KISA,
        "wie die Bestellung",
        {
            "id": N, "order_id": N, "product_id": N, "product_name": N, "setup_cents": N, "yearly_licence_cents": N,
            "price_note": N, "price_is_sample": N, "funding_name": N, "funding_setup_percent": N,
            "funding_licence_percent": N, "due_setup_cents": N, "due_yearly_cents": N, "ordered_product_id": N,
        },
    ),
    "outboxmail": Table(
        "Postausgang (E-Mails)", "Benachrichtigungen zustellen und den Versand nachweisen", PUBLIC_TASK, KISA_ONLY,
        "Text und HTML gelöscht OAA_RETENTION_MAIL_BODY_DAYS Tage nach Versand oder Fehlschlag; Empfänger, "
        "Betreff und Zeitpunkte bleiben als Versandnachweis",
        {
            "id": N, "created_at": N, "event": N, "to_address": email(), "subject": TEXT, "text_body": TEXT,
            "html_body": TEXT, "municipality_id": N, "message_id": N, "status": N, "attempts": N,
            "next_attempt_at": N, "claimed_at": N, "sent_at": N, "last_error": TEXT,
        },
    ),
    "masterdata": Table(
        "Stammdaten der Kommune", "Ansprechpartner:innen, Testpersonen, Adressen für alle Fragebögen", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, "solange die Kommune den Shop nutzt; die Kommune pflegt sie selbst",
        {"id": N, "municipality_id": N, "answers": JSON, "version": N, "updated_at": N, "updated_by_id": R},
    ),
    "questionnaire": Table(
        "Fragebögen (Konfiguration)", "Einrichtung des Online-Antragsassistenten durch KISA", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "municipality_id": N, "product_id": N, "answers": JSON, "version": N,
            "created_at": N, "updated_at": N, "updated_by_id": R, "submitted_at": N, "submission_count": N,
        },
    ),
    "questionnaireedit": Table(
        "Änderungsverlauf der Fragebögen", "zeigen, wer was geändert hat (Konflikte beim gemeinsamen Ausfüllen)",
        PUBLIC_TASK, MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "questionnaire_id": N, "version": N, "step": N, "changes": JSON, "user_id": R,
            "user_name": name("user_id"), "at": N,
        },
    ),
    "questionnairesubmission": Table(
        "Eingereichte Konfigurationen", "die an KISA übermittelte Fassung (PDF, Export)", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "questionnaire_id": N, "number": N, "version": N, "answers": JSON, "product_release": N,
            "submitted_at": N, "submitted_by_id": R, "submitted_by_name": name("submitted_by_id"),
        },
    ),
    "questionnaireassignment": Table(
        "Bitten um Mitarbeit am Fragebogen", "Kolleg:innen um einzelne Schritte bitten", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "questionnaire_id": N, "user_id": R, "steps": N, "note": TEXT, "invited_by_id": R,
            "created_at": N,
        },
    ),
    "statechange": Table(
        "Verlauf der bestellten Produkte", "wer hat ein Produkt wann in welchen Schritt gebracht (Fortschritt)",
        PUBLIC_TASK, MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "from_state": N, "to_state": N, "at": N, "actor_id": R,
            "actor_name": name("actor_id"), "note": TEXT,
        },
    ),
    "reviewcomment": Table(
        "Anmerkungen von KISA zur Konfiguration", "Rückfragen an die Kommune", PUBLIC_TASK, MUNICIPALITY_AND_KISA,
        CASE,
        {
            "id": N, "questionnaire_id": N, "submission_number": N, "question_key": N, "text": TEXT, "author_id": R,
            "author_name": name("author_id"), "created_at": N, "sent_at": N,
        },
    ),
    "setuptask": Table(
        "Einrichtungs-Checkliste", "Aufgaben der KISA bei der Einrichtung, mit wem und wann", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "task": N, "done_at": N, "done_by_id": R,
            "done_by_name": name("done_by_id"),
        },
    ),
    "testresult": Table(
        "Testergebnisse", "Test im Wartungsmodus: Ergebnis je Prüfpunkt mit testender Person", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "round": N, "item": N, "outcome": N, "tester_name": name(),
            "note": TEXT, "recorded_at": N, "recorded_by_id": R, "recorded_by_name": name("recorded_by_id"),
            "version": N,
        },
    ),
    "acceptance": Table(
        "Abnahmen", "Abnahmeprotokoll: wer hat wann abgenommen, mit den Testergebnissen", RECORDS,
        MUNICIPALITY_AND_KISA, "wie die Bestellung",
        {
            "id": N, "ordered_product_id": N, "round": N, "accepted_at": N, "accepted_by_id": R,
            "accepted_by_name": name("accepted_by_id"), "remarks": TEXT, "snapshot": JSON,
        },
    ),
    "launchtask": Table(
        "Checkliste zur Kommunikation", "Aufgaben der Kommune nach dem Livegang, mit wem und wann", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "task": N, "done_at": N, "done_by_id": R,
            "done_by_name": name("done_by_id"),
        },
    ),
    "releasenotice": Table(
        "Hinweise auf neue Versionen", "Kommunen über neue Versionen informieren, Prüfung nachweisen", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "municipality_id": N, "product_id": N, "version": N,
            "review_required": N, "notified_at": N, "reviewed_at": N, "reviewed_by_id": R,
            "reviewed_by_name": name("reviewed_by_id"), "review_note": TEXT,
        },
    ),
    "problemreport": Table(
        "Meldungen an KISA", "Probleme mit einem Produkt melden und lösen", PUBLIC_TASK, MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "ordered_product_id": N, "municipality_id": N, "title": TEXT, "status": N, "test_item": N,
            "created_at": N, "created_by_id": R, "created_by_name": name("created_by_id"), "updated_at": N,
            "solved_at": N, "solved_by_name": name(),
        },
    ),
    "problemmessage": Table(
        "Nachrichten zu Meldungen", "Austausch zwischen Kommune und KISA zu einer Meldung", PUBLIC_TASK,
        MUNICIPALITY_AND_KISA, CASE,
        {
            "id": N, "report_id": N, "author_id": R, "author_name": name("author_id"), "from_kisa": N, "text": TEXT,
            "created_at": N,
        },
    ),
}


def person_tables() -> list[str]:
    """Return the tables in which a row can be about a person: by an account id, a name or an address, or a link."""
    return [table for table, spec in INVENTORY.items()
            if spec.linked or any(c.category == REFERENCE or c.names_people for c in spec.columns.values())]
