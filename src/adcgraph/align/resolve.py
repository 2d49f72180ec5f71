"""Name resolution: free text, CURIEs and IRIs to the graph's entities, with a score.

Names come from the curated graph (labels, ``skos:altLabel`` synonyms such as brand names,
codes, gene aliases and abbreviations, gene full names, and exactMatch identifiers). Text is
compared at increasingly loose levels, each scoring lower:

==================  ===========================================  =====================
level               compares                                     score (label/synonym)
==================  ===========================================  =====================
identifier          a CURIE or IRI of the entity, or an xref     1.0
exact               the text as written                          1.0 / 0.97
case-insensitive    case-folded text                             0.92 / 0.9
normalised          accents, case, spaces and punctuation gone   0.85 / 0.83
word order          the same words in any order, no stop words   0.75 / 0.73
fuzzy               similar normalised text (difflib ratio)      0.6 x ratio
==================  ===========================================  =====================

The index is built by one SPARQL query and cached as JSON beside the store, keyed by the
store version, so a fresh ``adcgraph resolve`` reads the cache without opening the store
(this module imports only the standard library at load time).

>>> resolve(backend, "TNBC")[0].id  # doctest: +SKIP
'MONDO:0005494'
>>> resolve_one(backend, "Enhertu").label  # doctest: +SKIP
'trastuzumab deruxtecan'
"""

from __future__ import annotations

import difflib
import json
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from adcgraph.errors import AdcGraphError, ResolutionError
from adcgraph.locations import VERSION_FILE, default_store_path

INDEX_FORMAT = 1
CACHE_FILE = "resolve-index.json"

#: The kind of an entity, from the local name of its ontology class.
KIND_BY_CLASS: Mapping[str, str] = MappingProxyType(
    {
        "ADC": "adc",
        "SmallMoleculeDrug": "drug",
        "AntibodyDrug": "drug",
        "Drug": "drug",
        "Antibody": "antibody",
        "Payload": "payload",
        "PayloadClass": "payload_class",
        "Linker": "linker",
        "Gene": "gene",
        "Variant": "variant",
        "Disease": "disease",
        "ClinicalTrial": "trial",
        "Publication": "publication",
        "ResistanceMechanism": "mechanism",
        "AntigenLoss": "mechanism",
        "AntigenLowExpression": "mechanism",
        "AntigenMutation": "mechanism",
        "AntigenSplicing": "mechanism",
        "InternalisationTrafficking": "mechanism",
        "LysosomalProcessing": "mechanism",
        "PayloadEfflux": "mechanism",
        "PayloadTargetAlteration": "mechanism",
        "DnaDamageResponse": "mechanism",
        "ApoptosisEvasion": "mechanism",
        "SignallingRewiring": "mechanism",
        "MicroenvironmentStroma": "mechanism",
        "ImmuneEvasion": "mechanism",
        "Strategy": "strategy",
        "CombinationStrategy": "strategy",
        "SequencingStrategy": "strategy",
        "PayloadSwitchStrategy": "strategy",
        "NextGenerationAdcStrategy": "strategy",
        "BiomarkerSelectionStrategy": "strategy",
        "Indication": "indication",
        "ResistanceClaim": "claim",
    }
)
#: When an entity has several classes, the first kind in this order names it.
KIND_ORDER = (
    "adc",
    "drug",
    "antibody",
    "payload",
    "payload_class",
    "linker",
    "gene",
    "variant",
    "disease",
    "mechanism",
    "strategy",
    "trial",
    "indication",
    "claim",
    "publication",
)
#: ``--type drug`` also finds ADCs: an ADC is a drug.
KIND_INCLUDES: Mapping[str, frozenset[str]] = MappingProxyType({"drug": frozenset({"drug", "adc"})})
KINDS = KIND_ORDER

