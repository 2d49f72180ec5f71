"""Searching the name index: levels of comparison, scores, ambiguity and helpful refusals.

==================  ===========================================  ===============================
level               compares                                     score (label/synonym/abbrev.)
==================  ===========================================  ===============================
identifier          a CURIE or IRI of the entity, or an xref     1.0 (xref 0.98)
exact               the text as written                          1.0 / 0.97 / 0.96
case-insensitive    case and accents folded, dashes plain        0.92 / 0.9 / 0.89
normalised          spaces and punctuation gone too              0.85 / 0.83 / 0.82
word order          the same words in any order, no stop words   0.75 / 0.73 / 0.72
concept             site adjectives as nouns (ovarian = ovary),  0.73 / 0.72 / 0.715
                    tumor = neoplasm, malignant neoplasm =
                    cancer, no "gland" / "primary"
learned             a word variant or abbreviation learned from  0.712
                    the diseases' own synonyms (cerebellar =
                    cerebellum, CNS = central nervous system)
initials            a one-word abbreviation spelling the         0.711
                    initials of a disease name (ASPS)
typo                1 edit (names of 6-9 characters) or 2 (10+)  0.71 (1 edit), 0.705 (2 edits)
fuzzy               similar text (difflib ratio): suggestions    at most 0.6, never an answer
==================  ===========================================  ===============================

A name written as a MeSH neoplasm heading (``Ovarian Neoplasms``, title case, plural) is
also read with ``cancer``: when that names a class MONDO cross-references to MeSH and the
plain reading does not, it answers 0.01 above the plain reading (MONDO maps MeSH's
*X Neoplasms* headings to its *X cancer* classes).

A name imported from an ontology scores 0.04 below a label at the same level, a gene's full
name 0.05 below. Typo matches are answers (ranked below every exact match); fuzzy matches
are only ever suggestions.

>>> from adcgraph.resolving.index import Entity, NameIndex
>>> tiny = NameIndex("t", (Entity("DRUGBANK:DB12893", "x", "sacituzumab govitecan", "adc"),),
...                  ((0, "label", "sacituzumab govitecan"),))
>>> resolve_one(tiny, "sacituzimab govitecan").matched
"typo label 'sacituzumab govitecan' (1 edit)"
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from adcgraph import rollup
from adcgraph.errors import ResolutionError
from adcgraph.resolving.index import (
    KIND_NAMES,
    KIND_ORDER,
    LEVELS,
    NameIndex,
    index_for_backend,
)
from adcgraph.resolving.text import (
    NO_EQUIVALENTS,
    STOP_WORDS,
    concept_key,
    edit_distance,
    fold,
    normalise,
    segments,
    typo_bound,
    word_order_key,
    word_typos_allowed,
)

#: ``--type drug`` also finds ADCs: an ADC is a drug.
KIND_INCLUDES: Mapping[str, frozenset[str]] = MappingProxyType({"drug": frozenset({"drug", "adc"})})
KINDS = KIND_ORDER
_FIELD_OFFSET = {
    "label": 0.0,
    "synonym": -0.02,
    "abbreviation": -0.03,
    "imported": -0.04,
    "name": -0.05,
}
_LEVEL_BASE = {
    "exact": 1.0,
    "case-insensitive": 0.92,
    "normalised": 0.85,
    "word order": 0.75,
    "concept": 0.73,
}
TYPO_SCORES = {1: 0.71, 2: 0.705}
FUZZY_FACTOR = 0.6
FUZZY_CUTOFF = 0.75
SUGGESTIONS = 5
#: Below this a candidate is a suggestion, not an answer.
ANSWER_SCORE = 0.7
NORMALISED_LEVEL = LEVELS.index("normalised")
TYPO_LEVEL = LEVELS.index("typo")
FUZZY_LEVEL = LEVELS.index("fuzzy")
_BARE_IDENTIFIERS = (
    (re.compile(r"^NCT\d{8}$", re.IGNORECASE), "NCT:{}"),
    (re.compile(r"^rs\d+$", re.IGNORECASE), "DBSNP:{}"),
    (re.compile(r"^(?:PMID:?\s*)?(\d{6,9})$", re.IGNORECASE), "PMID:{}"),
    (
        re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE),
        "DOI:{}",
    ),
)


def score_of(level: str, name_field: str) -> float:
    """The score of a match at ``level`` on a name of kind ``name_field``.

    >>> score_of("exact", "label"), score_of("normalised", "synonym")
    (1.0, 0.83)
    """
    if level == "identifier":
        return 1.0 if name_field == "id" else 0.98
    offset = _FIELD_OFFSET.get(name_field, -0.05)
    if level == "concept":
        offset /= 2  # keep every concept match above the answer threshold
    return round(_LEVEL_BASE[level] + offset, 4)


@dataclass(frozen=True)
class Candidate:
    """An entity a text may name, with how well and by which name it matched.

    Disease and population candidates also carry ``disease`` (a MONDO CURIE; a plain
    disease's own id), ``biomarkers`` (``{"gene", "status"}``) and ``states``; ``parts``
    says how each part of a population name was matched.

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
    source: str = "curated"
    disease: str | None = None
    biomarkers: tuple[Mapping[str, str], ...] = ()
    states: tuple[str, ...] = ()
    parts: tuple[Mapping[str, Any], ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: disease and population candidates carry their parts.

        >>> Candidate("MONDO:1", "i", "x", "disease", 1.0, "exact label 'x'").as_dict()["disease"]
        'MONDO:1'
        """
        data: dict[str, Any] = {
            "id": self.id,
            "iri": self.iri,
            "label": self.label,
            "type": self.kind,
            "kind": self.kind,
            "score": self.score,
            "matched": self.matched,
            "source": self.source,
        }
        if self.kind in ("disease", "population"):
            data["disease"] = self.disease or self.id
            data["biomarkers"] = [dict(marker) for marker in self.biomarkers]
            data["states"] = list(self.states)
            data["parts"] = [dict(part) for part in self.parts]
        return data


def candidate_for(index: NameIndex, position: int, score: float, matched: str) -> Candidate:
    """A candidate for the entity at ``position``, with a population's parts filled in."""
    entity = index.entities[position]
    details = index.details.get(entity.id, {})
    return Candidate(
        entity.id,
        entity.iri,
        entity.label,
        entity.kind,
        round(score, 4),
        matched,
        entity.source,
        disease=details.get("disease", entity.id if entity.kind == "disease" else None),
        biomarkers=tuple(details.get("biomarkers", ())),
        states=tuple(details.get("states", ())),
    )


def resolve(backend: Any, text: str, kind: str | None = None, limit: int = 10) -> list[Candidate]:
    """Entities that ``text`` may name, best first (one candidate per entity).

    ``backend`` is a store backend or a :class:`NameIndex`. ``kind`` keeps one kind
    (``disease``, ``drug`` (ADCs included), ``adc``, ``gene``, ``mechanism`` ...).

    >>> [c.id for c in resolve(backend, "HER2", kind="gene")]  # doctest: +SKIP
    ['HGNC:3430']
    """
    index = index_for_backend(backend)
    return [candidate for _, candidate in search(index, text, kind)][:limit]


def search(
    index: NameIndex,
    text: str,
    kind: str | None = None,
    *,
    loose: bool = True,
    suggest: bool = True,
) -> list[tuple[int, Candidate]]:
    """Every matching entity as (level number, candidate), best first.

    Tables are tried tightest first; the typo level runs only when no table matched, and
    fuzzy suggestions only when no typo matched (``loose=False``: tables only;
    ``suggest=False``: no fuzzy suggestions).

    >>> search(index, "T-DM1")[0][1].label  # doctest: +SKIP
    'trastuzumab emtansine'
    """
    check_kind(kind)
    query = text.strip()
    if not query:
        raise ResolutionError("nothing to resolve: the text is empty")
    best: dict[int, tuple[int, Candidate]] = {}
    for level_number, level, key in query_keys(query, index.equivalents):
        for position in index.lookup(level, key):
            entity_position, name_field, name = index.names[position]
            score = score_of(level, name_field)
            if level == "case-insensitive" and index.entities[entity_position].kind == "disease":
                # case carries no meaning in disease names (MONDO labels are lower case):
                # a label beats another disease's synonym that only agrees in case too
                score = max(score, score_of("exact", name_field) - 0.005)
            matched = f"{_level_words(level, name_field)} {name!r}"
            _offer(best, index, entity_position, level_number, score, matched, kind)
    if not best:
        _offer_carcinoma_reading(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_staging(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_learned(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_initials(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_implied_head(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_parts(best, index, query, kind)
    if not best and kind in DISEASE_SEARCH_KINDS:
        _offer_without_behaviour(best, index, query, kind)
    if kind in DISEASE_SEARCH_KINDS:
        _offer_mesh_heading(best, index, query, kind)
    if not best and loose:
        for key, distance in typo_keys(index, normalise(query)):
            for position in index.lookup("normalised", key):
                entity_position, name_field, name = index.names[position]
                if not word_typos_allowed(query, name):
                    continue
                plural = "edit" if distance == 1 else "edits"
                matched = f"typo {name_field} {name!r} ({distance} {plural})"
                score = TYPO_SCORES[distance] + _FIELD_OFFSET.get(name_field, -0.04) / 10
                _offer(best, index, entity_position, TYPO_LEVEL, score, matched, kind)
    if not best and loose and suggest:
        for key, ratio in _fuzzy_keys(index, normalise(query)):
            for position in index.lookup("normalised", key):
                entity_position, name_field, name = index.names[position]
                matched = f"fuzzy {name_field} {name!r} (similarity {ratio:.2f})"
                score = FUZZY_FACTOR * ratio
                _offer(best, index, entity_position, FUZZY_LEVEL, score, matched, kind)
    return sorted(best.values(), key=lambda item: _rank_key(item[1]))


_CANCER_WORD = re.compile(r"\bcancers?\b", re.IGNORECASE)
CARCINOMA_SCORE = 0.7


def _offer_carcinoma_reading(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """``cancer`` read as ``carcinoma`` (OncoTree's *Metaplastic Breast Cancer* is MONDO's
    *metaplastic breast carcinoma*), at the concept level, scored at the answer threshold."""
    reading = _CANCER_WORD.sub("carcinoma", query)
    if reading == query:
        return
    for position in index.lookup("concept", concept_key(fold(reading), index.equivalents)):
        entity_position, name_field, name = index.names[position]
        matched = f"concept {name_field} {name!r} (cancer read as carcinoma)"
        level = LEVELS.index("concept")
        _offer(best, index, entity_position, level, CARCINOMA_SCORE, matched, kind)


STAGING_SCORE = 0.7
#: The edition of a staging manual (``AJCC v7``, ``aJCC v6 and v7``, ``UICC 8th edition``):
#: it dates the staging rules, it does not change the disease.
_STAGING_EDITION = re.compile(
    r"\(?\b(?:AJCC|UICC|TNM)\s*(?:v|version\s*)?\d+(?:st|nd|rd|th)?(?:\s*(?:edition|ed\.?))?"
    r"(?:\s*(?:and|,|/|&)\s*(?:v|version\s*)?\d+(?:st|nd|rd|th)?)*\)?",
    re.IGNORECASE,
)
#: Stage 0 (AJCC, FIGO: Tis N0 M0) of a carcinoma or melanoma is its in situ form.
_STAGE_ZERO = re.compile(r"\b(?:(?:AJCC|FIGO|TNM)\s+)?stage\s+0(?:is|a)?\b", re.IGNORECASE)
#: A carcinoma said not to invade (``non-invasive lobular carcinoma``, MeSH's
#: ``Carcinoma, Intraductal, Noninfiltrating``) is its in situ form.
_NON_INVASIVE = re.compile(r"\bnon-?\s?(?:invasive|infiltrating)\b", re.IGNORECASE)
_IN_SITU_HEADS = re.compile(r"\b(?:carcinoma|adenocarcinoma|cancer|melanoma)s?\b", re.IGNORECASE)


def staging_reading(query: str) -> tuple[str, list[dict[str, Any]]] | None:
    """``query`` without a staging edition, and with stage 0 of a carcinoma read as in situ
    (``cancer`` then read as ``carcinoma``), with the parts so read; None when it names
    neither.

    >>> reading, parts = staging_reading("stage 0 rectal cancer aJCC v7")
    >>> reading
    'rectal carcinoma in situ'
    >>> [(part["part"], part["as"]) for part in parts]
    [('aJCC v7', 'ignored'), ('stage 0', 'qualifier')]
    >>> staging_reading("stage 0 chronic lymphocytic leukemia") is None
    True
    """
    parts: list[dict[str, Any]] = []
    for match in _STAGING_EDITION.finditer(query):
        edition = match.group(0).strip("() ")
        parts.append(_part(edition, "ignored", "staging edition, dropped"))
    reading = _STAGING_EDITION.sub(" ", query)
    stage = _STAGE_ZERO.search(reading) or _NON_INVASIVE.search(reading)
    if stage and _IN_SITU_HEADS.search(reading):
        parts.append(_part(stage.group(0), "qualifier", "read as in situ"))
        reading = _NON_INVASIVE.sub(" ", _STAGE_ZERO.sub(" ", reading))
        if "in situ" not in reading.casefold():
            reading = re.sub(r"\bcancers?\b", "carcinoma", reading, flags=re.IGNORECASE)
            reading = f"{reading.strip(' ,;')} in situ"
    reading = " ".join(reading.split()).strip(" ,;")
    if not parts or not reading:
        return None
    return reading, parts


def _part(text: str, role: str, matched: str, identifier: str | None = None) -> dict[str, Any]:
    return {"part": text, "as": role, "id": identifier, "matched": matched}


def _offer_staging(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A name with a staging edition or stage 0 (NCIt's ``stage 0 gastric cancer AJCC v6
    and v7``) read as :func:`staging_reading` says, at the answer threshold; ``matched``
    says so and ``parts`` lists the disease read and each staging part (two diseases read
    equally well stay a tie, refused by the callers)."""
    from dataclasses import replace

    read = staging_reading(query)
    if read is None:
        return
    reading, staging = read
    level = LEVELS.index("concept")
    found = [c for lvl, c in search(index, reading, kind, loose=False) if lvl < TYPO_LEVEL]
    top = [c for c in found if c.score == found[0].score] if found else []
    notes = "; ".join(f"{part['part']!r} {part['matched']}" for part in staging)
    for candidate in top:
        position = index.positions_of(candidate.id)
        if position is None or candidate.score < ANSWER_SCORE:
            continue
        matched = f"{candidate.matched} (read as {reading!r}: {notes})"
        _offer(best, index, position, level, STAGING_SCORE, matched, kind)
        if position in best:
            level_number, offered = best[position]
            disease = _part(reading, "disease", candidate.matched, candidate.id)
            best[position] = (level_number, replace(offered, parts=(disease, *staging)))


LEARNED_SCORE = 0.712
INITIALS_SCORE = 0.711
#: The searches for which disease-name variants are tried.
DISEASE_SEARCH_KINDS = (None, "disease", "population")
_ABBREVIATION = re.compile(r"^[A-Z][A-Za-z]{1,5}$")


def _offer_learned(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """Readings of the query with learned word variants and abbreviations
    (:mod:`~adcgraph.resolving.learned`), at the concept level."""
    level = LEVELS.index("learned")
    for reading in index.learned.variants(query):
        for position in index.lookup("concept", concept_key(reading, index.equivalents)):
            entity_position, name_field, name = index.names[position]
            matched = f"learned variant {reading!r} of {name_field} {name!r}"
            _offer(best, index, entity_position, level, LEARNED_SCORE, matched, kind)
        if best:
            return


def _offer_initials(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A one-word abbreviation (``ASPS``) read as the initials of a disease name; a label
    with those initials outranks a synonym (``NHL``: the label ``non-Hodgkin lymphoma``
    before the synonym ``neoplasm of hilus of lung``), as at the table levels; more than one
    disease left is a tie (refused by the callers)."""
    if not _ABBREVIATION.match(query) or sum(char.isupper() for char in query) < 2:
        return
    level = LEVELS.index("initials")
    for position in index.lookup("initials", query.casefold()):
        entity_position, name_field, name = index.names[position]
        if index.entities[entity_position].kind != "disease":
            continue
        matched = f"initials of {name_field} {name!r}"
        score = INITIALS_SCORE + _FIELD_OFFSET.get(name_field, -0.05) / 10
        _offer(best, index, entity_position, level, score, matched, kind)


#: MeSH's plural neoplasm heading (``Ovarian Neoplasms``), which MONDO maps to its cancer
#: class (``ovarian cancer``) rather than to its neoplasm class (``ovarian neoplasm``).
_MESH_HEADING = re.compile(r"\bNeoplasms\b")
_BENIGN = re.compile(r"\bbenign\b", re.IGNORECASE)
MESH_PREFIX = "MESH:"


def is_mesh_heading(query: str) -> bool:
    """Whether ``query`` is written as a MeSH neoplasm heading: the plural ``Neoplasms`` in
    title case, as MeSH writes descriptor names (MONDO and NCIt write ``intestinal
    neoplasms`` in lower case, and mean the neoplasm class); never a benign one.

    >>> is_mesh_heading("Brain Stem Neoplasms"), is_mesh_heading("intestinal neoplasms")
    (True, False)
    >>> is_mesh_heading("Neoplasms, Benign"), is_mesh_heading("Ear neoplasms")
    (False, False)
    """
    if not _MESH_HEADING.search(query) or _BENIGN.search(query):
        return False
    long_words = [word for word in re.findall(r"[A-Za-z]+", query) if len(word) > 3]
    return all(word[0].isupper() for word in long_words if word.casefold() not in STOP_WORDS)


def _offer_mesh_heading(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A name in MeSH's plural heading form (``Ovarian Neoplasms``, ``Brain Stem
    Neoplasms``) read as MONDO reads MeSH headings: when the class it names (or none) has
    no MeSH cross-reference and the class named with ``cancer`` for ``neoplasms`` has one,
    that cancer class answers first (MONDO maps MeSH *Ovarian Neoplasms* to *ovarian
    cancer*, not to *ovarian neoplasm*); the neoplasm class stays a lower candidate."""
    if not is_mesh_heading(query):
        return
    top = sorted(best.values(), key=lambda item: _rank_key(item[1]))
    tied = [item for item in top if item[1].score == top[0][1].score] if top else []
    if any(_has_mesh(index, candidate.id) for _, candidate in tied):
        return
    reading = _MESH_HEADING.sub("cancer", query)
    found = [c for level, c in search(index, reading, kind, loose=False) if level < TYPO_LEVEL]
    heading = [c for c in found if c.score >= ANSWER_SCORE and _has_mesh(index, c.id)]
    if not heading or (len(heading) > 1 and heading[1].score == heading[0].score):
        return
    position = index.positions_of(heading[0].id)
    if position is None:
        return
    level = tied[0][0] if tied else LEVELS.index("concept")
    score = min(1.0, tied[0][1].score + 0.01) if tied else ANSWER_SCORE
    matched = f"MeSH heading read as {reading!r}: {heading[0].matched}"
    _offer(best, index, position, level, score, matched, kind)


def _has_mesh(index: NameIndex, curie: str) -> bool:
    return any(xref.startswith(MESH_PREFIX) for xref in index.xrefs_of(curie))


BEHAVIOUR_SCORE = 0.7
#: The MONDO classes that say a neoplasm's behaviour: a ``malignant`` or ``benign`` the
#: class already implies may be left out of its name.
BEHAVIOUR_ROOTS = {"malignant": "MONDO:0004992", "benign": "MONDO:0005165"}
_BEHAVIOUR_WORD = re.compile(r"(?:^|[\s,(])(malignant|benign)(?=$|[\s,)])", re.IGNORECASE)


def _offer_without_behaviour(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A name with ``malignant`` or ``benign`` (``ganglioneuroma, benign``, ``adamantinoma,
    malignant``, ``glioma, mixed, malignant``) read without that word, when the disease the
    rest names is under ``cancer`` (for malignant) or ``benign neoplasm`` (for benign) in
    the index's hierarchy: the word says nothing the class does not."""
    said = {match.group(1).casefold() for match in _BEHAVIOUR_WORD.finditer(query)}
    if len(said) != 1:
        return
    (word,) = said
    rest = _BEHAVIOUR_WORD.sub(" ", query)
    rest = re.sub(r"\s*,\s*(?=,|$)|^\s*,\s*|\(\s*\)", "", rest).strip(" ,")
    if not rest or rest.casefold() == query.casefold():
        return
    level = LEVELS.index("concept")
    for _, candidate in search(index, rest, kind, loose=False):
        if candidate.score < ANSWER_SCORE or not _is_under(index, candidate.id, word):
            continue
        position = index.positions_of(candidate.id)
        if position is not None:
            matched = f"{candidate.matched} ({word!r} said by the class)"
            _offer(best, index, position, level, BEHAVIOUR_SCORE, matched, kind)


def _is_under(index: NameIndex, curie: str, behaviour: str) -> bool:
    """Whether ``curie`` is (under) the class of that behaviour in the index's hierarchy."""
    root = BEHAVIOUR_ROOTS[behaviour]
    seen = {curie}
    frontier = [curie]
    while frontier:
        if root in frontier:
            return True
        frontier = [
            parent
            for child in frontier
            for parent in index.parents.get(child, ())
            if parent not in seen and not seen.add(parent)  # type: ignore[func-returns-value]
        ]
    return False


PARTS_SCORE = 0.7
_PARENTHESIS = re.compile(r"\s*\(([^()]+)\)\s*")


def name_parts(query: str) -> list[str]:
    """The names a name is made of: ``A/B`` (two names of one disease, as OncoTree writes
    them) and ``A (B)`` (a name with an abbreviation or qualifier in brackets, read both as
    ``A`` and as ``B``).

    >>> name_parts("Desmoid/Aggressive Fibromatosis")
    ['Desmoid', 'Aggressive Fibromatosis']
    >>> name_parts("Marginal Zone Lymphoma of MALT (MALT lymphoma)")
    ['Marginal Zone Lymphoma of MALT', 'MALT lymphoma']
    >>> name_parts("leukemia")
    []
    """
    inside = _PARENTHESIS.findall(query)
    if inside:
        outside = _PARENTHESIS.sub(" ", query).strip()
        return [part for part in (outside, *inside) if part.strip()]
    if "/" in query:
        parts = [part.strip() for part in query.split("/")]
        if 2 <= len(parts) <= 3 and all(len(part) >= 4 for part in parts):
            return parts
    return []


def _offer_parts(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A name made of parts (:func:`name_parts`) answers with the one disease its parts
    name; when one part names a disease under the other's (``Ovarian Carcinosarcoma/
    Malignant Mixed Mesodermal Tumor``: *ovarian carcinosarcoma* is a *carcinosarcoma*),
    both name it and the narrower one answers; parts naming unrelated diseases are a tie
    (refused by the callers)."""
    level = LEVELS.index("concept")
    offered: list[tuple[Candidate, str]] = []
    for part in name_parts(query):
        found = [c for lvl, c in search(index, part, kind, loose=False) if lvl < TYPO_LEVEL]
        offered += [(c, part) for c in found if c.score == found[0].score]
    ids = {candidate.id for candidate, _ in offered}
    narrowest = [
        candidate.id
        for candidate, _ in offered
        if ids - {candidate.id} <= _ancestors(index, candidate.id)
    ]
    for candidate, part in offered:
        position = index.positions_of(candidate.id)
        if position is None or (narrowest and candidate.id not in narrowest):
            continue
        matched = f"part {part!r} of the name: {candidate.matched}"
        _offer(best, index, position, level, PARTS_SCORE, matched, kind)


def _ancestors(index: NameIndex, curie: str) -> set[str]:
    """Every class above ``curie`` in the index's disease hierarchy."""
    return set(rollup.ancestors(index.parents, curie)) - {curie}


IMPLIED_HEAD_SCORE = 0.7
#: Words that already name a kind of disease: a name with one needs no implied head.
_HEAD_WORDS = re.compile(
    r"(?:neoplasm|neoplasia|tumou?r|cancer|oma|emia|osis|disease|syndrome|disorder)s?\b",
    re.IGNORECASE,
)


def _offer_implied_head(
    best: dict[int, tuple[int, Candidate]], index: NameIndex, query: str, kind: str | None
) -> None:
    """A site or lineage alone (OncoTree's ``Breast``, ``Pleura``, ``Myeloid``) read as
    ``<name> neoplasm``, the MONDO class of every neoplasm there, scored at the answer
    threshold; a name that already has a disease word gets no such reading."""
    if _HEAD_WORDS.search(query) or len(query.split()) > 3 or any(c.isdigit() for c in query):
        return
    reading = f"{query} neoplasm"
    level = LEVELS.index("concept")
    for position in index.lookup("concept", concept_key(fold(reading), index.equivalents)):
        entity_position, name_field, name = index.names[position]
        matched = f"concept {name_field} {name!r} (read as {reading!r})"
        _offer(best, index, entity_position, level, IMPLIED_HEAD_SCORE, matched, kind)
    if not best:
        for variant in index.learned.variants(reading):
            for position in index.lookup("concept", concept_key(variant, index.equivalents)):
                entity_position, name_field, name = index.names[position]
                matched = f"learned variant {variant!r} of {name_field} {name!r}"
                _offer(best, index, entity_position, level, IMPLIED_HEAD_SCORE, matched, kind)
            if best:
                return


def _rank_key(candidate: Candidate) -> tuple[float, int, str, str]:
    # Curated entities first among equals: they are what the graph holds evidence about.
    return (-candidate.score, candidate.source != "curated", candidate.label, candidate.id)


def query_keys(
    query: str, equivalents: Mapping[str, str] = NO_EQUIVALENTS
) -> list[tuple[int, str, str]]:
    """The lookup key of ``query`` at each table level (the concept key read with the
    index's learned word ``equivalents``).

    >>> [key for _, _, key in query_keys("Malignant Tumour of the Ovary", {"ovary": "ovarian"})][3:]
    ['malignanttumouroftheovary', 'malignant ovary tumor', 'cancer ovarian']
    """
    folded = fold(query)
    keys = [
        (0, "identifier", query.casefold()),
        (1, "exact", query),
        (2, "case-insensitive", folded),
        (3, "normalised", normalise(folded)),
        (4, "word order", word_order_key(folded)),
        (5, "concept", concept_key(folded, equivalents)),
    ]
    standard = standard_identifier(query) or (
        canonical_identifier(query) if looks_like_identifier(query) else None
    )
    if standard and standard.casefold() != query.casefold():
        keys.insert(1, (0, "identifier", standard.casefold()))
    return keys


def canonical_identifier(text: str) -> str | None:
    """The project's CURIE for any known IRI form or CURIE spelling (``mesh:D064726``,
    ``identifiers.org`` IRIs ...), through :func:`adcgraph.vocab.canonical_iri`."""
    from adcgraph import vocab
    from adcgraph.errors import AdcGraphError

    try:
        return vocab.compress(vocab.canonical_iri(text))
    except AdcGraphError:
        return None


def standard_identifier(text: str) -> str | None:
    """The CURIE a pasted identifier stands for: bare NCT, rs, PMID and DOI forms.

    >>> standard_identifier("nct02574455"), standard_identifier("PMID 33339894")
    ('NCT:NCT02574455', 'PMID:33339894')
    >>> standard_identifier("https://doi.org/10.1056/NEJMoa2028485")
    'DOI:10.1056/NEJMoa2028485'
    """
    stripped = text.strip()
    for pattern, form in _BARE_IDENTIFIERS:
        match = pattern.match(stripped)
        if match:
            value = match.group(1) if match.groups() else stripped
            return form.format(value.upper() if form.startswith("NCT") else value)
    return None


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
        best[entity_position] = (
            level_number,
            candidate_for(index, entity_position, score, matched),
        )


def typo_keys(index: NameIndex, key: str) -> list[tuple[str, int]]:
    """Normalised names within the typo bound of ``key`` (1 edit for 6-9 chars, 2 for 10+).

    A candidate must contain one of three pieces of ``key`` unchanged (two edits cannot
    touch all three), which keeps the exact distance computation to a few names.
    """
    bound = typo_bound(key)
    if not bound:
        return []
    pieces = segments(key, bound + 1)
    found = []
    for other in index.keys_of_length(len(key) - bound, len(key) + bound):
        if typo_bound(other) and any(piece in other for piece in pieces):
            distance = edit_distance(key, other, min(bound, typo_bound(other)))
            if 0 < distance <= min(bound, typo_bound(other)):
                found.append((other, distance))
    if not found:
        return []
    nearest = min(distance for _, distance in found)
    return [(other, distance) for other, distance in found if distance == nearest]


def _fuzzy_keys(index: NameIndex, key: str) -> list[tuple[str, float]]:
    if not key:
        return []
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    scored = []
    for other in index.keys_of_length(int(len(key) * 0.6), int(len(key) / 0.6) + 1):
        matcher.set_seq1(other)
        if matcher.real_quick_ratio() >= FUZZY_CUTOFF and matcher.quick_ratio() >= FUZZY_CUTOFF:
            ratio = matcher.ratio()
            if ratio >= FUZZY_CUTOFF:
                scored.append((other, ratio))
    return sorted(scored, key=lambda item: -item[1])[: SUGGESTIONS * 2]


def check_kind(kind: str | None) -> None:
    """ResolutionError for an entity type the resolver does not know."""
    if kind is not None and kind not in KINDS:
        raise ResolutionError(f"unknown entity type {kind!r}; expected one of {', '.join(KINDS)}")


def answers(found: list[tuple[int, Candidate]]) -> list[Candidate]:
    """The candidates that are answers (fuzzy suggestions dropped).

    >>> answers([(FUZZY_LEVEL, Candidate("a", "a", "a", "drug", 0.5, "fuzzy"))])
    []
    """
    return [candidate for level, candidate in found if level < FUZZY_LEVEL]


def resolve_one(
    backend: Any, text: str, kind: str | None = None, *, role: str | None = None
) -> Candidate:
    """The one entity ``text`` names: a CURIE, an IRI or a name; ResolutionError otherwise.

    Ambiguous text (two entities matched equally well) lists the candidates; unknown text
    suggests the nearest names; text naming an entity of another type than ``kind`` says
    what it is (``role`` completes the sentence, e.g. ``"combos needs an ADC"``).

    >>> resolve_one(backend, "MONDO:0005494").label  # doctest: +SKIP
    'triple-negative breast carcinoma'
    >>> resolve_one(backend, "olaparib", "adc", role="combos needs an ADC")  # doctest: +SKIP
    Traceback (most recent call last):
    adcgraph.errors.ResolutionError: 'olaparib' is a Drug (DRUGBANK:DB09074 olaparib) ...
    """
    index = index_for_backend(backend)
    found = search(index, text, kind)
    if not answers(found):
        raise ResolutionError(unknown_message(index, text, kind, role=role))
    best_level = found[0][0]
    tied = [
        candidate
        for level, candidate in found
        if level == best_level and candidate.score == found[0][1].score
    ]
    if len(tied) > 1:
        listing = "\n  ".join(describe(candidate) for candidate in tied[: SUGGESTIONS * 2])
        raise ResolutionError(
            f"{text!r} is ambiguous: it names {len(tied)} entities; use an identifier"
            f"{'' if kind else ' or --type'}:\n  {listing}"
        )
    return found[0][1]


def looks_like_identifier(text: str) -> bool:
    """Whether ``text`` is written as a CURIE or an IRI.

    >>> looks_like_identifier("MONDO:0005494"), looks_like_identifier("breast cancer")
    (True, False)
    """
    return text.startswith(("http://", "https://")) or bool(re.match(r"^[A-Za-z][\w.]*:\S+$", text))


def unknown_message(
    index: NameIndex, text: str, kind: str | None = None, *, role: str | None = None
) -> str:
    """Say that nothing of ``kind`` is named ``text``: what it is instead, or the nearest names.

    >>> unknown_message(index, "trastuzumab deruxtcan")  # doctest: +SKIP
    "no entity of the graph is named 'trastuzumab deruxtcan'; nearest names: ..."
    """
    scope = f" {kind}" if kind else ""
    if kind:
        other = answers(search(index, text, None))
        if other and other[0].kind not in KIND_INCLUDES.get(kind, frozenset({kind})):
            found = other[0]
            wanted = role or f"expected a{'n' if kind[0] in 'aeiou' else ''} {KIND_NAMES[kind]}"
            return (
                f"{text!r} is a{'n' if found.kind[0] in 'aeiou' else ''} "
                f"{KIND_NAMES[found.kind]} ({found.id} {found.label}), not a"
                f"{'n' if kind[0] in 'aeiou' else ''} {KIND_NAMES[kind]}; {wanted}"
            )
    if looks_like_identifier(text) or standard_identifier(text):
        return f"{text!r} is not an identifier of any{scope} entity in the graph"
    near = nearest(index, text, kind)
    suggestions = ", ".join(f"{c.label!r} ({c.id})" for c in near[:SUGGESTIONS])
    hint = f"; nearest names: {suggestions}" if suggestions else ""
    return f"no{scope} entity of the graph is named {text!r}{hint}"


def nearest(index: NameIndex, text: str, kind: str | None) -> list[Candidate]:
    """The entities of ``kind`` whose names are nearest to ``text`` (suggestions)."""
    best: dict[int, tuple[int, Candidate]] = {}
    key = normalise(text)
    pool = list(index.keys_of_length(max(1, len(key) // 2), len(key) * 2 + 2))
    keys = difflib.get_close_matches(key, pool, n=SUGGESTIONS * 3, cutoff=0.5)
    for other in keys:
        ratio = difflib.SequenceMatcher(a=key, b=other).ratio()
        for position in index.lookup("normalised", other):
            entity_position, name_field, name = index.names[position]
            matched = f"fuzzy {name_field} {name!r} (similarity {ratio:.2f})"
            _offer(best, index, entity_position, FUZZY_LEVEL, FUZZY_FACTOR * ratio, matched, kind)
    return [candidate for _, candidate in sorted(best.values(), key=lambda item: -item[1].score)]


def describe(candidate: Candidate) -> str:
    """One line for a candidate: id, kind, label and what matched.

    >>> describe(Candidate("HGNC:3430", "x", "ERBB2", "gene", 0.97, "exact synonym 'HER2'"))
    "HGNC:3430  gene  ERBB2  (exact synonym 'HER2', score 0.97)"
    """
    where = f"{candidate.matched}, score {candidate.score:g}"
    return f"{candidate.id}  {candidate.kind}  {candidate.label}  ({where})"
