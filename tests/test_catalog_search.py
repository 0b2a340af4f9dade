"""Search finds what people mean and says why (pure function, no Streamlit, no database)."""

import pytest

from catalog.schema import AktenplanGroup
from catalog.search import Filters, SearchIndex, group_hits, initial
from tests.catalog_builders import make_product


@pytest.fixture(scope="module")
def index():
    return SearchIndex([
        make_product("Anmeldung der Hauptwohnung", legal_basis=["§ 17 BMG"], synonyms=["Ummeldung", "Umzug melden"],
                     life_situations=["Umzug"], fachverfahren=["VOIS/MESO"], leika_keys=["99115001000000"],
                     data_delivery=["fachverfahren"]),
        make_product("Meldebescheinigung", legal_basis=["§ 18 BMG"], leika_keys=["99115005000000"],
                     fachverfahren=["VOIS/MESO"]),
        make_product("Auskunftssperre", legal_basis=["§ 51 BMG"], synonyms=["Sperre im Melderegister"],
                     leika_keys=["99115007000000"]),
        make_product("Übermittlungssperren", legal_basis=["§§ 36, 42, 50 BMG"], leika_keys=["99115008000000"]),
        make_product("Anmeldung Eheschließung", group="0", legal_basis=["§ 12 PStG"], synonyms=["heiraten", "Hochzeit"],
                     life_situations=["Heirat"], fachverfahren=["AutiSta"], leika_keys=["99120001000000"]),
        make_product("Anerkennung Wesenstest für gefährliche Hunde", legal_basis=["§ 1 SächsGefHundG"],
                     leika_keys=["99130001000000"], status="geplant", manufacturer="Sächsisch Direkt"),
        make_product("Begrüßungsgeld", group="4", legal_basis=["Satzung der Kommune"], synonyms=["Willkommensgeld"],
                     leika_keys=["99140001000000"]),
        make_product("Anzeige eines Feuerwerkes", legal_basis=["§ 23 1. SprengV"], synonyms=["Pyrotechnik"],
                     leika_keys=["99150001000000"]),
        make_product("Straßensondernutzung", group="6", legal_basis=["§ 18 SächsStrG"], leika_keys=["99160001000000"]),
    ])


def names(items):
    return [getattr(i, "product", i).name for i in items]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Hauptwohnung", "Anmeldung der Hauptwohnung"),
        ("Ummeldung", "Anmeldung der Hauptwohnung"),  # synonym
        ("Umzug", "Anmeldung der Hauptwohnung"),  # life situation
        ("Hochzeit", "Anmeldung Eheschließung"),
        ("Eheschliessung", "Anmeldung Eheschließung"),  # ß written as ss
        ("Ehe", "Anmeldung Eheschließung"),  # beginning of a word
        ("Begruessungsgeld", "Begrüßungsgeld"),  # ü and ß transliterated
        ("Gruessungsgeld", "Begrüßungsgeld"),  # part of the word
        ("Meldebescheiningung", "Meldebescheinigung"),  # typo
        ("Wesenstets", "Anerkennung Wesenstest für gefährliche Hunde"),  # swapped letters
        ("Hund", "Anerkennung Wesenstest für gefährliche Hunde"),
        ("Feuerwerkskörper", "Anzeige eines Feuerwerkes"),  # compound containing a product word
        ("§ 18 BMG", "Meldebescheinigung"),
        ("§18 bmg", "Meldebescheinigung"),
        ("§ 42 BMG", "Übermittlungssperren"),
        ("99115005", "Meldebescheinigung"),  # LeiKa key prefix
        ("Strassensondernutzung", "Straßensondernutzung"),
        ("sondernutzung", "Straßensondernutzung"),  # compound part
        ("VOIS", "Anmeldung der Hauptwohnung"),
    ],
)
def test_query_finds_what_people_mean(index, query, expected):
    hits = index.search(query)
    assert expected in names(hits)[:3], (query, names(hits))


def test_legal_reference_does_not_match_other_paragraphs(index):
    assert names(index.search("§ 18 BMG"))[0] == "Meldebescheinigung"
    assert "Straßensondernutzung" not in names(index.search("§ 18 BMG"))  # § 18 SächsStrG is another law


def test_every_hit_says_why_it_matched(index):
    hit = index.search("Hochzeit")[0]
    assert any("Suchbegriff: Hochzeit" in r for r in hit.reasons)
    typo = index.search("Meldebescheiningung")[0]
    assert any("ähnlich geschrieben" in r for r in typo.reasons)
    legal = index.search("§ 51 BMG")[0]
    assert legal.reasons == ("Rechtsgrundlage: § 51 BMG",)


def test_name_match_ranks_above_description_match(index):
    hits = index.search("Sperre")
    assert set(names(hits)[:2]) == {"Auskunftssperre", "Übermittlungssperren"}


def test_all_terms_must_match_when_possible(index):
    assert names(index.search("Anmeldung Hauptwohnung")) == ["Anmeldung der Hauptwohnung"]


def test_queries_under_three_characters_find_nothing(index):
    assert index.search("An") == []
    assert index.search("  ") == []


@pytest.mark.parametrize("query", ['"; DROP TABLE x; --', "%%%", "_ _ _", "<script>alert(1)</script>", "a" * 10_000,
                                   "\x00\x01\u202e", "ä" * 500, "§§§ ", "((("])
def test_odd_queries_never_fail(index, query):
    assert isinstance(index.search(query), list)


def test_filters_narrow_hits_and_browsing(index):
    planned = Filters(statuses=frozenset({"geplant"}))
    assert names(index.search("Hund", planned)) == ["Anerkennung Wesenstest für gefährliche Hunde"]
    assert index.search("Hauptwohnung", planned) == []
    vois = Filters(fachverfahren=frozenset({"VOIS/MESO"}))
    assert set(names(index.browse(vois))) == {"Anmeldung der Hauptwohnung", "Meldebescheinigung"}
    by_delivery = Filters(deliveries=frozenset({"fachverfahren"}))
    assert names(index.browse(by_delivery)) == ["Anmeldung der Hauptwohnung"]


def test_hits_are_grouped_by_aktenplan_group_best_group_first(index):
    groups = group_hits(index.search("Anmeldung"))
    assert groups[0][0] in (AktenplanGroup.SICHERHEIT_ORDNUNG, AktenplanGroup.ALLGEMEINE_VERWALTUNG)
    assert sum(len(h) for _, h in groups) == len(index.search("Anmeldung"))


def test_a_to_z_index_files_umlauts_under_their_letter(index):
    assert initial("Übermittlungssperren") == "U"
    assert "U" in index.letters() and "Ü" not in index.letters()
    assert names(index.browse(letter="U")) == ["Übermittlungssperren"]


def test_hits_say_whether_every_search_word_was_found(index):
    assert index.search("Anmeldung der Hauptwohnung")[0].matched_all  # "der" is not a search word
    partial = index.search("Hauptwohnung Xylophon")
    assert partial and not partial[0].matched_all
