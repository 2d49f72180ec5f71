"""Path analysis commands: `paths`, `combos`, `cross-resistance`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from adcgraph.commands.common import (
    NODE_TYPE,
    PERMUTATIONS,
    POSITIVE_INT,
    PREDICATE,
    SECONDS,
    bounded_options,
    endpoint_option,
    evidence_filter_of,
    evidence_filter_options,
    name_index,
    resolve_disease_name,
    resolve_name,
    run_bounded_command,
    store_option,
)
from adcgraph.progress import status
from adcgraph.querying.results import counted

RANKING_FORMATS = ("auto", "table", "json", "tsv")
#: Longest path `paths --max-length` accepts (longer ones only hit the time limit).
MAX_PATH_LENGTH = 20
#: Default hard time limit of combos, cross-resistance and paths (a first run on a large
#: import builds its caches, which takes tens of seconds).
PATH_COMMAND_TIMEOUT_S = 300.0


def _location(store_path: Path | None, endpoint: str | None) -> Path | str:
    from adcgraph.curated.build import ensure_store

    return endpoint if endpoint else ensure_store(store_path)


def _resolve_endpoint(location: Path | str, text: str, graph: Any) -> str:
    """A path end: any entity; a disease or population missing from the path graph is
    replaced by its nearest ancestor that is there (roll-up), with a note saying so."""
    from adcgraph import rollup, vocab
    from adcgraph.errors import ResolutionError
    from adcgraph.resolving import resolve_one

    try:
        found = resolve_one(name_index(location), text)
        if found.kind not in ("disease", "population"):
            return found.iri
    except ResolutionError:
        pass
    iri, _ = resolve_disease_name(location, text, "paths needs an entity of the graph")
    if iri in graph:
        return iri
    data_parents = {
        node: {target for _, target, key in graph.out_edges(node, keys=True) if key == "subClassOf"}
        for node in graph
    }
    nearest = rollup.nearest_present(rollup.hierarchy(location, data_parents), iri, set(graph))
    if nearest is None:
        raise ResolutionError(
            f"{text!r} ({vocab.compress(iri)}) and its ancestors are not in the path graph"
        )
    click.echo(
        f"note: {vocab.compress(iri)} is not in the path graph; using its nearest ancestor "
        f"{vocab.compress(nearest[0])} ({nearest[1]} is_a step{'s' if nearest[1] > 1 else ''} up)",
        err=True,
    )
    return nearest[0]


def _write_html(path: Path | None, ranking: Any, title: str) -> None:
    if path is None:
        return
    from adcgraph.export import write_atomically
    from adcgraph.report import ranking_html

    write_atomically(path, ranking_html(ranking, title).encode("utf-8"))
    click.echo(f"wrote {path}", err=True)


#: Columns of a ranking, the same names in the table, TSV and JSON (``type``, ``p_value`` ...).
RANKING_COLUMNS = (
    "rank",
    "id",
    "label",
    "type",
    "score",
    "adjusted_score",
    "p_value",
    "metapaths",
    "tested",
    "notes",
    "citations",
)


def ranking_rows(ranking: Any) -> list[list[str]]:
    """One row per candidate in :data:`RANKING_COLUMNS` order (JSON carries the same fields)."""
    rows = []
    for number, c in enumerate(ranking.candidates, start=1):
        tested = "; ".join(_tested_entry(t) for t in c.trials)
        rows.append(
            [
                str(number),
                c.id,
                c.label,
                c.kind,
                f"{c.score:.3f}",
                f"{c.adjusted_score:.3f}",
                f"{c.p_value:.2g}",
                ", ".join(c.metapath_scores),
                tested,
                "; ".join(c.notes),
                ", ".join(c.citations),
            ]
        )
    return rows


def _tested_entry(trial: dict[str, Any]) -> str:
    """``Phase3 NCT:NCT05382286``, marked with its disease when it is not the asked one."""
    text = " ".join(filter(None, [str(trial["phase"]), *map(str, trial["trial_ids"])]))
    if not trial.get("in_disease", True):
        text += f" (in {trial['disease_label']})"
    return text


def _print_ranking(ranking: Any, fmt: str) -> None:
    from adcgraph.querying.results import plain_tsv, resolve_format, rich_table

    shown = resolve_format("auto" if fmt == "auto" else fmt)
    if shown == "json":
        click.echo(json.dumps(ranking.as_dict(), indent=1))
    elif shown in ("tsv", "plain"):
        click.echo(plain_tsv(list(RANKING_COLUMNS), ranking_rows(ranking)), nl=False)
    else:
        # The terminal table keeps rank, label and type whole and shortens the rest.
        keep = [0, 2, 3, 4, 5, 6, 7, 8, 9]
        headers = [RANKING_COLUMNS[i] for i in keep]
        rows = [[row[i] for i in keep] for row in ranking_rows(ranking)]
        click.echo(rich_table(headers, rows, key_columns=3), nl=False)
    next_adcs = getattr(ranking, "next_adcs", [])
    if next_adcs and shown not in ("json", "tsv", "plain"):
        import shutil

        width = shutil.get_terminal_size().columns
        click.echo("next ADCs (switch or sequence):")
        for number, c in enumerate(next_adcs, start=1):
            notes = "; ".join(c.notes)
            line = f" {number}  {c.label}  {c.score:.3f}  {', '.join(c.metapath_scores)}  {notes}"
            click.echo(line[:width])
    for notice in ranking.truncated:
        click.echo(f"note: {notice}", err=True)
    if ranking.query.get("filter", "none") != "none":
        click.echo(f"filter: {ranking.query['filter']} (only claims passing it)", err=True)
    if ranking.query.get("evidence_note"):
        click.echo(f"evidence: {ranking.query['evidence_note']}", err=True)
    if getattr(ranking, "set_aside", None):
        click.echo(f"candidates: {ranking.set_aside_note()}", err=True)
    if getattr(ranking, "p_value_method", ""):
        click.echo(f"p: {ranking.p_value_method}", err=True)
    if getattr(ranking, "model", ""):
        click.echo(f"model: {ranking.model} (adcgraph model prints its coefficients)", err=True)


def _print_model(model: Any) -> None:
    from adcgraph.model.features import BY_NAME

    width = max(len(name) for name in model.features) + 1

    click.echo(f"{model.note}; L2 C={model.regularisation_c}, coefficients >= 0")
    click.echo(f"{'feature':<{width}} {'coefficient':>11}  {'scale':>8}  metapath")
    for name in sorted(model.features, key=lambda n: -model.coefficients[n]):
        base = name.removesuffix(" (permutation-adjusted)")
        click.echo(
            f"{name:<{width}} {model.coefficients[name]:>11.3f}  {model.scales[base]:>8.4f}  "
            f"{BY_NAME[base].path}"
        )
    click.echo(f"{'intercept':<{width}} {model.intercept:>11.3f}")


#: Options the ranking commands share, defined once.
permutations_option = click.option(
    "--permutations",
    "n_permutations",
    default=None,
    type=PERMUTATIONS,
    help="Degree-preserving permutations behind the adjusted score and p-value "
    "[default: 10, or 5 for graphs over 500k edges].",
)
ranking_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(RANKING_FORMATS),
    default="auto",
    show_default=True,
    help="auto: a table fitted to the terminal, tab-separated text when piped; or table, "
    "json (every field), tsv (the same columns as the table, plus id and citations).",
)
html_option = click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path),
    help="Also write a self-contained HTML page of the ranking, with pictures of its paths "
    "(the dossier's ranking section; see `adcgraph report`).",
)


@click.command("combos")
@click.argument("adc")
@click.argument("disease")
@click.option(
    "--top", type=POSITIVE_INT, default=10, show_default=True, help="How many candidates to list."
)
@permutations_option
@click.option("--no-explain", is_flag=True, help="Skip path explanations (faster).")
@click.option(
    "--explain-model", is_flag=True, help="Also print the model's features and coefficients."
)
@evidence_filter_options
@ranking_format_option
@html_option
@store_option
@endpoint_option
@bounded_options(PATH_COMMAND_TIMEOUT_S)
def combos_command(
    adc: str,
    disease: str,
    top: int,
    n_permutations: int,
    no_explain: bool,
    explain_model: bool,
    statuses: tuple[str, ...],
    evidence_types: tuple[str, ...],
    fmt: str,
    html_path: Path | None,
    store_path: Path | None,
    endpoint: str | None,
    timeout_s: float,
    max_output_mb: int,
) -> None:
    """Rank partner drugs and next ADCs for an ADC failing in a disease, with cited paths.

    ADC and DISEASE are names, synonyms, CURIEs or IRIs; DISEASE may be a population name
    (HER2-low breast cancer, EGFRm NSCLC, R/R AML). Evidence is rolled up along the MONDO
    hierarchy: a disease without evidence for the ADC falls back to its nearest ancestor
    that has some, and the output says whose evidence was used.

    \b
    Example:
      adcgraph combos "sacituzumab govitecan" TNBC --top 10
      adcgraph combos Trodelvy MONDO:0005494 --format json --html sg-tnbc.html
      adcgraph combos T-DXd "HER2-low metastatic breast cancer"
      adcgraph combos SG TNBC --status verified --evidence-type clinical
    """
    location = _location(store_path, endpoint)
    evidence_filter = evidence_filter_of(statuses, evidence_types)

    def work() -> None:
        from adcgraph.combos import combos

        adc_iri = resolve_name(location, adc, "adc", "combos needs an ADC")
        disease_iri, _ = resolve_disease_name(
            location, disease, "combos needs a disease or population"
        )
        with status(f"ranking candidates for {adc} in {disease} (a first run fills caches)"):
            ranking = combos(
                location,
                adc_iri,
                disease_iri,
                top=top,
                n_permutations=n_permutations,
                explain_paths=not no_explain,
                evidence_filter=evidence_filter,
            )
        _print_ranking(ranking, fmt)
        _write_html(html_path, ranking, f"Candidates for {adc} in {disease}")
        if explain_model:
            from adcgraph.graphdata import read_graph_data
            from adcgraph.model.training import load_model

            _print_model(load_model(location, read_graph_data(location)))

    run_bounded_command(work, timeout_s=timeout_s, max_output_mb=max_output_mb, what="combos")


@click.command("model")
@store_option
@endpoint_option
def model_command(store_path: Path | None, endpoint: str | None) -> None:
    """Print the partner model: its metapath features, fitted coefficients and scales.

    The weights are fitted (logistic regression, L2, non-negative) on the curated ADC-partner
    pairs with clinical data, each with its direct links removed.

    \b
    Example:
      adcgraph model
    """
    from adcgraph.graphdata import read_graph_data
    from adcgraph.model.training import load_model

    location = _location(store_path, endpoint)
    _print_model(load_model(location, read_graph_data(location)))


@click.command("validate")
@click.argument("pairs", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--before", type=int, help="Use only evidence dated before this year.")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_option
def validate_command(pairs: Path, before: int | None, fmt: str, store_path: Path | None) -> None:
    """Leave-pair-out validation of combos on your own ADC-partner pairs.

    PAIRS is a TSV with the header adc, partner, disease (names, synonyms or CURIEs; other
    columns are ignored). For each row every direct link between the ADC and the partner is
    removed (strategies using both, their trials, any edge between them, and the pair's part
    in the fitted weights), then the partner's rank among all drugs is reported, beside a
    node-degree and a same-disease baseline. A row that does not resolve is reported, not
    fatal.

    \b
    Example:
      adcgraph validate pairs.tsv --format json
      adcgraph validate pairs.tsv --before 2020
    """
    from adcgraph.model.validate import as_json, read_pairs, validate

    location = _location(store_path, None)
    results, summary = validate(location, read_pairs(pairs), before=before)
    if fmt == "json":
        click.echo(json.dumps(as_json(results, summary), indent=1))
        return
    click.echo("adc\tpartner\tdisease\tresolved\trank\tcandidates\tdegree_rank\tsame_disease_rank")
    for r in results:
        click.echo(
            f"{r.adc}\t{r.partner}\t{r.disease}\t{r.resolved}\t{r.rank or ''}\t{r.candidates}\t"
            f"{r.degree_rank or ''}\t{r.same_disease_rank or ''}"
            + (f"\t{r.note}" if r.note else "")
        )
    for name, block in (("model", summary), *summary["baselines"].items()):  # type: ignore[union-attr]
        figures = " ".join(
            f"{k} {block[k]:.2f}" if block[k] is not None else f"{k} -"
            for k in ("hit_at_5", "hit_at_10", "hit_at_20", "mrr", "auroc")
        )
        click.echo(f"{name}: {figures}", err=True)


@click.command("cross-resistance")
@click.argument("adc")
@click.option(
    "--disease",
    help="Weigh evidence for this disease or population (rolled up along MONDO).",
)
@click.option(
    "--top", type=POSITIVE_INT, default=10, show_default=True, help="How many ADCs to list."
)
@permutations_option
@evidence_filter_options
@ranking_format_option
@html_option
@store_option
@endpoint_option
@bounded_options(PATH_COMMAND_TIMEOUT_S)
def cross_resistance_command(
    adc: str,
    disease: str | None,
    top: int,
    n_permutations: int,
    statuses: tuple[str, ...],
    evidence_types: tuple[str, ...],
    fmt: str,
    html_path: Path | None,
    store_path: Path | None,
    endpoint: str | None,
    timeout_s: float,
    max_output_mb: int,
) -> None:
    """Rank other ADCs by shared vulnerabilities: payload class, target, mechanisms.

    \b
    Example:
      adcgraph cross-resistance "sacituzumab govitecan"
      adcgraph cross-resistance T-DM1 --format json
      adcgraph cross-resistance T-DM1 --disease "HER2-positive breast cancer"
      adcgraph cross-resistance SG --status verified
    """
    location = _location(store_path, endpoint)
    evidence_filter = evidence_filter_of(statuses, evidence_types)

    def work() -> None:
        from adcgraph.combos import cross_resistance

        adc_iri = resolve_name(location, adc, "adc", "cross-resistance needs an ADC")
        disease_iri = (
            resolve_disease_name(location, disease, "--disease needs a disease or population")[0]
            if disease
            else None
        )
        with status(f"ranking ADCs that share vulnerabilities with {adc}"):
            ranking = cross_resistance(
                location,
                adc_iri,
                top=top,
                n_permutations=n_permutations,
                disease=disease_iri,
                evidence_filter=evidence_filter,
            )
        _print_ranking(ranking, fmt)
        _write_html(html_path, ranking, f"ADCs sharing vulnerabilities with {adc}")

    run_bounded_command(
        work, timeout_s=timeout_s, max_output_mb=max_output_mb, what="cross-resistance"
    )


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
    help="Only pass through nodes of this type (ADC, Drug, Gene, Mechanism ...); repeat the "
    "option for several: --node-type Gene --node-type Mechanism.",
)
@click.option(
    "--predicate",
    "predicates",
    multiple=True,
    type=PREDICATE,
    help="Only use this predicate (hasTarget, confersResistanceTo, ...); repeat the option "
    "for several.",
)
@evidence_filter_options
@click.option(
    "--time-limit", type=SECONDS, default=10.0, show_default=True, help="Seconds before stopping."
)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@store_option
@endpoint_option
@bounded_options(PATH_COMMAND_TIMEOUT_S)
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
    timeout_s: float,
    max_output_mb: int,
) -> None:
    """Shortest and k-shortest paths between two entities, each edge with its citations.

    \b
    Example:
      adcgraph paths "sacituzumab govitecan" olaparib
      adcgraph paths T-DM1 tucatinib --status verified --format json
    """
    location = _location(store_path, endpoint)
    evidence_filter = evidence_filter_of(statuses, evidence_types)

    def work() -> None:
        from adcgraph.paths import PathFilters, load_projection, shortest_paths

        with status("reading the graph's paths"):
            graph = load_projection(location, evidence_filter=evidence_filter)
        filters = PathFilters(
            node_types=frozenset(node_types) if node_types else None,
            predicates=frozenset(predicates) if predicates else None,
        )
        source_node = _resolve_endpoint(location, source, graph)
        target_node = _resolve_endpoint(location, target, graph)
        if source_node == target_node:
            raise click.UsageError(
                f"SOURCE {source!r} and TARGET {target!r} are the same entity "
                f"({graph.nodes[source_node]['label']}); a path joins two different entities"
            )
        search = shortest_paths(
            graph,
            source_node,
            target_node,
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
                        "filter": evidence_filter.describe(),
                    },
                    indent=1,
                )
            )
            return
        if not search.paths:
            click.echo("no path found within the limits")
        for number, path in enumerate(search.paths, start=1):
            click.echo(f"path {number} ({counted(len(path.steps), 'edge')})")
            for step in path.steps:
                arrow = f"-{step.predicate}->" if step.forward else f"<-{step.predicate}-"
                cited = ", ".join(step.citations) or "structural"
                click.echo(
                    f"  {graph.nodes[step.source]['label']} {arrow} "
                    f"{graph.nodes[step.target]['label']}   [{cited}]"
                )
        if search.truncated:
            click.echo(f"note: search cut short: {search.reason}", err=True)
        if evidence_filter.active:
            click.echo(f"filter: {evidence_filter.describe()} (only claims passing it)", err=True)

    run_bounded_command(work, timeout_s=timeout_s, max_output_mb=max_output_mb, what="paths")


COMMANDS: list[click.Command] = [
    paths_command,
    combos_command,
    cross_resistance_command,
    model_command,
    validate_command,
]
