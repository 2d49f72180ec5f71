"""Name resolution: free text, CURIEs and IRIs to the graph's entities, diseases and
patient populations, with a score and what matched.

- :mod:`~adcgraph.resolving.index`: the name index (curated graph, the shipped MONDO cancer
  index, imported ontologies) and its cache beside the store;
- :mod:`~adcgraph.resolving.search`: the comparison levels, scores, ambiguity, refusals;
- :mod:`~adcgraph.resolving.populations`: population names (disease + biomarkers + states);
- :mod:`~adcgraph.resolving.reference_build`: the script deriving the disease index.

Only the standard library is imported here, so ``adcgraph resolve`` starts fast.

>>> resolve_disease(backend, "EGFR-mutant NSCLC").biomarkers  # doctest: +SKIP
({'gene': 'HGNC:3236', 'status': 'mutant'},)
"""

from __future__ import annotations

from typing import Any

from adcgraph.errors import ResolutionError
from adcgraph.resolving.index import (
    KIND_NAMES,
    KIND_ORDER,
    LEVELS,
    NameIndex,
    build_index,
    cache_path,
    index_for_backend,
    index_for_store,
    store_version_of,
)
from adcgraph.resolving.populations import (
    looks_like_population,
    parse_population,
    population_candidates,
)
from adcgraph.resolving.search import (
    NORMALISED_LEVEL,
    Candidate,
    answers,
    describe,
    resolve_one,
    search,
    unknown_message,
)

__all__ = [
    "KIND_NAMES",
    "KIND_ORDER",
    "LEVELS",
    "Candidate",
    "NameIndex",
    "build_index",
    "cache_path",
    "describe",
    "index_for_backend",
    "index_for_store",
    "resolve",
    "resolve_candidates",
    "resolve_disease",
    "resolve_one",
    "search",
    "store_version_of",
    "unknown_message",
]
DISEASE_KINDS = (None, "disease", "population")


def resolve_candidates(
    index: NameIndex, text: str, kind: str | None = None, *, explain: bool = True
) -> list[Candidate]:
    """Every answer for ``text``, best first, population readings included; never empty.

    A name that matches as written (up to normalised spelling) is answered directly; a name
    with biomarker or state words, or one that matches nothing, is also read as a
    population. ResolutionError when nothing answers (naming the part that failed).

    >>> [c.kind for c in resolve_candidates(index, "HER2-low breast cancer")][:1]  # doctest: +SKIP
    ['population']
    """
    tables = search(index, text, kind, loose=False)
    if tables and (tables[0][0] <= NORMALISED_LEVEL or kind not in DISEASE_KINDS):
        return _with_parts(index, text, answers(tables))
    direct = answers(tables) or answers(search(index, text, kind, suggest=False))
    if kind not in DISEASE_KINDS:
        if direct:
            return direct
        raise ResolutionError(unknown_message(index, text, kind) if explain else text)
    try:
        parsed = parse_population(index, text, explain=explain)
    except ResolutionError:
        if direct:
            return direct
        if looks_like_population(text) or not explain:
            raise
        raise ResolutionError(unknown_message(index, text, kind)) from None
    if direct and not (looks_like_population(text) and (parsed.biomarkers or parsed.states)):
        return direct
    return _readings(index, parsed, kind, direct)


def _with_parts(index: NameIndex, text: str, found: list[Candidate]) -> list[Candidate]:
    """A disease named with its biomarker or state (``HER2+ BC``) keeps those parts."""
    from dataclasses import replace

    if not found or found[0].kind != "disease" or not looks_like_population(text):
        return found
    try:
        parsed = parse_population(index, text, explain=False)
    except ResolutionError:
        return found
    if parsed.disease != found[0].id:
        return found
    top = replace(found[0], biomarkers=parsed.biomarkers, states=parsed.states, parts=parsed.parts)
    return [top, *found[1:]]


def _readings(
    index: NameIndex, parsed: Any, kind: str | None, direct: list[Candidate]
) -> list[Candidate]:
    readings = population_candidates(index, parsed)
    if kind == "population":
        readings = [c for c in readings if c.kind == "population"]
    seen = {candidate.id for candidate in readings}
    return readings + [c for c in direct if c.id not in seen]


def resolve(backend: Any, text: str, kind: str | None = None, limit: int = 10) -> list[Candidate]:
    """Entities that ``text`` may name, best first (one candidate per entity); fuzzy
    suggestions included when nothing answers.

    >>> [c.id for c in resolve(backend, "HER2", kind="gene")]  # doctest: +SKIP
    ['HGNC:3430']
    """
    index = index_for_backend(backend)
    try:
        return resolve_candidates(index, text, kind)[:limit]
    except ResolutionError:
        return [candidate for _, candidate in search(index, text, kind)][:limit]


def resolve_disease(backend: Any, text: str, *, role: str | None = None) -> Candidate:
    """The disease or population ``text`` names (its ``disease`` is a MONDO CURIE).

    Raises ResolutionError when the text names nothing, names something else, or is
    ambiguous; the message names the part that failed and the nearest candidates.

    >>> resolve_disease(backend, "R/R AML").states  # doctest: +SKIP
    ('relapsed_or_refractory',)
    """
    index = index_for_backend(backend)
    try:
        found = resolve_candidates(index, text, "disease")
    except ResolutionError as error:
        other = answers(search(index, text, None))
        if other and other[0].kind not in ("disease", "population"):
            raise ResolutionError(unknown_message(index, text, "disease", role=role)) from None
        raise error from None
    top = [c for c in found if c.score == found[0].score and c.source != "parsed"]
    if len(top) > 1 and found[0].source != "parsed":
        listing = "\n  ".join(describe(candidate) for candidate in top[:10])
        raise ResolutionError(
            f"{text!r} is ambiguous: it names {len(top)} diseases; use an identifier:\n  {listing}"
        )
    return found[0]
