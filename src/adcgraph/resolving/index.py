"""The name index: every entity the resolver can answer with, and all its names.

Three sources feed it, merged by IRI (one entity per IRI):

- the **curated graph**: labels, ``skos:altLabel`` synonyms (brand names, codes, gene aliases,
  trial acronyms), gene full names, exactMatch identifiers, publication PMIDs/DOIs, variant
  protein changes and rsIDs, populations with their disease, biomarkers and states;
- the **disease reference index** shipped in ``graph/reference/diseases.tsv.gz`` (the MONDO
  cancer branch, see :mod:`adcgraph.resolving.reference_build`), so common cancer names
  resolve offline;
- **imported ontologies** (``adcgraph import ... --format obo|owl|mesh|oncotree``): a class
  crosswalked to a MONDO class lends it its names; a disease class without a crosswalk
  stands for itself.

The index is cached as an SQLite file beside the store, keyed by the store version and the
reference file's digest; ``adcgraph resolve`` opens it read-only and looks names up by index
(nothing is loaded in bulk), importing only the standard library.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import astuple, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from adcgraph.resolving.learned import Learned, initials_key, learn, phrase_free_equivalents
from adcgraph.resolving.text import (
    NO_EQUIVALENTS,
    concept_key,
    fold,
    normalise,
    word_order_key,
)
from adcgraph.storage.locations import PROJECT_ROOT, VERSION_FILE, default_store_path

if TYPE_CHECKING:
    from adcgraph.align.nameforms import NameForms

INDEX_FORMAT = 8
CACHE_FILE = "resolve-index.sqlite"
REFERENCE_DISEASES = PROJECT_ROOT / "graph" / "reference" / "diseases.tsv.gz"

#: The kind of an entity, from the local name of its ontology class.
KIND_BY_CLASS: Mapping[str, str] = MappingProxyType(
    {
        "ADC": "adc",
        "SmallMoleculeDrug": "drug",
        "AntibodyDrug": "drug",
        "Drug": "drug",
        "Antibody": "antibody",
        "Payload": "payload",
        "PayloadClass": "payload_class",
        "Linker": "linker",
        "Gene": "gene",
        "Variant": "variant",
        "Disease": "disease",
        "Population": "population",
        "ClinicalTrial": "trial",
        "Publication": "publication",
        "ResistanceMechanism": "mechanism",
        "AntigenLoss": "mechanism",
        "AntigenLowExpression": "mechanism",
        "AntigenMutation": "mechanism",
        "AntigenSplicing": "mechanism",
        "AntigenHeterogeneity": "mechanism",
        "AntigenShedding": "mechanism",
        "InternalisationTrafficking": "mechanism",
        "LysosomalProcessing": "mechanism",
        "PayloadEfflux": "mechanism",
        "PayloadMetabolism": "mechanism",
        "PayloadTargetAlteration": "mechanism",
        "PharmacologicalBarrier": "mechanism",
        "MitoticEscape": "mechanism",
        "DnaDamageResponse": "mechanism",
        "ApoptosisEvasion": "mechanism",
        "SignallingRewiring": "mechanism",
        "MicroenvironmentStroma": "mechanism",
        "ImmuneEvasion": "mechanism",
        "Strategy": "strategy",
        "CombinationStrategy": "strategy",
        "SequencingStrategy": "strategy",
        "PayloadSwitchStrategy": "strategy",
        "NextGenerationAdcStrategy": "strategy",
        "BiomarkerSelectionStrategy": "strategy",
        "Indication": "indication",
        "ResistanceClaim": "claim",
    }
)
#: When an entity has several classes, the first kind in this order names it.
KIND_ORDER = (
    "adc",
    "drug",
    "antibody",
    "payload",
    "payload_class",
    "linker",
    "gene",
    "variant",
    "disease",
    "population",
    "mechanism",
    "strategy",
    "trial",
    "indication",
    "claim",
    "publication",
)
#: How each kind is named in messages (the ontology class).
KIND_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "adc": "ADC",
        "drug": "Drug",
        "antibody": "Antibody",
        "payload": "Payload",
        "payload_class": "PayloadClass",
        "linker": "Linker",
        "gene": "Gene",
        "variant": "Variant",
        "disease": "Disease",
        "population": "Population",
        "mechanism": "ResistanceMechanism",
        "strategy": "Strategy",
        "trial": "ClinicalTrial",
        "indication": "Indication",
        "claim": "ResistanceClaim",
        "publication": "Publication",
    }
)
#: Levels of text comparison, tightest first; all but the last two use lookup tables.
LEVELS = (
    "identifier",
    "exact",
    "case-insensitive",
    "normalised",
    "word order",
    "concept",
    "learned",
    "initials",
    "typo",
    "fuzzy",
)
TABLE_LEVELS = LEVELS[:6]
#: Lookup tables that are not levels of their own: the initials of multi-word names.
EXTRA_TABLES = ("initials",)
#: Name fields. ``imported`` names come from an imported ontology's crosswalked class.
FIELDS = ("id", "xref", "label", "synonym", "abbreviation", "name", "imported")


@dataclass(frozen=True)
class Entity:
    """An entity of the index; ``source`` is ``curated``, ``reference`` or ``import:<name>``."""

    id: str
    iri: str
    label: str
    kind: str
    source: str = "curated"


class NameIndex:
    """Entities, their names (``(entity position, field, text)``) and lookup tables, in memory.

    ``parents`` holds the is_a parents of diseases (CURIEs; curated, reference and imported
    hierarchies merged); ``details`` the disease, biomarkers and states of populations.
    :class:`StoredIndex` answers the same questions from the on-disk cache.
    """

    def __init__(
        self,
        version: str,
        entities: Sequence[Entity],
        names: Sequence[tuple[int, str, str]],
        parents: Mapping[str, tuple[str, ...]] | None = None,
        details: Mapping[str, Mapping[str, Any]] | None = None,
        forms: NameForms | None = None,
    ) -> None:
        from adcgraph.align.nameforms import concept_equivalents, shipped_name_forms

        self.version = version
        self.forms = forms if forms is not None else shipped_name_forms()
        self.entities: Sequence[Entity] = tuple(entities)
        self.names: Sequence[tuple[int, str, str]] = tuple(names)
        self.equivalents: Mapping[str, str] = phrase_free_equivalents(
            _disease_names(self.entities, self.names).values(), concept_equivalents(self.forms)
        )
        self.parents: Mapping[str, tuple[str, ...]] = dict(parents or {})
        self.details: Mapping[str, Mapping[str, Any]] = dict(details or {})
        self._tables = table_keys(self.names, self.equivalents)
        self._by_id = {entity.id: number for number, entity in enumerate(self.entities)}
        self._by_length: dict[int, list[str]] = {}
        for key in self._tables["normalised"]:
            self._by_length.setdefault(len(key), []).append(key)
        self._learned: Learned | None = None
        self._children: dict[str, tuple[str, ...]] | None = None
        self._names_by_entity: dict[int, list[str]] | None = None
        self._xrefs_by_entity: dict[int, list[str]] | None = None

    @property
    def learned(self) -> Learned:
        """Word equivalents and abbreviations learned from the diseases' names."""
        if self._learned is None:
            self._learned = learn_from_names(
                self.entities, self.names, self.equivalents, self.forms
            )
        return self._learned

    def children(self, curie: str) -> tuple[str, ...]:
        """The diseases whose parents include ``curie``."""
        if self._children is None:
            found: dict[str, list[str]] = {}
            for child, parents in self.parents.items():
                for parent in parents:
                    found.setdefault(parent, []).append(child)
            self._children = {parent: tuple(sorted(kids)) for parent, kids in found.items()}
        return self._children.get(curie, ())

    def names_of(self, curie: str) -> list[str]:
        """The label, synonyms and abbreviations of one entity."""
        if self._names_by_entity is None:
            grouped: dict[int, list[str]] = {}
            for entity, name_field, text in self.names:
                if name_field not in ("id", "xref"):
                    grouped.setdefault(entity, []).append(text)
            self._names_by_entity = grouped
        position = self._by_id.get(curie)
        return list(self._names_by_entity.get(position, [])) if position is not None else []

    def lookup(self, level: str, key: str) -> list[int]:
        """Positions in ``names`` whose key at ``level`` equals ``key``."""
        return self._tables[level].get(key, [])

    def xrefs_of(self, curie: str) -> list[str]:
        """The cross-references of one entity (CURIEs of other vocabularies)."""
        if self._xrefs_by_entity is None:
            grouped: dict[int, list[str]] = {}
            for entity, name_field, text in self.names:
                if name_field == "xref":
                    grouped.setdefault(entity, []).append(text)
            self._xrefs_by_entity = grouped
        position = self._by_id.get(curie)
        return list(self._xrefs_by_entity.get(position, [])) if position is not None else []

    def keys_of_length(self, low: int, high: int) -> Iterable[str]:
        """Normalised keys whose length is between ``low`` and ``high`` (typo search)."""
        for length in range(low, high + 1):
            yield from self._by_length.get(length, ())

    def entity(self, curie: str) -> Entity | None:
        """The entity with this CURIE, if the index has it."""
        position = self._by_id.get(curie)
        return None if position is None else self.entities[position]

    def positions_of(self, curie: str) -> int | None:
        """The position of the entity with this CURIE in ``entities``, if any."""
        return self._by_id.get(curie)

    def names_of_kind(self, kind: str) -> list[tuple[int, str, str]]:
        """The names of every entity of one kind."""
        return [name for name in self.names if self.entities[name[0]].kind == kind]


