"""Builders that put ready-made records into the test database."""

from __future__ import annotations

import itertools

from sqlmodel import Session

from accounts.actor import Actor
from accounts.passwords import hash_password
from models import Municipality, MunicipalityStatus, Role, User, UserStatus
from municipalities.keys import derive_ars

PASSWORD = "Richtig-Langes-Passwort-7"
_counter = itertools.count(1)


def make_municipality(session: Session, *, ags: str | None = None, name: str | None = None,
                      status: MunicipalityStatus = MunicipalityStatus.ACTIVE) -> Municipality:
    """Create a registered municipality (a tenant)."""
    n = next(_counter)
    ags = ags or f"14998{n % 1000:03d}"  # 8 digits, however many builders the suite has called
    municipality = Municipality(ags=ags, name=name or f"Testgemeinde {n}", kreis="Testkreis",
                                ars=derive_ars(ags), status=status, street="Rathausplatz 1", postal_code="01067",
                                city="Teststadt")
    session.add(municipality)
    session.commit()
    return municipality


def make_user(session: Session, *, role: Role = Role.KOMMUNE, municipality: Municipality | None = None,
              status: UserStatus = UserStatus.ACTIVE, email: str | None = None, password: str = PASSWORD,
              can_manage_team: bool = False) -> User:
    """Create a user; a municipal user gets a new municipality unless one is given."""
    n = next(_counter)
    if role == Role.KOMMUNE and municipality is None:
        municipality = make_municipality(session)
    user = User(
        email=email or f"person{n}@test.example",
        full_name=f"Person Nummer{n}",
        phone="+493511234567",
        role=role,
        position="OZG-Koordinator:in" if role == Role.KOMMUNE else "",
        municipality_id=municipality.id if municipality else None,
        status=status,
        password_hash=hash_password(password),
        can_manage_team=can_manage_team,
    )
    session.add(user)
    session.commit()
    return user


def actor_of(user: User) -> Actor:
    """Return the actor for a user."""
    return Actor.of(user)
