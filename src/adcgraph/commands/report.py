"""The `report` command: a self-contained HTML resistance dossier of one ADC."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from adcgraph.commands.common import (
    evidence_filter_of,
    evidence_filter_options,
    resolve_disease_name,
    resolve_name,
    store_option,
)


@click.command("report")
@click.argument("adc")
@click.option(
    "--disease",
    metavar="NAME",
    help="Rank combinations for this disease (name, CURIE or IRI) [default: the disease "
    "with most of the ADC's approvals and claims].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="The HTML file to write ('-' for standard output).",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Candidates per ranking.",
)
@click.option(
    "--permutations",
    "n_permutations",
    type=click.IntRange(min=1),
    default=None,
    help="Degree-preserving permutations for the rankings' null [default: 10].",
)
@evidence_filter_options
@store_option
def report_command(
    adc: str,
    disease: str | None,
    output: Path,
    top: int,
    n_permutations: int | None,
    statuses: tuple[str, ...],
    evidence_types: tuple[str, ...],
    store_path: Path | None,
) -> None:
    """Write the resistance dossier of an ADC: components, approvals with their label
    populations, mechanisms by step of the ADC's journey, strategies, cross-resistance and
    ranked combinations, with linked citations.

    \b
    Example:
      adcgraph report "sacituzumab govitecan" --disease TNBC -o sg.html
      adcgraph report Enhertu -o tdxd.html
      adcgraph report Enhertu --status verified --evidence-type clinical -o tdxd-clinical.html
    """
    from adcgraph.curated.build import ensure_store
    from adcgraph.export import write_atomically
    from adcgraph.report import dossier_html
    from adcgraph.report.dossier import build_dossier
    from adcgraph.storage import store

    evidence_filter = evidence_filter_of(statuses, evidence_types)
    location = ensure_store(store_path)
    adc_iri = resolve_name(location, adc, "adc", "report needs an ADC")
    disease_iri = (
        resolve_disease_name(location, disease, "--disease needs a disease or population")[0]
        if disease
        else None
    )
    version = store.store_version(location).get("version", "")
    built = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    dossier = build_dossier(
        location,
        adc_iri,
        disease_iri,
        top=top,
        n_permutations=n_permutations,
        version=version,
        built=built,
        evidence_filter=evidence_filter,
    )
    page = dossier_html(dossier).encode("utf-8")
    if str(output) == "-":
        click.echo(page.decode("utf-8"))
        return
    write_atomically(output, page)
    click.echo(f"wrote {output}", err=True)


COMMANDS: list[click.Command] = [report_command]