def learn_from_names(
    entities: Sequence[Entity],
    names: Iterable[tuple[int, str, str]],
    equivalents: Mapping[str, str] = NO_EQUIVALENTS,
    forms: NameForms | None = None,
) -> Learned:
    """:func:`~adcgraph.resolving.learned.learn` over the names of every disease, with the
    abbreviations of ``forms``."""
    grouped = _disease_names(entities, names)
    if forms is None:
        return learn(grouped.values(), equivalents)
    return learn(grouped.values(), equivalents, forms.abbreviations)


def _disease_names(
    entities: Sequence[Entity], names: Iterable[tuple[int, str, str]]
) -> dict[int, list[str]]:
    """The names of each disease (label first, as the index lists it), by position."""
    grouped: dict[int, list[str]] = {}
    for position, name_field, text in names:
        if name_field not in ("id", "xref") and entities[position].kind == "disease":
            grouped.setdefault(position, []).append(text)
    return grouped


def table_keys(
    names: Iterable[tuple[int, str, str]], equivalents: Mapping[str, str] = NO_EQUIVALENTS
) -> dict[str, dict[str, list[int]]]:
    """The lookup key of every name at every table level (and its initials); the concept
    key reads words with ``equivalents``.

    >>> table_keys([(0, "label", "Breast Cancer")])["word order"]
    {'breast cancer': [0]}
    >>> table_keys([(0, "label", "renal cancer")], {"renal": "kidney"})["concept"]
    {'cancer kidney': [0]}
    """
    tables: dict[str, dict[str, list[int]]] = {
        level: {} for level in (*TABLE_LEVELS, *EXTRA_TABLES)
    }
    for position, (_, name_field, text) in enumerate(names):
        if name_field in ("id", "xref"):
            tables["identifier"].setdefault(text.casefold(), []).append(position)
            continue
        folded = fold(text)
        concept = concept_key(folded, equivalents)
        for level, key in (
            ("exact", text),
            ("case-insensitive", folded),
            ("normalised", normalise(folded)),
            ("word order", word_order_key(folded)),
            ("concept", concept),
            ("initials", initials_key(text) if name_field != "abbreviation" else ""),
        ):
            if key:
                tables[level].setdefault(key, []).append(position)
    return tables


