"""KGX TSV export that Biolink-aware tools accept (``kgx validate``, ``kgx transform``).

Categories and predicates are the Biolink terms the ontology's alignment axioms name
(``rdfs:subClassOf`` / ``rdfs:subPropertyOf biolink:...``); the project's own class and
predicate are kept in ``adcgraph_category`` and ``original_predicate``. Ids are CURIEs with
the prefixes Biolink writes; the project's own entities get one prefix per kind
(``adcgraph.adc:sacituzumab-tirumotecan``), registered with every other prefix used in the
``<name>_context.jsonld`` written beside the node and edge files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adcgraph import vocab
from adcgraph.export import write_atomically

KNOWLEDGE_SOURCE = "infores:adcgraph"
NODE_COLUMNS = (
    "id",
    "category",
    "name",
    "description",
    "synonym",
    "xref",
    "iri",
    "provided_by",
    "rdf:type",
)
EDGE_COLUMNS = (
    "id",
    "subject",
    "predicate",
    "object",
    "original_predicate",
    "qualified_predicate",
    "object_aspect_qualifier",
    "object_direction_qualifier",
    "publications",
    "has_evidence",
    "adco:evidenceType",
    "adco:curationStatus",
    "disease_context_qualifier",
    "knowledge_level",
    "agent_type",
    "primary_knowledge_source",
)
#: Biolink qualifiers that make an aligned predicate as specific as the project's.
QUALIFIERS: dict[str, dict[str, str]] = {
    "inhibits": {
        "qualified_predicate": "biolink:causes",
        "object_aspect_qualifier": "activity",
        "object_direction_qualifier": "decreased",
    },
}
#: Base node type (path analysis) -> the ontology class that names it.
TYPE_CLASSES = {"Mechanism": "ResistanceMechanism"}

_CLASS_AXIOMS = """
SELECT ?class ?super WHERE {
  GRAPH ?g { ?class rdfs:subClassOf|owl:equivalentClass ?super }
  FILTER(isIRI(?class) && isIRI(?super))
  FILTER(STRSTARTS(STR(?class), "https://w3id.org/adcgraph/ontology#"))
}
"""
_PROPERTY_AXIOMS = """
SELECT ?property ?super WHERE {
  GRAPH ?g { ?property rdfs:subPropertyOf ?super }
  FILTER(STRSTARTS(STR(?super), "https://w3id.org/biolink/vocab/"))
  FILTER(STRSTARTS(STR(?property), "https://w3id.org/adcgraph/ontology#"))
}
"""
_NODE_TEXT = """
SELECT ?node ?field ?value WHERE {
  { ?node skos:altLabel ?value BIND("synonym" AS ?field) }
  UNION { ?node skos:exactMatch ?value BIND("xref" AS ?field) FILTER(isIRI(?value)) }
  UNION { ?node dcterms:description ?value BIND("description" AS ?field) }
}
"""
_CURATED_EDGES = f"""
SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(isIRI(?o))
  FILTER(?g IN (<{vocab.CURATED_GRAPH}>, <{vocab.INFERRED_GRAPH}>)) }}
"""


@dataclass(frozen=True)
class Alignment:
    """The ontology's Biolink categories (per class) and predicates (per property)."""

    categories: Mapping[str, str]
    predicates: Mapping[str, str]

    def category(self, node_class: str) -> str:
        """The Biolink category of an ontology class local name, nearest superclass first."""
        return self.categories.get(node_class, "biolink:NamedThing")


def read_alignment(backend: Any) -> Alignment:
    """Read the alignment axioms from the store's ontology graph.

    Each class takes its own Biolink superclass, else its nearest project superclass's.

    >>> read_alignment(backend).category("PayloadEfflux")  # doctest: +SKIP
    'biolink:BiologicalProcess'
    """
    parents: dict[str, list[str]] = {}
    direct: dict[str, str] = {}
    for row in backend.query(_CLASS_AXIOMS):
        local = row["class"].value.removeprefix(vocab.ONTOLOGY)
        target = row["super"].value
        if target.startswith(vocab.ONTOLOGY):
            parents.setdefault(local, []).append(target.removeprefix(vocab.ONTOLOGY))
        elif target.startswith(vocab.sparql_prefixes()["biolink"]):
            direct.setdefault(local, vocab.compress(target))
    categories = {local: _nearest(local, direct, parents) for local in {*direct, *parents}}
    predicates = {
        row["property"].value.removeprefix(vocab.ONTOLOGY): vocab.compress(row["super"].value)
        for row in backend.query(_PROPERTY_AXIOMS)
    }
    return Alignment({k: v for k, v in categories.items() if v}, predicates)


