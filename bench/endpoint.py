"""Endpoint hardening figures (issue 13), each beside a baseline measured in the same run.

    python bench/endpoint.py            # ~2 min
    python bench/endpoint.py --quick    # ~40 s

* probe latency (``ASK {}``, p50/p99) idle and while 4 clients send expensive queries, for
  `adcgraph serve` and, as the baseline, the bare Oxigraph server on the same store;
* how long the expensive queries took server-side against the time limit, and whether a
  core kept burning after they were stopped;
* a battery of hostile single requests (deep nesting, UNION storms, huge bodies, bad
  headers, SERVICE): the server must stay up after each (0 crashes);
* outbound requests: a loopback listener that SERVICE and LOAD queries point at (must stay 0).

Every request goes to 127.0.0.1; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from adcgraph.curated.build import BuildPaths, build
from adcgraph.querying import server
from adcgraph.storage import generations

EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
FILTERED = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(STR(?c) = 'x') }"
TIMEOUT_S = 5


def post(port: int, query: str, timeout: float = 60.0, headers: dict[str, str] | None = None):
    """POST a query; (status, seconds). Status 0 when the connection failed."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        body = urllib.parse.urlencode({"query": query})
        connection.request(
            "POST",
            "/query",
            body=body,
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})},
        )
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except (OSError, http.client.HTTPException):
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def probe(port: int, count: int, spacing: float = 0.02) -> dict[str, float]:
    seconds, failures = [], 0
    for _ in range(count):
        status, elapsed = post(port, "ASK {}", timeout=30)
        seconds.append(elapsed)
        failures += status != 200
        time.sleep(spacing)
    return {
        "p50_ms": 1000 * statistics.median(seconds),
        "p99_ms": 1000 * percentile(seconds, 0.99),
        "failed": failures,
    }


