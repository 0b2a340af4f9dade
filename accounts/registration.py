"""Self-registration of a municipality's first authorised person; pending until KISA approves."""

from __future__ import annotations

import re

from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from accounts.passwords import hash_password, password_problem
from accounts.validation import clean_text, normalise_email, normalise_phone, too_long
from audit.log import record
from core.clock import utcnow
from core.errors import FieldErrors
from models import Municipality, MunicipalityStatus, Role, User, UserStatus
from municipalities.keys import ars_error, derive_ars, is_ags, leitweg_id_error
from municipalities.reference import get_gemeinde

POSITIONS = (
    "OZG-Koordinator:in",
    "Digitalnavigator:in",
    "Amtsleitung / Fachbereichsleitung",
    "IT-Verantwortliche:r",
    "Bürgermeister:in",
    "Sachbearbeitung",
    "Sonstige Funktion",
)


class RegistrationInput(BaseModel):
    """What the registration form sends; everything is checked by :func:`register`."""

    full_name: str = ""
    email: str = ""
    phone: str = ""
    ags: str = ""
    position: str = ""
    authorised: bool = False
    ars: str = ""
    leitweg_id: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""
    password: str = ""
    password_repeat: str = ""


def check_registration(session: Session, data: RegistrationInput) -> dict[str, str]:
    """Return every problem of ``data`` as field → German message (empty when all is well)."""
    errors: dict[str, str] = {}
    name = clean_text(data.full_name, max_length=200)
    if len(name) < 3:
        errors["full_name"] = "Bitte geben Sie Ihren Vor- und Nachnamen an."
    elif problem := too_long(data.full_name, max_length=200):
        errors["full_name"] = problem
    email, problem = normalise_email(data.email)
    if problem:
        errors["email"] = problem
    elif session.exec(select(User.id).where(User.email == email)).first() is not None:
        errors["email"] = (
            "Mit dieser E-Mail-Adresse besteht bereits ein Konto. Bitte melden Sie sich an "
            "oder nutzen Sie eine andere Adresse."
        )
    _, problem = normalise_phone(data.phone)
    if problem:
        errors["phone"] = problem
    gemeinde = get_gemeinde(session, data.ags) if is_ags(data.ags) else None
    if gemeinde is None:
        errors["ags"] = "Bitte wählen Sie Ihre Kommune aus der Liste der sächsischen Gemeinden."
    elif _live_tenant(session, data.ags) is not None:
        errors["ags"] = (
            f"{gemeinde.name} ist bereits registriert. Bitte wenden Sie sich an die Person, die Ihre "
            "Kommune registriert hat: sie kann Sie als Kolleg:in hinzufügen."
        )
    if data.position not in POSITIONS:
        errors["position"] = "Bitte wählen Sie Ihre Funktion in der Kommune."
    if not data.authorised:
        errors["authorised"] = "Bitte bestätigen Sie, dass Sie für Ihre Kommune handeln dürfen."
    ars_problem = ars_error(data.ars.strip(), data.ags) if gemeinde is not None else None
    if ars_problem:
        errors["ars"] = ars_problem
    if data.leitweg_id.strip():
        lw_problem = leitweg_id_error(data.leitweg_id.strip())
        if lw_problem:
            errors["leitweg_id"] = lw_problem
    if len(clean_text(data.street, max_length=200)) < 3:
        errors["street"] = "Bitte geben Sie Straße und Hausnummer der Verwaltung an."
    elif problem := too_long(data.street, max_length=200):
        errors["street"] = problem
    if not re.fullmatch(r"0[1-9]\d{3}|[1-9]\d{4}", data.postal_code.strip()):
        errors["postal_code"] = "Die Postleitzahl hat fünf Ziffern, z. B. 01067."
    if len(clean_text(data.city, max_length=120)) < 2:
        errors["city"] = "Bitte geben Sie den Ort an."
    elif problem := too_long(data.city, max_length=120):
        errors["city"] = problem
    pw_problem = password_problem(data.password, email=email or "", full_name=name)
    if pw_problem:
        errors["password"] = pw_problem
    elif data.password != data.password_repeat:
        errors["password_repeat"] = "Die beiden Passwörter stimmen nicht überein."
    return errors


def _live_tenant(session: Session, ags: str) -> Municipality | None:
    """Return the pending or active tenant for ``ags``; rejected ones do not block a new try."""
    return session.exec(
        select(Municipality).where(
            Municipality.ags == ags, col(Municipality.status) != MunicipalityStatus.REJECTED
        )
    ).first()


def suggested_ars(ags: str) -> str:
    """Return the ARS proposed for ``ags`` (empty when the AGS is not well-formed)."""
    return derive_ars(ags) if is_ags(ags) else ""


def register(session: Session, data: RegistrationInput) -> User:
    """Create a pending municipality and its first user; raise :class:`FieldErrors` on bad input."""
    errors = check_registration(session, data)
    if errors:
        raise FieldErrors(errors)
    gemeinde = get_gemeinde(session, data.ags)
    assert gemeinde is not None
    email, _ = normalise_email(data.email)
    phone, _ = normalise_phone(data.phone)
    municipality = Municipality(
        ags=gemeinde.ags,
        name=gemeinde.name,
        kreis=gemeinde.kreis,
        ars=data.ars.strip(),
        leitweg_id=data.leitweg_id.strip() or None,
        street=clean_text(data.street, max_length=200),
        postal_code=data.postal_code.strip(),
        city=clean_text(data.city, max_length=120),
    )
    user = User(
        email=email or "",
        full_name=clean_text(data.full_name, max_length=200),
        phone=phone or "",
        role=Role.KOMMUNE,
        position=data.position,
        can_manage_team=True,
        status=UserStatus.PENDING,
        password_hash=hash_password(data.password),
        authorised_confirmed_at=utcnow(),
    )
    try:
        with session.begin_nested():  # a concurrent registration may win the race for the AGS or e-mail
            session.add(municipality)
            session.flush()
            user.municipality_id = municipality.id
            session.add(user)
            session.flush()
    except IntegrityError as exc:
        raise FieldErrors(check_registration(session, data) or {"ags": "Bitte versuchen Sie es erneut."}) from exc
    record(
        session,
        action="registration.submitted",
        entity_type="user",
        entity_id=user.id,
        actor_label=user.email,
        municipality_id=municipality.id,
        details=f"Registrierung für {municipality.name} (AGS {municipality.ags}) eingereicht.",
    )
    return user
