"""Import an OBO or OWL ontology: labels, synonyms and the is_a hierarchy, in a named graph.

Terms keep their identifiers in the project's IRI form (an imported DOID class is the same
IRI as a curated disease's DOID exactMatch), so queries can walk ``rdfs:subClassOf`` from
a curated MONDO disease through the crosswalks into the imported hierarchy.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import AdcGraphError, OntologyFileError
from adcgraph.importers import ImportOptions, ImportReport, graph_name
from adcgraph.importers.loading import commit_quads
from adcgraph.ontofile import OBO_PURL, Term, line_of_id, read_ontology

OBO_IN_OWL = "http://www.geneontology.org/formats/oboInOwl#"
DEFINITION = OBO_PURL + "IAO_0000115"
SYNONYM_PREDICATES: Mapping[str, str] = {
    "EXACT": OBO_IN_OWL + "hasExactSynonym",
    "NARROW": OBO_IN_OWL + "hasNarrowSynonym",
    "BROAD": OBO_IN_OWL + "hasBroadSynonym",
    "RELATED": OBO_IN_OWL + "hasRelatedSynonym",
}


def import_ontology(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions
) -> ImportReport:
    """Import one ontology file into ``graph/import/<name>``, replacing that graph atomically.

    >>> files = [Path("doid-cancer-2018.obo")]
    >>> import_ontology("obo", files, Path("var/store"), ImportOptions())  # doctest: +SKIP
    """
    if len(paths) != 1:
        raise OntologyFileError(f"import one ontology file at a time (got {len(paths)})")
    path = paths[0]
    terms = read_ontology(path)
    if not terms:
        raise OntologyFileError(f"{path}: no terms found; is this an {fmt.upper()} ontology?")
    check_one_iri_per_id(terms, path)
    if options.diseases:
        from adcgraph.importers.diseases import check_disease_branch

        check_disease_branch(terms, str(path))
    return commit_terms(fmt, path, terms, store_path, options, "terms")


def commit_terms(
    fmt: str,
    path: Path,
    terms: dict[str, Term],
    store_path: Path,
    options: ImportOptions,
    noun: str,
) -> ImportReport:
    """Write parsed terms into their import graph (replacing it) and report what was written."""
    name = graph_name(options, path)
    graph = vocab.IMPORT_GRAPH_PREFIX + name
    quads = list(ontology_quads(terms, graph, str(path)))
    written = commit_quads(store_path, quads, note=f"{fmt}:{name}", replace_graphs=[graph])
    parents = sum(len(term.parents) for term in terms.values())
    return ImportReport(
        format=fmt,
        graph=graph,
        files=(str(path),),
        quads=written,
        summary=f"imported {len(terms)} {noun} with {parents} is_a links from {path} into {graph}",
    )


def check_one_iri_per_id(terms: Mapping[str, Term], path: Path) -> None:
    """Refuse a file in which two ids are one class of the store, naming both with their lines.

    The store writes each id in its canonical IRI, so ``NCIT:C3262`` and NCIt's Thesaurus IRI
    ``...Thesaurus.owl#C3262`` (or ``DOID:4`` and ``doid:4``) would silently merge into one
    class with the names and parents of both.

    >>> one = Term("NCIT:C3262", "Neoplasm", (), (), None, False)
    >>> check_one_iri_per_id({"NCIT:C3262": one, "ncit:C3262": one}, Path("x.obo"))
    Traceback (most recent call last):
    adcgraph.errors.OntologyFileError: x.obo:1: ids 'ncit:C3262' and 'NCIT:C3262' (line 1) ...
    """
    first_id: dict[str, str] = {}
    for identifier in sorted(terms):
        iri = term_iri(identifier, str(path))
        other = first_id.setdefault(iri, identifier)
        if other == identifier:
            continue
        text = path.read_text(encoding="utf-8") if path.is_file() else ""
        earlier, later = sorted((other, identifier), key=lambda name: line_of_id(text, name))
        raise OntologyFileError(
            f"{path}:{line_of_id(text, later)}: ids {later!r} and {earlier!r} "
            f"(line {line_of_id(text, earlier)}) are one class, {vocab.compress(iri)}; "
            "give each class a single id"
        )


def term_iri(identifier: str, source: str = "") -> str:
    """The IRI of an ontology identifier: the project's form for known prefixes, else OBO's.

    >>> term_iri("DOID:1612")
    'http://purl.obolibrary.org/obo/DOID_1612'
    >>> term_iri("https://identifiers.org/hgnc:11530")
    'http://identifiers.org/hgnc/11530'
    >>> term_iri("SO:0000704")
    'http://purl.obolibrary.org/obo/SO_0000704'
    """
    if identifier.startswith(("http://", "https://", "urn:")):
        return vocab.canonical_iri(identifier)
    prefix, separator, local = identifier.partition(":")
    if not separator or not prefix or not local or " " in identifier:
        raise OntologyFileError(f"{source}: {identifier!r} is neither a CURIE nor an IRI")
    try:
        return vocab.canonical_iri(identifier)
    except AdcGraphError:
        pass
    return f"{OBO_PURL}{prefix}_{local}"  # the OBO Foundry convention for other prefixes


def ontology_quads(terms: Mapping[str, Term], graph: str, source: str = "") -> Iterator[ox.Quad]:
    """An ontology's terms as quads in ``graph``: class, label, synonyms, parents, definition."""
    graph_node = ox.NamedNode(graph)
    rdf_type = ox.NamedNode(vocab.RDF + "type")
    owl_class = ox.NamedNode(vocab.OWL + "Class")
    label = ox.NamedNode(vocab.RDFS + "label")
    sub_class_of = ox.NamedNode(vocab.RDFS + "subClassOf")
    alt_label = ox.NamedNode(vocab.SKOS + "altLabel")
    deprecated = ox.NamedNode(vocab.OWL + "deprecated")
    for term in terms.values():
        node = ox.NamedNode(term_iri(term.id, source))
        yield ox.Quad(node, rdf_type, owl_class, graph_node)
        if term.label:
            yield ox.Quad(node, label, ox.Literal(term.label), graph_node)
        for synonym in term.synonyms:
            text = ox.Literal(synonym.text)
            yield ox.Quad(node, ox.NamedNode(SYNONYM_PREDICATES[synonym.scope]), text, graph_node)
            if synonym.scope == "EXACT":
                yield ox.Quad(node, alt_label, text, graph_node)
        for parent in term.parents:
            yield ox.Quad(node, sub_class_of, ox.NamedNode(term_iri(parent, source)), graph_node)
        if term.definition:
            yield ox.Quad(node, ox.NamedNode(DEFINITION), ox.Literal(term.definition), graph_node)
        if term.deprecated:
            yield ox.Quad(
                node,
                deprecated,
                ox.Literal("true", datatype=ox.NamedNode(vocab.XSD + "boolean")),
                graph_node,
            )
