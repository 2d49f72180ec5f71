"""Namespaces, the IRI policy and the prefix map: the only place where adcgraph spells IRIs.

IRI policy (see README, "Identifiers"): OBO Foundry ontologies as OBO PURLs, other schemes as
the Biolink Model prefix map writes them (MeSH as NLM's ``http://id.nlm.nih.gov/mesh/``),
then the Monarch context, then the Bioregistry. The map is generated from the installed
Bioregistry, ``biolink-model`` and ``prefixmaps`` packages (``python -m adcgraph.vocab``
regenerates ``prefixes.json``); at run time it is read from that file, because importing
them costs seconds. ``tests/test_vocab.py`` fails when the file drifts from those sources.
"""

from __future__ import annotations

import json
import re
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
#: Graphs of the shipped reference layer (graph/reference/), one per source release.
REFERENCE_GRAPH_PREFIX = GRAPH + "reference/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"

#: Bioregistry prefixes adcgraph uses, with the CURIE prefix it writes for each. The
#: written prefix must be the Bioregistry prefix or one of its synonyms (case-insensitive);
#: the canonical URI prefix comes from the IRI policy below, every accepted synonym from the
#: Bioregistry, the Biolink Model prefix map and the Monarch context.
REGISTRY_PREFIXES: dict[str, str] = {
    "biolink": "biolink",
    "cas": "CAS",
    "chebi": "CHEBI",
    "chembl.compound": "CHEMBL.COMPOUND",
    "clinicaltrials": "NCT",
    "dbsnp": "DBSNP",
    "dcat": "dcat",
    "dcterms": "dcterms",
    "doi": "DOI",
    "doid": "DOID",
    "drugbank": "DRUGBANK",
    "eco": "ECO",
    "efo": "EFO",
    "hgnc": "HGNC",
    "iao": "IAO",
    "icd10cm": "ICD10CM",
    "infores": "infores",
    "mesh": "MESH",
    "mondo": "MONDO",
    "ncbigene": "NCBIGene",
    "ncit": "NCIT",
    "obi": "OBI",
    "oboinowl": "oboInOwl",
    "omim": "OMIM",
    "oncotree": "ONCOTREE",
    "orphanet": "Orphanet",
    "owl": "owl",
    "pav": "pav",
    "prov": "prov",
    "pubchem.compound": "PUBCHEM.COMPOUND",
    "pubmed": "PMID",
    "rdf": "rdf",
    "rdfs": "rdfs",
    "ro": "RO",
    "semapv": "semapv",
    "sh": "sh",
    "sio": "SIO",
    "skos": "skos",
    "sssom": "sssom",
    "umls": "UMLS",
    "unii": "UNII",
    "uniprot": "UniProtKB",
    "void": "void",
    "xsd": "xsd",
}

#: The IRI policy: where the canonical URI prefix of each identifier scheme comes from, in
#: order. OBO Foundry ontologies get their OBO PURL; other schemes the Biolink Model prefix
#: map (what KGX, Monarch and the Translator write; it gives MeSH as NLM's own
#: ``http://id.nlm.nih.gov/mesh/``); schemes Biolink lacks take the Monarch context of
#: ``prefixmaps``, then the Bioregistry's preferred provider.
IRI_POLICY = ("obo", "biolink", "monarch", "bioregistry")

#: Bioregistry provider order for the last resort and for the ``bioregistry`` export style.
URI_PRIORITY = ("obofoundry", "default", "miriam")

#: Export styles besides the canonical one (``biolink``): ``export --iri-style``.
IRI_STYLES = ("biolink", "bioregistry", "identifiers.org", "obo")

#: Vocabularies (not identifier schemes) keep one IRI in every export style.
VOCABULARIES = frozenset(
    [
        "biolink",
        "dcat",
        "dcterms",
        "infores",
        "oboinowl",
        "owl",
        "pav",
        "prov",
        "rdf",
        "rdfs",
        "semapv",
        "sh",
        "skos",
        "sssom",
        "void",
        "xsd",
    ]
)

OBO_PURL = "http://purl.obolibrary.org/obo/"

