"""The data-flow picture of the seed (section 2) as a Graphviz DOT text: who sends what to whom once an application
arrives on Amt24. Pages draw it with ``st.graphviz_chart``; the tour highlights the systems of its current stop.

The seed shows the flow from the citizen's side (application on Amt24, confirmation and copy in the Servicekonto,
decision by the known delivery route) and from the administration's side (data in the transfer directory over the
KDN, notification mail on arrival, take-over into and processing in the Fachverfahren, the latter two depending on
the OAA). Set-up by KISA and Lecos and upkeep in the Admincenter come from section 3 ("Fünf Schritte").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True)
class System:
    """A box in the picture: a system or a party, optionally inside a group (cluster)."""

    key: str
    label: str
    group: str | None = None


@dataclass(frozen=True)
class Flow:
    """An arrow: ``source`` sends or does ``label`` to ``target``; dashed for set-up and upkeep, not application data."""

    source: str
    target: str
    label: str
    dashed: bool = False
    back: bool = False  # goes against the reading direction: drawn, but does not shape the layout


GROUPS = {
    "amt24": "Amt24 (Betreiber: Sächsische Staatskanzlei)",
    "kdn": "Kommunales DatenNetz (KDN)",
    "kommune": "Kommune",
}

SYSTEMS: tuple[System, ...] = (
    System("antragsteller", "Antragsteller:in\n(Bürger:in, Unternehmen)"),
    System("oaa", "Online-Antragsassistent (OAA)\nauf amt24.sachsen.de", "amt24"),
    System("servicekonto", "Servicekonto\nmit Dokumentensafe", "amt24"),
    System("admincenter", "Amt24-Admincenter\n(Mandant, Leistungsseite)", "amt24"),
    System("transfer", "Transferverzeichnis\n(eingerichtet durch Lecos)", "kdn"),
    System("postfach", "E-Mail-Adresse für\nBenachrichtigungen", "kommune"),
    System("fachverfahren", "Fachverfahren*\n(z. B. AutiSta, VOIS/MESO)", "kommune"),
    System("verwaltung", "Sachbearbeitung\nder Kommune", "kommune"),
    System("kisa", "KISA\n(Konfiguration, Betrieb, Support)"),
)

FLOWS: tuple[Flow, ...] = (
    Flow("antragsteller", "oaa", "1. Antrag stellen"),
    Flow("oaa", "servicekonto", "2. Bestätigung und\nAntragskopie"),
    Flow("oaa", "transfer", "Antragsdaten\n(sächsischer XML-Standard)"),
    Flow("oaa", "postfach", "Benachrichtigung\nüber Antragseingang"),
    Flow("transfer", "fachverfahren", "Übernahme der\nAntragsdaten*"),
    Flow("fachverfahren", "verwaltung", "Antragsbearbeitung*"),
    Flow("verwaltung", "antragsteller", "3. Bescheid\n(bekanntes Zustellverfahren)", back=True),
    Flow("kisa", "oaa", "konfiguriert den OAA,\nrichtet Benachrichtigung ein", dashed=True),
    Flow("kisa", "transfer", "lässt es durch Lecos\neinrichten", dashed=True),
    Flow("verwaltung", "admincenter", "pflegt Leistungsseite,\nschaltet Wartungsmodus aus", dashed=True, back=True),
)

FOOTNOTE = "* abhängig vom Online-Antragsassistenten"
KEYS = frozenset(s.key for s in SYSTEMS)

# Colours with at least 4.5:1 contrast for the black text; a highlight also gets a thick border and bold type,
# so it does not depend on colour alone.
_PLAIN = 'fillcolor="#f1f5f9", color="#475569", penwidth=1'
_HIGHLIGHT = 'fillcolor="#fde68a", color="#92400e", penwidth=4, fontname="Helvetica-Bold"'


def quote(text: str) -> str:
    """Return ``text`` as a DOT double-quoted string: backslashes and quotes escaped, line breaks as ``\\n``."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "").replace("\n", "\\n")
    return f'"{escaped}"'


def system(key: str) -> System:
    """Return the system with ``key``."""
    return next(s for s in SYSTEMS if s.key == key)


def _node(item: System, highlight: Collection[str]) -> str:
    style = _HIGHLIGHT if item.key in highlight else _PLAIN
    return f"{item.key} [label={quote(item.label)}, {style}];"


def dataflow_dot(highlight: Collection[str] = ()) -> str:
    """Return the picture as DOT; the systems in ``highlight`` (keys of SYSTEMS) stand out. Unknown keys are refused."""
    unknown = sorted(set(highlight) - KEYS)
    if unknown:
        raise ValueError(f"Unbekannte Systeme im Datenfluss: {', '.join(unknown)}")
    lines = [
        "digraph Datenfluss {",
        f'  graph [rankdir=TB, fontname="Helvetica", fontsize=11, labelloc=b, label={quote(FOOTNOTE)}, '
        'nodesep=0.4, ranksep=0.6];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=12, fontcolor="#111111"];',
        '  edge [fontname="Helvetica", fontsize=10, color="#475569", fontcolor="#1f2937"];',
    ]
    for item in SYSTEMS:
        if item.group is None:
            lines.append("  " + _node(item, highlight))
    for group, title in GROUPS.items():
        lines.append(f"  subgraph cluster_{group} {{")
        lines.append(f'    label={quote(title)}; labelloc=t; style="rounded"; color="#94a3b8"; fontcolor="#1f2937";')
        lines.extend("    " + _node(item, highlight) for item in SYSTEMS if item.group == group)
        lines.append("  }")
    for flow in FLOWS:
        attributes = [f"label={quote(flow.label)}"]
        if flow.dashed:
            attributes.append('style="dashed"')
        if flow.back:
            attributes.append("constraint=false")
        if flow.source in highlight and flow.target in highlight:
            attributes.append('penwidth=2.5, color="#92400e"')
        lines.append(f"  {flow.source} -> {flow.target} [{', '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines)


def flows_in_words() -> list[str]:
    """Return every arrow as a sentence part, e.g. ``Antragsteller:in → Online-Antragsassistent …: 1. Antrag stellen``
    (the text alternative of the picture)."""
    def name(key: str) -> str:
        return " ".join(system(key).label.split())

    return [f"{name(f.source)} → {name(f.target)}: {' '.join(f.label.split())}" for f in FLOWS]
