"""A generated corpus of malformed (and a few valid) inputs for every format adcgraph reads.

Each :class:`Case` writes its files into a work directory and names the command that reads
them. :func:`run_case` runs it in a child process and classifies what happened:

* ``clear``: exit 1 or 2 with an ``Error:`` line naming what was wrong, no traceback;
* ``accepted``: exit 0; right for a valid input, a *silent acceptance* for an invalid one;
* ``traceback``: a Python traceback; ``crash``: killed by a signal; ``hang``: over the limit;
* ``loss``: a failed import changed the store.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fault.crashes import REPO, environment, state

SOURCES = REPO / "graph" / "sources"
SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x00", "\x1b", "\x7f", "\ufeff"]
_LINT = (
    "import sys; from pathlib import Path; from adcgraph.errors import AdcGraphError; "
    "from adcgraph.curated.curation import TABLES, read_sources, sort_table_file; "
    "from adcgraph.curated.ontology import controlled_values; d = Path(sys.argv[1])\n"
    "try:\n"
    "    [sort_table_file(p) for t in TABLES.values() for p in t.files(d) if p.exists()]\n"
    "    read_sources(d, controlled_values())\n"
    "except AdcGraphError as e:\n"
    "    print('Error:', e.message); sys.exit(1)\n"
)


@dataclass(frozen=True)
class Case:
    """One input: how to write it, the command that reads it, whether it is valid."""

    family: str
    name: str
    write: Callable[[Path], list[str]]  # writes files, returns the command's arguments
    valid: bool = False
    imports: bool = False  # the command imports into the store (check for losses)


@dataclass(frozen=True)
class Result:
    case: Case
    verdict: str
    detail: str


def _cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "adcgraph.cli", *arguments]


# ---------------------------------------------------------------- curated TSV


def _sources_with(edit: Callable[[Path], None]) -> Callable[[Path], list[str]]:
    def write(work: Path) -> list[str]:
        copy = work / "sources"
        shutil.copytree(SOURCES, copy)
        edit(copy)
        return [sys.executable, "-c", _LINT, str(copy)]

    return write


def _edit_cell(table: str, line: int, column: int, change: Callable[[str], str]):
    def edit(directory: Path) -> None:
        path = directory / table
        lines = path.read_text(encoding="utf-8").split("\n")
        cells = lines[line - 1].split("\t")
        cells[column - 1] = change(cells[column - 1])
        lines[line - 1] = "\t".join(cells)
        path.write_text("\n".join(lines), encoding="utf-8")

    return edit


def _edit_bytes(table: str, change: Callable[[bytes], bytes]):
    def edit(directory: Path) -> None:
        path = directory / table
        path.write_bytes(change(path.read_bytes()))

    return edit


def _make_directory(table: str):
    def edit(directory: Path) -> None:
        (directory / table).unlink()
        (directory / table).mkdir()

    return edit


def curated_cases() -> Iterator[Case]:
    for table in ("genes.tsv", "resistance_claims.tsv", "adcs.tsv"):
        for char in SEPARATORS:
            yield Case(
                "curated-tsv",
                f"{table} U+{ord(char):04X} in a cell",
                _sources_with(_edit_cell(table, 3, 2, lambda c, ch=char: c[:3] + ch + c[3:])),
            )
        yield Case(
            "curated-tsv",
            f"{table} non-UTF-8 byte",
            _sources_with(_edit_bytes(table, lambda b: b.replace(b"\n", b"\n\xff", 1))),
        )
        yield Case(
            "curated-tsv",
            f"{table} 200k-character cell",
            _sources_with(_edit_cell(table, 2, 2, lambda c: c + "x" * 200_000)),
        )
        yield Case(
            "curated-tsv",
            f"{table} extra field",
            _sources_with(_edit_bytes(table, lambda b: b.replace(b"\n", b"\tx\n", 2))),
        )
        yield Case(
            "curated-tsv", f"{table} empty", _sources_with(_edit_bytes(table, lambda b: b""))
        )
        yield Case(
            "curated-tsv",
            f"{table} header only",
            _sources_with(_edit_bytes(table, lambda b: b.split(b"\n")[0] + b"\n")),
            valid=table == "resistance_claims.tsv",  # the others' ids are referenced
        )
        yield Case("curated-tsv", f"{table} is a directory", _sources_with(_make_directory(table)))
        yield Case(
            "curated-tsv",
            f"{table} CRLF line ends",
            _sources_with(_edit_bytes(table, lambda b: b.replace(b"\n", b"\r\n"))),
            valid=True,
        )
        yield Case(
            "curated-tsv",
            f"{table} UTF-8 BOM",
            _sources_with(_edit_bytes(table, lambda b: b"\xef\xbb\xbf" + b)),
            valid=True,
        )
    yield Case(
        "curated-tsv",
        "adcs.tsv dar inf",
        _sources_with(_edit_cell("adcs.tsv", 3, 8, lambda c: "inf")),
    )
    yield Case(
        "curated-tsv",
        "adcs.tsv citation DOI with a space",
        _sources_with(_edit_cell("adcs.tsv", 3, 11, lambda c: "DOI:10.1038/x y")),
    )
    yield Case(
        "curated-tsv",
        "diseases.tsv self-parent",
        _sources_with(_edit_cell("diseases.tsv", 2, 8, lambda c: "MONDO:0000430")),
    )
    yield Case(
        "curated-tsv",
        "genes.tsv NUL in a label",
        _sources_with(_edit_cell("genes.tsv", 2, 3, lambda c: c + "\x00")),
    )


# ---------------------------------------------------------------- files imported into a store


def _import_file(fmt: str, name: str, content: bytes, *more: tuple[str, bytes]):
    def write(work: Path) -> list[str]:
        files = []
        for file_name, data in ((name, content), *more):
            path = work / file_name
            path.write_bytes(data)
            files.append(str(path))
        return _cli("import", *files, "--format", fmt, "--store", str(work / "store"))

    return write


NT_OK = b'<https://example.org/s> <https://example.org/p> "o" .\n'
KGX_NODES = b"id\tcategory\tname\nHGNC:3430\tbiolink:Gene\tERBB2\n"
KGX_EDGES = b"subject\tpredicate\tobject\nHGNC:3430\tbiolink:interacts_with\tHGNC:3430\n"
SSSOM_HEADER = b"subject_id\tpredicate_id\tobject_id\tmapping_justification\n"


def import_cases() -> Iterator[Case]:
    rdf = {
        "ntriples": ("x.nt", [
            (b"<https://example.org/s> <p> <o> .\n", "relative IRI"),
            (b'<https://example.org/s> <https://example.org/p> "open .\n', "open literal"),
            (b"<https://example.org/s> <https://example.org/p> \xff .\n", "non-UTF-8"),
            (bytes(range(256)) * 4, "binary"),
            (b'<https://ex.org/s> <https://ex.org/p> "' + b"x" * (30 * 2**20) + b'" .\n',
             "30 MiB single line"),
            (b"", "empty file"),
        ]),
        "nquads": ("x.nq", [
            (b"<https://example.org/s> <https://example.org/p> <https://example.org/o> "
             b"<https://w3id.org/adcgraph/graph/curated> .\n", "writes the curated graph"),
            (b"<https://example.org/s> <https://example.org/p> <https://example.org/o> <g .\n",
             "broken graph IRI"),
        ]),
        "turtle": ("x.ttl", [
            (b"foo:a foo:b foo:c .\n", "undeclared prefix"),
            (b"<https://example.org/s> <https://example.org/p> [ .\n", "unclosed blank node"),
        ]),
    }  # fmt: skip
    for fmt, (file_name, variants) in rdf.items():
        for content, label in variants:
            yield Case(
                fmt,
                label,
                _import_file(fmt, file_name, content),
                valid=label in ("30 MiB single line", "empty file"),
                imports=True,
            )
    yield Case("ntriples", "valid file", _import_file("ntriples", "ok.nt", NT_OK), True, True)
    kgx = [
        ("empty nodes file", b"", KGX_EDGES),
        ("header-only edges", KGX_NODES, b"subject\tpredicate\tobject\n"),
        ("extra field", KGX_NODES + b"HGNC:1\tbiolink:Gene\tA\textra\n", KGX_EDGES),
        ("missing column", KGX_NODES, b"subject\tobject\nHGNC:3430\tHGNC:3430\n"),
        ("non-UTF-8", KGX_NODES.replace(b"ERBB2", b"ERBB\xff"), KGX_EDGES),
        ("bad CURIE", KGX_NODES.replace(b"HGNC:3430", b"NOPE:1"), KGX_EDGES),
        ("IRI with a space", KGX_NODES.replace(b"HGNC:3430", b"http://a b"), KGX_EDGES),
    ]
    for label, nodes, edges in kgx:
        yield Case(
            "kgx", label, _import_file("kgx", "k_nodes.tsv", nodes, ("k_edges.tsv", edges)),
            imports=True,
        )  # fmt: skip
    yield Case(
        "kgx", "valid pair",
        _import_file("kgx", "k_nodes.tsv", KGX_NODES, ("k_edges.tsv", KGX_EDGES)), True, True,
    )  # fmt: skip
    sssom = [
        ("empty file", b""),
        ("missing columns", b"subject_id\tobject_id\nMONDO:0005494\tDOID:0060081\n"),
        ("predicate outside SSSOM", SSSOM_HEADER
         + b"MONDO:0005494\tskos:sameMatch\tDOID:0060081\tsemapv:ManualMappingCuration\n"),
        ("non-UTF-8", SSSOM_HEADER
         + b"MONDO:0005494\tskos:exactMatch\tDOID:\xff\tsemapv:ManualMappingCuration\n"),
        ("bad CURIE", SSSOM_HEADER
         + b"MONDO 0005494\tskos:exactMatch\tDOID:0060081\tsemapv:ManualMappingCuration\n"),
    ]  # fmt: skip
    for label, content in sssom:
        yield Case("sssom", label, _import_file("sssom", "x.sssom.tsv", content), imports=True)
    ontology = [
        ("obo", "x.obo", b"[Term]\nid: DOID:1\nname: \xff\n", "non-UTF-8"),
        ("obo", "x.obo", b"", "empty file"),
        ("obo", "x.obo", b"[Term]\nid DOID:1\n", "no colon"),
        ("owl", "x.owl", b"<rdf:RDF", "truncated XML"),
        ("owl", "x.owl", b"", "empty file"),
    ]
    for fmt, file_name, content, label in ontology:
        yield Case(fmt, label, _import_file(fmt, file_name, content), imports=True)
    civic = [
        ("empty file", b""),
        ("wrong header", b"a\tb\n1\t2\n"),
        ("non-UTF-8", b"molecular_profile\tdisease\n\xff\tx\n"),
    ]
    for label, content in civic:
        yield Case("civic", label, _import_file("civic", "civic.tsv", content), imports=True)


# ---------------------------------------------------------------- SPARQL and CLI parameters


def _command(*arguments: str, store: bool = True) -> Callable[[Path], list[str]]:
    def write(work: Path) -> list[str]:
        extra = ["--store", str(work / "store")] if store else []
        return _cli(*[a.replace("{work}", str(work)) for a in arguments], *extra)

    return write


def _file_query(content: bytes) -> Callable[[Path], list[str]]:
    def write(work: Path) -> list[str]:
        (work / "q.rq").write_bytes(content)
        query = f"@{work / 'q.rq'}"
        return _cli("sparql", query, "--timeout-s", "5", "--store", str(work / "store"))

    return write


def sparql_cases() -> Iterator[Case]:
    queries = {
        "5000 nested groups": "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "1500 UNION branches": "SELECT * { " + " UNION ".join(["{?s ?p ?o}"] * 1500) + " }",
        "5000 nested parentheses": "SELECT (" + "(" * 5000 + "1" + ")" * 5000 + " AS ?x) {}",
        "3000 operators": "SELECT (" + "+".join(["1"] * 3000) + " AS ?x) {}",
        "path of 5000 steps": "SELECT * { ?s " + "/".join(["<http://a>"] * 5000) + " ?o }",
        "cartesian COUNT": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "cartesian SELECT *": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
        "FILTERed cross join": "SELECT * { ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) = STR(?f)) }",
        "SERVICE": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "update": "DELETE WHERE { ?s ?p ?o }",
        "LOAD": "LOAD <http://127.0.0.1:9/x.nt>",
        "undeclared prefix": "SELECT * { ?s nope:p ?o }",
        "invalid REGEX": 'SELECT * { ?s ?p ?o FILTER REGEX(STR(?o), "(") }',
        "unbalanced braces": "SELECT * { ?s ?p ?o",
        "empty query": "",
        "garbage": "\x01\x02 ;;; }}} ((( SELECT",
        "150k characters": "SELECT * { ?s ?p '" + "x" * 150_000 + "' }",
    }
    for label, text in queries.items():
        if len(text) > 20_000:  # an argument that long is over the kernel's limit: a file
            yield Case("sparql", label, _file_query(text.encode("utf-8")))
        else:
            yield Case("sparql", label, _command("sparql", text, "--timeout-s", "5"))
    yield Case("sparql", "valid SELECT", _command("sparql", "SELECT * { ?s ?p ?o } LIMIT 3"), True)
    yield Case("sparql", "CONSTRUCT --format csv", _command(
        "sparql", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", "--format", "csv"))  # fmt: skip
    yield Case("sparql", "@directory", _command("sparql", "@{work}"))
    yield Case("sparql", "@file not UTF-8", _file_query(b"SELECT * { ?s ?p '\xe9' }"))
    yield Case("sparql", "@missing file", _command("sparql", "@{work}/none.rq"))
    yield Case("sparql", "endpoint notaurl", _command("sparql", "ASK {}", "--endpoint", "x"))
    yield Case("sparql", "endpoint bad IPv6", _command(
        "sparql", "ASK {}", "--endpoint", "http://[::1/q", store=False))  # fmt: skip
    yield Case("sparql", "endpoint refused", _command(
        "sparql", "ASK {}", "--endpoint", "http://127.0.0.1:9/query", store=False))  # fmt: skip


def parameter_cases() -> Iterator[Case]:
    bad = [
        ["combos", "T-DM1", "TNBC", "--top", "0"],
        ["combos", "T-DM1", "TNBC", "--permutations", "0"],
        ["combos", "T-DM1", "TNBC", "--permutations", "100000"],
        ["cross-resistance", "T-DM1", "--top", "-1"],
        ["paths", "T-DM1", "olaparib", "-k", "0"],
        ["paths", "T-DM1", "olaparib", "--max-length", "-2"],
        ["paths", "T-DM1", "olaparib", "--time-limit", "0"],
        ["paths", "T-DM1", "olaparib", "--time-limit", "nan"],
        ["paths", "T-DM1", "olaparib", "--time-limit", "inf"],
        ["paths", "T-DM1", "olaparib", "--node-type", "Foo"],
        ["paths", "T-DM1", "olaparib", "--predicate", "fooBar"],
        ["query", "adcs-by-linker-type", "-p", "linker_type=sticky"],
        ["query", "adcs-by-target", "-p", "target=http://exa mple.org/x"],
        ["query", "adcs-by-target", "-p", "nope=1"],
        ["query", "no-such-query"],
        ["combos", "olaparib", "TNBC"],
        ["resolve", ""],
    ]
    for arguments in bad:
        yield Case("cli-parameters", " ".join(arguments), _command(*arguments))
    yield Case("cli-parameters", "stats on a user directory", _user_directory_case)
    yield Case("cli-parameters", "stats on a regular file", _user_file_case)


def _user_directory_case(work: Path) -> list[str]:
    (work / "mine").mkdir()
    (work / "mine" / "keep.txt").write_text("precious")
    return _cli("stats", "--store", str(work / "mine"))


def _user_file_case(work: Path) -> list[str]:
    (work / "mine.txt").write_text("precious")
    return _cli("stats", "--store", str(work / "mine.txt"))


def all_cases() -> list[Case]:
    """Every case of the corpus."""
    return [*curated_cases(), *import_cases(), *sparql_cases(), *parameter_cases()]


# ---------------------------------------------------------------- running one case


def run_case(case: Case, seed: Path, work: Path, timeout_s: float = 120.0) -> Result:
    """Run one case in ``work`` (an empty directory) against a copy of the seed store."""
    shutil.copytree(seed, work / "store")
    command = case.write(work)
    before = state(work / "store") if case.imports else None
    try:
        completed = subprocess.run(
            command, capture_output=True, text=True, env=environment(), timeout=timeout_s,
            cwd=REPO, errors="replace",
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return Result(case, "hang", f"over {timeout_s:g} s")
    output = (completed.stdout + completed.stderr).strip()
    if "Traceback (most recent call last)" in output:
        return Result(case, "traceback", output.splitlines()[-1][:200])
    if completed.returncode < 0 or completed.returncode > 2:
        return Result(case, "crash", f"exit {completed.returncode}: {output[-200:]}")
    for user_file in (work / "mine" / "keep.txt", work / "mine.txt"):
        named = str(user_file) in command or str(user_file.parent) in command
        if named and (not user_file.exists() or user_file.read_text() != "precious"):
            return Result(case, "loss", f"{user_file} was touched")
    if completed.returncode == 0:
        return Result(case, "accepted", output.splitlines()[-1][:200] if output else "")
    if before is not None and state(work / "store") != before:
        return Result(case, "loss", "a failed import changed the store")
    error = next((line for line in output.splitlines() if "Error" in line), output[-200:])
    return Result(case, "clear", error[:200])


def summary(results: list[Result]) -> dict[str, object]:
    """Counts per verdict; invalid inputs that were accepted count as silent acceptances."""
    counts = {"cases": len(results), "clear errors": 0, "accepted (valid)": 0, "silent": 0,
              "tracebacks": 0, "native crashes": 0, "losses": 0, "hangs": 0}  # fmt: skip
    names = {"clear": "clear errors", "traceback": "tracebacks", "crash": "native crashes",
             "loss": "losses", "hang": "hangs"}  # fmt: skip
    for result in results:
        if result.verdict == "accepted":
            counts["accepted (valid)" if result.case.valid else "silent"] += 1
        elif result.verdict == "clear" and result.case.valid:
            counts["silent"] += 0  # a valid input refused is reported in the detail list
            counts["clear errors"] += 1
        else:
            counts[names[result.verdict]] += 1
    return counts


def as_json(results: list[Result]) -> str:
    """Every result as JSON lines (family, name, verdict, detail)."""
    return "\n".join(
        json.dumps(
            {
                "family": r.case.family,
                "case": r.case.name,
                "verdict": r.verdict,
                "valid": r.case.valid,
                "detail": r.detail,
            }
        )
        for r in results
    )
