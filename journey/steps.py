"""The five steps of the seed, with what happens and how long it takes (content for the start page)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """One step of the journey to a live OAA."""

    number: int
    title: str
    who: str
    duration: str
    summary: str
    details: tuple[str, ...]


STEPS: tuple[Step, ...] = (
    Step(1, "Registrieren und Freischaltung", "Kommune, dann KISA", "einmalig, wenige Tage",
         "Die erste berechtigte Person registriert ihre Kommune im Shop; KISA prüft und schaltet frei.",
         ("Kommune aus dem Gemeindeverzeichnis wählen (Amtlicher Gemeindeschlüssel)",
          "Bestätigen, dass Sie für Ihre Kommune handeln dürfen",
          "Weitere Kolleg:innen fügen Sie danach selbst hinzu – ohne neue Freischaltung")),
    Step(2, "Auswählen und bestellen", "Kommune", "jederzeit",
         "Im Katalog „Online-Antragsassistenten“ Produkte suchen, in den Warenkorb legen und bestellen.",
         ("Preishinweise und Mustervertrag beachten", "Mehrere OAAs in einer Bestellung",
          "Bestellbestätigung und Vertrag als PDF")),
    Step(3, "Nach dem Kauf: Konfiguration", "Kommune (als Team)", "geplant 2 Wochen",
         "Sofort kommt die Bestellbestätigung mit Link zum Fragebogen; die Kommune gibt fachliche und "
         "technische Parameter an – einmal für viele Produkte.",
         ("Fachliche und technische Ansprechpartner, Testpersonen",
          "Bereitstellung der Antragsdaten (KDN-Anbindung notwendig, z. B. Transferverzeichnis)",
          "Amt24-Leistungsseite, Organisationseinheit, Benachrichtigungsadresse",
          "Verwaltungsgemeinschaften und Zweckvereinbarungen, Datenschutz und Informationssicherheit")),
    Step(4, "Einrichtung durch KISA", "KISA", "etwa 2 Wochen",
         "KISA prüft die Angaben, fragt bei Bedarf nach und richtet den OAA ein.",
         ("Transferverzeichnis durch Lecos", "Produktspezifische Konfiguration",
          "Verknüpfung mit dem Mandanten auf Amt24, Anbindung an Fachverfahren",
          "Go-Live-Mail (Produktivstellung im Wartungsmodus)")),
    Step(5, "Test, Abnahme, Livegang", "Kommune", "2–3 Wochen",
         "Die benannten Testpersonen testen im Wartungsmodus, die Kommune nimmt ab und schaltet live.",
         ("Test mit Servicekonto auf Amt24", "Probleme an KISA melden", "Abnahme (Abnahmeprotokoll)",
          "Wartungsmodus aus, Bürger:innen und Unternehmen informieren")),
)
