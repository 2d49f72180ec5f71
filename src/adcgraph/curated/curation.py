"""Read and validate the curated sources in ``graph/sources/`` into typed records.

Every file is a TSV table whose columns are declared in :data:`TABLES`. Validation collects
every problem (file, line, column, value, what was expected) before failing, so a curator
fixes a whole file in one pass.
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from adcgraph import vocab
from adcgraph.curated import tsvfile
from adcgraph.errors import InputFileError

LOCAL_SLUG = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
YEAR = re.compile(r"^(19|20)\d\d$")
DECIMAL = re.compile(r"^[0-9]+(\.[0-9]+)?$")
MONTH = re.compile(r"^(0[1-9]|1[0-2])$")
COUNT = re.compile(r"^[1-9][0-9]*$")
MAX_REPORTED = 25


class Kind(Enum):
    """What a column holds."""

    ID = "id"
    REF = "ref"
    TEXT = "text"
    CODE = "code"
    BOOL = "bool"
    DECIMAL = "decimal"
    YEAR = "year"
    MONTH = "month"
    COUNT = "count"
    BIOMARKER = "biomarker"


@dataclass(frozen=True)
class Column:
    """One column of a curated table."""

    name: str
    kind: Kind
    required: bool = False
    multi: bool = False
    prefixes: tuple[str, ...] = ()
    tables: tuple[str, ...] = ()
    codes: str = ""
    #: A column added after curators had files of the table: a file may leave it (and every
    #: later column) off the end of its header, and its cells are then empty.
    late: bool = False


@dataclass(frozen=True)
class Table:
    """A curated TSV table: its file name, the local kind of its ids, and its columns."""

    name: str
    local_kind: str | None
    columns: tuple[Column, ...]

    @property
    def filename(self) -> str:
        return f"{self.name}.tsv"

    def files(self, directory: Path) -> list[Path]:
        """The table's main file, then its fragments ``<name>/<part>.tsv`` in name order.

        >>> [path.name for path in TABLES["genes"].files(Path("graph/sources"))][0]
        'genes.tsv'
        """
        fragments = directory / self.name
        parts = sorted(fragments.glob("*.tsv")) if fragments.is_dir() else []
        return [directory / self.filename, *parts]

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def accepts_header(self, header: list[str]) -> bool:
        """Whether a file may have this header: the full one, or one without trailing
        :attr:`Column.late` columns.

        >>> TABLES["trials"].accepts_header(TABLES["trials"].header[:6])
        True
        >>> TABLES["trials"].accepts_header(TABLES["trials"].header[:5])
        False
        """
        full = self.header
        if header == full:
            return True
        return full[: len(header)] == header and all(
            column.late for column in self.columns[len(header) :]
        )


def _id(*prefixes: str) -> Column:
    return Column("id", Kind.ID, required=True, prefixes=prefixes)


def _ref(name: str, *tables: str, required: bool = False, multi: bool = False) -> Column:
    return Column(name, Kind.REF, required=required, multi=multi, tables=tables)


def _xref(name: str, *prefixes: str) -> Column:
    return Column(name, Kind.REF, multi=True, prefixes=prefixes)


def _text(name: str, *, required: bool = False, multi: bool = False) -> Column:
    return Column(name, Kind.TEXT, required=required, multi=multi)


def _code(name: str, codes: str, *, required: bool = False) -> Column:
    return Column(name, Kind.CODE, required=required, codes=codes)


CITATIONS = _ref("citations", "references", required=True, multi=True)
EVIDENCE = _code("evidence_type", "evidence_type", required=True)
STATUS = _code("curation_status", "curation_status", required=True)
DISEASE_STATE = _code("disease_state", "disease_state")
POPULATION = _ref("population", "populations")
DRUG_IDS = ("DRUGBANK", "CHEMBL.COMPOUND", "CHEBI", "NCIT", "PUBCHEM.COMPOUND")
DRUG_XREFS = _xref(
    "xrefs",
    "DRUGBANK",
    "CHEMBL.COMPOUND",
    "CHEBI",
    "NCIT",
    "PUBCHEM.COMPOUND",
    "UMLS",
    "MESH",
    "UNII",
    "CAS",
)

TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        Table(
            "references",
            None,
            (
                _id("PMID", "DOI"),
                _text("first_author"),
                Column("year", Kind.YEAR),
                _text("journal"),
                _text("title"),
                _xref("pmid_or_doi", "PMID", "DOI"),
                Column("verified", Kind.BOOL, required=True),
                _text("checked"),
            ),
        ),
        Table(
            "diseases",
            None,
            (
                _id("MONDO"),
                _text("label", required=True),
                _text("synonyms", multi=True),
                _xref("mesh", "MESH"),
                _xref("doid", "DOID"),
                _xref("ncit", "NCIT"),
                _xref("efo", "EFO"),
                _ref("parents", "diseases", multi=True),
            ),
        ),
        Table(
            "genes",
            None,
            (
                _id("HGNC"),
                _text("symbol", required=True),
                _text("name", required=True),
                _text("synonyms", multi=True),
            ),
        ),
        Table(
            "variants",
            "variant",
            (
                _id("DBSNP"),
                _text("label", required=True),
                _ref("gene", "genes", required=True),
                _text("change"),
                _text("synonyms", multi=True),
            ),
        ),
        Table(
            "payload_classes",
            "payload-class",
            (
                _id(),
                _text("label", required=True),
                _ref("parent", "payload_classes"),
                _text("mechanism_of_action", required=True),
                _text("synonyms", multi=True),
                _xref("xrefs", "CHEBI", "NCIT", "MESH"),
            ),
        ),
        Table(
            "payloads",
            "payload",
            (
                _id("CHEBI", "CHEMBL.COMPOUND", "PUBCHEM.COMPOUND", "NCIT"),
                _text("label", required=True),
                _ref("payload_class", "payload_classes", required=True),
                _text("synonyms", multi=True),
                _xref(
                    "xrefs",
                    "CHEBI",
                    "CHEMBL.COMPOUND",
                    "PUBCHEM.COMPOUND",
                    "NCIT",
                    "DRUGBANK",
                    "MESH",
                ),
            ),
        ),
        Table(
            "linkers",
            "linker",
            (
                _id(),
                _text("label", required=True),
                Column("cleavable", Kind.BOOL, required=True),
                _code("cleavage", "cleavage", required=True),
                _text("chemistry"),
                _text("synonyms", multi=True),
            ),
        ),
        Table(
            "antibodies",
            "antibody",
            (
                _id(),
                _text("label", required=True),
                _ref("targets", "genes", required=True, multi=True),
                _text("isotype"),
                _text("synonyms", multi=True),
            ),
        ),
        Table(
            "populations",
            "population",
            (
                _id(),
                _text("label", required=True),
                _ref("disease", "diseases", required=True),
                Column("biomarkers", Kind.BIOMARKER, multi=True),
                Column("states", Kind.CODE, multi=True, codes="disease_state"),
                _text("criteria"),
                _text("synonyms", multi=True),
            ),
        ),
        Table(
            "adcs",
            "adc",
            (
                _id(*DRUG_IDS),
                _text("label", required=True),
                _text("synonyms", multi=True),
                _ref("targets", "genes", required=True, multi=True),
                _ref("antibody", "antibodies", required=True),
                _ref("payload", "payloads", required=True),
                _ref("linker", "linkers", required=True),
                Column("dar", Kind.DECIMAL),
                DRUG_XREFS,
                _code("development_status", "development_status", required=True),
                CITATIONS,
                STATUS,
            ),
        ),
        Table(
            "drugs",
            "drug",
            (
                _id(*DRUG_IDS),
                _text("label", required=True),
                _code("drug_type", "drug_type", required=True),
                _text("drug_class", required=True),
                _ref("targets", "genes", multi=True),
                _text("synonyms", multi=True),
                DRUG_XREFS,
            ),
        ),
        Table(
            "trials",
            None,
            (
                _id("NCT"),
                _text("label", required=True),
                _text("synonyms", multi=True),
                _code("phase", "phase", required=True),
                Column("start_year", Kind.YEAR),
                _ref("citations", "references", multi=True),
                Column("population", Kind.REF, multi=True, tables=("populations",), late=True),
                Column("conditions", Kind.TEXT, multi=True, late=True),
            ),
        ),
        Table(
            "mechanisms",
            "mechanism",
            (
                _id(),
                _text("label", required=True),
                _code("category", "mechanism_category", required=True),
                _ref("genes", "genes", multi=True),
                _ref("variants", "variants", multi=True),
                _text("definition", required=True),
            ),
        ),
        Table(
            "resistance_claims",
            "claim",
            (
                _id(),
                _ref("mechanism", "mechanisms", required=True),
                _ref("affects", "adcs", "payload_classes", required=True),
                _ref("disease", "diseases", required=True),
                POPULATION,
                DISEASE_STATE,
                _code("direction", "direction", required=True),
                EVIDENCE,
                _code("model_system", "model_system", required=True),
                _text("effect_size"),
                Column("n", Kind.COUNT),
                CITATIONS,
                STATUS,
                _text("finding", required=True),
            ),
        ),
        Table(
            "strategies",
            "strategy",
            (
                _id(),
                _text("label", required=True),
                _code("strategy_type", "strategy_type", required=True),
                _ref("adcs", "adcs", multi=True),
                _ref("drugs", "drugs", multi=True),
                _ref("addresses", "mechanisms", multi=True),
                _ref("disease", "diseases", required=True),
                POPULATION,
                DISEASE_STATE,
                _ref("trials", "trials", multi=True),
                _code("phase", "phase", required=True),
                _code("outcome", "outcome", required=True),
                _text("effect_size"),
                _text("result"),
                EVIDENCE,
                CITATIONS,
                STATUS,
            ),
        ),
        Table(
            "indications",
            "indication",
            (
                _id(),
                _ref("adc", "adcs", required=True),
                _ref("disease", "diseases", required=True),
                POPULATION,
                DISEASE_STATE,
                _code("status", "indication_status", required=True),
                _text("agency"),
                Column("year", Kind.YEAR),
                Column("month", Kind.MONTH),
                _code("line_of_therapy", "line_of_therapy"),
                _ref("trials", "trials", multi=True),
                EVIDENCE,
                CITATIONS,
                STATUS,
            ),
        ),
    )
}


@dataclass(frozen=True)
class Issue:
    """One problem in a curated file, located precisely enough to fix it."""

    path: Path
    line: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}"
        if self.column:
            where += f" column {self.column!r}"
        value = f" value {self.value!r}:" if self.value else ""
        return f"{where}:{value} {self.message}"


@dataclass(frozen=True)
class Record:
    """One validated row: every cell is a tuple of strings (empty when the cell is empty)."""

    table: str
    path: Path
    line: int
    cells: Mapping[str, tuple[str, ...]]

    @property
    def id(self) -> str:
        return self.cells["id"][0]

    def one(self, column: str) -> str | None:
        """The single value of a column, or None when empty."""
        values = self.cells[column]
        return values[0] if values else None

    def many(self, column: str) -> tuple[str, ...]:
        """Every value of a multi-valued column."""
        return self.cells[column]


@dataclass
class Curation:
    """All curated records, by table name."""

    directory: Path
    tables: dict[str, list[Record]] = field(default_factory=dict)

    def records(self, table: str) -> list[Record]:
        return self.tables.get(table, [])

    def ids(self, table: str) -> set[str]:
        return {record.id for record in self.records(table)}

    def count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())


Codes = Mapping[str, Mapping[str, str]]


def read_sources(directory: Path, codes: Codes) -> Curation:
    """Read and validate every curated table; raise one InputFileError listing all issues.

    ``codes`` maps each controlled list (``evidence_type`` ...) to its codes and their IRIs,
    as :func:`adcgraph.curated.ontology.controlled_values` reads them from the ontology.

    >>> from adcgraph.curated.ontology import controlled_values, ONTOLOGY_FILE
    >>> curation = read_sources(Path("graph/sources"), controlled_values(ONTOLOGY_FILE))
    >>> "MONDO:0005494" in curation.ids("diseases")
    True
    """
    curation = Curation(directory)
    issues: list[Issue] = []
    for table in TABLES.values():
        main, *fragments = table.files(directory)
        if not main.exists():
            issues.append(Issue(main, 0, "", "", "file is missing"))
            continue
        records: list[Record] = []
        for path in (main, *fragments):
            file_records, table_issues = _read_table(path, table, codes)
            records.extend(file_records)
            issues.extend(table_issues)
        curation.tables[table.name] = _unique(records, issues)
    issues.extend(_dangling_references(curation))
    issues.extend(consistency_issues(curation))
    issues.extend(hierarchy_issues(curation))
    if not issues:
        from adcgraph.resolving.conditions import condition_issues

        issues.extend(condition_issues(curation))
    if issues:
        raise InputFileError(format_issues(issues))
    return curation


#: Tables whose rows point to a parent row of the same table: no row may be its own ancestor.
HIERARCHIES = (("diseases", "parents"), ("payload_classes", "parent"))


def hierarchy_issues(curation: Curation) -> list[Issue]:
    """Rows that are their own parent or ancestor (a cycle in a hierarchy).

    >>> from adcgraph.curated.ontology import controlled_values
    >>> hierarchy_issues(read_sources(Path("graph/sources"), controlled_values()))
    []
    """
    issues = []
    for table, column in HIERARCHIES:
        records = {record.id: record for record in curation.tables.get(table, [])}
        for record in records.values():
            path = _cycle_from(record.id, records, column)
            if path:
                chain = " -> ".join(path)
                issues.append(Issue(record.path, record.line, column, record.id, f"cycle: {chain}"))
    return issues


def _cycle_from(start: str, records: Mapping[str, Record], column: str) -> list[str]:
    # Depth-first over parents; the first path that comes back to ``start``.
    stack = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        record = records.get(node)
        for parent in record.many(column) if record else ():
            if parent == start:
                return [*path, parent]
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, [*path, parent]))
    return []


def _unique(records: list[Record], issues: list[Issue]) -> list[Record]:
    """Keep the first record of each id across a table's files; report the others."""
    first: dict[str, Record] = {}
    for record in records:
        if record.id in first:
            seen = first[record.id]
            issues.append(
                Issue(
                    record.path,
                    record.line,
                    "id",
                    record.id,
                    f"duplicate id (first in {seen.path.name} line {seen.line})",
                )
            )
            continue
        first[record.id] = record
    return list(first.values())


