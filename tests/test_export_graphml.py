"""GraphML export read by two independent readers (networkx and igraph), with unique edge
ids, NMTOKEN node ids and typed attributes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from click.testing import CliRunner

from adcgraph.cli import cli

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}


@pytest.fixture(scope="module")
def graphml(built, tmp_path_factory):
    output = tmp_path_factory.mktemp("graphml") / "adcgraph.graphml"
    result = CliRunner().invoke(
        cli, ["export", "--format", "graphml", "-o", str(output), "--store", str(built.paths.store)]
    )
    assert result.exit_code == 0, result.output
    return output


def test_edge_ids_are_unique_and_node_ids_are_nmtokens(graphml):
    root = ET.parse(graphml).getroot()
    edge_ids = [e.get("id") for e in root.iter(f"{{{NS['g']}}}edge")]
    node_ids = [n.get("id") for n in root.iter(f"{{{NS['g']}}}node")]
    assert len(edge_ids) > 300
    assert len(edge_ids) - len(set(edge_ids)) == 0  # duplicate edge ids
    assert len(set(node_ids)) == len(node_ids)
    assert all(re.fullmatch(r"[A-Za-z0-9._:\-]+", node) for node in node_ids)
    types = {k.get("attr.name"): k.get("attr.type") for k in root.iter(f"{{{NS['g']}}}key")}
    assert types["claim_count"] == "int" and types["verified"] == "boolean"


def test_networkx_and_igraph_read_the_same_graph(graphml):
    igraph = pytest.importorskip("igraph")
    with_networkx = nx.read_graphml(graphml)
    with_igraph = igraph.Graph.Read_GraphML(str(graphml))
    assert with_igraph.is_directed()
    assert with_igraph.vcount() == with_networkx.number_of_nodes()
    assert with_igraph.ecount() == with_networkx.number_of_edges()
    sg = with_networkx.nodes["DRUGBANK:DB12893"]
    assert (sg["label"], sg["type"], sg["category"]) == (
        "sacituzumab govitecan", "ADC", "biolink:Drug",
    )  # fmt: skip
    vertex = with_igraph.vs.find(id="DRUGBANK:DB12893")
    assert vertex["iri"] == "http://identifiers.org/drugbank/DB12893"
    counts = [c for c in with_igraph.es["claim_count"] if c]
    assert counts and all(isinstance(c, float | int) for c in counts)
    assert sum(with_igraph.es["verified"]) > 0
