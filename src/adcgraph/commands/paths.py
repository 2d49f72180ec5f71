"""Path analysis commands: `paths`, `combos`, `cross-resistance`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from adcgraph.commands.common import (
    NODE_TYPE,
    POSITIVE_INT,
    PREDICATE,
    SECONDS,
    endpoint_option,
    store_option,
)

RANKING_FORMATS = ("table", "json", "tsv")
#: Longest path `paths --max-length` accepts (longer ones only hit the time limit).
MAX_PATH_LENGTH = 20


def _location(store_path: Path | None, endpoint: str | None) -> Path | str:
    from adcgraph.build import ensure_store

    return endpoint if endpoint else ensure_store(store_path)


def _resolve(location: Path | str, text: str, kind: str | None) -> str:
    """An entity's IRI from a name, CURIE or IRI, through the resolver."""
    from adcgraph import store
    from adcgraph.align.resolve import resolve_one

    return resolve_one(store.open_backend(location), text, kind=kind).iri


def _write_html(path: Path | None, ranking: Any, title: str) -> None:
    if path is None:
        return
    from adcgraph.export import write_atomically
    from adcgraph.report import ranking_html

    write_atomically(path, ranking_html(ranking, title).encode("utf-8"))
    click.echo(f"wrote {path}", err=True)


def _print_ranking(ranking: Any, fmt: str) -> None:
    if fmt == "json":
        click.echo(json.dumps(ranking.as_dict(), indent=1))
        return
    if fmt == "tsv":
        click.echo("rank\tid\tlabel\ttype\tscore\tadjusted_score\tp_value\tcitations\ttrials")
        for number, c in enumerate(ranking.candidates, start=1):
            trials = ",".join(t for entry in c.trials for t in entry["trial_ids"])
            click.echo(
                f"{number}\t{c.id}\t{c.label}\t{c.kind}\t{c.score:.4f}\t"
                f"{c.adjusted_score:.4f}\t{c.p_value:.3f}\t{','.join(c.citations)}\t{trials}"
            )
        return
    from adcgraph.results import rich_table

    rows = []
    for number, c in enumerate(ranking.candidates, start=1):
        why = ", ".join(c.metapath_scores)
        trials = ", ".join(f"{t['phase']} {' '.join(t['trial_ids'])}".strip() for t in c.trials)
        rows.append(
            [
                str(number),
                c.label,
                c.kind,
                f"{c.score:.3f}",
                f"{c.adjusted_score:.3f}",
                f"{c.p_value:.2f}",
                why,
                ", ".join(c.citations[:4]),
                trials,
            ]
        )
    click.echo(
        rich_table(
            ["#", "candidate", "type", "score", "adjusted", "p", "why", "citations", "tested"], rows
        ),
        nl=False,
    )
    for notice in ranking.truncated:
        click.echo(f"note: {notice}", err=True)


@click.command("combos")
@click.argument("adc")
@click.argument("disease")
@click.option(
    "--top", type=POSITIVE_INT, default=10, show_default=True, help="How many candidates to list."
)
@click.option(
    "--permutations",
    "n_permutations",
    default=None,
    type=POSITIVE_INT,
    help="Degree-preserving permutations for the adjusted score [default: 10, or 5 for "
    "graphs over 500k edges].",
)
@click.option("--no-explain", is_flag=True, help="Skip path explanations (faster).")
@click.option(
    "--format", "fmt", type=click.Choice(RANKING_FORMATS), default="table", show_default=True
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    help="Also write a self-contained HTML page picturing the paths.",
)
@store_option
@endpoint_option
def combos_command(
    adc: str,
    disease: str,
    top: int,
    n_permutations: int,
    no_explain: bool,
    fmt: str,
    html_path: Path | None,
    store_path: Path | None,
    endpoint: str | None,
) -> None:
    """Rank partner drugs and next ADCs for an ADC failing in a disease, with cited paths.

    ADC and DISEASE are names, synonyms, CURIEs or IRIs.

    \b
    Example:
      adcgraph combos "sacituzumab govitecan" TNBC --top 10
      adcgraph combos Trodelvy MONDO:0005494 --format json --html sg-tnbc.html
    """
    from adcgraph.combos import combos

    location = _location(store_path, endpoint)
    adc_iri = _resolve(location, adc, "adc")
    disease_iri = _resolve(location, disease, "disease")
    ranking = combos(
        location,
        adc_iri,
        disease_iri,
        top=top,
        n_permutations=n_permutations,
        explain_paths=not no_explain,
    )
    _print_ranking(ranking, fmt)
    _write_html(html_path, ranking, f"Candidates for {adc} in {disease}")


