"""Gene sets and families: Reactome (GMT + hierarchy), MSigDB hallmark, WikiPathways, GO
biological process and FamPlex, each normalised to HGNC genes.

Pathways become ``adco:Pathway`` nodes (``participatesIn`` from each member gene,
``subPathwayOf`` for the hierarchy); FamPlex families ``adco:GeneFamily`` (``memberOf``).
Genes written as symbols or Entrez ids map through NCBI gene_info; unmapped ones are counted.
A GMT row without a name, an id and at least one gene stops the import with file:line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from adcgraph.errors import InputFileError
from adcgraph.importers import ImportOptions, ImportReport
from adcgraph.importers.normalise import GeneMap, data_root_for, gene_map
from adcgraph.importers.records import Edge, Layer, Node, SourceInfo, mapped_predicate

DEFAULT_OPTIONS = ImportOptions()

CC0 = "https://creativecommons.org/publicdomain/zero/1.0/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
SOURCES = {
    "reactome": SourceInfo(
        "reactome",
        "Reactome pathways (ReactomePathways.gmt, ReactomePathwaysRelation.txt)",
        "2024-09-18",
        "2024-09-18",
        CC0,
        "https://reactome.org/download-data",
    ),
    "msigdb": SourceInfo(
        "msigdb",
        "MSigDB hallmark gene sets (Liberzon et al. 2015, Cell Systems)",
        "7.4",
        "2021-03",
        CC_BY,
        "https://www.gsea-msigdb.org/gsea/msigdb/",
    ),
    "wikipathways": SourceInfo(
        "wikipathways",
        "WikiPathways human pathways (monthly GMT)",
        "20220310",
        "2022-03-10",
        CC0,
        "https://data.wikipathways.org/",
    ),
    "gobp": SourceInfo(
        "gobp",
        "Gene Ontology biological process annotations (NCBI gene2go via org.Hs.eg.db)",
        "2022-09-12",
        "2022-09-12",
        CC_BY,
        "http://geneontology.org/",
    ),
    "famplex": SourceInfo(
        "famplex",
        "FamPlex protein families and complexes",
        "0.0.5",
        "2021",
        CC0,
        "https://github.com/sorgerlab/famplex",
    ),
}
#: GO annotations with these evidence codes say nothing about the gene (no data, or none).
SKIPPED_GO_EVIDENCE = frozenset({"ND"})


def gmt_rows(path: Path) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line, name, second column, genes) of a GMT file; a short row is an error.

    >>> list(gmt_rows(Path("/nonexistent.gmt")))
    Traceback (most recent call last):
    ...
    adcgraph.errors.InputFileError: /nonexistent.gmt: file not found
    """
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    with path.open(encoding="utf-8") as stream:
        for line, text in enumerate(stream, start=1):
            if not text.strip():
                continue
            parts = [p.strip() for p in text.rstrip("\n").split("\t")]
            genes = [g for g in parts[2:] if g]
            if len(parts) < 3 or not parts[0] or not parts[1] or not genes:
                raise InputFileError(
                    f"{path}:{line}: expected a GMT row: name<TAB>id or description<TAB>"
                    f"gene<TAB>gene..., got {len(parts)} tab-separated fields"
                )
            yield line, parts[0], parts[1], genes


def _members(
    layer: Layer,
    pathway: str,
    genes: Sequence[str],
    lookup: Callable[[str], str | None],
    gm: GeneMap,
) -> None:
    predicate = str(mapped_predicate(layer.info.name, "member"))
    for value in genes:
        gene = lookup(value)
        if gene is None:
            layer.miss("gene", value)
            continue
        layer.add_node(Node(gene, "Gene", gm.symbols.get(gene, "")))
        layer.edges.append(Edge(gene, predicate, pathway))


