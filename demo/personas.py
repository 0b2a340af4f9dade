"""Demo personas and sample municipalities (sample data, only in demo mode or on `oaa demo reset`)."""

from __future__ import annotations

from dataclasses import dataclass

from models import Role

# One password for all demo personas: they exist only in demo data, shown on the login page in demo mode.
DEMO_PASSWORD = "Demo-Werkstatt-2026"


@dataclass(frozen=True)
class DemoMunicipality:
    """A sample municipality; AGS in the unused district 14999 so it never collides with a real one."""

    ags: str
    name: str
    kreis: str
    active: bool
    street: str = "Marktplatz 1"
    postal_code: str = "01234"
    city: str = "Musterstadt (Beispiel)"


@dataclass(frozen=True)
class DemoPersona:
    """A demo account a presenter logs in as."""

    key: str
    email: str
    full_name: str
    role: Role
    position: str
    municipality_ags: str | None
    phone: str
    can_manage_team: bool = False
    pending: bool = False

    @property
    def label(self) -> str:
        """Return the text of the persona's button."""
        return f"{self.full_name} – {self.position}"


MUNICIPALITIES = (
    DemoMunicipality("14999001", "Musterstadt (Beispielkommune)", "Beispielkreis (Beispieldaten)", True),
    DemoMunicipality("14999002", "Beispielgemeinde Talheim (Beispielkommune)", "Beispielkreis (Beispieldaten)", True),
    DemoMunicipality("14999003", "Neudorf am See (Beispielkommune)", "Beispielkreis (Beispieldaten)", False),
    # The erfüllende Gemeinde of a Verwaltungsgemeinschaft: it handles the applications of its member municipalities.
    DemoMunicipality("14999004", "Verwaltungsgemeinschaft Am Beispielsee (Beispielkommune)",
                     "Beispielkreis (Beispieldaten)", True, street="Seestraße 4", postal_code="01235",
                     city="Beispielsee (Beispiel)"),
)

PERSONAS = (
    DemoPersona("koordination", "anna.beispiel@musterstadt.example", "Anna Beispiel",
                Role.KOMMUNE, "OZG-Koordinator:in", "14999001", "+49 351 5550101", can_manage_team=True),
    DemoPersona("technik", "tom.technik@musterstadt.example", "Tom Technik",
                Role.KOMMUNE, "IT-Verantwortliche:r", "14999001", "+49 351 5550102"),
    DemoPersona("talheim", "berta.muster@talheim.example", "Berta Muster",
                Role.KOMMUNE, "Digitalnavigator:in", "14999002", "+49 3591 555010", can_manage_team=True),
    DemoPersona("verwaltungsgemeinschaft", "vera.verbund@beispielsee.example", "Vera Verbund",
                Role.KOMMUNE, "OZG-Koordinator:in", "14999004", "+49 35955 55010", can_manage_team=True),
    DemoPersona("wartend", "paul.neu@neudorf.example", "Paul Neu",
                Role.KOMMUNE, "Amtsleitung / Fachbereichsleitung", "14999003", "+49 3731 555010",
                can_manage_team=True, pending=True),
    DemoPersona("kisa", "klara.kisa@kisa.example", "Klara Antragsmanagement",
                Role.KISA, "KISA Team Antragsmanagement", None, "+49 341 5550100"),
    DemoPersona("admin", "admin@kisa.example", "Adrian Admin", Role.ADMIN, "Administration", None, "+49 341 5550199"),
)


def persona(key: str) -> DemoPersona:
    """Return the persona with ``key``."""
    return next(p for p in PERSONAS if p.key == key)