class _Rows(Sequence[Any]):
    """A read-only sequence over one table of the stored index, fetched row by row."""

    def __init__(self, connection: sqlite3.Connection, table: str, make: Any) -> None:
        self._connection = connection
        self._table = table
        self._make = make
        self._length: int | None = None

    def __len__(self) -> int:
        if self._length is None:
            (self._length,) = self._connection.execute(
                f"SELECT COUNT(*) FROM {self._table}"
            ).fetchone()
        return self._length

    def __getitem__(self, position: Any) -> Any:
        if isinstance(position, slice):
            return [self[i] for i in range(*position.indices(len(self)))]
        row = self._connection.execute(
            f"SELECT * FROM {self._table} WHERE pos = ?", (position,)
        ).fetchone()
        if row is None:
            raise IndexError(position)
        return self._make(row[1:])

    def __iter__(self) -> Iterator[Any]:
        for row in self._connection.execute(f"SELECT * FROM {self._table} ORDER BY pos"):
            yield self._make(row[1:])


class StoredIndex(NameIndex):
    """The name index read from its SQLite cache: nothing is loaded until it is asked for,
    so a fresh ``adcgraph resolve`` answers in milliseconds whatever the index size.
    """

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        meta = dict(self._connection.execute("SELECT key, value FROM meta"))
        self.version = meta["version"]
        self.entities: Sequence[Entity] = _Rows(
            self._connection, "entities", lambda row: Entity(*row)
        )
        self.names: Sequence[tuple[int, str, str]] = _Rows(self._connection, "names", tuple)
        self.details: Mapping[str, Mapping[str, Any]] = json.loads(meta["details"])
        self._parents: dict[str, tuple[str, ...]] | None = None
        self._learned = Learned.from_json(meta["learned"]) if "learned" in meta else Learned()
        self.equivalents = self._learned.equivalents
        self._children = None

    def names_of(self, curie: str) -> list[str]:
        """The label, synonyms and abbreviations of one entity."""
        rows = self._connection.execute(
            "SELECT n.text FROM names n JOIN entities e ON n.entity = e.pos "
            "WHERE e.id = ? AND n.field NOT IN ('id', 'xref') ORDER BY n.pos",
            (curie,),
        )
        return [text for (text,) in rows]

    def xrefs_of(self, curie: str) -> list[str]:
        """The cross-references of one entity (CURIEs of other vocabularies)."""
        rows = self._connection.execute(
            "SELECT n.text FROM names n JOIN entities e ON n.entity = e.pos "
            "WHERE e.id = ? AND n.field = 'xref' ORDER BY n.pos",
            (curie,),
        )
        return [text for (text,) in rows]

    @property
    def parents(self) -> Mapping[str, tuple[str, ...]]:  # type: ignore[override]
        """Disease parents (read on first use)."""
        if self._parents is None:
            parents: dict[str, list[str]] = {}
            for child, parent in self._connection.execute("SELECT child, parent FROM parents"):
                parents.setdefault(child, []).append(parent)
            self._parents = {child: tuple(found) for child, found in parents.items()}
        return self._parents

    def lookup(self, level: str, key: str) -> list[int]:
        """Positions in ``names`` whose key at ``level`` equals ``key``."""
        rows = self._connection.execute(
            "SELECT name FROM keys WHERE level = ? AND key = ? ORDER BY name", (level, key)
        )
        return [name for (name,) in rows]

    def keys_of_length(self, low: int, high: int) -> Iterable[str]:
        """Normalised keys whose length is between ``low`` and ``high`` (typo search)."""
        rows = self._connection.execute(
            "SELECT DISTINCT key FROM keys WHERE level = 'normalised' AND length BETWEEN ? AND ?",
            (low, high),
        )
        return [key for (key,) in rows]

    def positions_of(self, curie: str) -> int | None:
        """The position of the entity with this CURIE in ``entities``, if any."""
        row = self._connection.execute(
            "SELECT pos FROM entities WHERE id = ?", (curie,)
        ).fetchone()
        return None if row is None else int(row[0])

    def entity(self, curie: str) -> Entity | None:
        """The entity with this CURIE, if the index has it."""
        row = self._connection.execute(
            "SELECT id, iri, label, kind, source FROM entities WHERE id = ?", (curie,)
        ).fetchone()
        return None if row is None else Entity(*row)

    def names_of_kind(self, kind: str) -> list[tuple[int, str, str]]:
        """The names of every entity of one kind."""
        rows = self._connection.execute(
            "SELECT n.entity, n.field, n.text FROM names n JOIN entities e ON n.entity = e.pos "
            "WHERE e.kind = ? ORDER BY n.pos",
            (kind,),
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def save_index(index: NameIndex, path: Path) -> None:
    """Write ``index`` as an SQLite file (atomically: a partial file is renamed into place)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    try:
        _write_sqlite(index, partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _write_sqlite(index: NameIndex, partial: Path) -> None:
    connection = sqlite3.connect(partial)
    with connection:
        connection.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE entities (pos INTEGER PRIMARY KEY, id TEXT, iri TEXT, label TEXT,
                                   kind TEXT, source TEXT);
            CREATE TABLE names (pos INTEGER PRIMARY KEY, entity INTEGER, field TEXT, text TEXT);
            CREATE TABLE keys (level TEXT, key TEXT, name INTEGER, length INTEGER);
            CREATE TABLE parents (child TEXT, parent TEXT);
            """
        )
        connection.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("format", str(INDEX_FORMAT)),
                ("version", index.version),
                ("details", json.dumps(index.details)),
                ("learned", index.learned.to_json()),
            ],
        )
        connection.executemany(
            "INSERT INTO entities VALUES (?, ?, ?, ?, ?, ?)",
            [(number, *astuple(entity)) for number, entity in enumerate(index.entities)],
        )
        connection.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?)",
            [(number, *name) for number, name in enumerate(index.names)],
        )
        connection.executemany(
            "INSERT INTO keys VALUES (?, ?, ?, ?)",
            [
                (level, key, position, len(key))
                for level, table in table_keys(index.names, index.equivalents).items()
                for key, positions in table.items()
                for position in positions
            ],
        )
        connection.executemany(
            "INSERT INTO parents VALUES (?, ?)",
            [(child, parent) for child, found in index.parents.items() for parent in found],
        )
        connection.executescript(
            """
            CREATE INDEX keys_lookup ON keys (level, key);
            CREATE INDEX keys_length ON keys (level, length);
            CREATE INDEX entities_id ON entities (id);
            CREATE INDEX entities_kind ON entities (kind);
            """
        )
    connection.close()