def read_reactome(gmt: Path, relations: Path | None, root: Path | None = None) -> Layer:
    """Reactome GMT (name, R-HSA id, symbols) plus the human parent -> child relations."""
    gm = gene_map(root or data_root_for(gmt))
    layer = Layer(SOURCES["reactome"])
    for _, name, stable_id, genes in gmt_rows(gmt):
        if not re.fullmatch(r"R-[A-Z]{3}-\d+", stable_id):
            layer.miss("pathway id", stable_id)
            continue
        pathway = f"REACT:{stable_id}"
        layer.add_node(Node(pathway, "Pathway", name))
        _members(layer, pathway, genes, gm.symbol, gm)
    if relations is not None:
        predicate = str(mapped_predicate("reactome", "parent"))
        with relations.open(encoding="utf-8") as stream:
            for line, text in enumerate(stream, start=1):
                parts = text.split()
                if len(parts) != 2:
                    raise InputFileError(
                        f"{relations}:{line}: expected parent<TAB>child Reactome ids"
                    )
                parent, child = parts
                known = f"REACT:{child}" in layer.nodes and f"REACT:{parent}" in layer.nodes
                if parent.startswith("R-HSA-") and known:
                    layer.edges.append(Edge(f"REACT:{child}", predicate, f"REACT:{parent}"))
    return layer


def read_msigdb(gmt: Path, root: Path | None = None) -> Layer:
    """MSigDB hallmark GMT (symbols or Entrez ids, told apart by the values)."""
    gm = gene_map(root or data_root_for(gmt))
    layer = Layer(SOURCES["msigdb"])
    for _, name, _, genes in gmt_rows(gmt):
        pathway = f"MSIGDB:{name}"
        layer.add_node(Node(pathway, "Pathway", name.replace("_", " ").lower()))
        lookup = gm.entrez if all(g.isdigit() for g in genes) else gm.symbol
        _members(layer, pathway, genes, lookup, gm)
    return layer


def read_wikipathways(gmt: Path, root: Path | None = None) -> Layer:
    """WikiPathways GMT: ``name%WikiPathways_date%WPid%Homo sapiens``, url, Entrez ids."""
    gm = gene_map(root or data_root_for(gmt))
    layer = Layer(SOURCES["wikipathways"])
    for line, name, _, genes in gmt_rows(gmt):
        fields = name.split("%")
        if len(fields) < 3 or not fields[2].startswith("WP"):
            raise InputFileError(
                f"{gmt}:{line}: column 1: {name!r}; expected name%WikiPathways_date%WPid%species"
            )
        pathway = f"WIKIPATHWAYS:{fields[2]}"
        layer.add_node(Node(pathway, "Pathway", fields[0]))
        _members(layer, pathway, genes, gm.entrez, gm)
    return layer


def _tsv(
    path: Path, columns: Sequence[str], delimiter: str = "\t"
) -> Iterator[tuple[int, dict[str, str]]]:
    if not path.is_file():
        raise InputFileError(f"{path}: file not found")
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter=delimiter)
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise InputFileError(f"{path}:1: missing column(s) {', '.join(missing)}")
        yield from enumerate(reader, start=2)


def read_gobp(
    annotations: Path, terms: Path, parents: Path | None, root: Path | None = None
) -> Layer:
    """GO biological process: direct gene annotations (Entrez), term names, is_a/part_of."""
    gm = gene_map(root or data_root_for(annotations))
    layer = Layer(SOURCES["gobp"])
    names = {row["go_id"]: row["term"] for _, row in _tsv(terms, ("go_id", "term"))}
    seen: set[tuple[str, str]] = set()
    predicate = str(mapped_predicate("gobp", "member"))
    for _, row in _tsv(annotations, ("entrez_gene_id", "go_id", "evidence")):
        if row["evidence"] in SKIPPED_GO_EVIDENCE:
            continue
        gene = gm.entrez(row["entrez_gene_id"])
        if gene is None:
            layer.miss("gene (Entrez)", row["entrez_gene_id"])
            continue
        term = row["go_id"]
        if (gene, term) in seen:
            continue
        seen.add((gene, term))
        layer.add_node(Node(term, "Pathway", names.get(term, "")))
        layer.add_node(Node(gene, "Gene", gm.symbols.get(gene, "")))
        layer.edges.append(Edge(gene, predicate, term))
    if parents is not None:
        for _, row in _tsv(parents, ("go_id", "parent_go_id", "relationship")):
            relation = mapped_predicate("gobp", row["relationship"])
            if relation and row["go_id"] in layer.nodes:
                layer.add_node(
                    Node(row["parent_go_id"], "Pathway", names.get(row["parent_go_id"], ""))
                )
                layer.edges.append(Edge(row["go_id"], relation, row["parent_go_id"]))
    return layer


