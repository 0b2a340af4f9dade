"""The systems of Amt24 and how an online application runs, seen by the applicant and by the administration
(seed, section 2). The picture of the data flow is in ``workshop.dataflow``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Amt24System:
    """One of the three Amt24 systems: the portal applicants use and the Admincenter of the administration."""

    name: str
    portal: str
    admincenter: str


AMT24_SYSTEMS: tuple[Amt24System, ...] = (
    Amt24System("Live-System", "https://amt24.sachsen.de/", "https://admincenter.amt24.sachsen.de/"),
    Amt24System("Demo-System", "https://amt24dev.sachsen.de/", "DEV-Admincenter"),
    Amt24System("Entwickler-System", "https://amt24test.sachsen.de/", "TEST-Admincenter"),
)

# The portal's parts as the seed names them.
PORTAL_PARTS: tuple[tuple[str, str], ...] = (
    ("Amt24 „Frontend“", "was die Antragstellerin oder der Antragsteller sieht"),
    ("Amt24-Admincenter", "wo die Verwaltung ihre Leistungsseiten und ihren Mandanten pflegt"),
    ("Online-Antragsassistenten „OAAs“", "die entwickelten Prozesse auf dem Amt24-Portal (der Plattform)"),
)


@dataclass(frozen=True)
class Stage:
    """One stage of an online application, as the seed numbers it."""

    title: str
    how: str


APPLICANT_VIEW: tuple[Stage, ...] = (
    Stage("Antragstellung", "bequem von zu Hause auf Amt24"),
    Stage("Bestätigung und Antragskopie", "als Servicekonto-Benachrichtigung"),
    Stage("Bescheiderhalt", "per bekanntem Zustellverfahren"),
    Stage("Servicekonto pflegen", "z. B. die Antragskopie aus dem Dokumentensafe herunterladen"),
)

ADMINISTRATION_VIEW: tuple[Stage, ...] = (
    Stage("Antragseingang", "die Antragsdaten kommen im Transferverzeichnis an (KDN-Anbindung notwendig)"),
    Stage("Information über Antragseingang", "als E-Mail-Benachrichtigung an die angegebene Adresse"),
    Stage("Übernahme der Antragsdaten", "direkt aus dem Fachverfahren*, z. B. AutiSta im Standesamt"),
    Stage("Antragsbearbeitung", "direkt aus dem Fachverfahren*"),
)
DEPENDS_ON_OAA = "* abhängig vom Online-Antragsassistenten"

# The example notification of the seed (a birth certificate applied for, data handed to AutiSta).
NOTIFICATION_EXAMPLE = (
    "Sehr geehrte Damen und Herren,\n\n"
    "über Amt24 wurde ein Onlineantrag zur Ausstellung einer Geburtsurkunde gestellt. Die Antragsdaten wurden in "
    "AutiSta übermittelt.\n\n"
    "Mit freundlichen Grüßen\n"
    "Ihr Team des KISA Antragsmanagements"
)

FORMATS: tuple[str, ...] = (
    "Alle OAAs liefern die Antragsdaten im sächsischen XML-Standard; so kann ein Fachverfahren sie übernehmen.",
    "Mehr zu den Datenformaten: KISA-Team „Digitale Kommune“, https://ozg.kisa.it/schema/",
    "Welche Daten ein OAA ausgibt, zeigt seine Produktseite im Katalog (Ausgabedaten, Musterdaten und XML).",
)

PRIVACY: tuple[str, ...] = (
    "Die Antragsdaten gehen über das Kommunale DatenNetz (KDN) ins Transferverzeichnis; dafür ist eine "
    "KDN-Anbindung notwendig.",
    "Der Konfigurationsfragebogen fragt die Hinweise zum Datenschutz und zur Informationssicherheit der Kommune ab.",
)
