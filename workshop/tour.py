"""The guided workshop tour: the five steps of the seed as a presenter's path through the app on the demo story.

Each stop says what to tell the participants, which page to open, as which demo persona, and what to show there
(with the demo products that carry it). The steps themselves come from ``journey.steps.STEPS``; the tour adds an
opening, the data flow, the time after go-live and the closing round of questions, as the seed deck does.
The current stop lives in the page address (``?station=<n>``); :func:`choose_station` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from demo.personas import DemoPersona, persona
from journey.steps import STEPS, Step
from models import OrderedProductState

S = OrderedProductState
MUSTERSTADT = "14999001"
TALHEIM = "14999002"
PARAMETER = "station"


@dataclass(frozen=True)
class DemoProduct:
    """A product of the demo story a stop shows: which sample municipality has it, in which state."""

    ags: str
    product_id: str
    state: OrderedProductState


@dataclass(frozen=True)
class Stop:
    """One stop of the tour."""

    key: str
    title: str
    explanation: str  # what the presenter tells the participants
    page_file: str  # pages/<page_file>, as registered in app.py
    page_path: str  # its address
    page_title: str  # its name in the sidebar
    persona: str | None  # key of demo.personas.PERSONAS; None: without logging in
    show: tuple[str, ...]  # what to show on the page (2–4 points)
    step: int | None = None  # number of the journey step (journey.steps.STEPS)
    highlight: tuple[str, ...] = ()  # systems of the data-flow picture (workshop.dataflow.SYSTEMS)
    demo_products: tuple[DemoProduct, ...] = ()  # the demo story's products named in ``show``

    @property
    def journey_step(self) -> Step | None:
        """Return the step of the seed this stop belongs to."""
        return next((s for s in STEPS if s.number == self.step), None)

    @property
    def demo_persona(self) -> DemoPersona | None:
        """Return the demo persona to be at this stop (None: not logged in)."""
        return persona(self.persona) if self.persona else None

    @property
    def who(self) -> str:
        """Return as whom to open the page, in words."""
        p = self.demo_persona
        if p is None:
            return "ohne Anmeldung (jede Person kann die Seite öffnen)" if self.page_path in OPEN_TO_ALL \
                else "nicht angemeldet (Besucher:in)"
        return f"{p.full_name} – {p.position} ({p.email})"

    def is_person(self, email: str | None) -> bool:
        """Tell whether the person logged in with ``email`` (None: nobody) is the one this stop needs."""
        p = self.demo_persona
        if p is None:
            return email is None or self.page_path in OPEN_TO_ALL
        return email is not None and email.casefold() == p.email.casefold()


# The info pages: in everybody's navigation, logged in or not.
OPEN_TO_ALL = frozenset({"rollen", "systeme", "leistungen", "fragen"})

TOUR: tuple[Stop, ...] = (
    Stop("willkommen", "Willkommen: OZG-Umsetzung auf Amt24",
         "Wer ist an der OZG-Umsetzung in Sachsen beteiligt, und wer macht was? Die Staatskanzlei betreibt Amt24, SID "
         "betreut die Anwendung, die SAKD ist für die OZG-Umsetzung der Kommunen zuständig, KOMM24 und Sächsisch "
         "Direkt entwickeln die Online-Antragsassistenten, KISA richtet sie für die Kommunen ein und betreut sie.",
         "info_roles.py", "rollen", "Rollen und Aufgaben", None,
         ("Die Tabelle der Beteiligten: wer betreibt, wer entwickelt, wer richtet ein, wer nutzt",
          "Die Rolle der OZG-Koordination in der Kommune: fachliche und technische Ansprechpartner an einen Tisch "
          "bringen",
          "Die Demo-Personen dieses Workshops und was sie im Shop tun (Beispieldaten)")),
    Stop("registrieren", "Registrieren",
         "Die erste berechtigte Person registriert ihre Kommune einmal im Shop. Alles wird am Feld geprüft; "
         "gespeichert wird erst, wenn alle Angaben stimmen.",
         "register.py", "registrieren", "Registrieren", None,
         ("Kommune aus dem amtlichen Verzeichnis der 419 sächsischen Gemeinden wählen; der Regionalschlüssel wird "
          "vorgeschlagen",
          "Leer absenden: jede fehlende Angabe wird am Feld auf Deutsch genannt, nichts wird gespeichert",
          "Kolleg:innen lädt die Kommune später selbst ein – ohne neue Freischaltung"),
         step=1),
    Stop("freischalten", "Freischaltung durch KISA",
         "KISA prüft neue Registrierungen und schaltet sie frei oder lehnt sie mit Begründung ab. Bis dahin sieht die "
         "Person nur den Stand ihrer Registrierung.",
         "approvals.py", "freischaltungen", "Freischaltungen", "kisa",
         ("Paul Neu aus „Neudorf am See (Beispielkommune)“ wartet auf die Freischaltung",
          "Freischalten oder mit Begründung ablehnen; die Entscheidung steht im Protokoll",
          "Die Entscheidung geht als E-Mail an die Person (Seite „Postausgang“)"),
         step=1),
    Stop("bestellen", "Auswählen und bestellen",
         "Im Katalog stehen über 130 Online-Antragsassistenten, gruppiert nach dem sächsischen Aktenplan. Die Kommune "
         "legt Produkte in den Warenkorb, liest den Mustervertrag und bestellt.",
         "catalog_search.py", "katalog", "OAA-Katalog", "koordination",
         ("Suche ab drei Zeichen, z. B. „Melde“: Treffer nach Aktenplan-Gruppen, jeweils mit dem Grund des Treffers",
          "Produktseite „Meldebescheinigung“: Rechtsgrundlage, LeiKa-Schlüssel, Musterdaten und das XML für das "
          "Fachverfahren; Musterstadt hat sie schon bestellt, der Warenkorb lehnt sie mit Grund ab",
          "„Anzeige eines Feuerwerkes“ in den Warenkorb legen und bestellen; Vertrag als PDF (Preise sind "
          "Beispieldaten)"),
         step=2, highlight=("oaa",),
         demo_products=(DemoProduct(MUSTERSTADT, "meldebescheinigung", S.LIVE),
                        DemoProduct(TALHEIM, "anzeige-eines-feuerwerkes", S.SUBMITTED))),
    Stop("konfigurieren", "Nach dem Kauf: der Fragebogen",
         "Mit der Bestellbestätigung kommt der Link zum Konfigurationsfragebogen (früher „D-Work“). Die Kommune gibt "
         "die fachlichen und technischen Parameter an – als Team und einmal für viele Produkte.",
         "questionnaires.py", "frageboegen", "Fragebögen", "koordination",
         ("„Anerkennung Wesenstest für gefährliche Hunde“ ist in Arbeit: die Schrittliste zeigt, was noch offen ist",
          "Jede Antwort wird beim Verlassen des Feldes geprüft und gespeichert; ein falscher Wert bekommt eine "
          "Meldung am Feld",
          "Angaben in einem Zug auf „Einfache Melderegisterauskunft“, „Antrag auf Auskunftssperre“ und "
          "„Übermittlungssperren“ übertragen",
          "Kolleg:innen wie Tom Technik per E-Mail um einzelne Schritte bitten"),
         step=3, highlight=("transfer", "postfach", "servicekonto", "admincenter"),
         demo_products=(
             DemoProduct(MUSTERSTADT, "anerkennung-wesenstest-fuer-gefaehrliche-hunde", S.QUESTIONNAIRE),
             DemoProduct(MUSTERSTADT, "einfache-melderegisterauskunft", S.ORDERED),
             DemoProduct(MUSTERSTADT, "antrag-auf-auskunftssperre", S.ORDERED),
             DemoProduct(MUSTERSTADT, "uebermittlungssperren", S.ORDERED))),
    Stop("einrichten", "Einrichtung durch KISA",
         "KISA sieht alle eingereichten Konfigurationen, fragt bei Bedarf nach und richtet den OAA ein: "
         "Transferverzeichnis durch Lecos, Konfiguration, Mandant auf Amt24, Benachrichtigungsmail. Am Ende steht die "
         "Go-Live-Mail.",
         "kisa_queue.py", "arbeitsvorrat", "Arbeitsvorrat", "kisa",
         ("Eingereicht und zu prüfen: „Anmeldung der Nebenwohnung“ (Musterstadt) und „Anzeige eines Feuerwerkes“ "
          "(Talheim), mit Fälligkeit aus den zwei Wochen der Folien",
          "„Anmeldung Eheschließung“ in der Einrichtung: die Checkliste mit den ersten abgehakten Punkten; Go-Live "
          "erst, wenn alles erledigt ist",
          "Filter „Rückfrage von KISA“: „Gewerbeanmeldung“ wartet auf die Antwort der Kommune"),
         step=4, highlight=("kisa", "oaa", "transfer", "fachverfahren"),
         demo_products=(DemoProduct(MUSTERSTADT, "anmeldung-der-nebenwohnung", S.SUBMITTED),
                        DemoProduct(TALHEIM, "anzeige-eines-feuerwerkes", S.SUBMITTED),
                        DemoProduct(MUSTERSTADT, "anmeldung-eheschliessung", S.SETUP),
                        DemoProduct(MUSTERSTADT, "gewerbeanmeldung", S.QUERY))),
    Stop("testen", "Test, Abnahme, Livegang",
         "Nach der Go-Live-Mail testen die benannten Personen im Wartungsmodus (mit Servicekonto auf Amt24). Dann "
         "erteilt die Kommune die Abnahme, schaltet den Wartungsmodus aus und informiert Bürger:innen und Unternehmen.",
         "acceptance.py", "abnahme", "Test und Abnahme", "koordination",
         ("„Geburtsurkunde“ und „Anmeldung der Hauptwohnung“ im Test: Prüfpunkte mit den konfigurierten Werten",
          "„Sterbeurkunde“ ist abgenommen: das Abnahmeprotokoll als PDF",
          "„Meldebescheinigung“ ist live: Wartungsmodus aus, die Checkliste für die Kommunikation"),
         step=5, highlight=("oaa", "servicekonto", "admincenter"),
         demo_products=(DemoProduct(MUSTERSTADT, "geburtsurkunde", S.TESTING),
                        DemoProduct(MUSTERSTADT, "anmeldung-der-hauptwohnung", S.TESTING),
                        DemoProduct(MUSTERSTADT, "sterbeurkunde", S.ACCEPTED),
                        DemoProduct(MUSTERSTADT, "meldebescheinigung", S.LIVE))),
    Stop("danach", "Nach dem Livegang",
         "KISA unterstützt weiter: Support, Releases nach Änderungen durch KOMM24 und Anpassungen nach einer "
         "Satzungsänderung. Der Fortschritt zeigt alle Produkte einer Kommune auf einen Blick.",
         "journey.py", "fortschritt", "Fortschritt", "koordination",
         ("Das Zeitdiagramm aller Produkte von Musterstadt: Plan gegen Ist, und wer auf wen wartet",
          "„Eheurkunde“: nach einer neuen Verwaltungskostensatzung geändert, neu eingerichtet, getestet und wieder live",
          "„Antrag auf Begrüßungsgeld“: Änderung beantragt, der Fragebogen ist wieder offen"),
         highlight=("kisa", "oaa"),
         demo_products=(DemoProduct(MUSTERSTADT, "eheurkunde", S.LIVE),
                        DemoProduct(MUSTERSTADT, "antrag-auf-begruessungsgeld", S.CHANGE_REQUESTED))),
    Stop("datenfluss", "Systeme und Datenfluss",
         "Was passiert mit einem Antrag auf Amt24? Die Antragstellerin bekommt Bestätigung und Kopie ins Servicekonto, "
         "die Daten gehen über das Transferverzeichnis im KDN ins Fachverfahren, und die Kommune bekommt eine "
         "Benachrichtigungsmail.",
         "info_systems.py", "systeme", "Systeme und Datenfluss", None,
         ("Der Weg der Antragsdaten: Amt24 → Transferverzeichnis (KDN) → Fachverfahren, z. B. AutiSta",
          "Was die Antragstellerin sieht: Bestätigung und Antragskopie im Servicekonto, Bescheid auf bekanntem Weg",
          "Live-, Demo- und Entwickler-System von Amt24 mit ihren Admincentern"),
         highlight=("antragsteller", "oaa", "servicekonto", "transfer", "postfach", "fachverfahren")),
    Stop("fragen", "Welche Fragen haben Sie mitgebracht?",
         "Zum Schluss die offene Runde: Welche Themen möchten Sie besprechen? Was sind Ihre Erfahrungen bisher?",
         "info_faq.py", "fragen", "Häufige Fragen", None,
         ("Fragen der Teilnehmenden sammeln und beantworten",
          "Häufige Fragen mit Antworten aus den Folien: Kosten, Dauer, KDN-Anbindung, Ansprechpartner",
          "Leistungen und Kontakte von KISA zum Mitnehmen (Seite „Leistungen und Kontakte“)")),
)


class Mark(StrEnum):
    """Where a stop stands relative to the current one."""

    DONE = "erledigt"
    CURRENT = "jetzt"
    OPEN = "offen"


@dataclass(frozen=True)
class Station:
    """The chosen stop (0-based ``index``) and a German note when the address asked for one that does not exist."""

    index: int
    note: str | None = None

    @property
    def stop(self) -> Stop:
        """Return the stop."""
        return TOUR[self.index]

    @property
    def number(self) -> int:
        """Return the stop's number as people count (1-based), as it appears in the address."""
        return self.index + 1

    @property
    def progress(self) -> float:
        """Return the share of the tour reached with this stop (the first stop: 1/n, the last: 1.0)."""
        return self.number / len(TOUR)

    @property
    def progress_text(self) -> str:
        """Return e.g. ``Station 4 von 10: Auswählen und bestellen``."""
        return f"Station {self.number} von {len(TOUR)}: {stop_title(self.stop)}"

    def marks(self) -> list[tuple[int, Stop, Mark]]:
        """Return every stop with its number and whether it is done, current or still open."""
        return [(i + 1, stop, Mark.DONE if i < self.index else Mark.CURRENT if i == self.index else Mark.OPEN)
                for i, stop in enumerate(TOUR)]

    def neighbour(self, step: int) -> int | None:
        """Return the number of the stop ``step`` places away, or None beyond either end."""
        target = self.number + step
        return target if 1 <= target <= len(TOUR) else None


def stop_title(stop: Stop) -> str:
    """Return the stop's title with its step of the seed, e.g. ``Schritt 2: Auswählen und bestellen``."""
    return f"Schritt {stop.step}: {stop.title}" if stop.step else stop.title


def _number(raw: str) -> int | None:
    """Return the stop number in ``raw`` (ASCII digits, within the tour), else None."""
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 3):
        return None
    number = int(raw)
    return number if 1 <= number <= len(TOUR) else None


def choose_station(raw: str | None, remembered: int | None = None) -> Station:
    """Return the stop the address asks for (``?station=<n>``, 1-based).

    Without the parameter the stop remembered in the browser session (1-based) counts, else the first one. A value
    that is no stop of the tour gives the first stop and a German note; it never fails.
    """
    if raw is None or raw == "":
        if remembered is not None and 1 <= remembered <= len(TOUR):
            return Station(remembered - 1)
        return Station(0)
    number = _number(raw)
    if number is None:
        return Station(0, f"Diese Station gibt es nicht (die Tour hat die Stationen 1 bis {len(TOUR)}). "
                          "Die Tour beginnt bei Station 1.")
    return Station(number - 1)
