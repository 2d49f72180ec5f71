"""Read the names of the index from a store: curated entities and imported ontology classes.

Every query binds its graph and predicate IRIs from :mod:`adcgraph.vocab`; no user text
reaches a query.
"""

from __future__ import annotations

from typing import Any

from adcgraph.resolving.index import KIND_BY_CLASS, KIND_ORDER, Entity, IndexBuilder

#: Roots of the disease branch of ontologies users import (CURIEs in the project's form):
#: MONDO disease, DO disease, NCIt "Disease or Disorder" and "Neoplasm", EFO disease, the
#: MeSH C04 root "Neoplasms" and OncoTree's root.
DISEASE_ROOTS = frozenset(
    {
        "MONDO:0000001",
        "MONDO:0700096",
        "DOID:4",
        "NCIT:C2991",
        "NCIT:C3262",
        "EFO:0000408",
        "MESH:D009369",
        "ONCOTREE:TISSUE",
    }
)


def _curated_query(vocab: Any) -> str:
    return f"""
        SELECT ?entity ?class ?field ?text WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{
            ?entity a ?class .
            {{ ?entity rdfs:label ?text BIND("label" AS ?field) }}
            UNION {{ ?entity skos:altLabel ?text BIND("synonym" AS ?field) }}
            UNION {{ ?entity a <{vocab.ONTOLOGY}Gene> ; dcterms:description ?text
                     BIND("name" AS ?field) }}
            UNION {{ ?entity a <{vocab.ONTOLOGY}Publication> ; dcterms:title ?text
                     BIND("title" AS ?field) }}
            UNION {{ ?entity a <{vocab.ONTOLOGY}Publication> ; dcterms:creator ?creator ;
                     <{vocab.ONTOLOGY}year> ?year
                     BIND(CONCAT(STR(?creator), " ", STR(?year)) AS ?text)
                     BIND("byline" AS ?field) }}
            UNION {{ ?entity <{vocab.ONTOLOGY}proteinChange> ?text BIND("change" AS ?field) }}
            UNION {{ ?entity skos:exactMatch ?xref BIND(STR(?xref) AS ?text)
                     BIND("xref" AS ?field) }}
          }}
        }}"""


def _variant_gene_query(vocab: Any) -> str:
    return f"""
        SELECT ?variant ?symbol WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{
            ?variant <{vocab.ONTOLOGY}variantOf> ?gene . ?gene rdfs:label ?symbol
          }}
        }}"""


def _population_query(vocab: Any) -> str:
    return f"""
        SELECT ?population ?disease ?gene ?status ?state WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{
            ?population a <{vocab.ONTOLOGY}Population> ;
                        <{vocab.ONTOLOGY}populationDisease> ?disease .
          }}
          OPTIONAL {{ GRAPH <{vocab.CURATED_GRAPH}> {{
                        ?population <{vocab.ONTOLOGY}hasBiomarkerCriterion> ?criterion .
                        ?criterion <{vocab.ONTOLOGY}biomarkerGene> ?gene ;
                                   <{vocab.ONTOLOGY}biomarkerStatus> ?status_code }}
                      ?status_code skos:notation ?status }}
          OPTIONAL {{ GRAPH <{vocab.CURATED_GRAPH}> {{
                        ?population <{vocab.ONTOLOGY}diseaseState> ?state_code }}
                      ?state_code skos:notation ?state }}
        }}"""


