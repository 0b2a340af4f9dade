"""The data-flow picture as DOT text: well-formed, every label quoted and escaped, the chosen systems highlighted."""

from __future__ import annotations

import re

import pytest

from workshop.dataflow import FLOWS, KEYS, SYSTEMS, dataflow_dot, flows_in_words, quote

QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')
NODE = re.compile(r"^\s*(\w+) \[(.*)\];$")
EDGE = re.compile(r"^\s*(\w+) -> (\w+) \[(.*)\];$")
HIGHLIGHT = 'fillcolor="#fde68a"'


def _statements(dot: str) -> list[str]:
    return [line for line in dot.splitlines()[1:-1] if line.strip()]


def _nodes(dot: str) -> dict[str, str]:
    return {m.group(1): m.group(2) for line in _statements(dot) if (m := NODE.match(line)) and m.group(1) not in
            ("graph", "node", "edge")}


def test_the_dot_text_is_well_formed():
    dot = dataflow_dot()
    assert dot.startswith("digraph Datenfluss {\n") and dot.endswith("\n}")
    bare = QUOTED.sub('""', dot)  # every quote opens a complete string ...
    assert bare.count('"') % 2 == 0 and '\\"' not in bare
    assert bare.count("{") == bare.count("}") == 1 + 3  # the graph and its three groups, all closed
    for line in _statements(dot):  # ... and every statement is a node, an edge, a default or a group line
        assert NODE.match(line) or EDGE.match(line) or line.strip() == "}" or re.match(
            r"^\s*(subgraph cluster_\w+ \{|label=\"[^\"]*\"; labelloc=t; .*;)$", line), line


def test_every_system_is_drawn_once_and_every_arrow_joins_drawn_systems():
    dot = dataflow_dot()
    assert set(_nodes(dot)) == KEYS and len(SYSTEMS) == len(KEYS)
    edges = [EDGE.match(line) for line in _statements(dot) if "->" in line]
    assert [(e.group(1), e.group(2)) for e in edges if e] == [(f.source, f.target) for f in FLOWS]


def test_every_german_label_is_a_quoted_string():
    dot = dataflow_dot()
    for value in re.findall(r"label=(\S)", dot):
        assert value == '"'
    for item in SYSTEMS:
        assert f"label={quote(item.label)}" in dot
    assert 'label="Antragsteller:in\\n(Bürger:in, Unternehmen)"' in dot  # umlauts kept, line break as \n
    assert 'label="* abhängig vom Online-Antragsassistenten"' in dot


def test_quote_escapes_backslashes_quotes_and_line_breaks():
    assert quote('Sag "Hallo"') == '"Sag \\"Hallo\\""'
    assert quote("C:\\Daten") == '"C:\\\\Daten"'
    assert quote("zwei\nZeilen\r\n") == '"zwei\\nZeilen\\n"'
    assert QUOTED.fullmatch(quote('a"b\\c\nd'))


def test_the_chosen_systems_are_highlighted_and_only_they():
    dot = dataflow_dot({"transfer", "fachverfahren"})
    nodes = _nodes(dot)
    assert {key for key, attributes in nodes.items() if HIGHLIGHT in attributes} == {"transfer", "fachverfahren"}
    assert "penwidth=4" in nodes["transfer"] and "penwidth=1" in nodes["oaa"]
    [between] = [line for line in _statements(dot) if line.strip().startswith("transfer -> fachverfahren")]
    assert 'color="#92400e"' in between  # the arrow between two highlighted systems stands out too
    assert HIGHLIGHT not in dataflow_dot()


def test_an_unknown_system_is_refused():
    with pytest.raises(ValueError, match="Unbekannte Systeme im Datenfluss: nirgendwo"):
        dataflow_dot({"oaa", "nirgendwo"})


def test_the_picture_follows_the_seed():
    joined = {(f.source, f.target) for f in FLOWS}
    assert {("antragsteller", "oaa"), ("oaa", "transfer"), ("transfer", "fachverfahren"), ("oaa", "servicekonto"),
            ("oaa", "postfach")} <= joined  # Amt24 → transfer directory → Fachverfahren, Servicekonto, mail
    words = flows_in_words()
    assert len(words) == len(FLOWS)
    assert "Transferverzeichnis (eingerichtet durch Lecos) → Fachverfahren* (z. B. AutiSta, VOIS/MESO): " \
           "Übernahme der Antragsdaten*" in words
