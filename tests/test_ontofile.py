"""Reading ontologies (OBO, OWL as RDF/XML or Turtle, OBO Graphs JSON) into one term model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adcgraph.errors import OntologyFileError
from adcgraph.ontofile import Synonym, Term, iri_to_curie, parse_obo, read_ontology

FIXTURES = Path(__file__).parent / "fixtures"
BENCHMARK = Path(__file__).parents[1].parent / "shared" / "data" / "alignment-benchmark"

MALIGNANT_NEOPLASM = "SRC:0002"
MALIGNANT_GASTRIC_NEOPLASM = "SRC:0004"
HYPERNEPHROID_CARCINOMA = "SRC:0007"
OBSOLETE_STOMACH_CANCER = "SRC:0099"

OBO = "http://purl.obolibrary.org/obo/"

# The same three classes in each serialisation the reader supports.
TURTLE = f"""\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix oio: <http://www.geneontology.org/formats/oboInOwl#> .
@prefix obo: <{OBO}> .

obo:DOID_162 a owl:Class ; rdfs:label "cancer" ;
    oio:hasExactSynonym "malignant tumor" ;
    oio:hasRelatedSynonym "primary cancer" .
obo:DOID_10534 a owl:Class ; rdfs:label "stomach cancer" ;
    rdfs:subClassOf obo:DOID_162 ;
    rdfs:subClassOf [ a owl:Restriction ] ;
    obo:IAO_0000115 "A gastrointestinal system cancer located in the stomach." .
obo:DOID_0000 a owl:Class ; rdfs:label "obsolete gastric cancer" ; owl:deprecated true .
"""

RDF_XML = f"""\
<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"
         xmlns:owl="http://www.w3.org/2002/07/owl#"
         xmlns:oio="http://www.geneontology.org/formats/oboInOwl#"
         xmlns:obo="{OBO}">
  <owl:Class rdf:about="{OBO}DOID_162">
    <rdfs:label>cancer</rdfs:label>
    <oio:hasExactSynonym>malignant tumor</oio:hasExactSynonym>
    <oio:hasRelatedSynonym>primary cancer</oio:hasRelatedSynonym>
  </owl:Class>
  <owl:Class rdf:about="{OBO}DOID_10534">
    <rdfs:label>stomach cancer</rdfs:label>
    <rdfs:subClassOf rdf:resource="{OBO}DOID_162"/>
    <obo:IAO_0000115>A gastrointestinal system cancer located in the stomach.</obo:IAO_0000115>
  </owl:Class>
  <owl:Class rdf:about="{OBO}DOID_0000">
    <rdfs:label>obsolete gastric cancer</rdfs:label>
    <owl:deprecated rdf:datatype="http://www.w3.org/2001/XMLSchema#boolean">true</owl:deprecated>
  </owl:Class>
