"""The `release` command: every export of the graph in one versioned, checksummed folder."""

from __future__ import annotations

from pathlib import Path

import click

from adcgraph.commands.common import store_option


@click.command("release")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@click.option("--date", "issued", help="Release date (YYYY-MM-DD; default: today).")
@store_option
def release_command(directory: Path, issued: str | None, store_path: Path | None) -> None:
    """Write DIRECTORY/adcgraph-VERSION/: Turtle, N-Triples, N-Quads, JSON-LD, KGX, GraphML,
    SSSOM, ontology and shapes, VoID/DCAT/PROV description, KGX graph metadata, LICENSE
    (CC BY 4.0) and SHA256SUMS.

    \b
    Example:
      adcgraph release dist
      cd dist/adcgraph-0.1.0 && sha256sum -c SHA256SUMS
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.export.release import write_release

    target = write_release(ensure_store(store_path), directory, issued)
    click.echo(f"wrote release {target} ({len(list(target.iterdir()))} files)")


COMMANDS: list[click.Command] = [release_command]