#: The project's own namespaces (not in the Bioregistry).
LOCAL_PREFIXES: dict[str, str] = {
    "adcgraph": RESOURCE,
    "adco": ONTOLOGY,
    "adcgraph.graph": GRAPH,
}


def generate_prefix_records() -> list[dict[str, object]]:
    """Derive the extended prefix map from the installed Bioregistry, Biolink Model and
    ``prefixmaps`` (slow: seconds). Raises if a URI prefix would name two schemes.

    >>> records = generate_prefix_records()  # doctest: +SKIP
    >>> next(r for r in records if r["prefix"] == "MESH")["uri_prefix"]  # doctest: +SKIP
    'http://id.nlm.nih.gov/mesh/'
    """
    import bioregistry

    maps = _policy_maps()
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
        source, uri_prefix, kgx_prefix = _canonical_uri_prefix(resource, written, known, maps)
        alternatives = {
            *resource.get_uri_prefixes(),
            *_aliases(maps, written, known),
            *_identifiers_org_forms({written, *known}),
        }
        records.append(
            {
                "prefix": written,
                "uri_prefix": uri_prefix,
                "source": source,
                "kgx_prefix": kgx_prefix,
                "prefix_synonyms": sorted(name for name in known if name != written),
                "uri_prefix_synonyms": sorted(_with_both_schemes(alternatives) - {uri_prefix}),
                "pattern": resource.get_pattern(),
                "license": bioregistry.get_license(key),
                "styles": _styles(resource, key, written, uri_prefix),
            }
        )
    for prefix, uri_prefix in sorted(LOCAL_PREFIXES.items()):
        records.append(
            {
                "prefix": prefix,
                "uri_prefix": uri_prefix,
                "source": "adcgraph",
                "kgx_prefix": prefix,
                "prefix_synonyms": [],
                "uri_prefix_synonyms": [],
                "pattern": None,
                "license": None,
                "styles": dict.fromkeys(IRI_STYLES[1:], uri_prefix),
            }
        )
    return _drop_shared_synonyms(records)


def _policy_maps() -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Lowercased CURIE prefix -> [(prefix, canonical URI prefix), aliases...] of Biolink and
    Monarch's context."""
    from importlib.resources import files

    import prefixmaps

    biolink_file = files("biolink_model") / "prefixmaps" / "biolink-model-prefix-map.json"
    biolink = {
        k.lower(): [(k, v)] for k, v in json.loads(biolink_file.read_text(encoding="utf-8")).items()
    }
    monarch: dict[str, list[tuple[str, str]]] = {}
    for expansion in prefixmaps.load_context("merged.monarch").prefix_expansions:
        entry = monarch.setdefault(expansion.prefix.lower(), [])
        item = (expansion.prefix, expansion.namespace)
        if expansion.canonical():
            entry.insert(0, item)
        else:
            entry.append(item)
    return {"biolink": biolink, "monarch": monarch}


def _canonical_uri_prefix(resource, written, known, maps):  # type: ignore[no-untyped-def]
    """(policy source, canonical URI prefix, CURIE prefix that source writes) of a scheme."""
    names = [written.lower(), *sorted(n.lower() for n in known)]
    for source in IRI_POLICY:
        if source == "obo":
            obo = resource.get_obofoundry_prefix()
            if obo and resource.get_uri_prefix(priority=["obofoundry"]) == f"{OBO_PURL}{obo}_":
                return source, f"{OBO_PURL}{obo}_", written
        elif source == "bioregistry":
            uri_prefix = resource.get_uri_prefix(priority=list(URI_PRIORITY))
            if uri_prefix is None:
                raise AdcGraphError(f"bioregistry gives no URI prefix for {resource.prefix!r}")
            return source, uri_prefix, written
        else:
            for name in names:
                values = maps[source].get(name)
                if values and values[0][1].startswith("http"):
                    return source, values[0][1], values[0][0]
    raise AdcGraphError(f"no URI prefix for {written!r}")  # unreachable: bioregistry is last


def _aliases(maps, written, known) -> set[str]:  # type: ignore[no-untyped-def]
    names = {written.lower(), *(n.lower() for n in known)}
    return {
        value
        for table in maps.values()
        for name in names
        for _, value in table.get(name, [])
        if value.startswith("http")
    }


