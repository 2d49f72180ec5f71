"""Roll-up of evidence along the disease hierarchy (MONDO is_a).

Evidence is recorded on the disease a study was done in. When a question names another
disease of the same branch, the evidence is weighted by where it sits relative to the asked
disease:

===========================================  ==========================================
evidence recorded on                          weight of that evidence for the asked disease
===========================================  ==========================================
the asked disease or a narrower one           1.0 (evidence on TNBC counts for breast cancer)
a broader disease, ``k`` is_a steps up        ``BROADER_FACTOR ** k``, at least ``FLOOR``
another disease whose nearest common          ``BROADER_FACTOR ** k`` (it reaches the asked
ancestor with the asked one is ``k`` up       disease through that ancestor), at least ``FLOOR``
a disease with no common ancestor             ``FLOOR``
===========================================  ==========================================

``BROADER_FACTOR`` is 0.7 per step: evidence one step up (breast cancer for HER2-low breast
cancer) keeps 70 %, two steps 49 %; ``FLOOR`` (0.3) is what path analysis gives evidence from
an unrelated disease. :func:`evidence_scope` says which disease's evidence an answer rests
on: the asked disease when it (or a narrower one) has evidence, else the nearest ancestor
that has some, else none.

>>> parents = {"TNBC": {"BC"}, "HER2LOW": {"BC"}, "BC": {"CANCER"}}
>>> disease_weights(parents, "HER2LOW", {"TNBC", "BC", "HER2LOW"})
{'BC': 0.7, 'HER2LOW': 1.0, 'TNBC': 0.7}
>>> evidence_scope(parents, "HER2LOW", {"TNBC"}).used
'BC'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

BROADER_FACTOR = 0.7
FLOOR = 0.3

Parents = Mapping[str, Iterable[str]]


def ancestors(parents: Parents, disease: str) -> dict[str, int]:
    """Every ancestor of ``disease`` (itself included, at 0) with its fewest is_a steps.

    >>> ancestors({"A": {"B"}, "B": {"C"}}, "A")
    {'A': 0, 'B': 1, 'C': 2}
    """
    distance = {disease: 0}
    frontier = [disease]
    while frontier:
        following = []
        for node in frontier:
            for parent in sorted(parents.get(node, ())):
                if parent not in distance:
                    distance[parent] = distance[node] + 1
                    following.append(parent)
        frontier = following
    return distance


def weight_for(parents: Parents, asked: str, recorded: str) -> float:
    """The weight of evidence recorded on ``recorded`` when ``asked`` is the question.

    >>> weight_for({"A": {"B"}}, "B", "A"), weight_for({"A": {"B"}}, "A", "B")
    (1.0, 0.7)
    """
    if recorded == asked or asked in ancestors(parents, recorded):
        return 1.0
    above_recorded = ancestors(parents, recorded)
    steps = [k for node, k in ancestors(parents, asked).items() if node in above_recorded]
    if not steps:
        return FLOOR
    return max(FLOOR, round(BROADER_FACTOR ** min(steps), 6))


def disease_weights(parents: Parents, asked: str, recorded: Iterable[str]) -> dict[str, float]:
    """The weight of each disease evidence is recorded on, for a question about ``asked``."""
    return {disease: weight_for(parents, asked, disease) for disease in sorted(set(recorded))}


@dataclass(frozen=True)
class EvidenceScope:
    """Whose evidence answers a question about ``asked``.

    ``used`` is ``asked`` (direct or narrower evidence), the nearest ancestor with evidence
    (``steps`` up, weighted ``factor``), or None when no disease of its lineage has any.
    """

    asked: str
    used: str | None
    steps: int
    factor: float
    note: str

    def as_dict(self) -> dict[str, object]:
        """JSON form."""
        return {
            "asked": self.asked,
            "used": self.used,
            "steps": self.steps,
            "factor": self.factor,
            "note": self.note,
        }


def evidence_scope(
    parents: Parents, asked: str, recorded: Iterable[str], name: Mapping[str, str] | None = None
) -> EvidenceScope:
    """Which disease's evidence answers a question about ``asked``, and a sentence saying so.

    >>> evidence_scope({"A": {"B"}}, "A", {"A"}).note
    'evidence recorded on A or narrower diseases'
    >>> evidence_scope({"A": {"B"}}, "A", set()).used is None
    True
    """
    names = name or {}

    def called(disease: str) -> str:
        return names.get(disease, disease)

    recorded = set(recorded)
    below: dict[str, set[str]] = {}
    for disease in recorded:
        for ancestor in ancestors(parents, disease):
            below.setdefault(ancestor, set()).add(disease)
    if below.get(asked):
        return EvidenceScope(
            asked, asked, 0, 1.0, f"evidence recorded on {called(asked)} or narrower diseases"
        )
    for ancestor, steps in sorted(ancestors(parents, asked).items(), key=lambda kv: kv[1]):
        if steps and below.get(ancestor):
            factor = max(FLOOR, round(BROADER_FACTOR**steps, 6))
            return EvidenceScope(
                asked,
                ancestor,
                steps,
                factor,
                f"no evidence recorded on {called(asked)}; using the evidence of its ancestor "
                f"{called(ancestor)} ({steps} is_a step{'s' if steps > 1 else ''} up, "
                f"weighted x{factor:g})",
            )
    return EvidenceScope(
        asked,
        None,
        0,
        FLOOR,
        f"no evidence recorded on {called(asked)} or any broader disease; only evidence "
        f"from other diseases (weighted x{FLOOR:g}) is used",
    )


def nearest_present(parents: Parents, asked: str, present: Iterable[str]) -> tuple[str, int] | None:
    """The nearest of ``asked`` and its ancestors that is in ``present``, with its steps.

    >>> nearest_present({"A": {"B"}, "B": {"C"}}, "A", {"C"})
    ('C', 2)
    """
    available = set(present)
    for node, steps in sorted(ancestors(parents, asked).items(), key=lambda kv: (kv[1], kv[0])):
        if node in available:
            return node, steps
    return None


# --- the graph's side: hierarchy and recorded evidence ---------------------------------------


def merged_parents(
    graph_parents: Mapping[str, Iterable[str]], index_parents: Mapping[str, Iterable[str]]
) -> dict[str, set[str]]:
    """The curated graph's disease parents (IRIs) with the resolver's (CURIEs, expanded).

    The resolver's hierarchy adds the shipped MONDO cancer branch and imported ontologies,
    so a disease the curation does not hold still finds its curated ancestors.
    """
    from adcgraph import vocab
    from adcgraph.errors import AdcGraphError

    merged: dict[str, set[str]] = {child: set(found) for child, found in graph_parents.items()}
    for child, found in index_parents.items():
        try:
            child_iri = vocab.expand(child)
            merged.setdefault(child_iri, set()).update(vocab.expand(p) for p in found)
        except AdcGraphError:
            continue  # an imported class outside the prefix map
    return merged


def hierarchy(location: object, graph_parents: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """The disease hierarchy (IRIs) for a store directory or endpoint."""
    from pathlib import Path

    from adcgraph.resolving.index import index_for_store, store_version_of

    if isinstance(location, Path) and store_version_of(location) is not None:
        return merged_parents(graph_parents, index_for_store(location).parents)
    return {child: set(found) for child, found in graph_parents.items()}


def recorded_diseases(
    evidence: Mapping[tuple[str, str, str], Iterable[object]], about: Iterable[str] | None = None
) -> set[str]:
    """The diseases evidence is recorded on: all, or that of edges touching ``about`` nodes.

    ``evidence`` maps an edge ``(subject, predicate, object)`` to items with a ``disease``.
    """
    nodes = set(about) if about is not None else None
    found = set()
    for edge, items in evidence.items():
        if nodes is not None and edge[0] not in nodes and edge[2] not in nodes:
            continue
        for item in items:
            disease = getattr(item, "disease", None)
            if disease:
                found.add(disease)
    return found


def scoring_weights(
    parents: Mapping[str, set[str]], data: object, disease: str
) -> dict[str, float]:
    """Per-disease evidence weights for path scoring of a question about ``disease``.

    ``parents`` is the roll-up's :func:`hierarchy`; ``data`` the curated
    :class:`~adcgraph.graphdata.GraphData` of the store.
    """
    recorded = recorded_diseases(getattr(data, "evidence", {}))
    return disease_weights(parents, disease, recorded | {disease})


def _index_label(location: object, curie: str) -> str | None:
    from pathlib import Path

    from adcgraph.resolving.index import index_for_store, store_version_of

    if isinstance(location, Path) and store_version_of(location) is not None:
        entity = index_for_store(location).entity(curie)
        return entity.label if entity else None
    return None


def adc_scope(
    location: object,
    data: object,
    adc: str,
    disease: str,
    parents: Mapping[str, set[str]] | None = None,
) -> EvidenceScope:
    """Whose evidence a ranking for ``adc`` in ``disease`` rests on (IRIs in, CURIEs out).

    ``parents`` is the roll-up's :func:`hierarchy` when the caller has read it already.
    """
    from adcgraph import vocab

    edges = getattr(data, "edges", [])
    about = {adc} | {t for s, p, t in edges if s == adc and p == "hasPayloadClass"}
    recorded = recorded_diseases(getattr(data, "evidence", {}), about)
    if parents is None:
        parents = hierarchy(location, getattr(data, "disease_parents", {}))
    labels = dict(getattr(data, "labels", {}))
    names = {}
    for iri in {disease} | recorded | set(ancestors(parents, disease)):
        curie = vocab.compress(iri)
        names[iri] = f"{labels.get(iri) or _index_label(location, curie) or curie} ({curie})"
    scope = evidence_scope(parents, disease, recorded, names)
    return EvidenceScope(
        vocab.compress(scope.asked),
        vocab.compress(scope.used) if scope.used else None,
        scope.steps,
        scope.factor,
        scope.note,
    )
