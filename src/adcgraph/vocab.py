"""Namespaces and the prefix map: the only place where adcgraph spells IRIs.

The prefix map is derived from the Bioregistry (`python -m adcgraph.vocab` regenerates
`prefixes.json`); at run time it is read from that file, because importing the Bioregistry
costs seconds. `tests/test_vocab.py` fails when the file drifts from the Bioregistry.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from adcgraph.errors import AdcGraphError

if TYPE_CHECKING:
    import curies

PREFIX_FILE = Path(__file__).with_name("prefixes.json")

RESOURCE = "https://w3id.org/adcgraph/"
ONTOLOGY = "https://w3id.org/adcgraph/ontology#"
GRAPH = "https://w3id.org/adcgraph/graph/"

#: Named graphs of the store.
ONTOLOGY_GRAPH = GRAPH + "ontology"
CURATED_GRAPH = GRAPH + "curated"
INFERRED_GRAPH = GRAPH + "inferred"
MAPPINGS_GRAPH = GRAPH + "mappings"
IMPORT_GRAPH_PREFIX = GRAPH + "import/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

#: Bioregistry prefixes adcgraph uses, with the CURIE prefix it writes for each. The
#: written prefix must be the Bioregistry prefix or one of its synonyms (case-insensitive);
#: the URI prefix and every accepted synonym come from the Bioregistry.
REGISTRY_PREFIXES: dict[str, str] = {
    "biolink": "biolink",
    "chebi": "CHEBI",
    "chembl.compound": "CHEMBL.COMPOUND",
    "clinicaltrials": "NCT",
    "dbsnp": "DBSNP",
    "dcterms": "dcterms",
    "doi": "DOI",
    "doid": "DOID",
    "drugbank": "DRUGBANK",
    "eco": "ECO",
    "efo": "EFO",
    "hgnc": "HGNC",
    "icd10cm": "ICD10CM",
    "mesh": "MESH",
    "mondo": "MONDO",
    "ncbigene": "NCBIGene",
    "ncit": "NCIT",
    "oboinowl": "oboInOwl",
    "omim": "OMIM",
    "oncotree": "ONCOTREE",
    "orphanet": "Orphanet",
    "owl": "owl",
    "prov": "prov",
    "pubchem.compound": "PUBCHEM.COMPOUND",
    "pubmed": "PMID",
    "rdf": "rdf",
    "rdfs": "rdfs",
    "ro": "RO",
    "semapv": "semapv",
    "sh": "sh",
    "skos": "skos",
    "umls": "UMLS",
    "uniprot": "UniProtKB",
    "xsd": "xsd",
}

#: Which provider's URI prefix to prefer: OBO PURLs, then the Bioregistry default, then
#: identifiers.org (PubMed has no other).
URI_PRIORITY = ("obofoundry", "default", "miriam")

#: The project's own namespaces (not in the Bioregistry).
LOCAL_PREFIXES: dict[str, str] = {
    "adcgraph": RESOURCE,
    "adco": ONTOLOGY,
    "adcgraph.graph": GRAPH,
}


def generate_prefix_records() -> list[dict[str, object]]:
    """Derive the extended prefix map from the installed Bioregistry (slow: seconds).

    >>> records = generate_prefix_records()  # doctest: +SKIP
    >>> next(r for r in records if r["prefix"] == "MONDO")["uri_prefix"]  # doctest: +SKIP
    'http://purl.obolibrary.org/obo/MONDO_'
    """
    import bioregistry

    records: list[dict[str, object]] = []
    for key, written in sorted(REGISTRY_PREFIXES.items()):
        resource = bioregistry.get_resource(key)
        if resource is None:
            raise AdcGraphError(f"bioregistry has no prefix {key!r}")
        known = {resource.prefix, *resource.get_synonyms()}
        preferred = resource.get_preferred_prefix()
        if preferred:
            known.add(preferred)
        if written.lower() not in {name.lower() for name in known}:
            raise AdcGraphError(f"{written!r} is not a Bioregistry synonym of {key!r}")
        uri_prefix = resource.get_uri_prefix(priority=list(URI_PRIORITY))
        if uri_prefix is None:
            raise AdcGraphError(f"bioregistry gives no URI prefix for {key!r}")
        uri_synonyms = sorted(
            {
                value
                for value in resource.get_uri_prefixes()
                if value != uri_prefix and value.startswith("http")
            }
        )
        records.append(
            {
                "prefix": written,
                "uri_prefix": uri_prefix,
                "prefix_synonyms": sorted(name for name in known if name != written),
                "uri_prefix_synonyms": uri_synonyms,
                "pattern": resource.get_pattern(),
            }
        )
    for prefix, uri_prefix in sorted(LOCAL_PREFIXES.items()):
        records.append(
            {
                "prefix": prefix,
                "uri_prefix": uri_prefix,
                "prefix_synonyms": [],
                "uri_prefix_synonyms": [],
                "pattern": None,
            }
        )
    return records


def write_prefix_file(path: Path = PREFIX_FILE) -> None:
    """Write the generated prefix map as stable, sorted JSON."""
    text = json.dumps(generate_prefix_records(), indent=1, sort_keys=True) + "\n"
    path.write_text(text, encoding="utf-8")


@cache
def prefix_records() -> tuple[dict[str, object], ...]:
    """The committed prefix records (read once per process)."""
    return tuple(json.loads(PREFIX_FILE.read_text(encoding="utf-8")))


@cache
def converter() -> curies.Converter:
    """The project's CURIE converter, with Bioregistry synonyms accepted on input.

    >>> converter().expand("MONDO:0005494")
    'http://purl.obolibrary.org/obo/MONDO_0005494'
    >>> converter().compress("http://purl.obolibrary.org/obo/MONDO_0005494")
    'MONDO:0005494'
    """
    import curies

    records = [
        curies.Record(
            prefix=str(item["prefix"]),
            uri_prefix=str(item["uri_prefix"]),
            prefix_synonyms=_any_case(str(item["prefix"]), item["prefix_synonyms"]),  # type: ignore[arg-type]
            uri_prefix_synonyms=[str(s) for s in item["uri_prefix_synonyms"]],  # type: ignore[union-attr]
            pattern=item.get("pattern"),  # type: ignore[arg-type]
        )
        for item in prefix_records()
    ]
    return curies.Converter(records)


def _any_case(prefix: str, synonyms: list[str]) -> list[str]:
    # Curators and users type "mesh", "MESH" or "MeSH"; accept every case of every synonym.
    variants = {form for name in [prefix, *synonyms] for form in (name, name.lower(), name.upper())}
    return sorted(variants - {prefix})


@cache
def patterns() -> dict[str, str]:
    """Local-identifier regular expressions per written prefix, from the Bioregistry."""
    return {
        str(item["prefix"]): str(item["pattern"])
        for item in prefix_records()
        if item.get("pattern")
    }


@cache
def sparql_prefixes() -> dict[str, str]:
    """Prefixes declared for every SPARQL query: the written prefix -> URI prefix.

    >>> sparql_prefixes()["MONDO"]
    'http://purl.obolibrary.org/obo/MONDO_'
    """
    return {str(item["prefix"]): str(item["uri_prefix"]) for item in prefix_records()}


def expand(curie: str) -> str:
    """Expand a CURIE to an IRI, accepting any Bioregistry synonym of the prefix.

    >>> expand("mesh:D064726")
    'https://meshb.nlm.nih.gov/record/ui?ui=D064726'
    """
    standard = standardize_curie(curie)
    if standard is None:
        prefix = curie.split(":", 1)[0]
        raise AdcGraphError(f"unknown CURIE prefix {prefix!r} in {curie!r}")
    prefix, _, local = standard.partition(":")
    return sparql_prefixes()[prefix] + local


def compress(iri: str) -> str:
    """Compress an IRI to a CURIE with the project's written prefix, or return it unchanged.

    >>> compress("https://identifiers.org/pubmed:34404686")
    'PMID:34404686'
    """
    match = _longest_uri_prefix(iri)
    if match is None:
        return iri
    uri_prefix, prefix = match
    return f"{prefix}:{iri[len(uri_prefix) :]}"


def standardize_curie(curie: str) -> str | None:
    """Rewrite a CURIE to the written prefix (``mesh:D1`` -> ``MESH:D1``); None if unknown.

    >>> standardize_curie("pubmed:34404686")
    'PMID:34404686'
    """
    prefix, _, local = curie.partition(":")
    written = written_prefixes().get(prefix.lower())
    return f"{written}:{local}" if written and local else None


@cache
def written_prefixes() -> dict[str, str]:
    """Map every accepted prefix, lowercased, to the prefix adcgraph writes.

    >>> written_prefixes()["pmid"]
    'PMID'
    """
    table: dict[str, str] = {}
    for item in prefix_records():
        written = str(item["prefix"])
        for name in [written, *item["prefix_synonyms"]]:  # type: ignore[misc]
            table.setdefault(str(name).lower(), written)
    return table


def standardize_iri(iri: str) -> str | None:
    """Rewrite any known IRI form (identifiers.org, OBO PURL ...) to the project's IRI form.

    >>> standardize_iri("http://identifiers.org/hgnc/11530")
    'https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/11530'
    """
    match = _longest_uri_prefix(iri)
    if match is None:
        return None
    uri_prefix, prefix = match
    return sparql_prefixes()[prefix] + iri[len(uri_prefix) :]


@cache
def _uri_prefixes() -> tuple[dict[str, str], tuple[int, ...]]:
    """Every URI prefix and synonym -> written prefix, and the prefix lengths, longest first.

    Compressing and standardising are the hot path of every command that prints
    identifiers; a dictionary probe per candidate length costs microseconds, where building
    a ``curies.Converter`` costs a third of a second of start-up. ``tests/test_vocab.py``
    checks that both agree.
    """
    table: dict[str, str] = {}
    for item in prefix_records():
        written = str(item["prefix"])
        for uri_prefix in [item["uri_prefix"], *item["uri_prefix_synonyms"]]:  # type: ignore[misc]
            table.setdefault(str(uri_prefix), written)
    return table, tuple(sorted({len(u) for u in table}, reverse=True))


def _longest_uri_prefix(iri: str) -> tuple[str, str] | None:
    table, lengths = _uri_prefixes()
    for length in lengths:
        if length < len(iri):
            written = table.get(iri[:length])
            if written is not None:
                return iri[:length], written
    return None


if __name__ == "__main__":
    write_prefix_file()
    sys.stdout.write(f"wrote {PREFIX_FILE}\n")
