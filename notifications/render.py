"""Render an e-mail of one event from its templates: subject, plain text and HTML (pure, no I/O but the files)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from core.text import clean_free_text

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Event code → what the mail is about (German, for the Postausgang); each has three template files.
EVENTS = {
    "order.confirmed": "Bestellbestätigung",
    "team.invited": "Einladung ins Team",
    "registration.approved": "Registrierung freigeschaltet",
    "registration.rejected": "Registrierung abgelehnt",
    "application.received": "Antragseingang",
    "questionnaire.submitted": "Konfiguration eingereicht",
    "questionnaire.assigned": "Bitte um Mitarbeit am Fragebogen",
    "questionnaire.received": "Neue Konfiguration für KISA",
    "lifecycle.query": "Rückfrage von KISA",
    "lifecycle.setup_started": "Einrichtung begonnen",
    "lifecycle.go_live": "Go-Live im Wartungsmodus",
    "lifecycle.accepted": "Abnahme erteilt",
    "lifecycle.live": "Live auf Amt24",
    "lifecycle.change_requested": "Änderung beantragt",
    "lifecycle.cancelled": "Produkt storniert",
    "lifecycle.terminated": "Vertrag beendet",
    "release.published": "Neue Version eines Antragsassistenten",
    "problem.reported": "Neue Problemmeldung für KISA",
    "problem.updated": "Neue Nachricht der Kommune zu einer Meldung",
    "problem.answered": "Antwort von KISA zu einer Meldung",
    "problem.solved": "Meldung von KISA gelöst",
}


@dataclass(frozen=True)
class RenderedMail:
    """The three parts of one e-mail, ready for the outbox."""

    subject: str
    text: str
    html: str


def safe_url(value: object) -> str:
    """Return ``value`` if it is an http(s) or mailto link, else ``#`` (no javascript: or data: links in mails)."""
    url = str(value).strip()
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in {"http", "https", "mailto"} else "#"


def _build_environment() -> Environment:
    # Only *.html is escaped; subject and text parts are plain text and must stay as written.
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    return env


_ENV = _build_environment()


def render_mail(event: str, context: dict[str, Any]) -> RenderedMail:
    """Render subject, text and HTML of ``event``; a missing context key raises (StrictUndefined)."""
    if event not in EVENTS:
        raise ValueError(f"unknown mail event {event!r}")
    subject = _ENV.get_template(f"{event}.subject.txt").render(context)
    text = _ENV.get_template(f"{event}.txt").render(context)
    html = _ENV.get_template(f"{event}.html").render(context)
    # One line, no control or direction characters: a subject can never inject a header.
    subject = re.sub(r"\s+", " ", clean_free_text(subject, multiline=False))
    return RenderedMail(subject=subject, text=text.strip() + "\n", html=html.strip() + "\n")