@click.command("cross-resistance")
@click.argument("adc")
@click.option(
    "--top", type=POSITIVE_INT, default=10, show_default=True, help="How many ADCs to list."
)
@click.option(
    "--permutations",
    "n_permutations",
    default=None,
    type=POSITIVE_INT,
    help="[default: 10, or 5 for graphs over 500k edges]",
)
@click.option(
    "--format", "fmt", type=click.Choice(RANKING_FORMATS), default="table", show_default=True
)
@click.option("--html", "html_path", type=click.Path(path_type=Path))
@store_option
@endpoint_option
def cross_resistance_command(
    adc: str,
    top: int,
    n_permutations: int,
    fmt: str,
    html_path: Path | None,
    store_path: Path | None,
    endpoint: str | None,
) -> None:
    """Rank other ADCs by shared vulnerabilities: payload class, target, mechanisms.

    \b
    Example:
      adcgraph cross-resistance "sacituzumab govitecan"
      adcgraph cross-resistance T-DM1 --format json
    """
    from adcgraph.combos import cross_resistance

    location = _location(store_path, endpoint)
    ranking = cross_resistance(
        location, _resolve(location, adc, "adc"), top=top, n_permutations=n_permutations
    )
    _print_ranking(ranking, fmt)
    _write_html(html_path, ranking, f"ADCs sharing vulnerabilities with {adc}")


@click.command("paths")
@click.argument("source")
@click.argument("target")
@click.option(
    "-k", "--k", "k", type=POSITIVE_INT, default=5, show_default=True, help="How many paths."
)
@click.option(
    "--max-length",
    type=click.IntRange(1, MAX_PATH_LENGTH),
    default=6,
    show_default=True,
    help="Longest path, in edges.",
)
@click.option(
    "--node-type",
    "node_types",
    multiple=True,
    type=NODE_TYPE,
    help="Only pass through nodes of these types (ADC, Drug, Gene, Mechanism ...).",
)
@click.option(
    "--predicate",
    "predicates",
    multiple=True,
    type=PREDICATE,
    help="Only use these predicates (hasTarget, confersResistanceTo, ...).",
)
@click.option(
    "--evidence-type",
    "evidence_types",
    multiple=True,
    type=click.Choice(
        ["clinical", "preclinical_in_vivo", "preclinical_in_vitro", "review", "regulatory"]
    ),
)
@click.option("--status", "statuses", multiple=True, type=click.Choice(["verified", "unverified"]))
@click.option(
    "--time-limit", type=SECONDS, default=10.0, show_default=True, help="Seconds before stopping."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_option
@endpoint_option
def paths_command(
    source: str,
    target: str,
    k: int,
    max_length: int,
    node_types: tuple[str, ...],
    predicates: tuple[str, ...],
    evidence_types: tuple[str, ...],
    statuses: tuple[str, ...],
    time_limit: float,
    fmt: str,
    store_path: Path | None,
    endpoint: str | None,
) -> None:
    """Shortest and k-shortest paths between two entities, each edge with its citations.

    \b
    Example:
      adcgraph paths "sacituzumab govitecan" olaparib
      adcgraph paths T-DM1 tucatinib --status verified --format json
    """
    from adcgraph.paths import PathFilters, load_projection, shortest_paths

    location = _location(store_path, endpoint)
    graph = load_projection(location)
    filters = PathFilters(
        node_types=frozenset(node_types) if node_types else None,
        predicates=frozenset(predicates) if predicates else None,
        evidence_types=frozenset(_camel(e) for e in evidence_types) if evidence_types else None,
        statuses=frozenset(s.capitalize() for s in statuses) if statuses else None,
    )
    search = shortest_paths(
        graph,
        _resolve(location, source, None),
        _resolve(location, target, None),
        k=k,
        max_length=max_length,
        filters=filters,
        time_limit_s=time_limit,
    )
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "paths": [p.as_dict(graph) for p in search.paths],
                    "truncated": search.truncated,
                    "reason": search.reason,
                },
                indent=1,
            )
        )
        return
    if not search.paths:
        click.echo("no path found within the limits")
    for number, path in enumerate(search.paths, start=1):
        click.echo(f"path {number} ({len(path.steps)} edges)")
        for step in path.steps:
            arrow = f"-{step.predicate}->" if step.forward else f"<-{step.predicate}-"
            cited = ", ".join(step.citations) or "structural"
            click.echo(
                f"  {graph.nodes[step.source]['label']} {arrow} "
                f"{graph.nodes[step.target]['label']}   [{cited}]"
            )
    if search.truncated:
        click.echo(f"note: search cut short: {search.reason}", err=True)


def _camel(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


COMMANDS: list[click.Command] = [paths_command, combos_command, cross_resistance_command]