def add_curated(builder: IndexBuilder, backend: Any) -> None:
    """Add every curated entity with its names (labels first, then the rest)."""
    from adcgraph import vocab

    kinds: dict[str, set[str]] = {}
    labels: dict[str, str] = {}
    texts: dict[str, set[tuple[str, str]]] = {}
    for solution in backend.query(_curated_query(vocab)):
        entity = solution["entity"].value
        class_name = solution["class"].value.rsplit("#", 1)[-1]
        if class_name in KIND_BY_CLASS:
            kinds.setdefault(entity, set()).add(KIND_BY_CLASS[class_name])
        text, name_field = solution["text"].value, solution["field"].value
        if name_field == "xref":
            text = vocab.compress(text)
        texts.setdefault(entity, set()).add((name_field, text))
    for entity, found in texts.items():
        by_field = {name_field: text for name_field, text in sorted(found)}
        label = min((t for f, t in found if f == "label"), default=None)
        labels[entity] = label or by_field.get("title") or by_field.get("byline") or ""
    genes = {
        row["variant"].value: row["symbol"].value
        for row in backend.query(_variant_gene_query(vocab))
    }
    for iri in sorted(labels):
        if iri not in kinds or not labels[iri]:
            continue
        kind = next(kind for kind in KIND_ORDER if kind in kinds[iri])
        position = builder.add_entity(Entity(vocab.compress(iri), iri, labels[iri], kind))
        for name_field, text in sorted(texts[iri]):
            for stored_field, name in _names_of(name_field, text, kind, genes.get(iri)):
                builder.add_name(position, stored_field, name)
        _add_identifier_forms(builder, position, builder.entities[position].id)
    _add_populations(builder, backend, vocab)
    for disease, parent in _curated_parents(backend, vocab):
        builder.parents.setdefault(vocab.compress(disease), set()).add(vocab.compress(parent))


def _names_of(name_field: str, text: str, kind: str, gene: str | None) -> list[tuple[str, str]]:
    """The names one curated value gives: a protein change also as ``GENE T256R``.

    >>> _names_of("label", "ASCENT-04/KEYNOTE-D19", "trial", None)
    [('label', 'ASCENT-04/KEYNOTE-D19'), ('synonym', 'ASCENT-04'), ('synonym', 'KEYNOTE-D19')]
    """
    if name_field == "title":
        return [("name", text)]
    if name_field == "byline":
        return [] if kind != "publication" else [("name", text)]
    if kind == "trial" and name_field in ("label", "synonym") and "/" in text:
        # Joint trials are labelled "ASCENT-04/KEYNOTE-D19"; people type either acronym.
        return [(name_field, text)] + [
            ("synonym", part.strip()) for part in text.split("/") if part.strip()
        ]
    if name_field != "change":
        return [(name_field, text)]
    short = text.removeprefix("p.")
    forms = [("synonym", text), ("synonym", short)]
    if gene:
        forms += [("synonym", f"{gene} {short}"), ("synonym", f"{gene} {text}")]
    return forms


def _add_identifier_forms(builder: IndexBuilder, position: int, curie: str) -> None:
    """Bare forms of identifiers people paste: ``NCT02574455``, ``rs12459419``, ``33339894``."""
    prefix, _, local = curie.partition(":")
    if prefix in ("NCT", "DBSNP", "PMID", "DOI"):
        builder.add_name(position, "id", local)
    if prefix == "PMID":
        builder.add_name(position, "id", f"PMID {local}")
    if prefix == "DOI":
        builder.add_name(position, "id", f"https://doi.org/{local}")


def _add_populations(builder: IndexBuilder, backend: Any, vocab: Any) -> None:
    for row in backend.query(_population_query(vocab)):
        curie = vocab.compress(row["population"].value)
        entry = builder.details.setdefault(
            curie, {"disease": vocab.compress(row["disease"].value), "biomarkers": [], "states": []}
        )
        if row["gene"] is not None:
            marker = {"gene": vocab.compress(row["gene"].value), "status": row["status"].value}
            if marker not in entry["biomarkers"]:
                entry["biomarkers"].append(marker)
        if row["state"] is not None and row["state"].value not in entry["states"]:
            entry["states"].append(row["state"].value)
    for entry in builder.details.values():
        entry["biomarkers"].sort(key=lambda marker: (marker["gene"], marker["status"]))
        entry["states"].sort()


def _curated_parents(backend: Any, vocab: Any) -> list[tuple[str, str]]:
    query = f"""
        SELECT ?disease ?parent WHERE {{
          GRAPH <{vocab.CURATED_GRAPH}> {{
            ?disease a <{vocab.ONTOLOGY}Disease> ; rdfs:subClassOf ?parent
          }}
        }}"""
    return [(row["disease"].value, row["parent"].value) for row in backend.query(query)]


# --- imported ontologies --------------------------------------------------------------------