#: Model systems that each evidence type may rest on (``in_silico`` goes with either).
MODEL_SYSTEMS_BY_EVIDENCE: dict[str, frozenset[str]] = {
    "clinical": frozenset({"patient_cohort", "patient_sample", "in_silico"}),
    "preclinical_in_vivo": frozenset({"pdx", "cell_line_xenograft", "animal_model"}),
    "preclinical_in_vitro": frozenset({"cell_line", "organoid", "in_silico"}),
    "review": frozenset({"not_applicable"}),
    "inferred": frozenset({"not_applicable"}),
    "regulatory": frozenset({"patient_cohort", "not_applicable"}),
}
APPROVAL_STATUSES = frozenset({"approved", "accelerated_approval", "conditional_approval"})


def consistency_issues(curation: Curation) -> list[Issue]:
    """Rules across the columns of a row that keep evidence as strong as its source.

    - a claim's model system must fit its evidence type (a ``clinical`` claim from cell lines
      is wrong; an ``inferred`` or ``review`` claim has no model system of its own);
    - a claim or strategy resting only on a review cannot be ``verified``;
    - an approval must cite the regulator's record or the pivotal trial (``regulatory`` or
      ``clinical`` evidence), or stay ``unverified``.

    >>> from adcgraph.curated.ontology import controlled_values
    >>> consistency_issues(read_sources(Path("graph/sources"), controlled_values()))
    []
    """
    issues: list[Issue] = []
    for record in curation.records("resistance_claims"):
        evidence, model = record.one("evidence_type") or "", record.one("model_system") or ""
        allowed = MODEL_SYSTEMS_BY_EVIDENCE.get(evidence, frozenset())
        if model not in allowed:
            issues.append(
                Issue(
                    record.path,
                    record.line,
                    "model_system",
                    model,
                    f"evidence type {evidence!r} needs a model system among "
                    f"{', '.join(sorted(allowed))}",
                )
            )
    for table in ("resistance_claims", "strategies"):
        for record in curation.records(table):
            if record.one("evidence_type") == "review" and _verified(record):
                issues.append(
                    Issue(
                        record.path,
                        record.line,
                        "curation_status",
                        "verified",
                        "a row resting only on a review must be 'unverified'; "
                        "cite the primary study instead",
                    )
                )
    for record in curation.records("indications"):
        if (
            record.one("status") in APPROVAL_STATUSES
            and record.one("evidence_type") not in ("regulatory", "clinical")
            and _verified(record)
        ):
            issues.append(
                Issue(
                    record.path,
                    record.line,
                    "evidence_type",
                    record.one("evidence_type") or "",
                    "an approval is 'verified' only when it cites the regulator's record "
                    "('regulatory') or the pivotal trial ('clinical')",
                )
            )
    return issues


