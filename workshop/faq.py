"""Questions municipalities ask in the workshop, answered from the seed deck (and PRODUCT.md, which restates it).

Every answer names where it comes from; what only illustrates (the demo data) is marked as such and never passed off
as a fact about Amt24 or KISA.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    """A question with its answer (Markdown, our own text), the slide it comes from and an optional illustration."""

    question: str
    answer: str
    source: str
    illustration: str = ""  # shown as "Zur Veranschaulichung (Beispieldaten)"


FAQ: tuple[Question, ...] = (
    Question(
        "Was kostet uns ein Online-Antragsassistent?",
        "Laut den Folien fördert der Freistaat Sachsen die OAAs zu 100 %: Einrichtung und Konfiguration sind seit dem "
        "01.07.2022 kostenfrei, Softwarepflege- und Lizenzkosten übernimmt ebenfalls der Freistaat – gesichert bis "
        "31.12.2024. Welche Förderung am Tag Ihrer Bestellung gilt, zeigt der Warenkorb; beachten Sie die "
        "Preishinweise an den Produkten und den Mustervertrag.",
        "Abschnitt 3: OZG-Förderpaket; Fünf Schritte, Schritt 2",
        "Die Preise im Demomodus sind Beispieldaten."),
    Question(
        "Wie lange dauert es von der Bestellung bis zum Livegang?",
        "Geplant sind etwa 2 Wochen für den Konfigurationsfragebogen, etwa 2 Wochen für die Einrichtung durch KISA "
        "und 2–3 Wochen für Test, Abnahme und Livegang – zusammen also rund 6 bis 7 Wochen.",
        "Abschnitt 3: Fünf Schritte zum Online-Antrag",
        "Das Zeitdiagramm auf der Seite „Fortschritt“ zeigt diese Planung für die Beispielkommune Musterstadt."),
    Question(
        "Was brauchen wir technisch, damit die Antragsdaten bei uns ankommen?",
        "Für die Bereitstellung der Antragsdaten ist eine **KDN-Anbindung notwendig**. Die Daten kommen in ein "
        "Transferverzeichnis; es wird als Teil der Einrichtung durch KISA von Lecos eingerichtet. Je nach "
        "Online-Antragsassistent bereitet KISA auch die Anbindung der Antragsdaten an ein Fachverfahren vor.",
        "Abschnitt 3: Konfiguration und Einrichtung durch KISA"),
    Question(
        "Wer sollte das bei uns koordinieren?",
        "Die Folien empfehlen, die Rolle der OZG-Koordination zu übernehmen oder jemanden zu benennen: zwischen "
        "technischen und fachlichen Ansprechpartnern vermitteln, alle an einen Tisch bringen, den Fragebogen gemeinsam "
        "ausfüllen und die nachgelagerten Prozesse planen, z. B. den Umgang mit Produktreleases.",
        "Abschnitt 3: Nach dem Kauf (Empfehlung an Digitalnavigator:innen)"),
    Question(
        "Welche Angaben fragt der Konfigurationsfragebogen ab?",
        "Fachliche und technische Ansprechpartner, die Bereitstellung der Antragsdaten, die Pflege der "
        "Amt24-Leistungsseite und Organisationseinheit, Verwaltungsgemeinschaften und Zweckvereinbarungen, die "
        "E-Mail-Adresse für die Benachrichtigung bei Antragseingang, die zuständige Abteilung für Fragen zur "
        "Antragstellung, Testpersonen für den Wartungsmodus, die konfigurierbaren Datenfelder des Produkts, ggf. "
        "ergänzende Informationen in der Servicekontonachricht sowie Hinweise zu Datenschutz und "
        "Informationssicherheit.",
        "Abschnitt 3: Nach dem Kauf"),
    Question(
        "Wir sind eine Verwaltungsgemeinschaft. Wie wird das berücksichtigt?",
        "Der Fragebogen fragt nach Verwaltungsgemeinschaften und Zweckvereinbarungen, also danach, wer Anträge für "
        "welche Gemeinden bearbeitet. Die Angaben fließen in die Konfiguration durch KISA ein.",
        "Abschnitt 3: Nach dem Kauf"),
    Question(
        "Wie erfahren wir, dass ein Antrag eingegangen ist?",
        "Per E-Mail an die Adresse, die Sie im Fragebogen angeben; KISA richtet diese Benachrichtigung ein. "
        "Je nach Online-Antragsassistent übernehmen Sie die Antragsdaten direkt in Ihr Fachverfahren, etwa AutiSta im "
        "Standesamt, und bearbeiten den Antrag dort. Ein Beispiel der Benachrichtigung aus den Folien steht auf der "
        "Seite „Systeme und Datenfluss“.",
        "Abschnitt 2: Onlineantragstellung aus Sicht der Verwaltung"),
    Question(
        "Was sieht die Antragstellerin oder der Antragsteller?",
        "Sie oder er stellt den Antrag bequem von zu Hause auf Amt24, bekommt Bestätigung und Antragskopie als "
        "Servicekonto-Benachrichtigung und den Bescheid auf dem bekannten Zustellweg. Im Dokumentensafe des "
        "Servicekontos lässt sich die Antragskopie herunterladen.",
        "Abschnitt 2: Onlineantragstellung aus Sicht des Bürgers"),
    Question(
        "Wie testen wir den OAA vor dem Livegang?",
        "Nach der Go-Live-Mail von KISA testen die im Fragebogen benannten Personen – idealerweise die technischen und "
        "fachlichen Ansprechpartner – den OAA im Wartungsmodus. Dafür ist ein Servicekonto auf "
        "https://amt24.sachsen.de nötig. Probleme melden Sie an KISA. Danach erteilen Sie die Abnahme und schalten den "
        "Wartungsmodus auf Amt24 selbst aus.",
        "Abschnitt 3: Fünf Schritte, Schritt 5"),
    Question(
        "Was passiert bei Gesetzes- oder Satzungsänderungen?",
        "Ändert KOMM24 einen OAA, z. B. nach einer Gesetzesänderung, sorgt KISA für das technische und inhaltliche "
        "Release. Ändert sich Ihre Satzung, passt KISA die Konfiguration Ihres Online-Antragsassistenten an.",
        "Abschnitt 3: Leistungen von KISA",
        "In den Demodaten hat Musterstadt die Eheurkunde nach einer neuen Verwaltungskostensatzung ändern lassen."),
    Question(
        "Welche Online-Antragsassistenten gibt es?",
        "Über 130, gruppiert nach den Themenfeldern des sächsischen Aktenplans, z. B. Allgemeine Verwaltung oder "
        "Öffentliche Sicherheit und Ordnung. Jeder OAA nennt seine LeiKa-Leistungen, Musterdaten und Ausgabedaten und "
        "ist „verfügbar“ oder „geplant“. Alle folgen dem sächsischen XML-Standard, damit ein Fachverfahren die Daten "
        "übernehmen kann.",
        "Abschnitt 3: Übersicht Produktkataloge"),
    Question(
        "An wen wenden wir uns mit Fragen?",
        "Zu Bestellung, Konfiguration, Betrieb und Support: KISA Team Antragsmanagement, support.onlineantrag@kisa.it, "
        "+49 351 86652-0. Inhaltliches zur OZG-Umsetzung: SAKD, ozg@sakd.de. Administrative Fragen rund um Amt24: "
        "SID, servicedesk@sid.sachsen.de. Alle Kontakte stehen auf der Seite „Leistungen und Kontakte“.",
        "Abschnitte 1 und 3"),
)