def add_imported(builder: IndexBuilder, backend: Any) -> None:
    """Add the disease classes of every imported ontology graph.

    A class crosswalked to an index entity (same IRI, a cross-reference of it, or a
    ``skos:exactMatch`` in any graph) lends it its names; a class under a disease root (or
    under a crosswalked class) without a crosswalk becomes a disease of its own.
    """
    from adcgraph import vocab

    names, parents = _imported_rows(backend, vocab)
    if not names:
        return
    crosswalk = _exact_matches(backend, vocab)
    owner: dict[str, int] = {}
    for curie in names:
        position = _owner_of(builder, curie, crosswalk)
        if position is not None:
            owner[curie] = position
    diseases = _descendants(parents, DISEASE_ROOTS | set(owner))
    for curie, (graph, texts) in sorted(names.items()):
        if curie not in owner and curie not in diseases:
            continue
        if curie in owner:
            position, name_field = owner[curie], "imported"
        else:
            label = min((text for f, text in texts if f == "label"), default=None)
            if label is None:
                continue
            source = "import:" + graph.removeprefix(vocab.IMPORT_GRAPH_PREFIX)
            position = builder.add_entity(
                Entity(curie, vocab.expand(curie), label, "disease", source)
            )
            name_field = ""
        for text_field, text in sorted(texts):
            builder.add_name(position, name_field or text_field, text)
        builder.add_name(position, "xref", curie)
        target = builder.entities[position].id
        for parent in parents.get(curie, ()):
            parent_owner = owner.get(parent)
            parent_id = builder.entities[parent_owner].id if parent_owner is not None else parent
            if parent_id != target and (parent_owner is not None or parent in diseases):
                builder.parents.setdefault(target, set()).add(parent_id)


def _imported_rows(
    backend: Any, vocab: Any
) -> tuple[dict[str, tuple[str, set[tuple[str, str]]]], dict[str, set[str]]]:
    query = f"""
        SELECT ?graph ?class ?field ?text WHERE {{
          GRAPH ?graph {{
            ?class a owl:Class .
            {{ ?class rdfs:label ?text BIND("label" AS ?field) }}
            UNION {{ ?class skos:altLabel ?text BIND("synonym" AS ?field) }}
            UNION {{ ?class rdfs:subClassOf ?parent FILTER(isIRI(?parent))
                     BIND(STR(?parent) AS ?text) BIND("parent" AS ?field) }}
          }}
          FILTER(STRSTARTS(STR(?graph), "{vocab.IMPORT_GRAPH_PREFIX}"))
        }}"""
    names: dict[str, tuple[str, set[tuple[str, str]]]] = {}
    parents: dict[str, set[str]] = {}
    for row in backend.query(query):
        curie = vocab.compress(row["class"].value)
        name_field, text = row["field"].value, row["text"].value
        if name_field == "parent":
            parents.setdefault(curie, set()).add(vocab.compress(text))
            continue
        names.setdefault(curie, (row["graph"].value, set()))[1].add((name_field, text))
    return names, parents


def _exact_matches(backend: Any, vocab: Any) -> dict[str, set[str]]:
    query = """
        SELECT ?a ?b WHERE { ?a skos:exactMatch ?b FILTER(isIRI(?a) && isIRI(?b)) }"""
    links: dict[str, set[str]] = {}
    for row in backend.query(query):
        a, b = vocab.compress(row["a"].value), vocab.compress(row["b"].value)
        links.setdefault(a, set()).add(b)
        links.setdefault(b, set()).add(a)
    return links


def _owner_of(builder: IndexBuilder, curie: str, crosswalk: dict[str, set[str]]) -> int | None:
    """The index entity an imported class is (same id, an xref of it, or exactMatch)."""
    for candidate in (curie, *sorted(crosswalk.get(curie, ()))):
        if candidate in builder.positions:
            return builder.positions[candidate]
        owner = builder.xref_owner.get(candidate.casefold())
        if owner is not None:
            return builder.positions[owner]
    return None


def _descendants(parents: dict[str, set[str]], roots: set[str] | frozenset[str]) -> set[str]:
    children: dict[str, set[str]] = {}
    for child, its_parents in parents.items():
        for parent in its_parents:
            children.setdefault(parent, set()).add(child)
    found = set(roots)
    frontier = list(found)
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return found
