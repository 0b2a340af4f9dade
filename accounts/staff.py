"""Accounts created by operators: the first admin (CLI), KISA staff, demo personas."""

from __future__ import annotations

from sqlmodel import Session, select

from accounts.passwords import hash_password, password_problem
from accounts.validation import clean_text, normalise_email, normalise_phone, too_long
from audit.log import record
from core.errors import FieldErrors
from models import Role, User, UserStatus


def create_staff_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    role: Role,
    phone: str = "",
    is_demo: bool = False,
    created_by: str = "system",
) -> User:
    """Create an active KISA or admin account; raise :class:`FieldErrors` on bad input."""
    if role not in (Role.KISA, Role.ADMIN):
        raise FieldErrors({"role": "Hier können nur KISA- oder Administrationskonten angelegt werden."})
    errors: dict[str, str] = {}
    normalised, problem = normalise_email(email)
    if problem:
        errors["email"] = problem
    elif session.exec(select(User.id).where(User.email == normalised)).first() is not None:
        errors["email"] = "Mit dieser E-Mail-Adresse besteht bereits ein Konto."
    name = clean_text(full_name, max_length=200)
    if len(name) < 3:
        errors["full_name"] = "Bitte geben Sie Vor- und Nachnamen an."
    elif problem := too_long(full_name, max_length=200):
        errors["full_name"] = problem
    e164, problem = normalise_phone(phone, required=False)
    if problem:
        errors["phone"] = problem
    problem = password_problem(password, email=normalised or "", full_name=name)
    if problem:
        errors["password"] = problem
    if errors:
        raise FieldErrors(errors)
    user = User(
        email=normalised or "",
        full_name=name,
        phone=e164 or "",
        role=role,
        status=UserStatus.ACTIVE,
        password_hash=hash_password(password),
        is_demo=is_demo,
    )
    session.add(user)
    session.flush()
    record(session, action="user.created", entity_type="user", entity_id=user.id, actor_label=created_by,
           details=f"Konto angelegt: {name} ({user.email}), Rolle {role.value}.")
    return user
