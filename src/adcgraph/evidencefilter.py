"""Which claims a ranking or a path search may use: curation status and evidence type.

One filter serves `combos`, `cross-resistance` and `paths` (their `--status` and
`--evidence-type` options, :mod:`adcgraph.commands.common`). A claim passes when its status
and its evidence type are among those asked for (an empty choice allows any). An edge stays
while at least one of its claims passes, and then shows only the passing claims' citations;
an edge whose every claim fails is removed. Edges without claims (an ADC's payload, a gene's
family) and the records of the reference layer and imports (their own releases' evidence,
not curated claims) are always kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from adcgraph import vocab
from adcgraph.errors import ValidationError
from adcgraph.graphdata import Evidence, GraphData

#: The evidence type of reference-layer and imported records (:mod:`adcgraph.graphdata`).
SOURCE_RECORD = "SourceRecord"


def valid_codes(list_name: str) -> list[str]:
    """The codes of a controlled list of the ontology, as the curated tables write them.

    >>> valid_codes("curation_status")
    ['unverified', 'verified']
    """
    from adcgraph.curated.ontology import controlled_values

    return sorted(controlled_values()[list_name])


@dataclass(frozen=True)
class EvidenceFilter:
    """Allowed curation statuses and evidence types (ontology local names; empty: any).

    >>> verified = EvidenceFilter.from_codes(["verified"], ["clinical"])
    >>> verified.keeps(Evidence("c", "Clinical", "Verified", None, ()))
    True
    >>> verified.keeps(Evidence("c", "Review", "Verified", None, ()))
    False
    >>> verified.describe()
    'verified; clinical'
    """

    statuses: frozenset[str] = field(default_factory=frozenset)
    evidence_types: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_codes(
        cls, statuses: Iterable[str] = (), evidence_types: Iterable[str] = ()
    ) -> EvidenceFilter:
        """The filter of codes as the tables write them (``verified``, ``preclinical_in_vivo``).

        An unknown code is refused with the valid ones listed.

        >>> EvidenceFilter.from_codes(["verified"]).statuses
        frozenset({'Verified'})
        """
        from adcgraph.curated.ontology import controlled_values

        chosen = {}
        for list_name, codes in (("curation_status", statuses), ("evidence_type", evidence_types)):
            known = controlled_values()[list_name]
            names = set()
            for code in codes:
                iri = known.get(code.strip().lower())
                if iri is None:
                    raise ValidationError(
                        f"{list_name.replace('_', ' ')} {code!r} is unknown; expected one of: "
                        + ", ".join(sorted(known))
                    )
                names.add(iri.removeprefix(vocab.ONTOLOGY))
            chosen[list_name] = frozenset(names)
        return cls(chosen["curation_status"], chosen["evidence_type"])

    @property
    def active(self) -> bool:
        """Whether any claim can fail (an empty filter keeps the graph as it is)."""
        return bool(self.statuses or self.evidence_types)

    def keeps(self, claim: Evidence) -> bool:
        """Whether a claim passes; reference-layer and imported records always do."""
        if claim.evidence_type == SOURCE_RECORD:
            return True
        if self.statuses and claim.status not in self.statuses:
            return False
        return not (self.evidence_types and claim.evidence_type not in self.evidence_types)

    def describe(self) -> str:
        """What the filter allows, in the tables' codes: ``verified; clinical`` (``none``).

        >>> EvidenceFilter().describe()
        'none'
        """
        if not self.active:
            return "none"
        parts = [
            ", ".join(sorted(_code(name) for name in chosen))
            for chosen in (self.statuses, self.evidence_types)
            if chosen
        ]
        return "; ".join(parts)

    def key(self) -> str:
        """A file-name-safe key of the filter, for caches kept apart from unfiltered ones.

        >>> EvidenceFilter.from_codes(["verified"], ["clinical", "review"]).key()
        'filter-verified-clinical-review'
        """
        codes = [_code(n) for n in sorted(self.statuses)] + [
            _code(n) for n in sorted(self.evidence_types)
        ]
        return "filter-" + "-".join(codes)

    def cache_name(self, name: str) -> str:
        """The name of a cache file or folder of filtered records (``name`` when inactive).

        >>> EvidenceFilter.from_codes(["verified"]).cache_name("projection.pickle")
        'filter-verified-projection.pickle'
        >>> NO_FILTER.cache_name("projection.pickle")
        'projection.pickle'
        """
        return f"{self.key()}-{name}" if self.active else name


#: The filter that keeps every claim (the default of every ranking and path search).
NO_FILTER = EvidenceFilter()


def _code(local_name: str) -> str:
    """``PreclinicalInVivo`` -> ``preclinical_in_vivo`` (the code of an ontology concept)."""
    from adcgraph.curated.ontology import controlled_values

    for list_name in ("curation_status", "evidence_type"):
        for code, iri in controlled_values()[list_name].items():
            if iri == vocab.ONTOLOGY + local_name:
                return code
    return local_name


def failing_edges(
    evidence: Mapping[tuple[str, str, str], list[Evidence]], evidence_filter: EvidenceFilter
) -> set[tuple[str, str, str]]:
    """Edges with evidence of which no claim passes (what the filter removes).

    >>> review = Evidence("c", "Review", "Verified", None, ())
    >>> claims = {("m", "confersResistanceTo", "a"): [review]}
    >>> failing_edges(claims, EvidenceFilter.from_codes(evidence_types=["clinical"]))
    {('m', 'confersResistanceTo', 'a')}
    """
    if not evidence_filter.active:
        return set()
    return {
        edge
        for edge, claims in evidence.items()
        if claims and not any(evidence_filter.keeps(claim) for claim in claims)
    }


def filtered_data(data: GraphData, evidence_filter: EvidenceFilter) -> GraphData:
    """The graph records with failing claims removed, and the edges they alone supported.

    >>> unverified = Evidence("c", "Clinical", "Unverified", None, ())
    >>> data = GraphData("v", {"m": "Mechanism", "a": "ADC", "p": "Payload"},
    ...     [("a", "hasPayload", "p"), ("m", "confersResistanceTo", "a")],
    ...     {("m", "confersResistanceTo", "a"): [unverified]})
    >>> filtered_data(data, EvidenceFilter.from_codes(["verified"])).edges
    [('a', 'hasPayload', 'p')]
    """
    if not evidence_filter.active:
        return data
    dropped = failing_edges(data.evidence, evidence_filter)
    kept_evidence = {
        edge: [claim for claim in claims if evidence_filter.keeps(claim)]
        for edge, claims in data.evidence.items()
        if edge not in dropped
    }
    return GraphData(
        # The same store version: caches of filtered records are named by the filter's key
        # where they are made (:func:`adcgraph.combos.make_scorer`), never by the version alone.
        version=data.version,
        node_types=dict(data.node_types),
        edges=[edge for edge in data.edges if edge not in dropped],
        evidence=kept_evidence,
        labels=data.labels,
        classes=data.classes,
        disease_parents=data.disease_parents,
        highest_phase=data.highest_phase,
    )
