"""German names for audit actions and record types, for the audit log page."""

from __future__ import annotations

from lifecycle.machine import TRANSITIONS

ACTIONS = {
    "login.success": "Anmeldung",
    "login.failed": "Anmeldung fehlgeschlagen",
    "login.locked": "Anmeldung während Sperre",
    "login.disabled": "Anmeldung mit deaktiviertem Konto",
    "logout": "Abmeldung",
    "login.sso": "Anmeldung mit dem Dienstkonto",
    "login.sso_refused": "Anmeldung mit dem Dienstkonto abgelehnt",
    "reauth.confirmed": "Anmeldung vor verbindlicher Aktion bestätigt",
    "reauth.failed": "Bestätigung mit Passwort fehlgeschlagen",
    "reauth.locked": "Bestätigung mit Passwort während Sperre",
    "registration.submitted": "Registrierung eingereicht",
    "registration.approved": "Registrierung freigeschaltet",
    "registration.rejected": "Registrierung abgelehnt",
    "team.invited": "Kolleg:in eingeladen",
    "team.joined": "Einladung angenommen",
    "user.created": "Konto angelegt",
    "user.disabled": "Konto deaktiviert",
    "user.enabled": "Konto wieder aktiviert",
    "demo.seeded": "Demodaten angelegt",
    "demo.switched": "Im Demomodus als Demo-Person angemeldet",
    "catalog.imported": "Katalog importiert",
    "catalog.product_created": "Produkt angelegt",
    "catalog.product_changed": "Produkt geändert",
    "order.placed": "Bestellung aufgegeben",
    "order.line_cancelled": "Bestellposition storniert",
    "contract.published": "Mustervertrag veröffentlicht",
    "funding.added": "Förderprogramm angelegt",
    "outbox.retried": "E-Mail erneut in den Versand gegeben",
    "masterdata.saved": "Stammdaten geändert",
    "masterdata.applied": "Stammdaten in Fragebögen übernommen",
    "questionnaire.copied": "Angaben in andere Fragebögen kopiert",
    "questionnaire.submitted": "Konfiguration eingereicht",
    "questionnaire.assigned": "Kolleg:in um Mitarbeit am Fragebogen gebeten",
    "questionnaire.exported": "Konfiguration exportiert",
    "backoffice.assigned": "Vorgang zugewiesen",
    "backoffice.taken_over": "Konfiguration übernommen",
    "setup.ticked": "Einrichtungsaufgabe erledigt",
    "setup.unticked": "Einrichtungsaufgabe wieder geöffnet",
    "release.published": "Neue Version veröffentlicht",
    "release.reviewed": "Konfiguration nach neuer Version geprüft",
    "release.review_settled": "Prüfung nach neuer Version durch Änderungsantrag erledigt",
    "problem.reported": "Problem an KISA gemeldet",
    "problem.replied": "Nachricht zu einer Meldung geschrieben",
    "problem.solved": "Meldung als gelöst markiert",
    "problem.reopened": "Meldung wieder geöffnet",
    "acceptance.result_recorded": "Testergebnis erfasst",
    "launch.ticked": "Aufgabe zur Kommunikation erledigt",
    "launch.unticked": "Aufgabe zur Kommunikation wieder geöffnet",
    "privacy.exported": "Auskunft über gespeicherte Daten erstellt (Art. 15 DSGVO)",
    "privacy.erased": "Personenbezogene Daten gelöscht (Art. 17 DSGVO)",
    "privacy.purged": "Aufbewahrungsfristen angewendet",
}

# Lifecycle steps of an ordered product: their labels come from the state machine's table.
ACTIONS.update({t.action: t.label for t in TRANSITIONS})

ENTITIES = {
    "user": "Konto",
    "municipality": "Kommune",
    "demo": "Demodaten",
    "product": "Produkt",
    "catalog": "Katalog",
    "order": "Bestellung",
    "contract": "Mustervertrag",
    "funding": "Förderprogramm",
    "mail": "E-Mail",
    "questionnaire": "Fragebogen",
    "ordered_product": "Bestelltes Produkt",
    "problem": "Meldung",
    "privacy": "Datenschutz",
}


def action_label(action: str) -> str:
    """Return the German name of an action code (the code itself when unknown)."""
    return ACTIONS.get(action, action)


def entity_label(entity_type: str, entity_id: str) -> str:
    """Return e.g. ``Konto 12`` for a record reference."""
    return f"{ENTITIES.get(entity_type, entity_type)} {entity_id}".strip()
