"""Path analysis over ``--endpoint``: what is read, how much and how long (issue 16).

    python bench/endpoint_paths.py --triples 200000     # prints one JSON object

Builds the curated store, imports a generated hetnet (bench/generate_hetnet.py), serves the
store with the bare Oxigraph server (``oxigraph serve-read-only``) and reads the records path
analysis needs (node types, the edges of the scored predicates, evidence, labels, disease
parents) through the endpoint, beside the same read from the embedded store in the same run
(the baseline, ``use_cache=False``). The edge rows' size in SPARQL JSON results is measured
with the edge query itself. The 50M-edge figures are linear estimates from the measured
rates, not measurements.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

import generate_hetnet as gen

from adcgraph.combos import scored_predicates
from adcgraph.curated.build import BuildPaths, build
from adcgraph.graphdata import read_graph_data
from adcgraph.querying import server
from adcgraph.storage import generations
from adcgraph.vocab import ONTOLOGY

LARGE_EDGES = 50_000_000
EDGE_ROWS = """SELECT ?graph ?s ?p ?o WHERE {{
  VALUES ?p {{ <{predicate}> }} GRAPH ?graph {{ ?s ?p ?o }} FILTER(isIRI(?o)) }}"""


def _post(url: str, query: str) -> bytes:
    body = urllib.parse.urlencode({"query": query}).encode()
    headers = {"Accept": "application/sparql-results+json"}
    with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=600) as r:
        return r.read()


def _serve(store: Path, port: int) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).with_name("oxigraph")
    command = [
        str(executable if executable.exists() else shutil.which("oxigraph")),
        "serve-read-only", "--location", str(generations.current_directory(store)),
        "--bind", f"127.0.0.1:{port}", "--union-default-graph",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            _post(f"http://127.0.0.1:{port}/query", "ASK {}")
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("the Oxigraph server did not start") from None
            time.sleep(0.2)


def measure(triples: int) -> dict[str, object]:
    """Read the path-analysis records through the endpoint and from the embedded store."""
    work = Path(tempfile.mkdtemp(prefix="adcgraph-bench-endpoint-paths-"))
    try:
        store = work / "store"
        paths = BuildPaths(
            store=store,
            release=work / "adcgraph.ttl",
            inferred_release=work / "adcgraph-inferred.ttl",
        )
        build(paths)
        hetnet = work / "hetnet.nt"
        gen.write_hetnet(hetnet, triples, seed=0, fmt="nt")
        adcgraph = str(Path(sys.executable).with_name("adcgraph"))
        subprocess.run(
            [adcgraph, "import", str(hetnet), "--format", "ntriples", "--store", str(store)],
            check=True,
            capture_output=True,
        )
        predicates = scored_predicates()
        start = time.perf_counter()
        embedded = read_graph_data(store, scope="all", predicates=predicates, use_cache=False)
        embedded_s = time.perf_counter() - start
        port = server.free_port()
        process = _serve(store, port)
        try:
            url = f"http://127.0.0.1:{port}/query"
            start = time.perf_counter()
            remote = read_graph_data(url, scope="all", predicates=predicates)
            endpoint_s = time.perf_counter() - start
            edge_bytes = edge_rows = 0
            for predicate in sorted(predicates):
                body = _post(url, EDGE_ROWS.format(predicate=ONTOLOGY + predicate))
                answer = json.loads(body)
                edge_bytes += len(body)
                edge_rows += len(answer["results"]["bindings"])
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    edges = len(remote.edges)
    return {
        "triples_imported": triples,
        "scored_predicates": len(predicates),
        "nodes_read": len(remote.node_types),
        "edges_read": edges,
        "same_edges": remote.edges == embedded.edges,
        "embedded_read_s": embedded_s,
        "endpoint_read_s": endpoint_s,
        "endpoint_edges_per_s": edges / endpoint_s,
        "embedded_edges_per_s": edges / embedded_s,
        "edge_rows": edge_rows,
        "edge_row_bytes": edge_bytes / max(edge_rows, 1),
        "estimate_50m_edges_endpoint_s": LARGE_EDGES / (edges / endpoint_s),
        "estimate_50m_edges_gb": LARGE_EDGES * edge_bytes / max(edge_rows, 1) / 1e9,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=200_000)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.triples)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