def open_stored(path: Path, version: str) -> StoredIndex | None:
    """The stored index at ``path`` if it is of this format and version, else None."""
    if not path.exists():
        return None
    try:
        stored = StoredIndex(path)
        (found,) = stored._connection.execute(
            "SELECT value FROM meta WHERE key = 'format'"
        ).fetchone()
    except (sqlite3.Error, KeyError, ValueError, TypeError):
        return None  # a damaged cache is rebuilt
    if found != str(INDEX_FORMAT) or stored.version != version:
        return None
    return stored


# --- the reference disease index ------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceDisease:
    """One row of ``graph/reference/diseases.tsv.gz``."""

    id: str
    label: str
    synonyms: tuple[str, ...]
    abbreviations: tuple[str, ...]
    xrefs: tuple[str, ...]
    parents: tuple[str, ...]


def read_reference(path: Path = REFERENCE_DISEASES) -> list[ReferenceDisease]:
    """The rows of the shipped disease index (empty when the file is absent).

    >>> rows = read_reference()
    >>> next(row.label for row in rows if row.id == "MONDO:0005233")
    'non-small cell lung carcinoma'
    """
    if not path.exists():
        return []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        identifier, label, synonyms, abbreviations, xrefs, parents = (cells + [""] * 6)[:6]

        def split(cell: str) -> tuple[str, ...]:
            return tuple(value for value in cell.split("|") if value)

        rows.append(
            ReferenceDisease(
                identifier,
                label,
                split(synonyms),
                split(abbreviations),
                split(xrefs),
                split(parents),
            )
        )
    return rows