def _nearest(local: str, direct: Mapping[str, str], parents: Mapping[str, list[str]]) -> str:
    frontier, seen = [local], set()
    while frontier:
        for item in frontier:
            if item in direct:
                return direct[item]
        seen.update(frontier)
        frontier = sorted({p for item in frontier for p in parents.get(item, [])} - seen)
    return ""


def kgx_curie(iri: str) -> str:
    """The CURIE KGX and Biolink write for an IRI; project IRIs get one prefix per kind.

    >>> kgx_curie("https://doi.org/10.1038/s41571-021-00470-8")
    'doi:10.1038/s41571-021-00470-8'
    >>> kgx_curie("http://identifiers.org/clinicaltrials/NCT05382286")
    'CLINICALTRIALS:NCT05382286'
    >>> kgx_curie("https://w3id.org/adcgraph/adc/sacituzumab-tirumotecan")
    'adcgraph.adc:sacituzumab-tirumotecan'
    """
    curie = vocab.compress(iri)
    prefix, separator, local = curie.partition(":")
    if not separator or "://" in curie:
        return iri
    if prefix == "adcgraph" and "/" in local:
        kind, _, rest = local.partition("/")
        return f"adcgraph.{kind}:{rest}"
    return f"{vocab.kgx_prefixes().get(prefix, prefix)}:{local}"


def context_for(curies: Iterable[str]) -> dict[str, str]:
    """The JSON-LD context (prefix -> URI prefix) of every prefix among ``curies``.

    >>> context_for(["adcgraph.adc:x", "doi:10.1/2", "biolink:Drug"])["adcgraph.adc"]
    'https://w3id.org/adcgraph/adc/'
    """
    by_kgx = {
        kgx: vocab.sparql_prefixes()[written] for written, kgx in vocab.kgx_prefixes().items()
    }
    context: dict[str, str] = {}
    for curie in curies:
        prefix = curie.split(":", 1)[0]
        if prefix.startswith("adcgraph.") and prefix != "adcgraph.graph":
            context[prefix] = f"{vocab.RESOURCE}{prefix.removeprefix('adcgraph.')}/"
        elif prefix in by_kgx:
            context[prefix] = by_kgx[prefix]
    return dict(sorted(context.items()))


def write_kgx(data, backend, prefix: Path) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """Write ``<prefix>_nodes.tsv``, ``<prefix>_edges.tsv`` and ``<prefix>_context.jsonld``.

    Every edge keeps its citations (``publications``), ECO evidence classes
    (``has_evidence``), the project's evidence type and curation status, its disease
    context, and says how it is known (``knowledge_level``, ``agent_type``) and from where
    (``primary_knowledge_source``). All files are replaced atomically.

    >>> write_kgx(data, backend, Path("out/adcgraph"))  # doctest: +SKIP
    (PosixPath('out/adcgraph_nodes.tsv'), PosixPath('out/adcgraph_edges.tsv'))
    """
    alignment = read_alignment(backend)
    node_text = _node_text(backend)
    curated = {(r["s"].value, r["p"].value, r["o"].value) for r in backend.query(_CURATED_EDGES)}
    eco = _evidence_classes(backend)
    used: set[str] = {KNOWLEDGE_SOURCE, "adco:x", "biolink:x"}
    node_rows = [
        _node_row(node, kind, data, alignment, node_text)
        for node, kind in sorted(data.node_types.items())
    ]
    edge_rows = [
        _edge_row(edge, evidence, alignment, curated, eco)
        for edge in sorted(set(data.edges))
        for evidence in _by_disease(data.evidence.get(edge, []))
    ]
    for row in node_rows:
        used.update([row["id"], row["category"], *row["xref"].split("|")])
    for row in edge_rows:
        used.update([row["subject"], row["object"], row["predicate"], row["id"]])
        used.update(row["publications"].split("|") + row["has_evidence"].split("|"))
        used.update(row["disease_context_qualifier"].split("|"))
    node_path = prefix.parent / f"{prefix.name}_nodes.tsv"
    edge_path = prefix.parent / f"{prefix.name}_edges.tsv"
    context = {"@context": context_for(u for u in used if u)}
    write_atomically(node_path, _table(NODE_COLUMNS, node_rows))
    write_atomically(edge_path, _table(EDGE_COLUMNS, edge_rows))
    write_atomically(
        prefix.parent / f"{prefix.name}_context.jsonld",
        (json.dumps(context, indent=1) + "\n").encode("utf-8"),
    )
    return node_path, edge_path