def _verified(record: Record) -> bool:
    return record.one("curation_status") == "verified"


def format_issues(issues: list[Issue]) -> str:
    """Render issues one per line, capped so a broken file does not flood the terminal."""
    lines = [str(issue) for issue in issues[:MAX_REPORTED]]
    if len(issues) > MAX_REPORTED:
        lines.append(f"... and {len(issues) - MAX_REPORTED} more problems")
    noun = "problem" if len(issues) == 1 else "problems"
    return f"{len(issues)} {noun} in the curated sources:\n" + "\n".join(lines)


def order_issues(curation: Curation) -> list[Issue]:
    """Rows that are not sorted by id (diff-friendliness; `adcgraph lint --fix-order` fixes)."""
    issues = []
    for records in curation.tables.values():
        for previous, record in itertools.pairwise(records):
            if record.path == previous.path and record.id < previous.id:
                issues.append(
                    Issue(
                        record.path,
                        record.line,
                        "id",
                        record.id,
                        f"rows are not sorted by id (comes after {previous.id!r})",
                    )
                )
                break
    return issues


def sort_table_file(path: Path) -> bool:
    """Rewrite a TSV file with its rows sorted by id; True if it changed.

    Lines and cells are read exactly as the reader reads them (:mod:`adcgraph.curated.tsvfile`);
    a file with a cell the reader refuses is not rewritten (InputFileError).
    """
    return tsvfile.sort_rows_by_id(path)


