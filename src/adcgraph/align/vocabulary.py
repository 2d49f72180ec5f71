"""Read a user's vocabulary: an ontology file, a TSV/CSV table, or a plain list of names.

- ``.obo``, ``.owl``, ``.rdf``, ``.ttl``, ``.json``: read as an ontology (labels, synonyms,
  is_a).
- ``.tsv``, ``.csv``: a header row naming a name column (``label``, ``name``, ``term``,
  ``condition`` ...), optionally an identifier column (``id``, ``curie``, ``code``), a
  synonyms column (values split on ``|``) and a parent column (identifiers, ``|``).
- anything else: one name per line; blank lines and ``#`` comments are skipped.

Rows without an identifier get ``input:<line>``; the ``input`` prefix stands for the file
(see :func:`input_prefix_map`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from adcgraph.errors import MappingError
from adcgraph.ontofile import Synonym, Term, read_ontology

ONTOLOGY_SUFFIXES = frozenset({".obo", ".owl", ".rdf", ".ttl", ".json"})
TABLE_SUFFIXES = {".tsv": "\t", ".csv": ","}
INPUT_PREFIX = "input"
NAME_COLUMNS = ("label", "name", "term", "condition", "disease", "preferred_name", "text")
ID_COLUMNS = ("id", "curie", "identifier", "code", "term_id")
SYNONYM_COLUMNS = ("synonyms", "synonym", "aliases")
PARENT_COLUMNS = ("parents", "parent", "is_a", "subclassof")


def read_vocabulary(path: Path) -> dict[str, Term]:
    """Read a vocabulary file as terms (see the module docstring for the formats).

    Raises :class:`MappingError` naming the file and line of the first problem.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in ONTOLOGY_SUFFIXES:
        return read_ontology(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise MappingError(f"{path}: cannot read ({error.strerror})") from error
    except UnicodeDecodeError as error:
        raise MappingError(f"{path}: not UTF-8 text ({error.reason})") from error
    if suffix in TABLE_SUFFIXES:
        return parse_table(text, delimiter=TABLE_SUFFIXES[suffix], source=str(path))
    return parse_name_list(text, source=str(path))


def parse_name_list(text: str, *, source: str = "<string>") -> dict[str, Term]:
    """One name per line; identifiers ``input:<line>``.

    >>> terms = parse_name_list("HER2+ breast cancer\\n\\n# x\\nNSCLC\\n")
    >>> [(t.id, t.label) for t in terms.values()]
    [('input:1', 'HER2+ breast cancer'), ('input:4', 'NSCLC')]
    """
    terms = {}
    for number, line in enumerate(text.splitlines(), start=1):
        name = " ".join(line.split())
        if name and not name.startswith("#"):
            term_id = f"{INPUT_PREFIX}:{number}"
            terms[term_id] = Term(term_id, name, (), (), None, False)
    if not terms:
        raise MappingError(f"{source}: no names (expected one name per line)")
    return terms


def parse_table(text: str, *, delimiter: str, source: str = "<string>") -> dict[str, Term]:
    """A table with a header row; see the module docstring for the column names.

    >>> table = "id\\tname\\tsynonyms\\nX:1\\tLung Cancer\\tNSCLC|lung carcinoma\\n"
    >>> term = parse_table(table, delimiter="\\t")["X:1"]
    >>> term.label, [s.text for s in term.synonyms]
    ('Lung Cancer', ['NSCLC', 'lung carcinoma'])
    """
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise MappingError(f"{source}:1: empty table (expected a header row)")
    columns = [cell.strip().lower() for cell in header]
    name_column = _column(columns, NAME_COLUMNS)
    if name_column is None:
        raise MappingError(
            f"{source}:1: no name column in the header ({', '.join(header)}); "
            f"expected one of {', '.join(NAME_COLUMNS)}"
        )
    id_column = _column(columns, ID_COLUMNS)
    synonym_column = _column(columns, SYNONYM_COLUMNS)
    parent_column = _column(columns, PARENT_COLUMNS)
    terms: dict[str, Term] = {}
    for number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise MappingError(
                f"{source}:{number}: {len(row)} columns, expected {len(header)} as in the header"
            )
        name = " ".join(row[name_column].split())
        if not name:
            raise MappingError(f"{source}:{number}: empty {header[name_column]!r}")
        term_id = row[id_column].strip() if id_column is not None else ""
        term_id = term_id or f"{INPUT_PREFIX}:{number}"
        if term_id in terms:
            raise MappingError(f"{source}:{number}: identifier {term_id} appears twice")
        terms[term_id] = Term(
            term_id,
            name,
            tuple(Synonym(s, "EXACT") for s in _cell_values(row, synonym_column)),
            tuple(_cell_values(row, parent_column)),
            None,
            False,
        )
    if not terms:
        raise MappingError(f"{source}: no rows under the header")
    return terms


def input_prefix_map(path: Path) -> dict[str, str]:
    """The URI prefix that ``input:`` identifiers stand for: the file itself.

    >>> input_prefix_map(Path("/data/conditions.txt"))
    {'input': 'file:///data/conditions.txt#'}
    """
    return {INPUT_PREFIX: f"{Path(path).resolve().as_uri()}#"}


def _column(columns: list[str], names: tuple[str, ...]) -> int | None:
    for name in names:
        if name in columns:
            return columns.index(name)
    return None


def _cell_values(row: list[str], column: int | None) -> list[str]:
    if column is None:
        return []
    return [value.strip() for value in row[column].split("|") if value.strip()]
