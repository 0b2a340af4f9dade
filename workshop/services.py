"""KISA's services around the OAAs and the contacts of the parties (seed, sections 1 and 3)."""

from __future__ import annotations

from dataclasses import dataclass

# "Welche Unterstützung bietet KISA Ihnen bei der Nachnutzung der Komm24-OAA?"
KISA_SERVICES: tuple[str, ...] = (
    "**Konfiguration** Ihres Online-Antragsassistenten inkl. Bereitstellung der Antragsdaten in einem "
    "**Transferverzeichnis**",
    "Digitale und sichere Übertragung der Antragsdaten",
    "Vorlage aller Unterlagen und Informationen zur sofortigen Antragsprüfung und -bearbeitung – ohne mit dem "
    "Antragstellenden erneut Kontakt aufnehmen zu müssen",
    "Umfassender technischer **Support**",
    "Technische und inhaltliche **Releases** nach Ausbau durch KOMM24, z. B. bei Gesetzesänderungen",
    "**Benutzerunterstützung**",
    "**Anpassung** der Konfiguration des Online-Antragsassistenten bei Satzungsänderungen",
)

# Where to find the available OAAs (seed, "Übersicht Produktkataloge").
CATALOGUES: tuple[tuple[str, str], ...] = (
    ("KISA: einsetzbare Online-Antragsassistenten", "https://ozg.kisa.it/de/online-antragsassistenten.html"),
    ("KOMM24: Produktübersicht", "https://www.komm24.de/loesungen-services/produkte/"),
    ("Sächsisch Direkt: Produkte und Lösungen", "https://www.saechsisch-direkt.de/produkte-loesungen/"),
    ("KOMM24: Release Notes", "https://www.komm24.de/newsroom/release-notes/"),
)

# As the seed states it; the shop takes the funding valid on a day from its funding programmes, never from here.
FUNDING_NOTE = (
    "Stand der Folien: Aufgrund der Förderung des Freistaats Sachsen sind Einrichtung und Konfiguration seit dem "
    "01.07.2022 kostenfrei; Softwarepflege- und Lizenzkosten übernimmt ebenfalls der Freistaat (gesichert bis "
    "31.12.2024). Welche Förderung heute gilt, zeigt der Warenkorb."
)


@dataclass(frozen=True)
class Contact:
    """Who to ask about what."""

    topic: str
    name: str
    phone: str = ""
    email: str = ""
    web: str = ""


CONTACTS: tuple[Contact, ...] = (
    Contact("Bestellung, Konfiguration, Betrieb und Support der OAAs", "KISA Team Antragsmanagement",
            "+49 351 86652-0", "support.onlineantrag@kisa.it", "https://ozg.kisa.it"),
    Contact("Inhaltliches zur OZG-Umsetzung, Feedback, Fragen und Anregungen", "SAKD", email="ozg@sakd.de"),
    Contact("Administrative Fragen rund um Amt24", "SID – Anwendungsbetreuung", "+49 351 79997-100",
            "servicedesk@sid.sachsen.de", "http://www.sid.sachsen.de/"),
    Contact("Betreiber von Amt24", "Sächsische Staatskanzlei", email="info@sk.sachsen.de", web="www.sk.sachsen.de"),
    Contact("Fragen an einen Hersteller", "Sächsisch Direkt", email="kontakt@saechsisch-direkt.de"),
)

KISA_ADDRESS = "Kommunale Informationsverarbeitung Sachsen – KISA, Eilenburger Straße 1a, 04317 Leipzig, www.kisa.it"
