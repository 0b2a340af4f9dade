"""Who is acting: a small immutable value every service function receives."""

from __future__ import annotations

from dataclasses import dataclass

from models import Role, User, UserStatus


@dataclass(frozen=True)
class Actor:
    """The logged-in person as the domain sees them; kept in the Streamlit session, never an ORM row."""

    user_id: int
    email: str
    full_name: str
    role: Role
    status: UserStatus
    municipality_id: int | None
    can_manage_team: bool = False

    @classmethod
    def of(cls, user: User) -> Actor:
        """Build the actor for a loaded user."""
        assert user.id is not None
        return cls(
            user_id=user.id,
            email=user.email,
            full_name=user.full_name,
            role=user.role,
            status=user.status,
            municipality_id=user.municipality_id,
            can_manage_team=user.can_manage_team,
        )

    @property
    def is_staff(self) -> bool:
        """KISA staff and administrators see all municipalities."""
        return self.role in (Role.KISA, Role.ADMIN)

    @property
    def is_active(self) -> bool:
        """Only approved accounts may work; pending ones only see that they wait."""
        return self.status == UserStatus.ACTIVE
