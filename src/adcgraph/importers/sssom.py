"""Import SSSOM mapping sets (MONDO's release mappings, Biomappings, any user file)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from adcgraph import vocab
from adcgraph.align.crosswalk import load_mapping_sets
from adcgraph.importers import ImportOptions, ImportReport


def import_sssom(
    fmt: str, paths: Sequence[Path], store_path: Path, options: ImportOptions
) -> ImportReport:
    """Load SSSOM files into the mappings graph, all in one transaction.

    >>> files = [Path("positive.sssom.tsv")]
    >>> import_sssom("sssom", files, Path("var/store"), ImportOptions())  # doctest: +SKIP
    """
    report = load_mapping_sets(
        paths,
        store_path,
        restrict_to_graph=options.restrict_to_graph,
        on_conflict=options.on_conflict,
    )
    scope = "touching the graph" if options.restrict_to_graph else "in all"
    summary = (
        f"loaded {report.mappings_loaded} of {report.rows_read} mappings ({scope}; "
        f"{report.skipped_unrelated} unrelated skipped, {len(report.conflicts)} conflicts with "
        f"curated identifiers {'skipped' if options.on_conflict == 'skip' else 'kept'}) "
        f"from {len(paths)} file(s) in {report.seconds:.1f} s"
    )
    return ImportReport(
        format=fmt,
        graph=vocab.MAPPINGS_GRAPH,
        files=report.files,
        quads=report.quads_written,
        summary=summary,
        warnings=(*(f"conflict: {c}" for c in report.conflicts), *report.warnings),
    )