def _read_table(path: Path, table: Table, codes: Codes) -> tuple[list[Record], list[Issue]]:
    issues: list[Issue] = []
    records: list[Record] = []
    numbered, problems = tsvfile.read_rows(path)
    issues = [Issue(path, p.line, _column_name(table, p.column), "", p.message) for p in problems]
    if not numbered and not problems:
        return [], [Issue(path, 1, "", "", "file is empty; expected a header row")]
    if not numbered or numbered[0][0] != 1:
        return [], issues
    if not table.accepts_header(numbered[0][1]):
        expected = "\t".join(table.header)
        header = "\t".join(numbered[0][1])
        late = [column.name for column in table.columns if column.late]
        optional = f" (trailing {', '.join(late)} may be left off)" if late else ""
        return [], [Issue(path, 1, "", header, f"header must be: {expected}{optional}")]
    width = len(numbered[0][1])
    seen: dict[str, int] = {}
    for line, row in numbered[1:]:
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != width:
            issues.append(
                Issue(
                    path, line, "", "", f"expected {width} tab-separated fields, found {len(row)}"
                )
            )
            continue
        row = [*row, *[""] * (len(table.columns) - width)]
        cells: dict[str, tuple[str, ...]] = {}
        for column, raw in zip(table.columns, row, strict=True):
            values, cell_issues = _parse_cell(raw, column, table, codes)
            cells[column.name] = values
            issues.extend(Issue(path, line, column.name, raw, message) for message in cell_issues)
        if not cells["id"]:
            continue
        record = Record(table.name, path, line, cells)
        if record.id in seen:
            issues.append(
                Issue(
                    path, line, "id", record.id, f"duplicate id (first on line {seen[record.id]})"
                )
            )
            continue
        seen[record.id] = line
        records.append(record)
    return records, issues


