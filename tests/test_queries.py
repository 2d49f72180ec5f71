"""The named-query library: headers, examples on the real graph, goldens, competency questions,
and bad input through the CLI."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import top1_inhibitor_adc_labels

from adcgraph import vocab
from adcgraph.cli import cli
from adcgraph.errors import QueryError, ResolutionError
from adcgraph.querying import queries

GOLDEN_DIR = Path(__file__).parent / "golden"
UPDATE_GOLDEN_ENV = "ADCGRAPH_UPDATE_GOLDEN"
REGENERATE = f"{UPDATE_GOLDEN_ENV}=1 python -m pytest tests/test_queries.py -k golden"
#: The queries whose example output is pinned in tests/golden/.
GOLDEN_QUERIES = (
    "adcs-by-payload-class",
    "resistance-mechanisms-of-adc",
    "cross-resistance-candidates",
    "strategies-for-mechanism",
    "combination-partners",
    "adc-indications-by-disease",
    "efflux-substrate-payloads",
    "approvals-by-biomarker",
    "evidence-by-biomarker",
)
ALL_QUERIES = [path.stem for path in queries.query_paths()]


def rows_of(built, name: str, **values: str) -> list[dict[str, str]]:
    return queries.result_rows(queries.run_named_query(built.backend, name, values))


def column(rows: list[dict[str, str]], name: str) -> set[str]:
    return {row[name] for row in rows}


# ---------------------------------------------------------------- every file


def test_the_library_covers_the_issue_and_the_competency_questions():
    assert len(ALL_QUERIES) >= 17
    assert {
        "adcs-by-payload-class",
        "adcs-by-target",
        "adcs-by-linker-type",
        "resistance-mechanisms-of-adc",
        "cross-resistance-candidates",
        "strategies-for-mechanism",
        "combination-partners",
        "resistance-genes-in-disease",
        "adc-indications-by-disease",
        "claim-evidence",
        "external-id-mappings",
    } <= set(ALL_QUERIES)


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_header_is_valid_and_documents_an_example(name):
    query = queries.load_query(name)
    assert query.summary and query.description
    assert query.expected_contains, "the example must state rows it returns"
    for parameter in query.parameters:
        assert parameter.description, f"parameter {parameter.name} needs a description"
        if parameter.required:
            assert parameter.name in query.example


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_query_parses_and_projects_every_parameter(name):
    # Oxigraph rejects a substitution of a variable the SELECT clause does not project.
    query = queries.load_query(name)
    dummy = {
        ox.Variable(p.name): ox.NamedNode("https://example.org/x")
        if p.type in ("entity", "iri")
        else ox.Literal("x")
        for p in query.parameters
    }
    result = ox.Store().query(query.text, substitutions=dummy)
    assert isinstance(result, ox.QuerySolutions)
    assert list(result) == []


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_every_example_returns_its_expected_rows(built, name):
    query = queries.load_query(name)
    rows = queries.result_rows(queries.run_named_query(built.backend, query, query.example))
    assert not queries.missing_rows(rows, query.expected_contains), rows
    assert not queries.present_rows(rows, query.expected_absent)


# ---------------------------------------------------------------- golden files


def golden_text(rows: list[dict[str, str]]) -> str:
    """Rows as sorted TSV; multi-valued cells (' | ') sorted too, so order never matters."""
    if not rows:
        return ""
    names = list(rows[0])
    lines = sorted(
        "\t".join(" | ".join(sorted(row[name].split(" | "))) for name in names) for row in rows
    )
    return "\n".join(["\t".join(names), *lines]) + "\n"


@pytest.mark.parametrize("name", GOLDEN_QUERIES)
def test_golden_example_output(built, name):
    query = queries.load_query(name)
    actual = golden_text(
        queries.result_rows(queries.run_named_query(built.backend, query, query.example))
    )
    path = GOLDEN_DIR / f"{name}.tsv"
    if os.environ.get(UPDATE_GOLDEN_ENV):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; regenerate with: {REGENERATE}"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} no longer returns {path}; if the change is intended, regenerate with: {REGENERATE}"
    )


# ---------------------------------------------------------------- competency questions (E1-E8)


def test_e1_adcs_sharing_the_top1i_payload_class_with_sg(built):
    rows = rows_of(built, "cross-resistance-candidates", adc="sacituzumab govitecan")
    by_class = {row["candidate_label"] for row in rows if row["basis"] == "payload class"}
    assert by_class == top1_inhibitor_adc_labels(excluding="DRUGBANK:DB12893")
    shared_antibody = {row["candidate_label"] for row in rows if row["basis"] == "antibody"}
    assert shared_antibody == {"sacituzumab tirumotecan"}


def test_e1_efflux_mechanism_links_gemtuzumab_to_other_payload_classes(built):
    rows = rows_of(built, "cross-resistance-candidates", adc="GO")
    efflux = {
        row["candidate_label"]
        for row in rows
        if row["basis"] == "resistance mechanism"
        and row["shared_label"] == "ABCB1 (P-gp/MDR1) payload efflux"
    }
    assert {"trastuzumab emtansine", "brentuximab vedotin", "loncastuximab tesirine"} <= efflux


def test_e2_combinations_against_slfn11_loss(built):
    rows = rows_of(built, "strategies-for-mechanism", mechanism="adcgraph:mechanism/slfn11-loss")
    partners = " | ".join(row["partner_drugs"] for row in rows)
    assert {"berzosertib", "ceralasertib", "adavosertib"} <= set(partners.split(" | "))
    assert "NCT04826341" in column(rows, "trials")
    assert any("EZH2" in row["strategy_label"] for row in rows)


def test_e3_alterations_in_patients_progressing_on_sg(built):
    rows = rows_of(built, "patient-alterations-for-adc", adc="Trodelvy")
    assert column(rows, "mechanism_label") == {
        "TROP2 expression absent",
        "TACSTD2 T256R mislocalisation",
        "TOP1 payload-target mutation",
        "low TROP2 expression",
        # SG given after T-DXd in real-world cohorts (res-6302, res-6304): no alteration named
        "cross-resistance between TOP1-inhibitor-payload ADCs (cause unresolved)",
    }
    assert {"p.T256R", "p.E418K"} <= column(rows, "protein_change")
    assert column(rows, "evidence_type") == {"clinical"}


def test_e4_abcb1_substrate_payloads_and_their_adcs(built):
    rows = rows_of(built, "efflux-substrate-payloads", transporter="ABCB1")
    assert {
        "gemtuzumab ozogamicin",
        "inotuzumab ozogamicin",
        "brentuximab vedotin",
        "polatuzumab vedotin",
        "enfortumab vedotin",
        "tisotumab vedotin",
        "telisotuzumab vedotin",
        "disitamab vedotin",
        "trastuzumab emtansine",
        "mirvetuximab soravtansine",
        "loncastuximab tesirine",
    } <= column(rows, "adc_label")
    assert not {"sacituzumab govitecan", "trastuzumab deruxtecan"} & column(rows, "adc_label")
    pbd_transporters = column(
        rows_of(built, "efflux-substrate-payloads", transporter="BCRP"), "payload_class_label"
    )
    # PBD: payload screen; maytansinoid: ABCC2/ABCG2 up-regulated in T-DM1-resistant N87 cells
    assert pbd_transporters == {"pyrrolobenzodiazepine dimer", "maytansinoid"}


def test_e5_germline_variants_predicting_lack_of_go_benefit(built):
    rows = rows_of(built, "germline-variants-for-adc", adc="Mylotarg")
    assert {"DBSNP:rs12459419", "DBSNP:rs1045642"} <= column(rows, "variant")
    cd33 = next(row for row in rows if row["variant"] == "DBSNP:rs12459419")
    assert "no GO benefit" in cd33["selection_result"]


def test_e6_non_cleavable_linker_mechanisms_and_their_bypass(built):
    rows = rows_of(built, "non-cleavable-linker-resistance-bypass")
    assert column(rows, "mechanism_label") == {"SLC46A3 loss", "reduced lysosomal proteolysis"}
    assert column(rows, "non_cleavable_adc_label") == {"trastuzumab emtansine"}
    assert column(rows, "bypass_adc_label") == {
        "trastuzumab duocarmazine",
        "trastuzumab deruxtecan",
    }


def test_e7_her3_options_in_nsclc_with_their_status(built):
    rows = rows_of(built, "target-options-in-disease", target="HER3", disease="NSCLC")
    assert column(rows, "adc_label") == {"patritumab deruxtecan", "izalontamab brengitecan"}
    herthena = next(row for row in rows if row["kind"] == "indication")
    assert (herthena["adc_label"], herthena["stage"], herthena["trials"]) == (
        "patritumab deruxtecan",
        "phase2",
        "NCT04619004",
    )


def test_e8_sg_parp_combinations_with_clinical_data_in_tnbc(built):
    clinical = rows_of(
        built,
        "adc-combinations-by-drug-class",
        adc="SG",
        drug_class="PARP inhibitor",
        disease="TNBC",
        evidence_type="clinical",
    )
    assert [(row["partner_label"], row["trial"]) for row in clinical] == [
        ("talazoparib", "NCT:NCT04039230")
    ]
    any_evidence = rows_of(
        built, "adc-combinations-by-drug-class", adc="SG", drug_class="PARP inhibitor"
    )
    assert column(any_evidence, "partner_label") == {"olaparib", "rucaparib", "talazoparib"}


@pytest.mark.parametrize("xref", ["MESH:D064726", "DOID:0060081", "NCIT:C71732", "mesh:D064726"])
def test_external_disease_identifiers_land_on_tnbc(built, xref):
    rows = rows_of(built, "external-id-mappings", xref=xref)
    assert [(row["entity"], row["relation"]) for row in rows] == [
        ("MONDO:0005494", "skos:exactMatch")
    ]


# ---------------------------------------------------------------- parameters and filters


def test_optional_filters_narrow_the_mechanisms_and_unset_means_any(built):
    every = rows_of(built, "resistance-mechanisms-of-adc", adc="T-DXd")
    clinical = rows_of(built, "resistance-mechanisms-of-adc", adc="T-DXd", evidence_type="clinical")
    verified_clinical = rows_of(
        built,
        "resistance-mechanisms-of-adc",
        adc="T-DXd",
        evidence_type="clinical",
        curation_status="verified",
    )
    assert len(every) > len(clinical) > len(verified_clinical) > 0
    assert column(clinical, "evidence_type") == {"clinical"}
    assert column(verified_clinical, "curation_status") == {"verified"}
    assert {"preclinical_in_vitro", "clinical"} <= column(every, "evidence_type")


def test_mechanisms_include_claims_on_the_payload_class(built):
    rows = rows_of(built, "resistance-mechanisms-of-adc", adc="datopotamab deruxtecan")
    via_class = {
        row["mechanism_label"]
        for row in rows
        if row["applies_to_label"] != "datopotamab deruxtecan"
    }
    assert {"SLFN11 loss or silencing", "TOP1 payload-target mutation"} <= via_class


def test_disease_filter_keeps_narrower_and_broader_contexts_only(built):
    aml = rows_of(built, "resistance-mechanisms-of-adc", adc="GO", disease="AML")
    assert {"acute myeloid leukemia", "cancer"} >= column(aml, "context_label")
    breast = rows_of(built, "resistance-mechanisms-of-adc", adc="T-DM1", disease="breast cancer")
    assert "HER2 positive breast carcinoma" in column(breast, "context_label")


def test_integer_and_string_parameters_are_bound_as_typed_literals(built, tmp_path):
    (tmp_path / "indications-in-year.rq").write_text(
        "#+ summary: indications of a year\n"
        "#+ description: test query\n"
        "#+ parameters:\n"
        "#+   - {name: year, type: integer, required: true, description: a year}\n"
        "#+   - {name: agency, type: string, description: an agency}\n"
        "#+ example: {year: 2017}\n"
        "#+ expected_contains: [{indication: adcgraph:indication/bv-mf-fda-2017}]\n"
        "SELECT ?year ?agency ?indication WHERE {\n"
        "  ?indication adco:year ?year ; adco:agency ?agency }\n",
        encoding="utf-8",
    )
    rows = queries.result_rows(
        queries.run_named_query(
            built.backend, "indications-in-year", {"year": "2017", "agency": "FDA"}, tmp_path
        )
    )
    assert "adcgraph:indication/go-aml-nd-fda-2017" in column(rows, "indication")
    assert column(rows, "year") == {"2017"} and column(rows, "agency") == {"FDA"}
    with pytest.raises(QueryError, match="expects an integer, got '20x7'"):
        queries.run_named_query(built.backend, "indications-in-year", {"year": "20x7"}, tmp_path)


def test_user_text_is_bound_not_pasted_into_the_query(built):
    # The text is compared with the graph's values as a bound literal; it never becomes SPARQL.
    injected = 'PARP inhibitor" } UNION { ?s ?p ?o } #'
    with pytest.raises(QueryError, match="no adco:drugClass value is"):
        rows_of(built, "adc-combinations-by-drug-class", adc="SG", drug_class=injected)


def test_names_resolve_by_label_synonym_curie_and_iri(built):
    expected = vocab.expand("DRUGBANK:DB12893")
    for text in ("sacituzumab govitecan", "Trodelvy", "IMMU-132", "DRUGBANK:DB12893", expected):
        assert queries.resolve_entity(built.backend, text, "adco:ADC").value == expected


def test_resolution_errors_name_the_class_and_the_nearest_names(built):
    with pytest.raises(ResolutionError, match="did you mean: trastuzumab emtansine"):
        queries.resolve_entity(built.backend, "trastzmab emtnsne", "adco:ADC")
    with pytest.raises(ResolutionError, match="MONDO:0005494 is not an antibody-drug conjugate"):
        queries.resolve_entity(built.backend, "MONDO:0005494", "adco:ADC")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("#+ description: no summary\n", "needs a one-line 'summary'"),
        ("#+ summary: s\n#+ colour: red\n", "unknown header key"),
        (
            "#+ summary: s\n#+ parameters:\n#+   - {name: adc, type: drug}\n",
            "type must be one of",
        ),
        (
            "#+ summary: s\n#+ parameters:\n#+   - {name: other, type: iri}\n",
            "must appear as ?other in the SELECT clause",
        ),
        ("#+ summary: [unclosed\n", "not valid YAML"),
        ("", "no '#+' metadata header"),
    ],
)
def test_malformed_headers_are_reported_with_the_file(tmp_path, header, problem):
    path = tmp_path / "broken.rq"
    path.write_text(header + "SELECT ?adc WHERE { ?adc a adco:ADC }\n", encoding="utf-8")
    with pytest.raises(QueryError, match=r"broken\.rq") as error:
        queries.parse_query_file(path)
    assert problem in error.value.message


# ---------------------------------------------------------------- the CLI


@pytest.fixture
def invoke(built):
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli, [*args, "--store", str(built.paths.store)])

    return run


def test_queries_lists_every_query_as_json():
    result = CliRunner().invoke(cli, ["queries", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = json.loads(result.output)
    assert [entry["name"] for entry in listed] == ALL_QUERIES
    target = next(entry for entry in listed if entry["name"] == "adcs-by-target")
    assert target["summary"].startswith("ADCs directed at a target")
    assert target["parameters"][0]["name"] == "target"
    assert target["parameters"][0]["type"] == "entity"


def test_queries_table_and_one_query_description():
    listing = CliRunner().invoke(cli, ["queries"])
    assert listing.exit_code == 0
    assert "cross-resistance-candidates  adc*=<entity>" in listing.output
    detail = CliRunner().invoke(cli, ["queries", "resistance-mechanisms-of-adc"])
    assert detail.exit_code == 0
    assert "evidence_type (enum, optional" in detail.output
    assert "adcgraph query resistance-mechanisms-of-adc -p 'adc=sacituzumab govitecan'" in (
        detail.output
    )


def test_query_prints_csv_and_standard_json(invoke):
    result = invoke("query", "adcs-by-target", "-p", "target=HER2", "--format", "csv")
    assert result.exit_code == 0, result.output
    labels = {row["adc_label"] for row in csv.DictReader(io.StringIO(result.output))}
    assert "trastuzumab emtansine" in labels
    document = json.loads(
        invoke(
            "query", "claim-evidence", "-p", "claim=adcgraph:claim/res-0003", "--format", "json"
        ).output
    )
    binding = document["results"]["bindings"][0]
    assert binding["first_author"]["value"] == "Coates JT"


def test_query_table_shows_curies(invoke):
    result = invoke("query", "external-id-mappings", "-p", "xref=DOID:0060081", "--format", "table")
    assert result.exit_code == 0, result.output
    assert "MONDO:0005494" in result.output and "1 row" in result.output


def test_query_output_piped_is_plain_tab_separated_text(invoke):
    result = invoke("query", "external-id-mappings", "-p", "xref=DOID:0060081")
    assert result.exit_code == 0, result.output
    header, *rows = result.output.splitlines()
    assert "\t" in header and "┃" not in result.output and "|" not in header
    assert any(row.split("\t")[:2] == ["DOID:0060081", "MONDO:0005494"] for row in rows)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "cross-resistance-candidate"], "did you mean: cross-resistance-candidates"),
        (["query", "adcs-by-target"], "needs parameter 'target'"),
        (["query", "adcs-by-target", "-p", "targt=HER2"], "did you mean: target"),
        (["query", "adcs-by-target", "-p", "HER2"], "expected -p NAME=VALUE"),
        (
            ["query", "adcs-by-linker-type", "-p", "linker_type=cleavabel"],
            "must be one of cleavable, non-cleavable",
        ),
        (
            ["query", "cross-resistance-candidates", "-p", "adc=sacitzmab govtcan"],
            "did you mean: sacituzumab govitecan",
        ),
        (
            ["query", "cross-resistance-candidates", "-p", "adc=MONDO:0005494"],
            "is not an antibody-drug conjugate",
        ),
        (["query", "external-id-mappings", "-p", "xref=FOO:1"], "expects a CURIE"),
        (["query", "external-id-mappings", "-p", "xref=not an id"], "expects a CURIE"),
        (["queries", "no-such-query"], "unknown query 'no-such-query'"),
    ],
)
def test_bad_input_exits_1_with_a_clear_message_and_no_traceback(invoke, args, message):
    result = invoke(*args) if args[0] == "query" else CliRunner().invoke(cli, args)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert result.output.startswith("Error: ")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["queries", "query", "serve"])
def test_every_command_help_has_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_a_string_parameter_matches_the_graph_value_whatever_its_case_or_plural(invoke):
    exact = invoke(
        "query", "adc-combinations-by-drug-class", "-p", "adc=SG", "-p", "drug_class=PARP inhibitor"
    )
    loose = invoke(
        "query",
        "adc-combinations-by-drug-class",
        "-p",
        "adc=SG",
        "-p",
        "drug_class=parp Inhibitors",
    )
    assert exact.exit_code == 0 and loose.exit_code == 0, loose.output
    assert "olaparib" in exact.output and loose.output == exact.output


def test_an_unknown_string_value_is_refused_with_the_values_the_graph_has(invoke):
    result = invoke(
        "query", "adc-combinations-by-drug-class", "-p", "adc=SG", "-p", "drug_class=PARB inhibitor"
    )
    assert result.exit_code == 1
    assert "parameter 'drug_class'" in result.output
    assert "did you mean: PARP inhibitor" in result.output and "ATR inhibitor" in result.output
