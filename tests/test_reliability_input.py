"""Bad input is refused with file, line, column and what was expected (issue 13, 17)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from adcgraph.cli import cli
from adcgraph.curated.curation import read_sources, sort_table_file
from adcgraph.curated.ontology import controlled_values
from adcgraph.errors import AdcGraphError, InputFileError, QueryError
from adcgraph.importers import ImportOptions, run_import
from adcgraph.querying.queries import bind_parameters, load_query

SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x00", "\x1e", "\x7f"]


def _put_in_cell(path: Path, text: str) -> str:
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[2].split("\t")
    cells[2] = cells[2][:5] + text + cells[2][5:]
    lines[2] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("character", SEPARATORS, ids=lambda c: f"U+{ord(c):04X}")
def test_reader_and_fix_order_agree_on_lines_and_refuse_separators_in_cells(
    sources_copy, character
):
    # Before: lint and build accepted the cell, and --fix-order split the row in two.
    genes = sources_copy / "genes.tsv"
    before = _put_in_cell(genes, character)
    with pytest.raises(InputFileError) as raised:
        read_sources(sources_copy, controlled_values())
    assert f"genes.tsv:3 column 'name': character U+{ord(character):04X}" in str(raised.value)
    with pytest.raises(InputFileError, match=r"genes.tsv:line 3 column 3: character"):
        sort_table_file(genes)
    assert genes.read_text(encoding="utf-8") == before


def test_fix_order_sorts_by_id_and_keeps_cells_whole(sources_copy):
    genes = sources_copy / "genes.tsv"
    lines = genes.read_text(encoding="utf-8").splitlines()
    genes.write_text("\n".join([lines[0], lines[2], lines[1], *lines[3:]]) + "\n")
    assert sort_table_file(genes) is True
    assert genes.read_text(encoding="utf-8").splitlines() == [lines[0], *sorted(lines[1:])]
    assert sort_table_file(genes) is False


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "file is empty"),
        (b"id\tsymbol\xff\n", "line 1: not UTF-8 (byte 0xff at byte 10"),
    ],
)
def test_fix_order_on_an_empty_or_undecodable_file_is_a_clear_error(tmp_path, content, expected):
    path = tmp_path / "genes.tsv"
    path.write_bytes(content)
    with pytest.raises(InputFileError, match=re.escape(expected)):
        sort_table_file(path)
    assert path.read_bytes() == content


def test_an_overlong_cell_and_non_utf8_bytes_name_file_line_and_column(sources_copy):
    # Before: csv's 131072-character field limit and the UTF-8 codec raised tracebacks.
    genes = sources_copy / "genes.tsv"
    _put_in_cell(genes, "x" * 131_073)
    data = (sources_copy / "diseases.tsv").read_bytes().split(b"\n")
    data[3] = data[3][:4] + b"\xe9" + data[3][4:]
    (sources_copy / "diseases.tsv").write_bytes(b"\n".join(data))
    with pytest.raises(InputFileError) as raised:
        read_sources(sources_copy, controlled_values())
    message = str(raised.value)
    assert "genes.tsv:3 column 'name': cell is 131" in message and "at most 2000" in message
    assert "diseases.tsv:4: not UTF-8 (byte 0xe9 at byte 5 of the line)" in message


def test_a_table_that_is_a_directory_is_a_clear_error(sources_copy):
    (sources_copy / "genes.tsv").unlink()
    (sources_copy / "genes.tsv").mkdir()
    with pytest.raises(
        InputFileError, match=re.escape("genes.tsv: is a directory, expected a TSV file")
    ):
        read_sources(sources_copy, controlled_values())


@pytest.fixture
def store_copy(built, tmp_path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    return target


KGX_NODES = "id\tcategory\tname\nHGNC:3430\tbiolink:Gene\tERBB2\n"
KGX_EDGES = "subject\tpredicate\tobject\nHGNC:3430\tbiolink:interacts_with\tHGNC:3430\n"


@pytest.mark.parametrize(
    ("nodes", "edges", "expected"),
    [
        ("", KGX_EDGES, r"x_nodes.tsv: no nodes records \(the file is empty"),
        (KGX_NODES, "subject\tpredicate\tobject\n", "x_edges.tsv: no edges records"),
        (KGX_NODES + "HGNC:1\tbiolink:Gene\tA\textra\n", KGX_EDGES, "x_nodes.tsv:3: 4 tab-sep"),
        (KGX_NODES, "subject\tobject\nHGNC:3430\tHGNC:3430\n", "header has no 'predicate' col"),
        (KGX_NODES.replace("ERBB2", "ERBB\xff"), KGX_EDGES, "x_nodes.tsv:2: not UTF-8"),
    ],
    ids=["empty-nodes", "header-only-edges", "extra-field", "missing-column", "not-utf8"],
)
def test_malformed_kgx_is_refused_with_file_and_line(store_copy, tmp_path, nodes, edges, expected):
    node_file, edge_file = tmp_path / "x_nodes.tsv", tmp_path / "x_edges.tsv"
    node_file.write_bytes(nodes.encode("utf-8", "surrogateescape").replace(b"\xc3\xbf", b"\xff"))
    edge_file.write_text(edges, encoding="utf-8")
    with pytest.raises(InputFileError, match=expected):
        run_import("kgx", [node_file, edge_file], store_copy, ImportOptions())


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        (["combos", "T-DM1", "TNBC", "--top", "0"], "'--top': 0 is not in the range x>=1"),
        (["combos", "T-DM1", "TNBC", "--permutations", "0"], "'--permutations': 0 is not"),
        (["combos", "T-DM1", "TNBC", "--permutations", "100000"], "1<=x<=1000"),
        (["cross-resistance", "T-DM1", "--top", "-3"], "'--top': -3 is not in the range"),
        (["paths", "T-DM1", "olaparib", "-k", "0"], "0 is not in the range x>=1"),
        (["paths", "T-DM1", "olaparib", "--max-length", "0"], "'--max-length': 0 is not"),
        (["paths", "T-DM1", "olaparib", "--time-limit", "nan"], "finite number of seconds"),
        (["paths", "T-DM1", "olaparib", "--time-limit", "-1"], "finite number of seconds"),
        (["paths", "T-DM1", "olaparib", "--node-type", "Foo"], "expected one of: ADC, Antibody"),
        (
            ["paths", "T-DM1", "olaparib", "--predicate", "fooBar"],
            "one of: activates, addresses, approved",
        ),
    ],
)
def test_invalid_numeric_and_enumerated_options_are_rejected_with_the_valid_values(
    arguments, expected
):
    # Before: accepted, then "no path found" or a silent empty ranking.
    result = invoke(*arguments)
    assert result.exit_code == 2
    assert expected in result.output


def test_option_values_match_whatever_their_case(built):
    result = invoke(
        "paths", "T-DM1", "tucatinib", "--node-type", "gene", "--node-type", "drug",
        "--predicate", "HASTARGET", "--predicate", "inhibits", "--store", str(built.paths.store),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "ERBB2" in result.output


def test_query_enums_match_any_case_and_errors_name_the_parameter(built):
    query = load_query("adcs-by-linker-type")
    assert bind_parameters(None, query, {"linker_type": "Non-Cleavable"})["linker_type"].value
    with pytest.raises(QueryError, match="'linker_type' must be one of cleavable, non-cleavable"):
        bind_parameters(None, query, {"linker_type": "sticky"})
    targets = load_query("adcs-by-target")
    with pytest.raises(QueryError, match="parameter 'target'"):
        bind_parameters(built.backend, targets, {"target": "http://exa mple.org/x"})


def _set_cell(path: Path, row_id: str, column: str, value: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split("\t")
    for number, line in enumerate(lines):
        cells = line.split("\t")
        if cells[0] == row_id:
            cells[header.index(column)] = value
            lines[number] = "\t".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("diseases.tsv", "MONDO:0000430", "parents", "MONDO:0000430", "cycle: MONDO:0000430"),
        (
            "payload_classes.tsv",
            "adcgraph:payload-class/microtubule-inhibitor",
            "parent",
            "adcgraph:payload-class/auristatin",
            "cycle: adcgraph:payload-class/",
        ),
        ("adcs.tsv", "DRUGBANK:DB05773", "dar", "inf", "expected a decimal number"),
        ("adcs.tsv", "DRUGBANK:DB05773", "dar", "nan", "expected a decimal number"),
        ("adcs.tsv", "DRUGBANK:DB05773", "citations", "DOI:10.1038/s41467 018", "contains a space"),
    ],
    ids=["self-parent", "payload-class-cycle", "dar-inf", "dar-nan", "doi-space"],
)
def test_silently_accepted_curation_values_are_refused(
    sources_copy, table, row, column, value, expected
):
    # Before: accepted by lint; the DOI crashed build, dar=inf became an ill-typed literal.
    _set_cell(sources_copy / table, row, column, value)
    with pytest.raises(InputFileError, match=re.escape(expected)):
        read_sources(sources_copy, controlled_values())


def test_an_sssom_predicate_outside_the_sssom_vocabulary_is_refused(store_copy, tmp_path):
    path = tmp_path / "x.sssom.tsv"
    path.write_text(
        "subject_id\tpredicate_id\tobject_id\tmapping_justification\n"
        "MONDO:0005494\tskos:sameMatch\tDOID:0060081\tsemapv:ManualMappingCuration\n",
        encoding="utf-8",
    )
    with pytest.raises(AdcGraphError, match="'skos:sameMatch' is not an SSSOM mapping predicate"):
        run_import("sssom", [path], store_copy, ImportOptions())


def test_an_import_line_over_the_parsers_limit_is_a_clear_error(store_copy, tmp_path):
    # Before: "MemoryError: Reached the buffer maximal size" as a traceback.
    data = tmp_path / "long.nt"
    literal = "x" * (17 * 2**20)
    data.write_text(f'<https://example.org/s> <https://example.org/p> "{literal}" .\n')
    with pytest.raises(InputFileError, match="longer than the RDF parser accepts"):
        run_import("ntriples", [data], store_copy, ImportOptions())
