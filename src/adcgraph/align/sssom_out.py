"""Write predicted mappings as an SSSOM TSV file (YAML metadata in ``#`` lines, then a table).

The file is written to a temporary sibling and renamed into place, so a reader never sees a
half-written mapping set.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from adcgraph import __version__
from adcgraph.align.matcher import PredictedMapping
from adcgraph.errors import MappingError

OBO_PURL = "http://purl.obolibrary.org/obo/"
KNOWN_PREFIXES = {
    "obo": OBO_PURL,
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "object_id",
    "object_label",
    "mapping_justification",
    "confidence",
    "match_string",
    "comment",
)


def write_sssom(
    mappings: Iterable[PredictedMapping],
    path: Path,
    *,
    mapping_set_id: str,
    license: str,
    subject_source: str | None = None,
    object_source: str | None = None,
    prefix_map: Mapping[str, str] | None = None,
    metadata_extra: Mapping[str, object] | None = None,
) -> Path:
    """Write ``mappings`` to ``path`` as SSSOM TSV, atomically; return the path.

    The ``curie_map`` lists every prefix used by identifiers, predicates, justifications
    and sources; ``prefix_map`` (CURIE prefix -> URI prefix) takes precedence, and prefixes
    neither knows are taken to be OBO Foundry ones. ``metadata_extra`` adds mapping-set
    slots (``mapping_set_version``, ``mapping_date``, ``creator_id`` ...).

    >>> write_sssom(
    ...     mappings, Path("ncit-doid.sssom.tsv"),
    ...     mapping_set_id="https://example.org/ncit-doid.sssom.tsv",
    ...     license="https://creativecommons.org/licenses/by/4.0/",
    ...     subject_source="obo:ncit", object_source="obo:doid",
    ... )  # doctest: +SKIP
    PosixPath('ncit-doid.sssom.tsv')
    """
    path = Path(path)
    rows = [_row(mapping) for mapping in mappings]
    extra = dict(metadata_extra or {})
    curies = [v for value in extra.values() for v in (value if isinstance(value, list) else [])]
    metadata: dict[str, object] = {
        "curie_map": _curie_map(rows, (subject_source, object_source, *curies), prefix_map or {}),
        "mapping_set_id": mapping_set_id,
        "license": license,
        "mapping_tool": "adcgraph",
        "mapping_tool_version": __version__,
        **extra,
    }
    if subject_source:
        metadata["subject_source"] = subject_source
    if object_source:
        metadata["object_source"] = object_source
    lines = [*_yaml_comment_lines(metadata), "\t".join(COLUMNS)]
    lines += ["\t".join(row[column] for column in COLUMNS) for row in rows]
    _write_atomically(path, "\n".join(lines) + "\n")
    return path


def _row(mapping: PredictedMapping) -> dict[str, str]:
    for identifier in (mapping.subject_id, mapping.object_id, mapping.predicate_id):
        if not _is_curie(identifier):
            raise MappingError(
                f"cannot write SSSOM: {identifier!r} is not a CURIE (expected PREFIX:LOCAL)"
            )
    if not 0.0 <= mapping.confidence <= 1.0:
        raise MappingError(
            f"cannot write SSSOM: confidence {mapping.confidence} of "
            f"{mapping.subject_id} -> {mapping.object_id} is outside 0..1"
        )
    return {
        "subject_id": mapping.subject_id,
        "subject_label": _cell(mapping.subject_label),
        "predicate_id": mapping.predicate_id,
        "object_id": mapping.object_id,
        "object_label": _cell(mapping.object_label),
        "mapping_justification": mapping.mapping_justification,
        "confidence": f"{mapping.confidence:.4f}".rstrip("0").rstrip("."),
        "match_string": _cell(mapping.match_string),
        "comment": _cell(f"evidence: {mapping.evidence}" if mapping.evidence else ""),
    }


def _is_curie(identifier: str) -> bool:
    prefix, separator, local = identifier.partition(":")
    return bool(separator and prefix and local) and not local.startswith("//")


def _cell(value: str | None) -> str:
    # TSV has no quoting here: tabs and line breaks inside a value would break the table.
    return " ".join((value or "").split())


def _curie_map(
    rows: list[dict[str, str]],
    sources: tuple[str | None, ...],
    prefix_map: Mapping[str, str],
) -> dict[str, str]:
    identifiers = [
        row[column]
        for row in rows
        for column in ("subject_id", "object_id", "predicate_id", "mapping_justification")
    ]
    identifiers += [source for source in sources if source and _is_curie(source)]
    identifiers += ["semapv:LexicalMatching", "skos:exactMatch"]
    prefixes = {identifier.partition(":")[0] for identifier in identifiers}
    known = {**KNOWN_PREFIXES, **prefix_map}
    return {prefix: known.get(prefix, f"{OBO_PURL}{prefix}_") for prefix in sorted(prefixes)}


def _yaml_comment_lines(metadata: dict[str, object]) -> list[str]:
    # JSON strings are valid YAML double-quoted scalars, so no YAML library is needed.
    lines = []
    for key, value in metadata.items():
        if isinstance(value, dict):
            lines.append(f"# {key}:")
            lines += [f"#   {inner}: {json.dumps(text)}" for inner, text in value.items()]
        else:
            lines.append(f"# {key}: {json.dumps(value)}")
    return lines


def _write_atomically(path: Path, text: str) -> None:
    from adcgraph.export import write_atomically

    write_atomically(path, text.encode("utf-8"))
