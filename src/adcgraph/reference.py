"""The reference layer: a compact, versioned slice of the open releases, in graph/reference/.

`adcgraph build` loads it into one named graph per source (``graph/reference/<source>``), so
`combos` ranks over real drugs, targets, indications and pathways with no download.
:func:`derive` rebuilds it from the staged releases (``python scripts/derive_reference.py``);
only CC0 and CC BY sources are read (never DrugCentral 2018/2021, which are share-alike).

What it keeps, and why (the metapaths of :mod:`adcgraph.combos` decide what can matter):

* **genes within reach**: genes of curated resistance mechanisms, ADC targets and curated
  partner-drug targets (the starting points of every metapath);
* **drugs with a known mechanism** (an Open Targets / ChEMBL mechanism-of-action row) that were
  tested in an oncology indication, plus every curated drug and ADC Open Targets knows, with all
  their target edges and their oncology indication edges (maximum phase, trial ids);
* **oncology diseases**: MONDO classes under cancer / neoplasm in MONDO's confirmed hierarchy,
  or named as cancers, with the is_a links among them;
* **pathways and families of reach genes**: Reactome, WikiPathways, MSigDB hallmark and GO BP
  sets of 3..200 genes containing a reach gene, and FamPlex families containing a reach gene
  or a kept drug's target, each with **all** its member genes (so degree weighting sees each
  set's true size).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.importers.records import (
    Edge,
    Layer,
    Node,
    layer_names,
    layer_triples,
    read_layer,
    write_layer,
)
from adcgraph.storage.locations import PROJECT_ROOT

REFERENCE_DIR = PROJECT_ROOT / "graph" / "reference"
REFERENCE_GRAPH_PREFIX = vocab.REFERENCE_GRAPH_PREFIX
MIN_SET_SIZE = 3
MAX_SET_SIZE = 200
#: Roots of MONDO's cancer branch: cancer, neoplasm, hematologic cancer, lymphoma, leukemia.
ONCOLOGY_ROOTS = frozenset(
    {"MONDO:0004992", "MONDO:0005070", "MONDO:0023370", "MONDO:0002334", "MONDO:0005062"}
)
ONCOLOGY_NAME = re.compile(
    r"cancer|carcinoma|neoplas|tumou?r|lymphoma|leukemi|leukaemi|myeloma|sarcoma|melanoma|"
    r"glioma|blastoma|mesothelioma|malignan|metasta",
    re.IGNORECASE,
)
HIERARCHY_FILES = (
    "mondo/hierarchy/doid.subclass.confirmed.robot.tsv",
    "mondo/hierarchy/ncit.subclass.confirmed.robot.tsv",
)


def reference_graphs(directory: Path = REFERENCE_DIR) -> dict[str, list[ox.Triple]]:
    """The triples of every layer of ``directory``, by named graph (``graph/reference/<name>``).

    Parsed once per process and file state (builds in one process reuse it).

    >>> graphs = reference_graphs()  # doctest: +SKIP
    >>> sorted(graphs)[0]  # doctest: +SKIP
    'https://w3id.org/adcgraph/graph/reference/famplex'
    """
    if not directory.is_dir():
        return {}
    state = tuple(
        (p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(directory.glob("*.tsv"))
    )
    return {graph: list(triples) for graph, triples in _parsed(directory, state)}


@lru_cache(maxsize=2)
def _parsed(directory: Path, state: tuple[tuple[str, int, int], ...]) -> tuple:  # type: ignore[type-arg]
    del state  # part of the cache key only
    return tuple(
        (
            REFERENCE_GRAPH_PREFIX + name,
            tuple(layer_triples(read_layer(directory, name), REFERENCE_GRAPH_PREFIX + name)),
        )
        for name in layer_names(directory)
    )


#: What the curated graph says about its own nodes; the reference layer never restates it.
_DESCRIBING = frozenset(
    {vocab.RDF + "type", vocab.RDFS + "label", vocab.RDFS + "subClassOf", vocab.SKOS + "exactMatch"}
)


def distinct_from(
    reference: dict[str, list[ox.Triple]], built: Iterable[Iterable[ox.Triple]]
) -> dict[str, list[ox.Triple]]:
    """The reference graphs without a triple the built graphs, or an earlier layer, already hold.

    Every triple lands in exactly one graph, so a query over the union default graph never
    sees a curated triple twice. Nodes the built graphs describe (give a type) keep only their
    curated type, label, parents and cross-references: the reference layer adds edges to them
    (a drug's targets, its indications), never a second label or class. Layers are taken in
    name order, so each shared gene is typed and labelled once, by the first layer that has it.

    >>> def t(s, p, o):
    ...     return ox.Triple(ox.NamedNode(s), ox.NamedNode(p), o)
    >>> label, kind = vocab.RDFS + "label", vocab.RDF + "type"
    >>> curated = [t("http://x/d", kind, ox.NamedNode("http://x/Drug")),
    ...            t("http://x/d", label, ox.Literal("drug"))]
    >>> layers = {"b": [t("http://x/d", label, ox.Literal("Drug")),
    ...                 t("http://x/d", "http://x/inhibits", ox.NamedNode("http://x/g")),
    ...                 t("http://x/g", label, ox.Literal("G"))],
    ...           "a": [t("http://x/g", label, ox.Literal("G"))]}
    >>> {name: [x.predicate.value.split("/")[-1] for x in triples]
    ...  for name, triples in distinct_from(layers, [curated]).items()}
    {'a': ['rdf-schema#label'], 'b': ['inhibits']}
    """
    seen: set[ox.Triple] = set()
    for triples in built:
        seen.update(triples)
    described = {triple.subject for triple in seen if triple.predicate.value == vocab.RDF + "type"}
    distinct: dict[str, list[ox.Triple]] = {}
    for name in sorted(reference):
        kept = distinct[name] = []
        for triple in reference[name]:
            if triple in seen or (
                triple.subject in described and triple.predicate.value in _DESCRIBING
            ):
                continue
            seen.add(triple)
            kept.append(triple)
    return distinct


def curated_reach(sources: Path) -> tuple[set[str], set[str], set[str]]:
    """(genes within reach, curated drug + ADC ids with xrefs, curated disease ids)."""
    from adcgraph.curated.curation import read_sources
    from adcgraph.curated.ontology import controlled_values

    curation = read_sources(sources, controlled_values())
    genes: set[str] = set()
    for record in curation.records("mechanisms"):
        genes.update(record.many("genes"))
    drugs: set[str] = set()
    for table in ("adcs", "drugs"):
        for record in curation.records(table):
            genes.update(record.many("targets"))
            drugs.add(record.id)
            drugs.update(record.many("xrefs"))
    return genes, drugs, curation.ids("diseases")


#: Counter-ions and salt words: "fludarabine phosphate" is a salt of fludarabine, one active
#: moiety, which ChEMBL does not always link to its parent molecule.
SALT_WORDS = frozenset(
    {
        "acetate", "besylate", "bromide", "calcium", "chloride", "citrate", "dihydrochloride",
        "disodium", "fumarate", "hydrobromide", "hydrochloride", "lactate", "malate", "maleate",
        "mesilate", "mesylate", "phosphate", "potassium", "sodium", "succinate", "sulfate",
        "sulphate", "tartrate", "tosylate",
    }
)  # fmt: skip


def drug_name_key(name: str) -> str:
    """A drug name for joining: lower case, salt words dropped.

    >>> drug_name_key("FLUDARABINE PHOSPHATE"), drug_name_key("Vincristine sulfate")
    ('fludarabine', 'vincristine')
    """
    words = name.lower().replace(",", " ").split()
    kept = [w for w in words if w not in SALT_WORDS]
    return " ".join(kept or words)


def curated_drug_keys(sources: Path) -> dict[str, str]:
    """ChEMBL/other cross-reference or name key -> the curated drug or ADC it names.

    Labels and synonyms are read as :func:`drug_name_key` keys (``name:<key>``); a key that
    names two curated drugs is dropped (no guess).
    """
    from adcgraph.curated.curation import read_sources
    from adcgraph.curated.ontology import controlled_values

    curation = read_sources(sources, controlled_values())
    found: dict[str, set[str]] = {}
    for table in ("adcs", "drugs"):
        for record in curation.records(table):
            keys = {*record.many("xrefs")}
            keys |= {
                f"name:{drug_name_key(n)}"
                for n in (*record.many("label"), *record.many("synonyms"))
            }
            for key in keys:
                found.setdefault(key, set()).add(record.id)
    return {key: next(iter(ids)) for key, ids in found.items() if len(ids) == 1}


def join_curated(layer: Layer, keys: dict[str, str]) -> tuple[Layer, dict[str, str]]:
    """The layer with its drugs renamed to the curated drug they are, and the renaming.

    A source drug *is* a curated drug when its id or one of its cross-references is a
    curated drug's cross-reference (a ChEMBL id the curation gives), or, failing that, its
    name (salt words dropped) is a curated drug's label or synonym; only a single answer
    renames. Without this, a curated drug Open Targets names by a ChEMBL id the curation
    does not list (atezolizumab, durvalumab, cisplatin) loses its targets and indications.

    >>> from adcgraph.importers.records import SourceInfo
    >>> layer = Layer(SourceInfo("x", "X", "1", "2022", "https://l", "https://u"))
    >>> layer.add_node(Node("CHEMBL.COMPOUND:C1", "Drug", "ATEZOLIZUMAB"))
    >>> layer.edges.append(Edge("CHEMBL.COMPOUND:C1", "treats", "MONDO:1"))
    >>> joined, renamed = join_curated(layer, {"name:atezolizumab": "DRUGBANK:DB11595"})
    >>> renamed, joined.edges[0].subject, joined.nodes["DRUGBANK:DB11595"].xrefs
    ({'CHEMBL.COMPOUND:C1': 'DRUGBANK:DB11595'}, 'DRUGBANK:DB11595', ('CHEMBL.COMPOUND:C1',))
    """
    curated = set(keys.values())
    renamed: dict[str, str] = {}
    for node in layer.nodes.values():
        if node.id in curated or node.kind in ("Gene", "Disease"):
            continue
        by_xref = {keys[k] for k in (node.id, *node.xrefs) if k in keys}
        by_name = {keys[k] for k in [f"name:{drug_name_key(node.label)}"] if k in keys}
        chosen = by_xref or by_name
        if len(chosen) == 1:
            renamed[node.id] = next(iter(chosen))
    if not renamed:
        return layer, renamed
    out = Layer(
        layer.info, unmapped=dict(layer.unmapped), unmapped_examples=layer.unmapped_examples
    )
    for node in layer.nodes.values():
        target = renamed.get(node.id)
        if target is None:
            out.add_node(node)
            continue
        xrefs = (*([node.id] if node.id.startswith("CHEMBL") else []), *node.xrefs)
        out.add_node(Node(target, node.kind, node.label, tuple(dict.fromkeys(xrefs)), node.detail))
    seen: set[Edge] = set()
    for edge in layer.edges:
        edge = Edge(
            renamed.get(edge.subject, edge.subject),
            edge.predicate,
            renamed.get(edge.object, edge.object),
            edge.qualifier,
            edge.citations,
        )
        if edge not in seen:
            seen.add(edge)
            out.edges.append(edge)
    return out, renamed


def oncology_diseases(
    root: Path, named: dict[str, str], curated: set[str]
) -> tuple[set[str], list[Edge]]:
    """Oncology MONDO ids among ``named`` (id -> label) and the is_a edges among them."""
    parents: dict[str, set[str]] = {}
    for relative in HIERARCHY_FILES:
        path = root / relative
        if not path.is_file():
            continue
        with path.open(encoding="utf-8") as stream:
            for line in stream:
                parts = line.rstrip("\n").split("\t")
                if (
                    len(parts) > 2
                    and parts[0].startswith("MONDO:")
                    and parts[2].startswith("MONDO:")
                ):
                    parents.setdefault(parts[0], set()).add(parts[2])

    def ancestors(node: str) -> set[str]:
        seen, frontier = set(), [node]
        while frontier:
            for parent in parents.get(frontier.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return seen

    kept = {
        disease
        for disease, label in named.items()
        if disease in curated or ONCOLOGY_NAME.search(label) or ancestors(disease) & ONCOLOGY_ROOTS
    }
    edges = [
        Edge(child, "rdfs:subClassOf", parent)
        for child in sorted(kept)
        for parent in sorted(parents.get(child, ()))
        if parent in kept | curated
    ]
    return kept, edges


def _filter_drugs(layer: Layer, curated_drugs: set[str], oncology: set[str]) -> Layer:
    kept_drugs = {
        e.subject
        for e in layer.edges
        if e.predicate in ("treats", "studiedToTreat") and e.object in oncology
    } & {e.subject for e in layer.edges if e.predicate in ("inhibits", "activates", "targets")}
    kept_drugs |= {
        n.id for n in layer.nodes.values() if n.id in curated_drugs or set(n.xrefs) & curated_drugs
    }
    out = Layer(
        layer.info, unmapped=dict(layer.unmapped), unmapped_examples=layer.unmapped_examples
    )
    for edge in layer.edges:
        if edge.subject not in kept_drugs:
            continue
        if edge.predicate in ("treats", "studiedToTreat") and edge.object not in oncology:
            continue
        out.edges.append(edge)
        for node in (edge.subject, edge.object):
            out.add_node(layer.nodes[node])
    return out


def _filter_sets(layer: Layer, wanted_genes: set[str], size_limits: bool) -> Layer:
    members: dict[str, set[str]] = {}
    for edge in layer.edges:
        if edge.predicate in ("participatesIn", "memberOf") and edge.subject.startswith("HGNC:"):
            members.setdefault(edge.object, set()).add(edge.subject)
    kept = {
        gene_set
        for gene_set, genes in members.items()
        if genes & wanted_genes and (not size_limits or MIN_SET_SIZE <= len(genes) <= MAX_SET_SIZE)
    }
    out = Layer(
        layer.info, unmapped=dict(layer.unmapped), unmapped_examples=layer.unmapped_examples
    )
    for edge in layer.edges:
        if edge.predicate == "subPathwayOf":
            if edge.subject in kept and edge.object in kept:
                out.edges.append(edge)
            continue
        if edge.object in kept:
            out.edges.append(edge)
            out.add_node(layer.nodes[edge.subject])
            out.add_node(layer.nodes[edge.object])
    return out


def derive(
    root: Path,
    sources: Path,
    out: Path = REFERENCE_DIR,
    report: Callable[[str], None] | None = None,
) -> list[Layer]:
    """Read the staged releases under ``root``, keep the reference slice, write it to ``out``.

    ``report`` receives what was joined to the curation (molecule -> curated drug).
    """
    from adcgraph.importers import pathways
    from adcgraph.importers.opentargets import read_opentargets

    reach, curated_drugs, curated_diseases = curated_reach(sources)
    targets = read_opentargets(
        root / "drug-targets/opentargets-22.04/molecule.jsonl.gz",
        root / "drug-targets/opentargets-22.04/mechanismOfAction.jsonl.gz",
        root / "indications/opentargets-22.04/indication.jsonl.gz",
        root,
    )
    targets, joined = join_curated(targets, curated_drug_keys(sources))
    if report is not None:
        pairs = ", ".join(f"{a} -> {b}" for a, b in sorted(joined.items()))
        report(f"opentargets: {len(joined)} molecules joined to curated drugs: {pairs}")
    named = {n.id: n.label for n in targets.nodes.values() if n.kind == "Disease"}
    oncology, disease_edges = oncology_diseases(root, named, curated_diseases)
    drugs = _filter_drugs(targets, curated_drugs, oncology)
    drugs.edges.extend(e for e in disease_edges if e.subject in drugs.nodes)
    drug_targets = {
        e.object for e in drugs.edges if e.predicate in ("inhibits", "activates", "targets")
    }
    p = root / "pathways"
    layers = [drugs]
    for layer, wanted, limits in (
        (
            pathways.read_reactome(
                p / "reactome/ReactomePathways_2024-09-18.gmt",
                p / "reactome/ReactomePathwaysRelation_2023-08.txt",
                root,
            ),
            reach,
            True,
        ),
        (pathways.read_msigdb(p / "msigdb-hallmark/h.all.v7.4.symbols.gmt", root), reach, True),
        (
            pathways.read_wikipathways(
                p / "wikipathways/wikipathways-20220310-gmt-Homo_sapiens.gmt", root
            ),
            reach,
            True,
        ),
        (
            pathways.read_gobp(
                p / "go-bp/go_bp_human_entrez.tsv", p / "go-bp/go_bp_terms.tsv", None, root
            ),
            reach,
            True,
        ),
        (pathways.read_famplex(p / "famplex/relations.csv", root), reach | drug_targets, False),
    ):
        layers.append(_filter_sets(layer, wanted, limits))
    for layer in layers:
        write_layer(layer, out)
    write_manifest(layers, out / "MANIFEST.tsv")
    return layers


def write_manifest(layers: Iterable[Layer], path: Path) -> None:
    """One row per layer: release, licence, counts and unmapped identifiers of the full release."""
    lines = ["name\trelease\tlicence\tnodes\tedges\tunmapped_in_release"]
    for layer in layers:
        unmapped = "; ".join(f"{what} {n}" for what, n in sorted(layer.unmapped.items()))
        lines.append(
            f"{layer.info.name}\t{layer.info.release}\t{layer.info.licence}\t"
            f"{len(layer.nodes)}\t{len(layer.edges)}\t{unmapped}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
