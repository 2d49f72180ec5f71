"""KGX export checked by the real ``kgx`` tool (offline, against the installed Biolink Model):
``kgx validate`` reports nothing, and ``kgx transform`` to N-Triples keeps every id."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from adcgraph.export.kgx import write_kgx
from adcgraph.graphdata import read_graph_data

RUNNER = Path(__file__).with_name("kgx_offline.py")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="module")
def kgx_run(built, tmp_path_factory):
    """The export of the real graph, validated and transformed by kgx in one process."""
    pytest.importorskip("kgx")
    pytest.importorskip("biolink_model")
    pytest.importorskip("prefixmaps")
    directory = tmp_path_factory.mktemp("kgx")
    data = read_graph_data(built.paths.store, scope="export", use_cache=False)
    nodes, edges = write_kgx(data, built.backend, directory / "adcgraph")
    context = directory / "adcgraph_context.jsonld"
    triples = directory / "adcgraph.nt"
    inputs = [str(nodes), str(edges)]
    command = [
        sys.executable, str(RUNNER), "--context", str(context),
        "validate", "-i", "tsv", *inputs,
        "--then", "transform", "-i", "tsv", "-f", "nt", "-o", str(triples), *inputs,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    return {
        "nodes": _rows(nodes),
        "edges": _rows(edges),
        "context": json.loads(context.read_text(encoding="utf-8"))["@context"],
        "triples": triples,
        "output": done.stdout + done.stderr,
        "report": done.stderr,
        "returncode": done.returncode,
    }


def test_kgx_validate_finds_no_error(kgx_run):
    output = kgx_run["output"]
    assert "kgx-exit validate 0" in output, output[-3000:]
    report = kgx_run["report"]  # kgx writes its error report, a JSON object, to stderr
    assert json.loads(report[report.index("{") : report.rindex("}") + 1]) == {}, report[-3000:]
    assert kgx_run["returncode"] == 0


def test_transform_to_ntriples_keeps_every_id_resolvable(kgx_run):
    assert "kgx-exit transform 0" in kgx_run["output"]
    text = kgx_run["triples"].read_text(encoding="utf-8")
    assert "example.org" not in text and "UNKNOWN" not in text
    subjects = {t.subject.value for t in ox.parse(text.encode(), format=ox.RdfFormat.N_TRIPLES)}
    context = kgx_run["context"]
    for row in kgx_run["nodes"]:
        prefix, local = row["id"].split(":", 1)
        assert context[prefix] + local == row["iri"], row["id"]
        assert row["iri"] in subjects, row["id"]


def test_nodes_have_biolink_categories_and_the_project_class_beside_them(kgx_run):
    nodes = kgx_run["nodes"]
    assert len(nodes) > 300
    assert all(re.fullmatch(r"biolink:[A-Z]\w+", row["category"]) for row in nodes)
    assert all(row["rdf:type"].startswith("adco:") for row in nodes)
    by_class = {}
    for row in nodes:
        for project_class in row["rdf:type"].split("|"):
            by_class.setdefault(project_class, set()).add(row["category"])
    assert by_class["adco:ADC"] == {"biolink:Drug"}
    assert by_class["adco:ResistanceMechanism"] == {"biolink:BiologicalProcess"}
    assert by_class["adco:Strategy"] == {"biolink:Treatment"}
    assert "biolink:NamedThing" not in {row["category"] for row in nodes}
    assert sum(bool(row["synonym"]) for row in nodes) > 50
    assert sum(bool(row["xref"]) for row in nodes) > 30
    sg = next(row for row in nodes if row["name"] == "sacituzumab govitecan")
    assert "Trodelvy" in sg["synonym"].split("|")


def test_edges_carry_biolink_predicates_provenance_and_unique_ids(kgx_run):
    edges = kgx_run["edges"]
    assert len({row["id"] for row in edges}) == len(edges)
    assert all(row["predicate"].startswith("biolink:") for row in edges)
    assert all(row["original_predicate"].startswith("adco:") for row in edges)
    for column in ("knowledge_level", "agent_type", "primary_knowledge_source"):
        assert all(row[column] for row in edges), column
    claims = [row for row in edges if row["original_predicate"] == "adco:confersResistanceTo"]
    assert claims and all(row["publications"] and row["has_evidence"] for row in claims)
    assert {e for row in claims for e in row["has_evidence"].split("|")} <= {
        "ECO:0000180", "ECO:0000178", "ECO:0000181", "ECO:0000033", "ECO:0000305",
    }  # fmt: skip
    inhibits = [row for row in edges if row["original_predicate"] == "adco:inhibits"]
    assert inhibits and {row["object_direction_qualifier"] for row in inhibits} == {"decreased"}
    assert {row["predicate"] for row in edges if row["original_predicate"] == "adco:hasTarget"} == {
        "biolink:directly_physically_interacts_with"
    }
