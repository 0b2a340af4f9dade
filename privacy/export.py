"""Access (Art. 15 DSGVO): everything the shop stores about one person, as a JSON document."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session

from accounts.access import require_current
from accounts.actor import Actor
from audit.log import record
from core.clock import utcnow
from core.errors import NotFound, PermissionDenied
from models import Role, User
from privacy.inventory import INVENTORY, Table
from privacy.matching import Matcher, Person
from privacy.rows import rows_about
from questionnaire.export import SYSTEM_USER_ID

SECRET_TEXT = "(gespeichert; wird aus Sicherheitsgründen nicht ausgegeben)"
NOTES = (
    "Diese Auskunft enthält alle Datensätze des OAA-Shops, die Ihrem Konto zugeordnet sind oder in denen Ihr Name, "
    "Ihre E-Mail-Adresse oder Ihre Telefonnummer vorkommt.",
    "Datensätze können auch Angaben über andere Personen enthalten (z. B. wer bei KISA einen Vorgang bearbeitet hat); "
    "sie werden hier nur wiedergegeben, soweit sie Ihren Vorgang betreffen.",
    "Passwörter und Sitzungsschlüssel werden nur als Prüfwert (Hash) gespeichert und nicht ausgegeben.",
    "Für Fragen zum Datenschutz und zur Löschung wenden Sie sich bitte an KISA.",
)


def may_export(actor: Actor, user_id: int) -> bool:
    """Tell whether the actor may see the export: the person themself, or an administrator."""
    return actor.user_id == user_id or (actor.role == Role.ADMIN and actor.is_active)


def _check(session: Session, actor: Actor, user_id: int) -> User:
    if not may_export(actor, user_id):
        raise PermissionDenied()
    if actor.user_id != user_id and actor.user_id != SYSTEM_USER_ID:
        require_current(session, actor, Role.ADMIN)  # still an administrator
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("Das Konto wurde nicht gefunden.")
    return user


def plain(value: Any) -> Any:
    """Return a JSON-serialisable form of a column value."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _row(spec: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, column in spec.columns.items():
        value = row[name]
        if column.secret:
            out[name] = SECRET_TEXT if value else None
        elif column.json and isinstance(value, str):
            try:
                out[name] = json.loads(value)
            except ValueError:
                out[name] = value
        else:
            out[name] = plain(value)
    return out


def export_person(session: Session, *, actor: Actor, user_id: int) -> dict[str, Any]:
    """Return everything stored about the person with account ``user_id`` (JSON-serialisable), and record it.

    Allowed for the person themself and for administrators (and the operator's command). Rows are found by the
    account's id in every table, by its name, e-mail address and phone number in texts and snapshots, and through
    links (the products in their cart). Each table comes with its purpose, legal basis, recipients and retention.
    """
    user = _check(session, actor, user_id)
    matcher = Matcher(Person.of(user))
    tables: dict[str, dict[str, Any]] = {}
    for found in rows_about(session, matcher):
        spec = INVENTORY[found.table]
        entry = tables.setdefault(found.table, {
            "bezeichnung": spec.title, "zweck": spec.purpose, "rechtsgrundlage": spec.legal_basis,
            "empfaenger": spec.visible_to, "speicherdauer": spec.retention, "zeilen": [],
        })
        entry["zeilen"].append(_row(spec, found.row))
    document = {
        "art": "Auskunft nach Art. 15 DSGVO",
        "erstellt_am": utcnow().isoformat(),
        "person": {"konto": user.id, "name": user.full_name, "email": user.email},
        "hinweise": list(NOTES),
        "tabellen": tables,
    }
    record(session, action="privacy.exported", entity_type="user", entity_id=user_id,
           actor=None if actor.user_id == SYSTEM_USER_ID else actor, actor_label=actor.email,
           municipality_id=user.municipality_id,
           details=f"Auskunft nach Art. 15 DSGVO zu Konto {user_id} erstellt "
                   f"({sum(len(t['zeilen']) for t in tables.values())} Datensätze).")
    session.flush()
    return document
