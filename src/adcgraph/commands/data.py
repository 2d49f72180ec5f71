"""Data movement commands: `import` and `export-mappings` (SSSOM).

Formats come from the importer registry (:data:`adcgraph.importers.IMPORTERS`), whose
module imports only the standard library, so `adcgraph --help` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

from adcgraph.commands.common import store_option
from adcgraph.importers import IMPORTERS


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--format", "fmt", type=click.Choice(sorted(IMPORTERS)), required=True, help="Format of FILES."
)
@click.option("--name", help="Name of the import graph (default: the file's stem; civic: civic).")
@click.option(
    "--all-mappings",
    is_flag=True,
    help="sssom: load every mapping, not only those touching an entity of the graph.",
)
@click.option(
    "--on-conflict",
    type=click.Choice(["skip", "keep", "error"]),
    default="skip",
    show_default=True,
    help="sssom: what to do with mappings contradicting a curated exactMatch (always reported).",
)
@click.option(
    "--diseases",
    is_flag=True,
    help="obo/owl: a disease ontology (refused without a disease branch); its diseases join "
    "the resolver either way.",
)
@click.option("--quiet", is_flag=True, help="Print the summary only, not each warning.")
@store_option
def import_command(
    files: tuple[Path, ...],
    fmt: str,
    name: str | None,
    all_mappings: bool,
    on_conflict: str,
    diseases: bool,
    quiet: bool,
    store_path: Path | None,
) -> None:
    """Import large graphs, ontologies, SSSOM mapping sets or CIViC evidence into the store.

    ntriples/turtle/nquads/kgx: Oxigraph's bulk loader into graph/import/NAME (N-Quads keep
    their own graph names but may not write into a graph the store already has; KGX node
    and edge files are read as Biolink). A bad line stops the import with its file, line and
    reason, and the store is left as it was. obo/owl: labels, synonyms and is_a links into
    graph/import/NAME. sssom: mappings into the mappings graph, with conflicts against
    curated identifiers reported. civic: the ClinicalEvidenceSummaries rows about the
    graph's ADCs, diseases mapped DOID -> MONDO (load MONDO's mappings first); these are
    checked before anything is written.

    \b
    Example:
      adcgraph import hetionet.nt --format ntriples --name hetionet
      adcgraph import monarch-kg_nodes.tsv monarch-kg_edges.tsv --format kgx
      adcgraph import ../shared/data/mondo/mappings/*.sssom.tsv --format sssom
      adcgraph import doid-cancer-2018.obo --format obo --name doid
      adcgraph import 01-Aug-2024-ClinicalEvidenceSummaries.tsv --format civic
      adcgraph import mesh_c04_complete.csv --format mesh       # MeSH C04 neoplasms
      adcgraph import oncotree_2025_10_03.json --format oncotree
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.importers import ImportOptions, run_import

    options = ImportOptions(
        name=name,
        restrict_to_graph=not all_mappings,
        on_conflict=on_conflict,  # type: ignore[arg-type]
        diseases=diseases,
    )
    report = run_import(fmt, list(files), ensure_store(store_path), options)
    if report.warnings and not quiet:
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    click.echo(f"{report.summary}; {report.quads} quads written")


@click.command("export-mappings")
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="SSSOM TSV file."
)
@store_option
def export_mappings_command(output: Path, store_path: Path | None) -> None:
    """Deprecated alias of `adcgraph export --format sssom` (same file, same options).

    \b
    Example:
      adcgraph export --format sssom -o adcgraph.sssom.tsv
    """
    from adcgraph.cli import export_command

    click.echo(
        "warning: export-mappings is deprecated; use `adcgraph export --format sssom`", err=True
    )
    click.get_current_context().invoke(
        export_command,
        store_path=store_path,
        fmt="sssom",
        output=output,
        include_ontology=False,
        iri_style="biolink",
    )


COMMANDS: list[click.Command] = [import_command, export_mappings_command]
