"""Path analysis over ``--endpoint``: the bare Oxigraph server in front of a store holding the
curated graph and an imported generated hetnet scores exactly as the embedded store does."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from adcgraph import hetmat, vocab
from adcgraph.cli import cli
from adcgraph.combos import DAMPING, PARTNER_METAPATHS, SWITCH_METAPATHS, make_scorer
from adcgraph.querying import server
from adcgraph.storage import generations
from adcgraph.storage.locations import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "bench"))
import generate_hetnet as gen

HETNET_TRIPLES = 5000
SACITUZUMAB_GOVITECAN = vocab.expand("DRUGBANK:DB12893")


def _answers(url: str) -> bool:
    body = urllib.parse.urlencode({"query": "ASK {}"}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def served(built, tmp_path_factory) -> Iterator[tuple[Path, str]]:
    executable = Path(sys.executable).with_name("oxigraph")
    found = str(executable) if executable.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the Oxigraph server is not installed (pip install oxigraph)")
    work = tmp_path_factory.mktemp("endpoint-paths")
    store_path = work / "store"
    shutil.copytree(built.paths.store, store_path)
    hetnet = work / "hetnet.nt"
    gen.write_hetnet(hetnet, HETNET_TRIPLES, seed=3, fmt="nt")
    imported = CliRunner().invoke(
        cli, ["import", str(hetnet), "--format", "ntriples", "--store", str(store_path)]
    )
    assert imported.exit_code == 0, imported.output
    port = server.free_port()
    command = [
        found, "serve-read-only", "--location", str(generations.current_directory(store_path)),
        "--bind", f"127.0.0.1:{port}", "--union-default-graph",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/query"
    deadline = time.monotonic() + 60
    while not _answers(url):
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            pytest.fail("the Oxigraph server did not start")
        time.sleep(0.2)
    yield store_path, url
    process.terminate()
    process.wait(timeout=30)


def _edges(graph: hetmat.HetMat) -> dict[tuple[str, str, str], float]:
    found = {}
    for metaedge, matrix in graph.adjacency.items():
        entries = matrix.tocoo()
        sources = graph.node_ids[metaedge.source_type]
        targets = graph.node_ids[metaedge.target_type]
        for i, j, weight in zip(entries.row, entries.col, entries.data, strict=True):
            found[(sources[i], metaedge.predicate, targets[j])] = float(weight)
    return found


def test_endpoint_reads_the_same_weighted_graph_and_scores(served):
    store_path, url = served
    # No disease: the roll-up along MONDO reads the store's disease index, which an
    # endpoint does not have, so disease-specific weights may differ there by design.
    local = make_scorer(store_path, None, n_permutations=0).graph
    remote = make_scorer(url, None, n_permutations=0).graph

    synthetic_adcs = [a for a in local.node_ids["ADC"] if a.startswith(gen.SYNTHETIC)]
    assert synthetic_adcs, "the imported hetnet should add ADCs"
    assert {t: sorted(ids) for t, ids in remote.node_ids.items()} == {
        t: sorted(ids) for t, ids in local.node_ids.items()
    }
    local_edges, remote_edges = _edges(local), _edges(remote)
    assert remote_edges.keys() == local_edges.keys()
    differing = {
        edge: (remote_edges[edge], weight)
        for edge, weight in local_edges.items()
        if not np.isclose(remote_edges[edge], weight, rtol=1e-12, atol=0)
    }
    assert not differing, f"weights over the endpoint vs in the store: {differing}"
    assert sum(1 for s, _, _ in local_edges if s.startswith(gen.SYNTHETIC)) > 100

    scored = 0
    for named in (*PARTNER_METAPATHS, *SWITCH_METAPATHS):
        path = hetmat.parse_metapath(named.path)
        if path.source_type != "ADC" or not all(
            hetmat.Metaedge(*s.metaedge) in local.adjacency for s in path.steps
        ):
            continue
        targets = local.node_ids[path.target_type]
        remote_order = [remote.index_of(path.target_type, t) for t in targets]
        for adc in (SACITUZUMAB_GOVITECAN, *synthetic_adcs[:3]):
            expected = hetmat.dwpc_row(local, path, adc, DAMPING)
            observed = hetmat.dwpc_row(remote, path, adc, DAMPING)[remote_order]
            assert np.allclose(observed, expected, rtol=1e-12, atol=0), (named.name, adc)
            scored += int(expected.any())
    assert scored > 10