def _identifiers_org_forms(names: set[str]) -> set[str]:
    """identifiers.org resolves a prefix in any case, with ``/`` (legacy) or ``:``."""
    cases = {form for name in names for form in (name, name.lower(), name.upper())}
    return {f"http://identifiers.org/{name}{sep}" for name in cases for sep in "/:"}


def _with_both_schemes(uri_prefixes: set[str]) -> set[str]:
    """Every http URI prefix with its https twin and back (identifiers.org serves both)."""
    both = {u for u in uri_prefixes if u.startswith(("http://", "https://"))}
    return both | {
        u.replace("http://", "https://", 1)
        if u.startswith("http://")
        else u.replace("https://", "http://", 1)
        for u in both
    }


def _styles(resource, key: str, written: str, canonical: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    if key in VOCABULARIES:
        return dict.fromkeys(IRI_STYLES[1:], canonical)
    obo = canonical if canonical.startswith(OBO_PURL) else f"{OBO_PURL}{written}_"
    return {
        "bioregistry": resource.get_uri_prefix(priority=list(URI_PRIORITY)) or canonical,
        "identifiers.org": resource.get_miriam_uri_prefix() or canonical,
        "obo": obo,
    }


def _drop_shared_synonyms(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """Keep a URI prefix synonym only where it names one scheme and is no canonical prefix."""
    canonical = [str(r["uri_prefix"]) for r in records]
    if len(set(canonical)) != len(canonical):
        raise AdcGraphError("two schemes share a canonical URI prefix")
    counts: dict[str, int] = {}
    for record in records:
        for uri in record["uri_prefix_synonyms"]:  # type: ignore[attr-defined]
            counts[uri] = counts.get(uri, 0) + 1
    for record in records:
        record["uri_prefix_synonyms"] = [
            uri
            for uri in record["uri_prefix_synonyms"]  # type: ignore[attr-defined]
            if counts[uri] == 1 and uri not in canonical
        ]
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
    'http://id.nlm.nih.gov/mesh/D064726'
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
    >>> compress("http://identifiers.org/hgnc/3430")
    'HGNC:3430'
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

    >>> standardize_iri("https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/11530")
    'http://identifiers.org/hgnc/11530'
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


def canonical_iri(text: str) -> str:
    """The canonical IRI (the IRI policy's) of an identifier written in any known form.

    Accepts a CURIE with any Bioregistry synonym of its prefix in any case (``mesh:``,
    ``MeSH:``), or an IRI in any known form: identifiers.org (http or https, ``/`` or ``:``),
    Bio2RDF, n2t, NLM MeSH, OBO PURLs, providers' web pages. An IRI outside every known
    scheme is returned unchanged; a CURIE with an unknown prefix raises AdcGraphError.

    >>> canonical_iri("mesh:D064726")
    'http://id.nlm.nih.gov/mesh/D064726'
    >>> canonical_iri("https://identifiers.org/hgnc:3430")
    'http://identifiers.org/hgnc/3430'
    >>> canonical_iri("http://bio2rdf.org/drugbank:DB12893")
    'http://identifiers.org/drugbank/DB12893'
    >>> canonical_iri("https://meshb.nlm.nih.gov/record/ui?ui=D064726")
    'http://id.nlm.nih.gov/mesh/D064726'
    >>> canonical_iri("https://example.org/gene/1")
    'https://example.org/gene/1'
    >>> canonical_iri("adcgraph.adc:sacituzumab-tirumotecan")
    'https://w3id.org/adcgraph/adc/sacituzumab-tirumotecan'
    """
    value = text.strip()
    if value.startswith(("http://", "https://", "urn:")):
        return standardize_iri(value) or value
    prefix, _, local = value.partition(":")
    if prefix.startswith("adcgraph.") and prefix.lower() not in written_prefixes():
        return f"{RESOURCE}{prefix.removeprefix('adcgraph.')}/{local}"  # KGX export's ids
    return expand(value)


def styled_iri(iri: str, style: str) -> str:
    """Rewrite a canonical IRI to an export style (``export --iri-style``).

    >>> styled_iri("http://identifiers.org/hgnc/3430", "identifiers.org")
    'https://identifiers.org/hgnc:3430'
    >>> styled_iri("http://id.nlm.nih.gov/mesh/D064726", "obo")
    'http://purl.obolibrary.org/obo/MESH_D064726'
    >>> styled_iri("http://id.nlm.nih.gov/mesh/D064726", "biolink")
    'http://id.nlm.nih.gov/mesh/D064726'
    """
    if style not in IRI_STYLES:
        raise AdcGraphError(f"unknown IRI style {style!r}; expected one of {', '.join(IRI_STYLES)}")
    if style == IRI_STYLES[0]:
        return iri
    match = _longest_uri_prefix(iri)
    if match is None:
        return iri
    uri_prefix, prefix = match
    return _style_prefixes()[style][prefix] + iri[len(uri_prefix) :]


@cache
def kgx_prefixes() -> dict[str, str]:
    """Written prefix -> the CURIE prefix KGX and Biolink write (``DOI`` -> ``doi``).

    >>> kgx_prefixes()["DOI"], kgx_prefixes()["NCT"], kgx_prefixes()["MONDO"]
    ('doi', 'CLINICALTRIALS', 'MONDO')
    """
    return {str(r["prefix"]): str(r["kgx_prefix"]) for r in prefix_records()}


@cache
def _style_prefixes() -> dict[str, dict[str, str]]:
    return {
        style: {str(r["prefix"]): str(r["styles"][style]) for r in prefix_records()}  # type: ignore[index]
        for style in IRI_STYLES[1:]
    }


def normalise_rdf_iris(data: bytes) -> bytes:
    r"""Rewrite every ``<IRI>`` of N-Triples, N-Quads or Turtle text to its canonical form.

    Only IRIs in a known alternative form are touched (``@prefix`` declarations included),
    so text without any comes back as the same object; lines are kept, so positions in
    error messages stay true.

    >>> normalise_rdf_iris(b"<https://identifiers.org/hgnc:3430> <http://x/p> <http://x/o> .\n")
    b'<http://identifiers.org/hgnc/3430> <http://x/p> <http://x/o> .\n'
    >>> data = b"<http://x/s> <http://x/p> <http://www.ebi.ac.uk/efo/EFO_0000181> .\n"
    >>> normalise_rdf_iris(data) is data
    True
    """
    pattern, table = _alternative_iri_pattern()
    if pattern.search(data) is None:
        return data
    rewritten = pattern.sub(lambda match: b"<" + table[match.group(1)], data)
    return data if rewritten == data else rewritten


@cache
def _alternative_iri_pattern() -> tuple[re.Pattern[bytes], dict[bytes, bytes]]:
    """A trie-shaped pattern of every URI prefix synonym after ``<`` (linear-time matching),
    and each synonym's canonical URI prefix."""
    table: dict[bytes, bytes] = {}
    canonical = sparql_prefixes()
    for record in prefix_records():
        target = canonical[str(record["prefix"])].encode()
        for uri_prefix in record["uri_prefix_synonyms"]:  # type: ignore[attr-defined]
            table[str(uri_prefix).encode()] = target
    # A canonical prefix that extends a synonym (``.../efo/EFO_`` after ``.../efo/``) must win
    # the longest match, and maps to itself.
    for uri_prefix in {u.encode() for u in canonical.values()}:
        if any(uri_prefix.startswith(synonym) for synonym in table):
            table[uri_prefix] = uri_prefix
    return re.compile(b"<(" + _trie_pattern(sorted(table)) + b")(?=[^\\s])"), table


def _trie_pattern(words: list[bytes]) -> bytes:
    """A regular expression matching exactly ``words``, longest first, as a prefix trie."""
    trie: dict[int, dict] = {}
    for word in words:
        node = trie
        for byte in word:
            node = node.setdefault(byte, {})
        node[-1] = {}

    def render(node: dict[int, dict]) -> bytes:
        ends = -1 in node
        branches = [
            re.escape(bytes([byte])) + render(child) for byte, child in node.items() if byte != -1
        ]
        if not branches:
            return b""
        body = branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"
        return b"(?:" + body + b")?" if ends else body

    return render(trie)


if __name__ == "__main__":
    write_prefix_file()
    sys.stdout.write(f"wrote {PREFIX_FILE}\n")