def _node_row(node, kind, data, alignment, node_text) -> dict[str, str]:  # type: ignore[no-untyped-def]
    node_class = data.classes.get(node) or TYPE_CLASSES.get(kind, kind)
    base_class = TYPE_CLASSES.get(kind, kind)
    project_classes = sorted({f"adco:{node_class}", f"adco:{base_class}"})
    text = node_text.get(node, {})
    category = alignment.category(node_class)
    if category == "biolink:NamedThing":
        category = alignment.category(base_class)
    return {
        "id": kgx_curie(node),
        "category": category,
        "name": _clean(data.label(node)),
        "description": _clean(" ".join(sorted(text.get("description", set())))),
        "synonym": "|".join(sorted(_clean(s) for s in text.get("synonym", set()))),
        "xref": "|".join(sorted(kgx_curie(x) for x in text.get("xref", set()))),
        "iri": node,
        "provided_by": KNOWLEDGE_SOURCE,
        "rdf:type": "|".join(project_classes),
    }


def _by_disease(evidence: list[Any]) -> list[list[Any]]:
    """Claims behind one edge, one group per disease context: Biolink's
    ``disease_context_qualifier`` is single-valued, so each context is its own KGX edge."""
    groups: dict[str, list[Any]] = {}
    for item in evidence:
        groups.setdefault(item.disease or "", []).append(item)
    return [groups[key] for key in sorted(groups)] or [[]]


def _edge_row(edge, evidence, alignment, curated, eco) -> dict[str, str]:  # type: ignore[no-untyped-def]
    source, predicate, target = edge
    asserted = evidence or (source, vocab.ONTOLOGY + predicate, target) in curated
    qualifiers = QUALIFIERS.get(predicate, {})
    disease = evidence[0].disease if evidence else None
    key = "\t".join([*edge, disease or ""]).encode("utf-8")
    return {
        "id": "adcgraph.edge:" + hashlib.sha1(key).hexdigest()[:16],
        "subject": kgx_curie(source),
        "predicate": alignment.predicates.get(predicate, "biolink:related_to"),
        "object": kgx_curie(target),
        "original_predicate": f"adco:{predicate}",
        "qualified_predicate": qualifiers.get("qualified_predicate", ""),
        "object_aspect_qualifier": qualifiers.get("object_aspect_qualifier", ""),
        "object_direction_qualifier": qualifiers.get("object_direction_qualifier", ""),
        "publications": "|".join(
            sorted({kgx_curie(vocab.canonical_iri(c)) for e in evidence for c in e.citations})
        ),
        "has_evidence": "|".join(
            sorted({eco[e.evidence_type] for e in evidence if e.evidence_type in eco})
        ),
        "adco:evidenceType": "|".join(sorted({_code(e.evidence_type) for e in evidence})),
        "adco:curationStatus": "|".join(sorted({_code(e.status) for e in evidence})),
        "disease_context_qualifier": kgx_curie(disease) if disease else "",
        "knowledge_level": "knowledge_assertion" if asserted else "not_provided",
        "agent_type": "manual_agent" if asserted else "not_provided",
        "primary_knowledge_source": KNOWLEDGE_SOURCE,
    }


def _evidence_classes(backend: Any) -> dict[str, str]:
    """Evidence-type concept (IRI, local name or code) -> its ECO class CURIE."""
    from adcgraph.curated.ontology import controlled_values

    codes = controlled_values()
    table: dict[str, str] = {}
    for code, concept in codes["evidence_type"].items():
        if code in codes.get("evidence_class", {}):
            curie = vocab.compress(codes["evidence_class"][code])
            table[concept] = table[code] = table[concept.removeprefix(vocab.ONTOLOGY)] = curie
    return table


def _code(value: str) -> str:
    """The curator's code of a concept (``Verified`` -> ``verified``)."""
    from adcgraph.curated.ontology import controlled_values

    local = value.removeprefix(vocab.ONTOLOGY)
    for codes in controlled_values().values():
        for code, concept in codes.items():
            if concept.removeprefix(vocab.ONTOLOGY) == local:
                return code
    return local


def _node_text(backend: Any) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {}
    for row in backend.query(_NODE_TEXT):
        found.setdefault(row["node"].value, {}).setdefault(row["field"].value, set()).add(
            row["value"].value
        )
    return found


def _clean(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def _table(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    lines = ["\t".join(columns), *("\t".join(row[c] for c in columns) for row in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")