LEVELS = ("identifier", "exact", "case-insensitive", "normalised", "word order", "fuzzy")
SCORES: Mapping[tuple[str, str], float] = MappingProxyType(
    {
        ("identifier", "id"): 1.0,
        ("identifier", "xref"): 0.98,
        ("exact", "label"): 1.0,
        ("exact", "synonym"): 0.97,
        ("exact", "name"): 0.95,
        ("case-insensitive", "label"): 0.92,
        ("case-insensitive", "synonym"): 0.9,
        ("case-insensitive", "name"): 0.88,
        ("normalised", "label"): 0.85,
        ("normalised", "synonym"): 0.83,
        ("normalised", "name"): 0.8,
        ("word order", "label"): 0.75,
        ("word order", "synonym"): 0.73,
        ("word order", "name"): 0.7,
    }
)
FUZZY_FACTOR = 0.6
FUZZY_CUTOFF = 0.75
SUGGESTIONS = 5
STOP_WORDS = frozenset({"of", "the", "a", "an", "and", "or", "in", "with", "by", "to", "for"})
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class Candidate:
    """An entity a text may name, with how well and by which name it matched.

    >>> Candidate("MONDO:0005494", "http://purl.obolibrary.org/obo/MONDO_0005494",
    ...           "triple-negative breast carcinoma", "disease", 0.97, "exact synonym 'TNBC'").kind
    'disease'
    """

    id: str
    iri: str
    label: str
    kind: str
    score: float
    matched: str


@dataclass(frozen=True)
class Entity:
    """An entity of the index."""

    id: str
    iri: str
    label: str
    kind: str