def under_load(port: int, probes: int, clients: int = 4) -> dict[str, object]:
    stop = threading.Event()
    durations: list[tuple[int, float]] = []

    def expensive() -> None:
        while not stop.is_set():
            durations.append(post(port, EXPENSIVE if len(durations) % 2 else FILTERED, 120))

    threads = [threading.Thread(target=expensive, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    figures: dict[str, object] = dict(probe(port, probes))
    stop.set()
    for thread in threads:
        thread.join(150)
    finished = [seconds for status, seconds in durations]
    figures["expensive_queries"] = len(durations)
    figures["expensive_statuses"] = sorted({status for status, _ in durations})
    figures["expensive_max_s"] = max(finished) if finished else None
    return figures


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return ticks


def process_tree(pid: int) -> list[int]:
    found = [pid]
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    for child in children.stdout.split():
        found += process_tree(int(child))
    return found


def burn_after(pid: int) -> float:
    """CPU seconds the server's processes use in the 2 s after the load stopped."""
    time.sleep(0.5)  # replacements of killed workers start
    pids = process_tree(pid)
    before = cpu_ticks(pids)
    time.sleep(2.0)
    after = cpu_ticks(pids)
    used = sum(after[p] - before[p] for p in after if p in before)
    return used / os.sysconf("SC_CLK_TCK")


def hostile_requests(port: int, listener_port: int) -> list[tuple[str, int, bool]]:
    """(request, status, server still answers) for each hostile single request."""
    queries = {
        "5000 nested groups": "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "10000 UNION branches": "SELECT * {" + "UNION".join(["{?s ?p ?o}"] * 10000) + "}",
        "5000 nested parentheses": "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}",
        "cartesian SELECT *": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "SERVICE to loopback": f"SELECT * {{ SERVICE <http://127.0.0.1:{listener_port}/> "
        "{ ?s ?p ?o } }",
        "LOAD from loopback": f"LOAD <http://127.0.0.1:{listener_port}/x.nt>",
        "garbage": "\x01\x02 }}} (((",
    }
    rows = []
    for name, query in queries.items():
        status, _ = post(port, query, timeout=60)
        rows.append((name, status, post(port, "ASK {}", 30)[0] == 200))
    raw = {
        "wrong Host header": b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: evil.example\r\n\r\n",
        "huge Content-Length": b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Length: 99999999999\r\n\r\n",
        "non-UTF-8 body": b"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
        b"application/sparql-query\r\nContent-Length: 4\r\n\r\n\xff\xfe\xfd\xfc",
        "not HTTP": b"\x00\x01\x02\x03garbage\r\n\r\n",
    }
    for name, data in raw.items():
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(data)
            try:
                answer = connection.recv(64)
                status = int(answer.split()[1]) if answer.startswith(b"HTTP/") else 0
            except (OSError, ValueError, IndexError):
                status = 0
        rows.append((name, status, post(port, "ASK {}", 30)[0] == 200))
    return rows


def bare_oxigraph(store: Path, port: int) -> subprocess.Popen[bytes]:
    executable = Path(sys.executable).with_name("oxigraph")
    command = [
        str(executable if executable.exists() else shutil.which("oxigraph")),
        "serve-read-only", "--location", str(generations.current_directory(store)),
        "--bind", f"127.0.0.1:{port}",
        "--union-default-graph", "--timeout-s", str(TIMEOUT_S),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while post(port, "ASK {}", 2)[0] != 200:
        if time.monotonic() > deadline or process.poll() is not None:
            raise SystemExit("the bare Oxigraph server did not start")
        time.sleep(0.2)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    probes = 100 if options.quick else 300
    work = Path(tempfile.mkdtemp(prefix="adcgraph-bench-endpoint-"))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    outbound = []

    def count_outbound() -> None:
        while listener.fileno() != -1:
            try:
                outbound.append(listener.accept()[0])
            except OSError:
                continue

    threading.Thread(target=count_outbound, daemon=True).start()
    try:
        store = work / "store"
        build(BuildPaths(store=store, release=None, inferred_release=None), run_reasoner=False)
        figures: dict[str, dict[str, object]] = {}
        port = server.free_port()
        bare = bare_oxigraph(store, port)
        try:
            figures["oxigraph idle"] = dict(probe(port, probes))
            figures["oxigraph 4 clients"] = under_load(port, probes)
            figures["oxigraph 4 clients"]["cpu_s_after"] = burn_after(bare.pid)
        finally:
            bare.kill()
            bare.wait()
        settings = server.ServerSettings(store, port=server.free_port(), timeout_s=TIMEOUT_S)
        running = server.start_server(settings)
        try:
            port = settings.port
            figures["adcgraph idle"] = dict(probe(port, probes))
            figures["adcgraph 4 clients"] = under_load(port, probes)
            figures["adcgraph 4 clients"]["cpu_s_after"] = burn_after(running.pid)
            hostile = hostile_requests(port, listener.getsockname()[1])
            alive = running.process.poll() is None
        finally:
            server.stop_server(running)
    finally:
        listener.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"adcgraph endpoint figures (time limit {TIMEOUT_S} s; {os.cpu_count()} cores)\n")
    print(f"{'server, load':<22}{'p50 ms':>8}{'p99 ms':>8}{'failed':>7}{'slow max s':>11}"
          f"{'CPU s after':>12}  statuses")  # fmt: skip
    for name, row in figures.items():
        longest = row.get("expensive_max_s")
        after = row.get("cpu_s_after")
        print(
            f"{name:<22}{row['p50_ms']:>8.1f}{row['p99_ms']:>8.1f}{row['failed']:>7}"
            f"{'' if longest is None else f'{longest:.1f}':>11}"
            f"{'' if after is None else f'{after:.1f}':>12}  {row.get('expensive_statuses', '')}"
        )
    print("\nhostile single requests to adcgraph serve (status, still answering):")
    for name, status, answering in hostile:
        print(f"  {name:<26} {status:>4}  {'up' if answering else 'DOWN'}")
    crashes = sum(1 for _, _, answering in hostile if not answering) + (not alive)
    print(f"\ncrashes from single requests: {crashes}; outbound connections: {len(outbound)}")


if __name__ == "__main__":
    main()