def _column_name(table: Table, number: int) -> str:
    return table.columns[number - 1].name if 0 < number <= len(table.columns) else ""


def _parse_cell(
    raw: str, column: Column, table: Table, codes: Codes
) -> tuple[tuple[str, ...], list[str]]:
    text = raw.strip()
    if not text:
        return (), (["a value is required"] if column.required else [])
    values = [part.strip() for part in text.split("|")] if column.multi else [text]
    if any(not value for value in values):
        return (), ["empty value between '|' separators"]
    messages: list[str] = []
    for value in values:
        message = _check_value(value, column, table, codes)
        if message:
            messages.append(message)
    return tuple(values), messages


def _check_value(value: str, column: Column, table: Table, codes: Codes) -> str | None:
    if column.kind is Kind.ID:
        return check_curie(value, column.prefixes, table.local_kind)
    if column.kind is Kind.REF:
        if column.tables:
            messages = [
                check_curie(value, _id_prefixes(TABLES[name]), TABLES[name].local_kind)
                for name in column.tables
            ]
            return None if None in messages else messages[0]
        return check_curie(value, column.prefixes, None)
    if column.kind is Kind.CODE:
        allowed = codes[column.codes]
        if value not in allowed:
            close = difflib.get_close_matches(value, list(allowed), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            return f"expected one of {', '.join(sorted(allowed))}{hint}"
        return None
    if column.kind is Kind.BOOL:
        return None if value in ("true", "false") else "expected 'true' or 'false'"
    if column.kind is Kind.DECIMAL:
        # xsd:decimal lexical form only: float() would also take inf, nan and 1e400.
        if not DECIMAL.match(value):
            return "expected a decimal number such as 3.5"
        return None if float(value) > 0 else "expected a positive number"
    if column.kind is Kind.YEAR:
        return None if YEAR.match(value) else "expected a four-digit year such as 2020"
    if column.kind is Kind.MONTH:
        return None if MONTH.match(value) else "expected a two-digit month 01..12"
    if column.kind is Kind.COUNT:
        return None if COUNT.match(value) else "expected a whole number such as 42"
    if column.kind is Kind.BIOMARKER:
        return _check_biomarker(value, codes)
    return None


def _check_biomarker(value: str, codes: Codes) -> str | None:
    gene, sep, status = value.partition("=")
    if not sep:
        return "expected GENE=STATUS such as HGNC:3430=low"
    message = check_curie(gene, ("HGNC",), None)
    if message:
        return message
    allowed = codes["biomarker_status"]
    if status not in allowed:
        close = difflib.get_close_matches(status, list(allowed), n=1, cutoff=0.5)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return (
            f"unknown biomarker status {status!r}: biomarker status must be one of "
            f"{', '.join(sorted(allowed))}{hint}"
        )
    return None


def biomarker_parts(value: str) -> tuple[str, str]:
    """Split a validated ``GENE=STATUS`` cell value.

    >>> biomarker_parts("HGNC:3430=low")
    ('HGNC:3430', 'low')
    """
    gene, _, status = value.partition("=")
    return gene, status


def _id_prefixes(table: Table) -> tuple[str, ...]:
    return next(column.prefixes for column in table.columns if column.name == "id")


def check_curie(value: str, prefixes: Iterable[str], local_kind: str | None) -> str | None:
    """Return why ``value`` is not a valid CURIE for this column, or None if it is.

    >>> check_curie("MONDO:0005494", ["MONDO"], None) is None
    True
    >>> check_curie("FOO:1", ["MONDO"], None)
    "unknown identifier prefix 'FOO'; expected one of MONDO"
    """
    allowed = list(prefixes) + ([f"adcgraph:{local_kind}/"] if local_kind else [])
    expected = ", ".join(allowed)
    prefix, sep, local = value.partition(":")
    if not sep or not local:
        return f"expected a CURIE such as {allowed[0]}..." if allowed else "expected a CURIE"
    if prefix == "adcgraph":
        kind, slash, slug = local.partition("/")
        if local_kind and kind == local_kind and slash and LOCAL_SLUG.match(slug):
            return None
        if local_kind and kind == local_kind:
            return f"local ids are adcgraph:{local_kind}/<slug> with a lowercase a-z0-9- slug"
        return f"expected one of {expected}"
    if any(character.isspace() for character in local):
        return f"identifier {value!r} contains a space; identifiers have none"
    written = vocab.written_prefixes().get(prefix.lower())
    if written is None:
        return f"unknown identifier prefix {prefix!r}; expected one of {expected}"
    if written not in prefixes:
        return f"prefix {written!r} is not allowed here; expected one of {expected}"
    if prefix != written:
        return f"write the prefix as {written!r} ({written}:{local})"
    pattern = vocab.patterns().get(written)
    if pattern and not re.match(pattern, local):
        return f"local identifier {local!r} does not match the {written} pattern {pattern}"
    return None


def _dangling_references(curation: Curation) -> list[Issue]:
    issues = []
    ids = {name: curation.ids(name) for name in TABLES}
    for record in curation.records("populations"):
        for value in record.many("biomarkers"):
            gene, _ = biomarker_parts(value)
            if gene not in ids["genes"]:
                issues.append(
                    Issue(
                        record.path,
                        record.line,
                        "biomarkers",
                        value,
                        "dangling reference: no row with this id in genes.tsv",
                    )
                )
    for table in TABLES.values():
        ref_columns = [c for c in table.columns if c.kind is Kind.REF and c.tables]
        for record in curation.records(table.name):
            for column in ref_columns:
                for value in record.many(column.name):
                    if not any(value in ids[name] for name in column.tables):
                        where = " or ".join(TABLES[name].filename for name in column.tables)
                        issues.append(
                            Issue(
                                record.path,
                                record.line,
                                column.name,
                                value,
                                f"dangling reference: no row with this id in {where}",
                            )
                        )
    return issues
