"""Who takes part in the OZG implementation on Amt24 and what each one does (seed, section 1), and the roles in the
shop itself (PRODUCT.md "Who uses it") with the demo persona that plays each in the workshop."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Party:
    """A party of the OZG implementation in Saxony."""

    name: str
    role: str
    tasks: str


PARTIES: tuple[Party, ...] = (
    Party("Sächsische Staatskanzlei", "Betreiber von Amt24", "betreibt das Portal amt24.sachsen.de"),
    Party("SID – Staatsbetrieb Sächsische Informatik Dienste", "Anwendungsbetreuung Amt24",
          "beantwortet administrative Fragen rund um Amt24"),
    Party("SAKD", "OZG-Umsetzung für die sächsischen Kommunen",
          "Ansprechpartner für Inhaltliches zur OZG-Umsetzung, Feedback, Fragen und Anregungen"),
    Party("KOMM24 und Sächsisch Direkt", "Hersteller der Amt24-Online-Antragsassistenten (OAA)",
          "entwickeln die OAAs und bringen Weiterentwicklungen, z. B. nach Gesetzesänderungen"),
    Party("KISA – Kommunale Informationsverarbeitung Sachsen", "Betrieb, Support, Wartung, Pflege",
          "konfiguriert die OAAs für die Kommune, richtet sie ein und ist Ansprechpartner bei Problemen"),
    Party("Lecos", "Transferverzeichnisse", "richtet das Transferverzeichnis für die Antragsdaten ein"),
    Party("Kommunale Verwaltung", "Kundin: nutzt die OAAs",
          "bestellt, gibt die Konfiguration an, testet, nimmt ab und pflegt ihren Mandanten auf Amt24"),
)

# The seed's recommendation to the municipality ("Wir empfehlen Ihnen hier in der Funktion des Digitalnavigators").
COORDINATION: tuple[str, ...] = (
    "Übernehmen Sie nach Möglichkeit die Rolle der OZG-Koordination oder benennen Sie jemanden dafür.",
    "Koordination heißt: zwischen technischen und fachlichen Ansprechpartnern vermitteln, was genau KISA braucht "
    "und welche Informationen Sie dafür benötigen.",
    "Bringen Sie die Ansprechpartner an einen Tisch und füllen Sie den Fragebogen gemeinsam aus.",
    "Planen Sie die nachgelagerten Prozesse und Verantwortlichkeiten, z. B. den Umgang mit Produktreleases.",
)


@dataclass(frozen=True)
class ShopRole:
    """A role in the OAA-Shop and the demo persona (key of demo.personas.PERSONAS) who plays it in the workshop."""

    name: str
    tasks: str
    persona: str | None


SHOP_ROLES: tuple[ShopRole, ...] = (
    ShopRole("OZG-Koordinator:in / Digitalnavigator:in der Kommune",
             "registriert die Kommune, bestellt, koordiniert den Fragebogen, testet und erteilt die Abnahme",
             "koordination"),
    ShopRole("Fachliche:r oder technische:r Ansprechpartner:in",
             "wird von der Koordination eingeladen, füllt ihren Teil des Fragebogens aus und testet den OAA",
             "technik"),
    ShopRole("KISA Team Antragsmanagement",
             "schaltet Registrierungen frei, prüft Konfigurationen, fragt nach, richtet ein, sendet die Go-Live-Mail, "
             "pflegt Katalog und Versionen",
             "kisa"),
    ShopRole("Referent:in im Workshop", "führt mit der Workshop-Tour durch die Demodaten und setzt sie danach zurück",
             None),
)