@dataclass(frozen=True)
class NameIndex:
    """Entities and their names (``(entity position, field, text)``), with lookup tables.

    ``field`` is ``label``, ``synonym``, ``name`` (a gene's full name), ``id`` or ``xref``.
    """

    version: str
    entities: tuple[Entity, ...]
    names: tuple[tuple[int, str, str], ...]
    _tables: dict[str, dict[str, list[int]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        tables: dict[str, dict[str, list[int]]] = {level: {} for level in LEVELS[:-1]}
        for position, (_, name_field, text) in enumerate(self.names):
            if name_field in ("id", "xref"):
                tables["identifier"].setdefault(text.casefold(), []).append(position)
                continue
            for level, key in (
                ("exact", text),
                ("case-insensitive", text.casefold()),
                ("normalised", normalise(text)),
                ("word order", word_order_key(text)),
            ):
                if key:
                    tables[level].setdefault(key, []).append(position)
        self._tables.update(tables)

    def lookup(self, level: str, key: str) -> list[int]:
        """Positions in ``names`` whose key at ``level`` equals ``key``."""
        return self._tables[level].get(key, [])

    def keys(self, level: str) -> list[str]:
        """Every key at ``level`` (for fuzzy matching)."""
        return list(self._tables[level])

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready form of the index (for the on-disk cache)."""
        return {
            "format": INDEX_FORMAT,
            "version": self.version,
            "entities": [asdict(entity) for entity in self.entities],
            "names": [list(name) for name in self.names],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NameIndex:
        """Rebuild an index from :meth:`to_json` output."""
        return cls(
            version=str(data["version"]),
            entities=tuple(Entity(**entity) for entity in data["entities"]),
            names=tuple((int(p), str(f), str(t)) for p, f, t in data["names"]),
        )


# --- text keys --------------------------------------------------------------------------------


def normalise(text: str) -> str:
    """Fold case and accents and drop spaces and punctuation: ``DS-8201a`` -> ``ds8201a``.

    >>> normalise("Trastuzumab-Deruxtecan (DS-8201a)")
    'trastuzumabderuxtecands8201a'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NON_ALNUM.sub("", plain)


def word_order_key(text: str) -> str:
    """Sorted words without stop words: ``cancer of the breast`` -> ``breast cancer``.

    >>> word_order_key("Cancer of the Breast")
    'breast cancer'
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    words = [word for word in _NON_ALNUM.split(plain) if word and word not in STOP_WORDS]
    return " ".join(sorted(words))


# --- building and caching the index -----------------------------------------------------------


def build_index(backend: Any, version: str = "") -> NameIndex:
    """Read every curated entity's names with one SPARQL query.

    >>> index = build_index(open_backend("var/store"))  # doctest: +SKIP
    >>> len(index.entities) > 300  # doctest: +SKIP
    True
    """
    from adcgraph import vocab

    query = f"""
        SELECT ?entity ?class ?field ?text WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{
            ?entity a ?class .
            {{ ?entity rdfs:label ?text BIND("label" AS ?field) }}
            UNION {{ ?entity skos:altLabel ?text BIND("synonym" AS ?field) }}
            UNION {{ ?entity a <{vocab.ONTOLOGY}Gene> ; dcterms:description ?text
                     BIND("name" AS ?field) }}
            UNION {{ ?entity skos:exactMatch ?xref BIND(STR(?xref) AS ?text)
                     BIND("xref" AS ?field) }}
          }}
        }}"""
    kinds: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    texts: dict[str, set[tuple[str, str]]] = {}
    for solution in backend.query(query):
        entity = solution["entity"].value
        class_name = solution["class"].value.rsplit("#", 1)[-1]
        if class_name in KIND_BY_CLASS:
            kinds.setdefault(entity, set()).add(KIND_BY_CLASS[class_name])
        text, name_field = solution["text"].value, solution["field"].value
        if name_field == "label":
            labels[entity] = min(labels.get(entity, text), text)
        if name_field == "xref":
            text = vocab.compress(text)
        texts.setdefault(entity, set()).add((name_field, text))
    entities: list[Entity] = []
    names: list[tuple[int, str, str]] = []
    for iri in sorted(labels):
        if iri not in kinds:
            continue
        curie = vocab.compress(iri)
        kind = next(kind for kind in KIND_ORDER if kind in kinds[iri])
        position = len(entities)
        entities.append(Entity(id=curie, iri=iri, label=labels[iri], kind=kind))
        names += [(position, "id", curie), (position, "id", iri)]
        names += [(position, name_field, text) for name_field, text in sorted(texts[iri])]
    return NameIndex(version=version, entities=tuple(entities), names=tuple(names))


def store_version_of(store_path: Path) -> str | None:
    """The version of the store at ``store_path``, or None if there is no store."""
    try:
        record = json.loads((store_path / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(record.get("version", ""))


def cache_path(store_path: Path, version: str) -> Path:
    """Where the name index of one store version is cached (the store's cache folder).

    >>> cache_path(Path("var/store"), "0a013c516255e3d2").parts[-3:]
    ('.store.cache', '0a013c516255e3d2', 'resolve-index.json')
    """
    from adcgraph.publish import cache_directory

    return cache_directory(store_path, version) / CACHE_FILE


def index_for_store(store_path: Path | None = None, *, use_cache: bool = True) -> NameIndex:
    """The name index of an on-disk store, from the cache when it matches the store version.

    >>> index_for_store().entities[0].kind  # doctest: +SKIP
    'adc'
    """
    path = Path(store_path) if store_path else default_store_path()
    version = store_version_of(path)
    if version is None:
        from adcgraph.build import ensure_store

        ensure_store(path)
        version = store_version_of(path) or ""
    cached = cache_path(path, version)
    if use_cache and cached.exists():
        try:
            data = json.loads(cached.read_text(encoding="utf-8"))
            if data.get("format") == INDEX_FORMAT and data.get("version") == version:
                return NameIndex.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            pass  # a damaged cache is rebuilt below
    from adcgraph import store

    index = build_index(store.open_backend(path), version)
    if use_cache:
        partial = cached.with_suffix(f".{os.getpid()}.partial")
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial.write_text(json.dumps(index.to_json()), encoding="utf-8")
            partial.replace(cached)
        except OSError:  # a full disk or a read-only folder: no cache, same index
            partial.unlink(missing_ok=True)
    return index


def index_for_backend(backend: Any) -> NameIndex:
    """The name index of a backend: cached when it is an on-disk store, else built."""
    location = Path(str(getattr(backend, "location", "")))
    if store_version_of(location) is not None:
        return index_for_store(location)
    return build_index(backend)


# --- searching --------------------------------------------------------------------------------


def resolve(backend: Any, text: str, kind: str | None = None, limit: int = 10) -> list[Candidate]:
    """Entities that ``text`` may name, best first (one candidate per entity).

    ``backend`` is a store backend or a :class:`NameIndex`. ``kind`` keeps one kind
    (``disease``, ``drug`` (ADCs included), ``adc``, ``gene``, ``mechanism`` ...).

    >>> [c.id for c in resolve(backend, "HER2", kind="gene")]  # doctest: +SKIP
    ['HGNC:3430']
    """
    index = backend if isinstance(backend, NameIndex) else index_for_backend(backend)
    return [candidate for _, candidate in search(index, text, kind)][:limit]


def search(index: NameIndex, text: str, kind: str | None = None) -> list[tuple[int, Candidate]]:
    """Every matching entity as (level number, candidate), best first.

    >>> search(index, "T-DM1")[0][1].label  # doctest: +SKIP
    'trastuzumab emtansine'
    """
    _check_kind(kind)
    query = text.strip()
    if not query:
        raise ResolutionError("nothing to resolve: the text is empty")
    if _looks_like_identifier(query):
        query = _standard_identifier(query)  # any known IRI form or CURIE case -> the CURIE
    best: dict[int, tuple[int, Candidate]] = {}
    for level_number, level, key in _query_keys(query):
        for position in index.lookup(level, key):
            entity_position, name_field, name = index.names[position]
            score = SCORES[(level, name_field)]
            matched = f"{_level_words(level, name_field)} {name!r}"
            _offer(best, index, entity_position, level_number, score, matched, kind)
    if not best:
        for key, ratio in _fuzzy_keys(index, normalise(query)):
            for position in index.lookup("normalised", key):
                entity_position, name_field, name = index.names[position]
                matched = f"fuzzy {name_field} {name!r} (similarity {ratio:.2f})"
                _offer(
                    best,
                    index,
                    entity_position,
                    len(LEVELS) - 1,
                    FUZZY_FACTOR * ratio,
                    matched,
                    kind,
                )
    return sorted(best.values(), key=lambda item: (-item[1].score, item[1].label, item[1].id))


def _query_keys(query: str) -> list[tuple[int, str, str]]:
    return [
        (0, "identifier", query.casefold()),
        (1, "exact", query),
        (2, "case-insensitive", query.casefold()),
        (3, "normalised", normalise(query)),
        (4, "word order", word_order_key(query)),
    ]


def _level_words(level: str, name_field: str) -> str:
    if level == "identifier":
        return "identifier" if name_field == "id" else "cross-reference"
    return f"{level} {name_field}"


def _offer(
    best: dict[int, tuple[int, Candidate]],
    index: NameIndex,
    entity_position: int,
    level_number: int,
    score: float,
    matched: str,
    kind: str | None,
) -> None:
    entity = index.entities[entity_position]
    if kind and entity.kind not in KIND_INCLUDES.get(kind, frozenset({kind})):
        return
    current = best.get(entity_position)
    if current is None or score > current[1].score:
        candidate = Candidate(
            entity.id, entity.iri, entity.label, entity.kind, round(score, 4), matched
        )
        best[entity_position] = (level_number, candidate)


def _fuzzy_keys(index: NameIndex, key: str) -> list[tuple[str, float]]:
    if not key:
        return []
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    scored = []
    for other in index.keys("normalised"):
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
            ratio = matcher.ratio()
            if ratio >= FUZZY_CUTOFF:
                scored.append((other, ratio))
    return sorted(scored, key=lambda item: -item[1])[: SUGGESTIONS * 2]


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ResolutionError(f"unknown entity type {kind!r}; expected one of {', '.join(KINDS)}")


def resolve_one(backend: Any, text: str, kind: str | None = None) -> Candidate:
    """The one entity ``text`` names: a CURIE, an IRI or a name; ResolutionError otherwise.

    Ambiguous text (two entities matched equally well) lists the candidates; unknown text
    suggests the nearest names.

    >>> resolve_one(backend, "MONDO:0005494").label  # doctest: +SKIP
    'triple-negative breast carcinoma'
    >>> resolve_one(backend, "trastuzumab")  # doctest: +SKIP
    Traceback (most recent call last):
    adcgraph.errors.ResolutionError: 'trastuzumab' is ambiguous: ...
    """
    index = backend if isinstance(backend, NameIndex) else index_for_backend(backend)
    found = search(index, text, kind)
    if not found and _looks_like_identifier(text):
        found = search(index, _standard_identifier(text), kind)
    if not found or found[0][0] == len(LEVELS) - 1:
        raise ResolutionError(unknown_message(index, text, kind))
    best_level = found[0][0]
    tied = [candidate for level, candidate in found if level == best_level]
    if len(tied) > 1:
        listing = "\n  ".join(describe(candidate) for candidate in tied[: SUGGESTIONS * 2])
        raise ResolutionError(
            f"{text!r} is ambiguous: it names {len(tied)} entities; use an identifier"
            f"{'' if kind else ' or --type'}:\n  {listing}"
        )
    return found[0][1]


def _looks_like_identifier(text: str) -> bool:
    return text.startswith(("http://", "https://")) or bool(re.match(r"^[A-Za-z][\w.]*:\S+$", text))


def _standard_identifier(text: str) -> str:
    from adcgraph import vocab

    try:
        return vocab.compress(vocab.canonical_iri(text))
    except AdcGraphError:
        return text


def unknown_message(index: NameIndex, text: str, kind: str | None = None) -> str:
    """Say that nothing is named ``text``, suggesting the nearest names of the wanted kind.

    >>> unknown_message(index, "trastuzumab deruxtcan")  # doctest: +SKIP
    "no entity of the graph is named 'trastuzumab deruxtcan'; nearest names: ..."
    """
    scope = f" {kind}" if kind else ""
    if _looks_like_identifier(text):
        return f"{text!r} is not an identifier of any{scope} entity in the graph"
    near = _nearest(index, text, kind)
    suggestions = ", ".join(f"{c.label!r} ({c.id})" for c in near[:SUGGESTIONS])
    hint = f"; nearest names: {suggestions}" if suggestions else ""
    return f"no{scope} entity of the graph is named {text!r}{hint}"


def _nearest(index: NameIndex, text: str, kind: str | None) -> list[Candidate]:
    best: dict[int, tuple[int, Candidate]] = {}
    keys = difflib.get_close_matches(
        normalise(text), index.keys("normalised"), n=SUGGESTIONS * 3, cutoff=0.5
    )
    for key in keys:
        ratio = difflib.SequenceMatcher(a=normalise(text), b=key).ratio()
        for position in index.lookup("normalised", key):
            entity_position, name_field, name = index.names[position]
            matched = f"fuzzy {name_field} {name!r} (similarity {ratio:.2f})"
            _offer(
                best, index, entity_position, len(LEVELS) - 1, FUZZY_FACTOR * ratio, matched, kind
            )
    return [candidate for _, candidate in sorted(best.values(), key=lambda item: -item[1].score)]


def describe(candidate: Candidate) -> str:
    """One line for a candidate: id, kind, label and what matched.

    >>> describe(Candidate("HGNC:3430", "x", "ERBB2", "gene", 0.97, "exact synonym 'HER2'"))
    "HGNC:3430  gene  ERBB2  (exact synonym 'HER2', score 0.97)"
    """
    where = f"{candidate.matched}, score {candidate.score:g}"
    return f"{candidate.id}  {candidate.kind}  {candidate.label}  ({where})"