def read_famplex(relations: Path, root: Path | None = None) -> Layer:
    """FamPlex ``relations.csv``: HGNC symbol or family isa/partof family or complex."""
    gm = gene_map(root or data_root_for(relations))
    layer = Layer(SOURCES["famplex"])
    if not relations.is_file():
        raise InputFileError(f"{relations}: file not found")
    with relations.open(encoding="utf-8", newline="") as stream:
        for line, row in enumerate(csv.reader(stream), start=1):
            if len(row) != 5:
                raise InputFileError(
                    f"{relations}:{line}: {len(row)} columns; expected "
                    "namespace,id,relation,namespace,id"
                )
            namespace, value, relation, target_namespace, target = row
            predicate = mapped_predicate("famplex", relation)
            if predicate is None or target_namespace != "FPLX":
                layer.miss("relation", relation)
                continue
            family = f"FPLX:{target}"
            layer.add_node(Node(family, "GeneFamily", target.replace("_", " ")))
            if namespace == "FPLX":
                layer.add_node(Node(f"FPLX:{value}", "GeneFamily", value.replace("_", " ")))
                layer.edges.append(Edge(f"FPLX:{value}", predicate, family))
                continue
            gene = gm.symbol(value) if namespace == "HGNC" else None
            if gene is None:
                layer.miss(f"member ({namespace})", value)
                continue
            layer.add_node(Node(gene, "Gene", gm.symbols.get(gene, value)))
            layer.edges.append(Edge(gene, predicate, family))
    return layer


def _pick(paths: Sequence[Path], word: str, required: bool = True) -> Path | None:
    chosen = [p for p in paths if word in p.name.lower()]
    if len(chosen) > 1 or (required and not chosen):
        raise InputFileError(f"expected one file named *{word}*; got {', '.join(map(str, paths))}")
    return chosen[0] if chosen else None


def read_pathway_files(fmt: str, paths: Sequence[Path]) -> Layer:
    """The layer of one gene-set format from its files (see `adcgraph import --help`)."""
    if fmt == "reactome":
        gmt = _pick(paths, ".gmt")
        return read_reactome(gmt, _pick(paths, "relation", required=False))  # type: ignore[arg-type]
    if fmt == "msigdb":
        return read_msigdb(_pick(paths, ".gmt"))  # type: ignore[arg-type]
    if fmt == "wikipathways":
        return read_wikipathways(_pick(paths, ".gmt"))  # type: ignore[arg-type]
    if fmt == "gobp":
        return read_gobp(
            _pick(paths, "entrez"),
            _pick(paths, "terms"),
            _pick(paths, "parents", required=False),  # type: ignore[arg-type]
        )
    return read_famplex(_pick(paths, "relations"))  # type: ignore[arg-type]


def import_pathways(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions = DEFAULT_OPTIONS
) -> ImportReport:
    """`adcgraph import FILES --format reactome|msigdb|wikipathways|gobp|famplex`."""
    from adcgraph.importers.external import commit_layer

    return commit_layer(fmt, read_pathway_files(fmt, paths), paths, store_path, options)
