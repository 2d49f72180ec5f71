"""Alignment commands: `xref`, `resolve`, `align match`, `align map`, `align evaluate`.

Only click is imported at load time; `adcgraph resolve` reads its cached name index
without loading pyoxigraph or the prefix map.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from adcgraph.commands.common import endpoint_option, open_query_backend, store_option
from adcgraph.resolving.index import KIND_ORDER

# The resolver's kinds are the registry of entity types (import is light: stdlib only).
ENTITY_TYPES = tuple(sorted(KIND_ORDER))


def _format_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
        help="A table, or a JSON list.",
    )(function)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


@click.command("xref")
@click.argument("identifier")
@click.option(
    "--to",
    "to_prefix",
    metavar="PREFIX",
    help="Only identifiers with this prefix (MESH, DOID ...).",
)
@click.option(
    "--no-chain", is_flag=True, help="Leave out identifiers reached through two exactMatch steps."
)
@store_option
@endpoint_option
@_format_option
def xref_command(
    identifier: str,
    to_prefix: str | None,
    no_chain: bool,
    store_path: Path | None,
    endpoint: str | None,
    fmt: str,
) -> None:
    """Cross-references of an identifier: curated exactMatch links and loaded mapping sets.

    Each row gives the predicate (read from IDENTIFIER's side), the mapping justification
    and the source: `curated`, a mapping set, or `via X` for a two-step exactMatch chain.
    Load mapping sets with `adcgraph import --format sssom`.

    \b
    Example:
      adcgraph xref MONDO:0005494
      adcgraph xref MESH:D064726 --to MONDO
      adcgraph xref DOID:0060081 --format json
    """
    from adcgraph.align.crosswalk import xref

    found = xref(
        open_query_backend(store_path, endpoint), identifier, to_prefix, chain=not no_chain
    )
    if fmt == "json":
        click.echo(json.dumps([asdict(item) for item in found], indent=1))
        return
    if not found:
        click.echo(
            f"no cross-references of {identifier}" + (f" to {to_prefix}" if to_prefix else "")
        )
        return
    rows = [
        [
            item.id,
            item.predicate,
            item.justification,
            item.source.rsplit("/", 1)[-1],
            item.label or "",
        ]
        for item in found
    ]
    click.echo(_table(rows, ["id", "predicate", "justification", "source", "label"]))


@click.command("resolve")
@click.argument("text")
@click.option("--type", "kind", type=click.Choice(ENTITY_TYPES), help="Only entities of this type.")
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True)
@store_option
@endpoint_option
@_format_option
def resolve_command(
    text: str, kind: str | None, limit: int, store_path: Path | None, endpoint: str | None, fmt: str
) -> None:
    """Find the entities a name, synonym, abbreviation, code, CURIE or IRI refers to.

    Candidates come best first with a score (0..1) and what matched (identifier, exact
    label or synonym, case-insensitive, normalised, word order, typo: 1-2 edits on names of
    6+ characters). Diseases come from the graph, the shipped MONDO cancer index and imported
    ontologies. Population names (HER2-low breast cancer, EGFRm NSCLC, R/R AML, HR+/HER2- mBC)
    are read as disease + biomarkers + states; in JSON every disease or population candidate
    carries "disease" (MONDO CURIE), "biomarkers" ([{"gene", "status"}]), "states" and
    "parts" (how each part matched). Unknown text exits 1 naming the part that failed and
    the nearest names.

    \b
    Example:
      adcgraph resolve TNBC
      adcgraph resolve "HER2-low breast cancer" --format json
      adcgraph resolve trastuzumab --type drug
      adcgraph resolve NCT02574455
    """
    from adcgraph.resolving import build_index, index_for_store, resolve_candidates

    if endpoint:
        index = build_index(open_query_backend(None, endpoint))
    else:
        index = index_for_store(store_path)
    candidates = resolve_candidates(index, text, kind)[:limit]
    if fmt == "json":
        click.echo(json.dumps([candidate.as_dict() for candidate in candidates], indent=1))
        return
    rows = [[c.id, c.kind, f"{c.score:.2f}", c.label, c.matched] for c in candidates]
    click.echo(_table(rows, ["id", "type", "score", "label", "matched"]))
    for part in candidates[0].parts if candidates else ():
        click.echo(f"  {part['as']:<12} {part['part']!r}: {part['matched']}")


@click.group("align")
def align_group() -> None:
    """Align two ontologies, map a vocabulary to MONDO, score an alignment.

    \b
    Example:
      adcgraph align match ncit-neoplasm-2018.obo doid-cancer-2018.obo -o ncit-doid.sssom.tsv
      adcgraph align map conditions.txt --to MONDO -o conditions.sssom.tsv
      adcgraph align evaluate ncit-doid.sssom.tsv ncit-doid-dev.sssom.tsv
    """


@align_group.command("match")
@click.argument("source", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("target", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="SSSOM TSV file to write.",
)
@click.option(
    "--threshold", type=click.FloatRange(0, 1), default=None, help="Lowest confidence kept."
)
@click.option(
    "--many",
    is_flag=True,
    help="Let several source classes map to one target class (a finer source); "
    "by default every class has at most one partner.",
)
@click.option(
    "--license",
    "license_iri",
    default="https://creativecommons.org/publicdomain/zero/1.0/",
    show_default=True,
    help="Licence IRI of the written mapping set.",
)
def match_command(
    source: Path,
    target: Path,
    output: Path,
    threshold: float | None,
    many: bool,
    license_iri: str,
) -> None:
    """Align two ontologies (OBO, OWL as RDF/XML or Turtle, OBO Graphs JSON) by their names.

    Writes one-to-one skos:exactMatch mappings as SSSOM TSV, each with a confidence, its
    justification (semapv:LexicalMatching, or semapv:CompositeMatching where the is_a
    structure added evidence) and, in `comment`, the evidence: label, synonym or structure,
    and the matching level. Only the two files are read; learned name forms ship with
    adcgraph (src/adcgraph/align/data/name-forms.tsv, derived from MONDO).

    \b
    Example:
      adcgraph align match ncit-neoplasm-2018.obo doid-cancer-2018.obo -o ncit-doid.sssom.tsv
    """
    from adcgraph.align.matcher import DEFAULT_THRESHOLD, match_ontologies
    from adcgraph.align.sssom_out import write_sssom
    from adcgraph.ontofile import read_ontology

    source_terms = read_ontology(source)
    target_terms = read_ontology(target)
    mappings = match_ontologies(
        source_terms,
        target_terms,
        threshold=DEFAULT_THRESHOLD if threshold is None else threshold,
        one_to_one=not many,
    )
    write_sssom(
        mappings,
        output,
        mapping_set_id=f"https://w3id.org/adcgraph/mappings/{output.name}",
        license=license_iri,
        subject_source=_source_curie(source_terms),
        object_source=_source_curie(target_terms),
    )
    click.echo(
        f"wrote {len(mappings)} mappings ({len(source_terms)} source, {len(target_terms)} "
        f"target classes) to {output}"
    )


@align_group.command("map")
@click.argument("vocabulary", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option(
    "--to",
    "target",
    type=click.Choice(["MONDO"], case_sensitive=False),
    default="MONDO",
    show_default=True,
    help="The ontology to map to.",
)
@click.option(
    "--mondo",
    "mondo_path",
    type=click.Path(path_type=Path, exists=True),
    envvar="ADCGRAPH_MONDO",
    help="MONDO folder (mappings/, synonyms/, hierarchy/ as in ../shared/data/mondo) or "
    "ontology file; default ../shared/data/mondo beside the repository.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="SSSOM TSV file to write.",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Lowest confidence kept.",
)
@click.option(
    "--license",
    "license_iri",
    default="https://creativecommons.org/licenses/by/4.0/",
    show_default=True,
    help="Licence IRI of the written mapping set (MONDO is CC BY 4.0).",
)
def map_command(
    vocabulary: Path,
    target: str,
    mondo_path: Path | None,
    output: Path,
    min_confidence: float,
    license_iri: str,
) -> None:
    """Map a vocabulary to MONDO: a list of names (one a line), a TSV/CSV table with a
    name column, or an OBO/OWL/OBO Graphs ontology.

    Terms whose identifiers MONDO maps (DOID, NCIT, MESH, ONCOTREE, OMIM ... CURIEs) take
    MONDO's own mapping (crosswalk); the others are matched by name and structure. The
    SSSOM output gives each mapping a confidence and, in `comment`, its evidence: crosswalk,
    label, synonym or structure, and the matching level.

    \b
    Example:
      adcgraph align map conditions.txt --to MONDO -o conditions.sssom.tsv
      adcgraph align map oncotree.tsv --mondo ../shared/data/mondo --min-confidence 0.8 -o o.tsv
    """
    from adcgraph.align.mondo import load_mondo, map_to_mondo
    from adcgraph.align.sssom_out import write_sssom
    from adcgraph.align.vocabulary import INPUT_PREFIX, input_prefix_map, read_vocabulary

    terms = read_vocabulary(vocabulary)
    mondo = load_mondo(mondo_path)
    mappings = map_to_mondo(terms, mondo, min_confidence=min_confidence)
    uses_input = any(term_id.startswith(f"{INPUT_PREFIX}:") for term_id in terms)
    write_sssom(
        mappings,
        output,
        mapping_set_id=f"https://w3id.org/adcgraph/mappings/{output.name}",
        license=license_iri,
        subject_source=_source_curie(terms),
        object_source="obo:mondo",
        prefix_map=input_prefix_map(vocabulary) if uses_input else None,
    )
    mapped = len({m.subject_id for m in mappings})
    crosswalked = len({m.subject_id for m in mappings if m.evidence.startswith("crosswalk")})
    click.echo(
        f"mapped {mapped} of {len(terms)} terms to {target.upper()} ({crosswalked} by crosswalk, "
        f"{mapped - crosswalked} by matching; {len(mappings)} mappings) -> {output}"
    )


def _source_curie(terms: dict) -> str | None:  # type: ignore[type-arg]
    prefixes = sorted(
        {term_id.split(":", 1)[0] for term_id in terms if ":" in term_id and "//" not in term_id}
    )
    return f"obo:{prefixes[0].lower()}" if len(prefixes) == 1 else None


@align_group.command("evaluate")
@click.argument("predicted", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("gold", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_format_option
def evaluate_command(predicted: Path, gold: Path, fmt: str) -> None:
    """Precision, recall and F1 of predicted SSSOM mappings against reference mappings.

    The references are incomplete, so precision counts only predicted pairs whose subject
    or object appears in them.

    \b
    Example:
      adcgraph align evaluate ncit-doid.sssom.tsv ncit-doid-dev.sssom.tsv
      adcgraph align evaluate ncit-doid.sssom.tsv ncit-doid-dev.sssom.tsv --format json
    """
    from adcgraph.align.evaluate import evaluate, read_sssom_pairs

    scores = evaluate(read_sssom_pairs(predicted), read_sssom_pairs(gold))
    if fmt == "json":
        click.echo(json.dumps(scores.as_dict(), indent=1))
        return
    click.echo(
        f"precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}\n"
        f"({scores.true_positives} correct of {scores.judged_predictions} judged predictions; "
        f"{scores.predictions} predicted, {scores.gold_pairs} reference pairs)"
    )


COMMANDS: list[click.Command] = [xref_command, resolve_command, align_group]