</rdf:RDF>
"""

OBOGRAPHS = {
    "graphs": [
        {
            "nodes": [
                {
                    "id": f"{OBO}DOID_162",
                    "type": "CLASS",
                    "lbl": "cancer",
                    "meta": {
                        "synonyms": [
                            {"pred": "hasExactSynonym", "val": "malignant tumor"},
                            {"pred": "hasRelatedSynonym", "val": "primary cancer"},
                        ]
                    },
                },
                {
                    "id": f"{OBO}DOID_10534",
                    "type": "CLASS",
                    "lbl": "stomach cancer",
                    "meta": {
                        "definition": {
                            "val": "A gastrointestinal system cancer located in the stomach."
                        }
                    },
                },
                {
                    "id": f"{OBO}DOID_0000",
                    "type": "CLASS",
                    "lbl": "obsolete gastric cancer",
                    "meta": {"deprecated": True},
                },
                {"id": f"{OBO}RO_0002202", "type": "PROPERTY", "lbl": "develops from"},
            ],
            "edges": [{"sub": f"{OBO}DOID_10534", "pred": "is_a", "obj": f"{OBO}DOID_162"}],
        }
    ]
}

EXPECTED_CANCER = Term(
    id="DOID:162",
    label="cancer",
    synonyms=(Synonym("malignant tumor", "EXACT"), Synonym("primary cancer", "RELATED")),
    parents=(),
    definition=None,
    deprecated=False,
)


# --- OBO ------------------------------------------------------------------------------------


def test_obo_fixture_keeps_labels_synonym_scopes_parents_and_obsolescence() -> None:
    terms = read_ontology(FIXTURES / "align-source.obo")
    assert terms[MALIGNANT_GASTRIC_NEOPLASM] == Term(
        id=MALIGNANT_GASTRIC_NEOPLASM,
        label="Malignant Gastric Neoplasm",
        synonyms=(Synonym("Malignant Neoplasm of Stomach", "EXACT"),),
        parents=("SRC:0003", MALIGNANT_NEOPLASM),
        definition=None,
        deprecated=False,
    )
    assert terms[HYPERNEPHROID_CARCINOMA].synonyms == (Synonym("Renal Cell Carcinoma", "RELATED"),)
    assert terms[OBSOLETE_STOMACH_CANCER].deprecated


def test_obo_unescapes_quotes_and_drops_trailing_comments() -> None:
    terms = parse_obo(
        "[Term]\n"
        "id: X:1 ! the id\n"
        'name: so-called \\"thing\\"\n'
        'def: "A \\"quoted\\" definition." [PMID:1]\n'
        'synonym: "thing\\, really" NARROW [] {source="x"}\n'
        "is_a: X:0 ! parent\n"
        "\n[Typedef]\nid: part_of\nname: part of\n"
    )
    assert terms == {
        "X:1": Term(
            id="X:1",
            label='so-called "thing"',
            synonyms=(Synonym("thing, really", "NARROW"),),
            parents=("X:0",),
            definition='A "quoted" definition.',
            deprecated=False,
        )
    }


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('[Term]\nid: X:1\nsynonym: "a" EXACTLY []\n', 3, "synonym scope must be one of"),
        ('[Term]\nid: X:1\nsynonym: "never closed EXACT []\n', 3, "no closing quote"),
        ("[Term]\nid: X:1\nsynonym: unquoted EXACT []\n", 3, "must start with a quoted"),
        ("[Term]\nid: X:1\nthis line has no tag\n", 3, "expected 'tag: value'"),
        ("[Term]\nname: nameless\n", 1, "without an id"),
        ("[Term]\nid: X:1\n\n[Term]\nid: X:1\n", 4, "duplicate term id 'X:1'"),
        ("[Term\nid: X:1\n", 1, "malformed stanza header"),
        ("[Term]\nid: X:1\nis_a: \n", 3, "is_a without a parent"),
    ],
)
def test_malformed_obo_names_file_line_and_reason(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    bad = tmp_path / "bad.obo"
    bad.write_text(text)
    with pytest.raises(OntologyFileError) as raised:
        read_ontology(bad)
    assert str(raised.value).startswith(f"{bad}:{line}: ")
    assert reason in str(raised.value)


# --- OWL and OBO Graphs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("file_name", "content"),
    [
        ("doid.ttl", TURTLE),
        ("doid.owl", RDF_XML),
        ("doid.json", json.dumps(OBOGRAPHS)),
        ("doid-turtle.owl", TURTLE),  # an .owl suffix with Turtle inside
        ("doid.download", RDF_XML),  # no telling suffix: sniffed from the content
    ],
)
def test_owl_and_obographs_give_the_same_terms(
    tmp_path: Path, file_name: str, content: str
) -> None:
    path = tmp_path / file_name
    path.write_text(content)
    terms = read_ontology(path)
    assert set(terms) == {"DOID:162", "DOID:10534", "DOID:0000"}
    assert terms["DOID:162"] == EXPECTED_CANCER
    assert terms["DOID:10534"].parents == ("DOID:162",)
    assert terms["DOID:10534"].definition == (
        "A gastrointestinal system cancer located in the stomach."
    )
    assert terms["DOID:0000"].deprecated
    assert not terms["DOID:10534"].deprecated


def test_iri_to_curie_compresses_obo_purls_only() -> None:
    assert iri_to_curie(f"{OBO}NCIT_C4872") == "NCIT:C4872"
    assert iri_to_curie(f"{OBO}doid#part_of") == f"{OBO}doid#part_of"
    assert iri_to_curie("https://example.org/thing") == "https://example.org/thing"


@pytest.mark.parametrize(
    ("file_name", "content", "where", "reason"),
    [
        ("broken.json", '{"graphs": [\n  {"nodes": [}\n]}', "broken.json:2: ", "invalid JSON"),
        ("nographs.json", '{"nodes": []}', "nographs.json: ", "top-level 'graphs' list"),
        (
            "badsyn.json",
            json.dumps({"graphs": [{"nodes": [{"id": "X", "meta": {"synonyms": [{}]}}]}]}),
            "badsyn.json: ",
            "malformed synonym",
        ),
        ("broken.ttl", "@prefix x: <http://x/> .\nx:a x:b .\n", "broken.ttl", "invalid turtle"),
        ("broken.owl", "<rdf:RDF>\n<unclosed>\n", "broken.owl", "invalid xml"),
        ("mystery.txt", "hello", "mystery.txt: ", "cannot tell the ontology format"),
    ],
)
def test_malformed_owl_and_json_raise_ontology_file_error(
    tmp_path: Path, file_name: str, content: str, where: str, reason: str
) -> None:
    path = tmp_path / file_name
    path.write_text(content)
    with pytest.raises(OntologyFileError) as raised:
        read_ontology(path)
    assert str(raised.value).startswith(f"{tmp_path / where}")
    assert reason in str(raised.value)


def test_missing_and_non_utf8_files_raise_ontology_file_error(tmp_path: Path) -> None:
    with pytest.raises(OntologyFileError, match="file not found"):
        read_ontology(tmp_path / "absent.obo")
    latin1 = tmp_path / "latin1.obo"
    latin1.write_bytes("[Term]\nid: X:1\nname: Müller\n".encode("latin-1"))
    with pytest.raises(OntologyFileError, match="not UTF-8"):
        read_ontology(latin1)


# --- one class, one id; a disease import needs a disease branch ---------------------------

THESAURUS = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#"


def _owl(*classes: tuple[str, str, str | None]) -> str:
    """RDF/XML with one owl:Class per (IRI, label, parent IRI or None)."""
    body = "".join(
        f'  <owl:Class rdf:about="{iri}">\n    <rdfs:label>{label}</rdfs:label>\n'
        + (f'    <rdfs:subClassOf rdf:resource="{parent}"/>\n' if parent else "")
        + "  </owl:Class>\n"
        for iri, label, parent in classes
    )
    return (
        '<?xml version="1.0"?>\n<rdf:RDF'
        ' xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"\n'
        '         xmlns:owl="http://www.w3.org/2002/07/owl#"\n'
        '         xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">\n'
        f"{body}</rdf:RDF>\n"
    )


def test_two_owl_classes_read_as_one_id_are_refused_naming_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "twice.owl"
    path.write_text(_owl((f"{OBO}X_1", "first", None), ("X:1", "second", None)))
    with pytest.raises(OntologyFileError) as raised:
        read_ontology(path)
    assert str(raised.value) == (
        f"{path}:8: classes 'X:1' and '{OBO}X_1' (line 5) both read as id 'X:1'; "
        "give each class one IRI"
    )


def test_a_node_twice_in_obographs_json_is_refused_with_its_line(tmp_path: Path) -> None:
    node = {"id": f"{OBO}X_1", "type": "CLASS", "lbl": "thing"}
    path = tmp_path / "twice.json"
    path.write_text(json.dumps({"graphs": [{"nodes": [node, node]}]}, indent=1))
    with pytest.raises(OntologyFileError, match=rf"twice.json:\d+: duplicate node id '{OBO}X_1'"):
        read_ontology(path)


@pytest.mark.parametrize(
    ("file_name", "content", "message"),
    [
        (
            "ncit.owl",
            _owl(
                (f"{OBO}NCIT_C3262", "Neoplasm", None),
                (f"{THESAURUS}C3262", "Neoplasm (Thesaurus)", None),
            ),
            f"ncit.owl:8: ids '{THESAURUS}C3262' and 'NCIT:C3262' (line 5) are one class, "
            "NCIT:C3262",
        ),
        (
            "doid.obo",
            "[Term]\nid: DOID:4\nname: disease\n\n[Term]\nid: doid:4\nname: Disease\n",
            "doid.obo:6: ids 'doid:4' and 'DOID:4' (line 2) are one class, DOID:4",
        ),
    ],
)
def test_an_import_whose_two_ids_are_one_class_is_refused_before_writing(
    tmp_path: Path, file_name: str, content: str, message: str
) -> None:
    from adcgraph.importers import ImportOptions
    from adcgraph.importers.ontology import import_ontology

    path, store = tmp_path / file_name, tmp_path / "store"
    path.write_text(content)
    with pytest.raises(OntologyFileError) as raised:
        import_ontology(path.suffix[1:], [path], store, ImportOptions(diseases=True))
    assert str(raised.value).startswith(f"{tmp_path}/{message}; ")
    assert not store.exists()


def test_a_disease_import_needs_a_disease_branch_in_any_iri_form(tmp_path: Path) -> None:
    from adcgraph.importers.diseases import check_disease_branch

    genes = tmp_path / "genes.owl"
    genes.write_text(_owl((f"{OBO}SO_0000704", "gene", None)))
    with pytest.raises(OntologyFileError, match=rf"^{genes}:1: no disease branch: none of its 1"):
        check_disease_branch(read_ontology(genes), str(genes))
    # NCIt's own OWL writes its Neoplasm root as a Thesaurus IRI, not an OBO PURL
    ncit = tmp_path / "ncit.owl"
    ncit.write_text(
        _owl(
            (f"{THESAURUS}C3262", "Neoplasm", None),
            (f"{THESAURUS}C4872", "Breast Carcinoma", f"{THESAURUS}C3262"),
        )
    )
    check_disease_branch(read_ontology(ncit), str(ncit))


# --- the real benchmark files ---------------------------------------------------------------


def test_reads_the_benchmark_ontologies() -> None:
    if not BENCHMARK.is_dir():
        pytest.skip(f"{BENCHMARK} is not present")
    ncit = read_ontology(BENCHMARK / "ncit-neoplasm-2018.obo")
    doid = read_ontology(BENCHMARK / "doid-cancer-2018.obo")
    assert (len(ncit), len(doid)) == (10_037, 2_050)
    assert ncit["NCIT:C2852"].label == "Adenocarcinoma"
    assert ncit["NCIT:C2852"].parents == ("NCIT:C2916", "NCIT:C7132")
    assert sum(len(t.synonyms) for t in [*ncit.values(), *doid.values()]) == 43_569
