"""The adcgraph command line: a thin layer over the Python API.

Heavy libraries are imported inside commands so that `adcgraph --help` starts fast.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

import click

from adcgraph.commands.common import (
    AdcGraphGroup,
    endpoint_option,
    open_query_backend,
    query_limit_options,
    result_format_option,
    run_user_query,
    store_option,
)
from adcgraph.errors import AdcGraphError

#: Modules that each define ``COMMANDS``, a list of click commands added to the group.
COMMAND_MODULES = (
    "adcgraph.commands.queries",
    "adcgraph.commands.align",
    "adcgraph.commands.paths",
    "adcgraph.commands.data",
    "adcgraph.commands.report",
    "adcgraph.commands.release",
)


@click.group(cls=AdcGraphGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="adcgraph")
def cli() -> None:
    """adcgraph: a knowledge graph of resistance to antibody-drug conjugates.

    \b
    Example:
      adcgraph build
      adcgraph sparql 'SELECT * WHERE { ?adc a adco:ADC } LIMIT 5'
    """


@cli.command()
@store_option
@click.option(
    "--no-reason",
    is_flag=True,
    help="Skip the OWL reasoner (no Java needed): builds only the store and leaves the "
    "committed release files unchanged.",
)
@click.option(
    "--no-prepare",
    is_flag=True,
    help="Skip preparing the ranking caches (name index, permutations, model), which a first "
    "`combos` then makes.",
)
def build(store_path: Path | None, no_reason: bool, no_prepare: bool) -> None:
    """Validate the curated sources and build the store and the Turtle release.

    \b
    Example:
      adcgraph build
      ADCGRAPH_STORE=/tmp/adc adcgraph build --no-reason
    """
    from adcgraph.curated.build import BuildPaths
    from adcgraph.curated.build import build as run_build

    # Without the reasoner the inferred graph is empty, so the committed release files (which
    # hold the reasoned build) are left as they are; only the store is built.
    paths = (
        BuildPaths(store=store_path, release=None, inferred_release=None)
        if no_reason
        else BuildPaths(store=store_path)
    )
    from adcgraph.progress import status

    with status("building the store and the release (validate, reason, load)"):
        report = run_build(paths, run_reasoner=not no_reason)
    if not no_prepare:
        from adcgraph.combos import prepare_caches

        try:
            with status("preparing the ranking caches (name index, permutations, model)"):
                prepare_caches(report.store)
        except AdcGraphError as error:
            # The store is built and published; a first `combos` makes what is missing.
            click.echo(f"warning: ranking caches not prepared: {error}", err=True)
    click.echo(report.summary())
    if no_reason:
        click.echo("release files left unchanged (--no-reason builds only the store)")


@cli.command()
@click.option("--fix-order", is_flag=True, help="Sort every source file by id, in place.")
def lint(fix_order: bool) -> None:
    """Check the curated sources (fast; no store is written).

    \b
    Example:
      adcgraph lint
      adcgraph lint --fix-order
    """
    from adcgraph.curated.build import SOURCES_DIR
    from adcgraph.curated.curation import TABLES, order_issues, read_sources, sort_table_file
    from adcgraph.curated.ontology import controlled_values

    if fix_order:
        for table in TABLES.values():
            for path in table.files(SOURCES_DIR):
                if path.exists() and sort_table_file(path):
                    click.echo(f"sorted {path.relative_to(SOURCES_DIR)}")
    curation = read_sources(SOURCES_DIR, controlled_values())
    unsorted = order_issues(curation)
    for issue in unsorted:
        click.echo(str(issue), err=True)
    if unsorted:
        raise AdcGraphError("rows are not sorted; run `adcgraph lint --fix-order`")
    click.echo(f"{curation.count()} records in {len(curation.tables)} tables: ok")


@cli.command()
@store_option
@endpoint_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--coverage",
    is_flag=True,
    help="Print what the curated graph covers instead (ADCs, claims by status and evidence "
    "type, strategies ...), as the Markdown table of the README.",
)
def stats(store_path: Path | None, endpoint: str | None, fmt: str, coverage: bool) -> None:
    """Count nodes per class and triples per predicate and per named graph.

    \b
    Example:
      adcgraph stats
      adcgraph stats --format json
      adcgraph stats --coverage
    """
    import dataclasses
    import json

    from adcgraph.stats import coverage_markdown, graph_stats

    backend = open_query_backend(store_path, endpoint)
    if coverage:
        click.echo(coverage_markdown(backend), nl=False)
        return
    counts = graph_stats(backend)
    if fmt == "json":
        click.echo(json.dumps(dataclasses.asdict(counts), indent=1))
        return
    for title, values in (
        ("class", counts.classes),
        ("predicate", counts.predicates),
        ("graph", counts.graphs),
    ):
        click.echo(f"{title:<48} count")
        for key, value in values.items():
            click.echo(f"{key:<48} {value}")
        click.echo()
    if counts.sources:
        click.echo(f"{'source graph':<48} release     date        licence")
        for graph, meta in counts.sources.items():
            click.echo(f"{graph:<48} {meta['release']:<11} {meta['date']:<11} {meta['licence']}")
            click.echo(f"{'':<48} {meta['title']} <{meta['source']}>")


@cli.command()
@click.argument("query")
@store_option
@endpoint_option
@result_format_option
@query_limit_options
def sparql(
    query: str,
    store_path: Path | None,
    endpoint: str | None,
    fmt: str,
    timeout_s: float,
    max_result_mb: int,
    allowed_services: tuple[str, ...],
) -> None:
    """Run a SPARQL query: text, @file, or - for standard input.

    The default graph is the union of all graphs; the prefixes of the project's prefix map
    (adco:, MONDO:, HGNC: ...) are predeclared. Limits (adcgraph.querying.querylimits): at most
    100,000 characters, groups nested 128 deep, 1,000 UNION branches; the query runs in a
    child process stopped at --timeout-s; SERVICE only with --allow-service.

    \b
    Example:
      adcgraph sparql 'PREFIX adco: <https://w3id.org/adcgraph/ontology#>
        SELECT ?adc ?label WHERE { ?adc a adco:ADC ; rdfs:label ?label }' --format csv
      adcgraph sparql @queries/adcs-by-payload-class.rq --format json
    """
    run_user_query(query, store_path, endpoint, fmt, timeout_s, max_result_mb, allowed_services)


@cli.command("export")
@store_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["turtle", "ntriples", "nquads", "jsonld", "sssom", "kgx", "graphml"]),
    default="turtle",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="File to write, replaced atomically, or '-' for standard output (kgx: a prefix for "
    "_nodes.tsv and _edges.tsv, never '-').",
)
@click.option(
    "--include-ontology/--no-ontology",
    default=False,
    show_default=True,
    help="Also export the ontology graph.",
)
@click.option(
    "--include-reference",
    is_flag=True,
    help="RDF formats: also export the shipped reference layer (Open Targets, Reactome ... "
    "under their own licences; see graph/reference/).",
)
@click.option(
    "--iri-style",
    type=click.Choice(["biolink", "bioregistry", "identifiers.org", "obo"]),
    default="biolink",
    show_default=True,
    help="RDF formats: write IRIs in this convention (biolink: the project's, see README).",
)
def export_command(
    store_path: Path | None,
    fmt: str,
    output: Path,
    include_ontology: bool,
    include_reference: bool,
    iri_style: str,
) -> None:
    """Export the graph for other tools: RDF, SSSOM mappings, KGX TSV or GraphML.

    Turtle, N-Triples and JSON-LD hold every triple of the curated, inferred and imported
    graphs (claims keep their qualifiers; the reference layer only with --include-reference);
    N-Quads keeps the named graphs; SSSOM holds the mappings; KGX and GraphML hold the typed graph
    with each edge's citations, evidence type, curation status and disease context.

    \b
    Example:
      adcgraph export --format turtle -o adcgraph.ttl
      adcgraph export --format nquads -o adcgraph.nq
      adcgraph export --format sssom -o adcgraph.sssom.tsv
      adcgraph export --format kgx -o adcgraph     # adcgraph_nodes.tsv, adcgraph_edges.tsv
      adcgraph export --format graphml -o adcgraph.graphml
      adcgraph export --format ntriples --iri-style identifiers.org -o adcgraph-idorg.nt
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.export import STDOUT, exported_quads, serialize_quads, write_output
    from adcgraph.export.kgx import write_kgx
    from adcgraph.storage import store as store_module

    to_stdout = output == STDOUT
    if to_stdout and fmt == "kgx":
        raise AdcGraphError("kgx writes two files: give -o a file prefix, not '-'")
    location = ensure_store(store_path)
    if fmt == "sssom":
        from adcgraph.align.crosswalk import export_sssom

        count = _export_sssom(export_sssom, store_module.open_backend(location), output)
        click.echo(f"wrote {count} mappings to {output} (sssom)", err=to_stdout)
        return
    if fmt in ("kgx", "graphml"):
        from adcgraph.graphdata import read_graph_data

        if fmt == "kgx":
            data = read_graph_data(location, scope="export")
            nodes, edges = write_kgx(data, store_module.open_backend(location), output)
            rows = [
                len(path.read_text(encoding="utf-8").splitlines()) - 1 for path in (nodes, edges)
            ]
            click.echo(f"wrote {rows[0]} nodes to {nodes} and {rows[1]} edges to {edges} (kgx)")
            return
        from adcgraph.export.graphml import graphml_bytes
        from adcgraph.export.kgx import read_alignment

        data = read_graph_data(location, scope="export")
        alignment = read_alignment(store_module.open_backend(location))
        write_output(output, graphml_bytes(data, alignment))
        click.echo(
            f"wrote {len(data.node_types)} nodes and {len(set(data.edges))} "
            f"edges to {output} (graphml)",
            err=to_stdout,
        )
        return
    quads = exported_quads(
        store_module.open_store(location),
        include_ontology=include_ontology,
        include_reference=include_reference,
    )
    data = serialize_quads(quads, fmt, iri_style)
    write_output(output, data)
    click.echo(f"wrote {len(quads)} statements to {output} ({fmt})", err=to_stdout)


def _export_sssom(export: Any, backend: Any, output: Path) -> int:
    """SSSOM to a file, or through a temporary file to standard output for ``-o -``."""
    import tempfile

    from adcgraph.export import STDOUT, write_output

    if output != STDOUT:
        return int(export(backend, output))
    with tempfile.TemporaryDirectory() as directory:
        temporary = Path(directory) / "mappings.sssom.tsv"
        count = int(export(backend, temporary))
        write_output(STDOUT, temporary.read_bytes())
    return count


def _register_command_modules() -> None:
    for name in COMMAND_MODULES:
        for command in import_module(name).COMMANDS:
            cli.add_command(command)


_register_command_modules()


def main() -> None:
    """Console entry point."""
    cli(prog_name="adcgraph")


if __name__ == "__main__":
    main()
