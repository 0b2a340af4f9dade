"""Catalogue search that finds what people mean, explained hit by hit (pure: no Streamlit, no DB).

A query is split into terms. Each term is matched against an index of every product's words, in
order of strength: the word itself, a word starting with it, a part of a German compound ("Wesens"
in "Wesenstest", "Feuerwerk" in "Feuerwerkskörper"), and finally a word one or two typing errors
away. Umlauts and ß compare as ae/oe/ue/ss. Legal references ("§ 18 BMG") and LeiKa keys match
their own fields. A product's score is the sum over terms of the best field weight × match
strength; products that match every term rank first. Each hit says why it matched.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from catalog.schema import GROUP_NAMES, AktenplanGroup, Product
from catalog.text import fold, legal_refs, query_terms, words

MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12

# How much a match in each field counts, and how each field is named in the explanation.
FIELDS: dict[str, tuple[float, str]] = {
    "name": (10.0, "Name"),
    "legal": (9.0, "Rechtsgrundlage"),
    "leika": (9.0, "LeiKa-Schlüssel"),
    "synonym": (8.0, "Suchbegriff"),
    "life": (6.0, "Lebenslage"),
    "fachverfahren": (4.0, "Fachverfahren"),
    "short": (3.0, "Kurzbeschreibung"),
    "group": (2.0, "Aktenplan-Gruppe"),
    "description": (1.0, "Beschreibung"),
}
# How strong each kind of match is.
EXACT, PREFIX, PART, TYPO = 1.0, 0.85, 0.7, 0.55
KIND_TEXT = {EXACT: "", PREFIX: "beginnt mit", PART: "Wortteil", TYPO: "ähnlich geschrieben"}
_ENDINGS = ("es", "en", "er", "em", "e", "s", "n")


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[: -len(ending)]
    return word


@dataclass(frozen=True)
class Hit:
    """A product found for a query, its score and the reasons, best first."""

    product: Product
    score: float
    matched_terms: int
    reasons: tuple[str, ...]
    matched_all: bool = True  # False: no product contains every search word; these contain the most


@dataclass(frozen=True)
class Filters:
    """Facets beside the search box; empty sets mean "all"."""

    groups: frozenset[str] = frozenset()
    manufacturers: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    fachverfahren: frozenset[str] = frozenset()
    deliveries: frozenset[str] = frozenset()

    def accepts(self, product: Product) -> bool:
        """Tell whether ``product`` passes every facet."""
        return (
            (not self.groups or product.group.value in self.groups)
            and (not self.manufacturers or product.manufacturer.value in self.manufacturers)
            and (not self.statuses or product.status.value in self.statuses)
            and (not self.fachverfahren or bool(self.fachverfahren & set(product.fachverfahren)))
            and (not self.deliveries or bool(self.deliveries & {d.value for d in product.data_delivery}))
        )


@dataclass
class _Posting:
    weight: float
    field: str
    original: str


@dataclass
class SearchIndex:
    """An index over a list of products; build once per catalogue version and reuse."""

    products: list[Product]
    _postings: dict[str, dict[int, _Posting]] = field(default_factory=dict, repr=False)
    _vocab: list[str] = field(default_factory=list, repr=False)
    _stems: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _legal: dict[str, set[int]] = field(default_factory=dict, repr=False)
    _legal_text: dict[tuple[int, str], str] = field(default_factory=dict, repr=False)
    _long_words: list[str] = field(default_factory=list, repr=False)
    _by_name: list[int] = field(default_factory=list, repr=False)  # product positions sorted by name
    _initials: list[str] = field(default_factory=list, repr=False)
    fachverfahren: list[str] = field(default_factory=list)  # every Fachverfahren named, for the filter
    by_id: dict[str, Product] = field(default_factory=dict, repr=False)  # the products by id
    _cache: dict[tuple[str, Filters, int | None], list[Hit]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.products}
        postings: dict[str, dict[int, _Posting]] = defaultdict(dict)
        legal: dict[str, set[int]] = defaultdict(set)
        for index, product in enumerate(self.products):
            for field_name, texts in _fields_of(product):
                weight = FIELDS[field_name][0]
                for text in texts:
                    for word in words(text):
                        current = postings[word].get(index)
                        if current is None or current.weight < weight:
                            postings[word][index] = _Posting(weight, field_name, text)
            for basis in product.legal_basis:
                for ref in legal_refs(basis):
                    legal[ref].add(index)
                    self._legal_text[(index, ref)] = basis
        self._postings = dict(postings)
        self._vocab = sorted(self._postings)
        stems: dict[str, set[str]] = defaultdict(set)
        for word in self._vocab:
            if len(word) >= 4 and not word.isdigit():
                stems[_stem(word)].add(word)
        self._stems = dict(stems)
        self._legal = dict(legal)
        self._long_words = [w for w in self._vocab if len(w) >= 8 and not w.isdigit()]
        folded = [fold(p.name) for p in self.products]
        self._by_name = sorted(range(len(self.products)), key=folded.__getitem__)
        self._initials = [initial(p.name) for p in self.products]
        self.fachverfahren = sorted({f for p in self.products for f in p.fachverfahren})

    # -- matching one term -------------------------------------------------------------------------
    def _matches(self, term: str) -> list[tuple[str, float]]:
        """Return vocabulary words matching ``term`` with their strength (strongest kinds only)."""
        found: dict[str, float] = {}
        if term in self._postings:
            found[term] = EXACT
        if len(term) >= 3:
            start = bisect.bisect_left(self._vocab, term)
            for word in self._vocab[start : start + 400]:
                if not word.startswith(term):
                    break
                found.setdefault(word, PREFIX)
        if len(term) >= 4 and not term.isdigit():
            stem = _stem(term)
            for word in self._stems.get(stem, ()):
                found.setdefault(word, PREFIX)
            # the term inside a longer word ("wesenstest" holds "wesens"), or a word inside the term
            for word in self._containing(term):
                found.setdefault(word, PART)
            # a word inside the term ("feuerwerk" in "feuerwerkskoerper") counts by how much of the term it covers
            for length in range(len(term) - 1, 4, -1):
                share = round(PART * length / len(term), 3)
                for begin in range(0, len(term) - length + 1):
                    part = term[begin : begin + length]
                    if part in self._postings:
                        found.setdefault(part, share)
                    for word in self._stems.get(part, ()):
                        found.setdefault(word, share)
        strong = any(strength >= PREFIX for strength in found.values())
        if not strong and len(term) >= 4 and not term.isdigit():  # parts alone may hide a typo
            cutoff = 1 if len(term) < 8 else 2
            for word, _distance, _ in process.extract(
                term, self._vocab, scorer=Levenshtein.distance, score_cutoff=cutoff, limit=20
            ):
                found.setdefault(word, TYPO)
        return list(found.items())

    def _containing(self, term: str) -> Iterable[str]:
        """Vocabulary words that contain ``term`` somewhere after their start (compound parts)."""
        if len(term) < 5:
            return ()
        return (w for w in self._long_words if term in w and not w.startswith(term))

    # -- searching ----------------------------------------------------------------------------------
    def search(self, query: str, filters: Filters | None = None, *, limit: int | None = None) -> list[Hit]:
        """Return the products matching ``query`` best first; [] for queries under three characters."""
        filters = filters or Filters()
        query = query[:MAX_QUERY_LENGTH]
        key = (fold(query).strip(), filters, limit)
        if key in self._cache:
            return self._cache[key]
        hits = self._search(query, filters, limit)
        if len(self._cache) > 2048:
            self._cache.clear()
        self._cache[key] = hits
        return hits

    def _search(self, query: str, filters: Filters, limit: int | None) -> list[Hit]:
        if len(query.strip()) < MIN_QUERY_LENGTH:
            return []
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, int] = defaultdict(int)
        reasons: dict[int, list[str]] = defaultdict(list)
        refs = legal_refs(query)
        ref_words = {w for ref in refs for w in ref.split()} | ({"abs", "absatz"} if refs else set())
        for ref in refs:
            for index in self._legal.get(ref, ()):
                scores[index] += FIELDS["legal"][0]
                matched[index] += 1
                reasons[index].append(f"Rechtsgrundlage: {self._legal_text[(index, ref)]}")
        terms = [t for t in query_terms(query) if t not in ref_words][:MAX_TERMS]
        for term in terms:
            best: dict[int, tuple[float, str]] = {}
            for word, strength in self._matches(term):
                for index, posting in self._postings[word].items():
                    value = posting.weight * strength
                    if index not in best or best[index][0] < value:
                        best[index] = (value, _explain(term, word, strength, posting))
            for index, (value, reason) in best.items():
                scores[index] += value
                matched[index] += 1
                reasons[index].append(reason)
        candidates = [i for i in scores if filters.accepts(self.products[i])]
        if not candidates:
            return []
        top = max(matched[i] for i in candidates)  # below `wanted`: no product matched every term
        wanted = len(terms) + len(refs)
        ranked = sorted(
            (i for i in candidates if matched[i] == top),
            key=lambda i: (-matched[i], -scores[i], self.products[i].name),
        )
        hits = [Hit(self.products[i], round(scores[i], 2), matched[i], tuple(reasons[i]), top >= wanted) for i in ranked]
        return hits[:limit] if limit else hits

    def browse(self, filters: Filters | None = None, letter: str = "") -> list[Product]:
        """Return the products passing ``filters`` (and starting with ``letter``), sorted by name."""
        filters = filters or Filters()
        return [
            self.products[i] for i in self._by_name
            if (not letter or self._initials[i] == letter) and filters.accepts(self.products[i])
        ]

    def letters(self) -> list[str]:
        """Return the initials that products start with, for the A–Z index."""
        return sorted(set(self._initials))


def _fields_of(product: Product) -> list[tuple[str, list[str]]]:
    return [
        ("name", [product.name]),
        ("synonym", product.synonyms),
        ("life", product.life_situations),
        ("legal", product.legal_basis),
        ("leika", product.leika_keys),
        ("fachverfahren", product.fachverfahren),
        ("short", [product.short_description]),
        ("group", [product.group_name]),
        ("description", [product.description]),
    ]


def _explain(term: str, word: str, strength: float, posting: _Posting) -> str:
    label = FIELDS[posting.field][1]
    text = posting.original if len(posting.original) <= 60 else posting.original[:57] + "…"
    kind = KIND_TEXT.get(strength, KIND_TEXT[PART])  # shares of PART are word parts too
    how = f" ({kind}: „{term}“ ~ „{word}“)" if kind else ""
    return f"{label}: {text}{how}"


def initial(name: str) -> str:
    """Return the A–Z letter a name is listed under (Ä under A)."""
    first = fold(name.strip()[:1] or "#")[:1].upper()
    return first if first.isalpha() else "#"


def group_hits(hits: list[Hit]) -> list[tuple[AktenplanGroup, list[Hit]]]:
    """Group hits by Aktenplan group; groups ordered by their best hit, hits keep their order."""
    groups: dict[AktenplanGroup, list[Hit]] = {}
    for hit in hits:
        groups.setdefault(hit.product.group, []).append(hit)
    return list(groups.items())


def group_name(group: AktenplanGroup) -> str:
    """Return the German name of a group."""
    return GROUP_NAMES[group]


SearchFunction = Callable[[str], list[Hit]]