def reference_digest(path: Path = REFERENCE_DISEASES) -> str:
    """A short digest of the reference file (part of the cache key)."""
    if not path.exists():
        return "none"
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def builder_digest() -> str:
    """A short digest of the code and the name forms that build the index (part of the
    cache key), so an upgraded resolver never answers from an index an older version wrote.

    >>> len(builder_digest())
    12
    """
    package = Path(__file__).parent
    align = package.parent / "align"
    digest = hashlib.sha256()
    sources = sorted(package.glob("*.py"))
    sources += [align / "nameforms.py", align / "text.py", align / "data" / "name-forms.tsv"]
    for source in sources:
        if source.is_file():
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


# --- building -------------------------------------------------------------------------------


class IndexBuilder:
    """Collects entities and names from several sources, one entity per IRI."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self.positions: dict[str, int] = {}
        self.names: list[tuple[int, str, str]] = []
        self.seen: set[tuple[int, str, str]] = set()
        self.parents: dict[str, set[str]] = {}
        self.details: dict[str, dict[str, Any]] = {}
        self.xref_owner: dict[str, str] = {}

    def add_entity(self, entity: Entity) -> int:
        """The position of the entity with this IRI, adding it if new."""
        if entity.iri in self.positions:
            return self.positions[entity.iri]
        position = len(self.entities)
        self.entities.append(entity)
        self.positions[entity.iri] = position
        self.positions.setdefault(entity.id, position)
        self.add_name(position, "id", entity.id)
        self.add_name(position, "id", entity.iri)
        return position

    def add_name(self, position: int, name_field: str, text: str) -> None:
        """One name of an entity (duplicates ignored)."""
        text = text.strip()
        item = (position, name_field, text)
        if text and item not in self.seen:
            self.seen.add(item)
            self.names.append(item)
            if name_field == "xref":
                self.xref_owner.setdefault(text.casefold(), self.entities[position].id)

    def build(self, version: str, forms: NameForms | None = None) -> NameIndex:
        """The finished index (reading names with ``forms``, MONDO's shipped name forms by
        default)."""
        return NameIndex(
            version=version,
            entities=tuple(self.entities),
            names=tuple(self.names),
            parents={key: tuple(sorted(value)) for key, value in sorted(self.parents.items())},
            details=self.details,
            forms=forms,
        )


def add_reference(builder: IndexBuilder, rows: Iterable[ReferenceDisease]) -> None:
    """Add the reference diseases (merged into curated diseases of the same id)."""
    from adcgraph import vocab

    for row in rows:
        iri = vocab.expand(row.id)
        position = builder.add_entity(Entity(row.id, iri, row.label, "disease", "reference"))
        field_of_label = "label" if builder.entities[position].label == row.label else "synonym"
        builder.add_name(position, field_of_label, row.label)
        for synonym in row.synonyms:
            builder.add_name(position, "synonym", synonym)
        for abbreviation in row.abbreviations:
            builder.add_name(position, "abbreviation", abbreviation)
        for xref in row.xrefs:
            builder.add_name(position, "xref", xref)
        if row.parents:
            builder.parents.setdefault(row.id, set()).update(row.parents)


def build_index(
    backend: Any, version: str = "", *, reference: bool = True, forms: NameForms | None = None
) -> NameIndex:
    """The name index of a backend: curated graph, reference diseases, imported diseases;
    names are read with ``forms`` (MONDO's shipped name forms by default).

    >>> index = build_index(open_backend("var/store"))  # doctest: +SKIP
    >>> len(index.entities) > 3000  # doctest: +SKIP
    True
    """
    from adcgraph.resolving import graph_names

    builder = IndexBuilder()
    graph_names.add_curated(builder, backend)
    if reference:
        add_reference(builder, read_reference())
    graph_names.add_imported(builder, backend)
    return builder.build(version, forms)


# --- caching --------------------------------------------------------------------------------


def store_version_of(store_path: Path) -> str | None:
    """The version of the store at ``store_path``, or None if there is no store."""
    try:
        record = json.loads((store_path / VERSION_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(record.get("version", ""))


def cache_path(store_path: Path, version: str) -> Path:
    """Where the name index of one store version is cached (the store's cache folder).

    >>> cache_path(Path("var/store"), "0a013c516255e3d2").parts[-3:]
    ('.store.cache', '0a013c516255e3d2', 'resolve-index.sqlite')
    """
    from adcgraph.storage.publish import cache_directory

    return cache_directory(store_path, version) / CACHE_FILE


def index_for_store(store_path: Path | None = None, *, use_cache: bool = True) -> NameIndex:
    """The name index of an on-disk store, from the cache when it matches the store version.

    >>> index_for_store().entities[0].kind  # doctest: +SKIP
    'adc'
    """
    path = Path(store_path) if store_path else default_store_path()
    version = store_version_of(path)
    if version is None:
        from adcgraph.curated.build import ensure_store

        ensure_store(path)
        version = store_version_of(path) or ""
    key = f"{version}:{reference_digest()}:{builder_digest()}"
    cached = cache_path(path, version)
    if use_cache:
        stored = open_stored(cached, key)
        if stored is not None:
            return stored
    from adcgraph.storage import store

    index = build_index(store.open_backend(path), key)
    if use_cache:
        # A full disk or a read-only folder: no cache, same index.
        with contextlib.suppress(OSError, sqlite3.Error):
            save_index(index, cached)
    return index


def index_for_backend(backend: Any) -> NameIndex:
    """The name index of a backend: cached when it is an on-disk store, else built."""
    if isinstance(backend, NameIndex):
        return backend
    location = Path(str(getattr(backend, "location", "")))
    if store_version_of(location) is not None:
        return index_for_store(location)
    return build_index(backend)
