"""Named SPARQL queries: ``queries/*.rq`` files with a ``#+`` YAML header, typed parameters.

A named query is one ``.rq`` file whose first lines, each starting with ``#+``, hold a YAML
header (the grlc convention): ``summary``, ``description``, typed ``parameters``, an
``example`` and the rows the example must return (``queries/README.md`` documents it).
Parameter values are converted to RDF terms and handed to the backend as bindings; user text
never becomes part of the query string.

Every parameter variable must be projected by the SELECT clause and bound by a mandatory
pattern of the query, because the two backends bind differently: the embedded store
substitutes the value into the query (SEP-0007), a remote endpoint joins a trailing ``VALUES``
clause with the results. Under that rule both give the same rows.

>>> from adcgraph.storage import store
>>> backend = store.open_backend()                                     # doctest: +SKIP
>>> rows = result_rows(run_named_query(backend, "adcs-by-target", {"target": "HER2"}))
...                                                                    # doctest: +SKIP
>>> sorted(row["adc_label"] for row in rows)[:2]                       # doctest: +SKIP
['disitamab vedotin', 'trastuzumab deruxtecan']
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
import yaml

from adcgraph import vocab
from adcgraph.errors import AdcGraphError, QueryError, ResolutionError
from adcgraph.querying import results
from adcgraph.storage.locations import PROJECT_ROOT
from adcgraph.storage.store import Backend, QueryResult, Term, iri

if TYPE_CHECKING:
    from adcgraph.resolving import Candidate

QUERIES_DIR = PROJECT_ROOT / "queries"
QUERY_SUFFIX = ".rq"
HEADER_MARK = "#+"
PARAMETER_TYPES = ("entity", "iri", "string", "integer", "enum")
HEADER_KEYS = frozenset(
    {"summary", "description", "parameters", "example", "expected_contains", "expected_absent"}
)
PARAMETER_KEYS = frozenset(
    {"name", "type", "required", "default", "description", "values", "class", "values_from"}
)
_PARAMETER_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_QUERY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
#: Names resolved by ``adcgraph.resolving`` below this score are fuzzy guesses (it scores
#: those at most 0.6, and label or synonym matches at least 0.73): suggestions, not answers.
MIN_NAME_SCORE = 0.7
_PROJECTION = re.compile(r"\bSELECT\b(?P<projection>.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)

EnumTerm = str | bool | int


@dataclass(frozen=True)
class Parameter:
    """One typed parameter of a named query; its name is also the SPARQL variable it binds."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""
    values: Mapping[str, EnumTerm] = field(default_factory=dict)
    entity_class: str | None = None
    #: For a string parameter: the property (CURIE) whose values in the graph it must match.
    values_from: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The parameter as plain data (for ``adcgraph queries --format json``).

        >>> Parameter("adc", "entity", required=True, entity_class="adco:ADC").as_dict()["class"]
        'adco:ADC'
        """
        return {
            "name": self.name,
            "type": self.type,
            "required": self.required,
            "default": self.default,
            "description": self.description,
            "values": list(self.values),
            "class": self.entity_class,
        }

    def usage(self) -> str:
        """A short usage hint such as ``adc=<entity>`` or ``status=approved|withdrawn``.

        >>> Parameter("status", "enum", values={"approved": "approved", "withdrawn": "w"}).usage()
        'status=approved|withdrawn'
        """
        shape = "|".join(self.values) if self.type == "enum" else f"<{self.type}>"
        return f"{self.name}={shape}"


@dataclass(frozen=True)
class NamedQuery:
    """A parsed ``.rq`` file: its header and the SPARQL text."""

    name: str
    path: Path
    summary: str
    description: str
    parameters: tuple[Parameter, ...]
    example: Mapping[str, str]
    expected_contains: tuple[Mapping[str, str], ...]
    expected_absent: tuple[Mapping[str, str], ...]
    text: str

    def parameter(self, name: str) -> Parameter:
        """The parameter called ``name``; QueryError naming the valid ones otherwise."""
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        known = [parameter.name for parameter in self.parameters]
        raise QueryError(
            f"query {self.name!r} has no parameter {name!r}"
            + _suggestion(name, known)
            + (f"; its parameters: {', '.join(known)}" if known else "; it takes no parameters")
        )

    def as_dict(self) -> dict[str, Any]:
        """The query's header as plain data (for ``adcgraph queries --format json``)."""
        return {
            "name": self.name,
            "summary": self.summary,
            "description": self.description,
            "parameters": [parameter.as_dict() for parameter in self.parameters],
            "example": dict(self.example),
            "file": str(self.path),
        }


# ---------------------------------------------------------------- finding and parsing files


def query_paths(directory: Path = QUERIES_DIR) -> list[Path]:
    """The ``.rq`` files of a query directory, sorted by name.

    >>> [path.name for path in query_paths()][:1]
    ['adc-combinations-by-drug-class.rq']
    """
    return sorted(directory.glob(f"*{QUERY_SUFFIX}"))


def load_queries(directory: Path = QUERIES_DIR) -> list[NamedQuery]:
    """Every named query of a directory, parsed and validated, sorted by name.

    >>> "cross-resistance-candidates" in [query.name for query in load_queries()]
    True
    """
    return [parse_query_file(path) for path in query_paths(directory)]


def load_query(name: str, directory: Path = QUERIES_DIR) -> NamedQuery:
    """The named query ``name`` (the file stem); QueryError with the nearest names if unknown.

    >>> load_query("adcs-by-target").parameters[0].name
    'target'
    """
    path = directory / f"{name}{QUERY_SUFFIX}"
    if not _QUERY_NAME.match(name) or not path.is_file():
        known = [candidate.stem for candidate in query_paths(directory)]
        raise QueryError(
            f"unknown query {name!r}{_suggestion(name, known)}; `adcgraph queries` lists them"
        )
    return parse_query_file(path)


def parse_query_file(path: Path) -> NamedQuery:
    """Parse one ``.rq`` file; QueryError naming the file and the problem if its header is bad.

    >>> parse_query_file(QUERIES_DIR / "adcs-by-linker-type.rq").parameters[0].type
    'enum'
    """
    text = path.read_text(encoding="utf-8")
    header_text, body = split_header(text)
    if not header_text.strip():
        raise QueryError(f"{path}: no '#+' metadata header at the top of the file")
    try:
        header = yaml.safe_load(header_text)
    except yaml.YAMLError as error:
        raise QueryError(f"{path}: the '#+' header is not valid YAML: {error}") from None
    if not isinstance(header, dict):
        raise QueryError(f"{path}: the '#+' header must be a YAML mapping")
    return _named_query(path, header, text, body)


def split_header(text: str) -> tuple[str, str]:
    """Split a query file into its ``#+`` header (marks removed) and the rest.

    >>> split_header("#+ summary: x\\nSELECT * WHERE {}")
    ('summary: x', 'SELECT * WHERE {}')
    """
    lines = text.splitlines()
    header: list[str] = []
    for line in lines:
        if not line.startswith(HEADER_MARK):
            break
        content = line[len(HEADER_MARK) :]
        header.append(content[1:] if content.startswith(" ") else content)
    return "\n".join(header), "\n".join(lines[len(header) :])


def _named_query(path: Path, header: dict[str, Any], text: str, body: str) -> NamedQuery:
    unknown = sorted(set(header) - HEADER_KEYS)
    if unknown:
        raise QueryError(
            f"{path}: unknown header key(s) {', '.join(unknown)}; "
            f"expected {', '.join(sorted(HEADER_KEYS))}"
        )
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise QueryError(f"{path}: the header needs a one-line 'summary'")
    parameters = tuple(
        _parameter(path, item) for item in _list_of(path, header, "parameters", dict)
    )
    _check_parameters(path, parameters, body)
    example = header.get("example") or {}
    if not isinstance(example, dict):
        raise QueryError(f"{path}: 'example' must map parameter names to values")
    for name in example:
        if name not in {parameter.name for parameter in parameters}:
            raise QueryError(f"{path}: the example sets {name!r}, which is not a parameter")
    return NamedQuery(
        name=path.stem,
        path=path,
        summary=summary.strip(),
        description=str(header.get("description") or "").strip(),
        parameters=parameters,
        example={str(key): str(value) for key, value in example.items()},
        expected_contains=_expected_rows(path, header, "expected_contains"),
        expected_absent=_expected_rows(path, header, "expected_absent"),
        text=text,
    )


def _list_of(path: Path, header: Mapping[str, Any], key: str, kind: type) -> list[Any]:
    value = header.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, kind) for item in value):
        raise QueryError(f"{path}: '{key}' must be a list of {kind.__name__} items")
    return value


def _expected_rows(path: Path, header: Mapping[str, Any], key: str) -> tuple[dict[str, str], ...]:
    return tuple(
        {str(column): _yaml_text(value) for column, value in row.items()}
        for row in _list_of(path, header, key, dict)
    )


def _yaml_text(value: object) -> str:
    # YAML reads `true` and `4` as bool and int; results render them as SPARQL lexical forms.
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _parameter(path: Path, item: Mapping[str, Any]) -> Parameter:
    unknown = sorted(set(item) - PARAMETER_KEYS)
    name = item.get("name")
    where = f"{path}: parameter {name!r}"
    if unknown:
        raise QueryError(f"{where}: unknown key(s) {', '.join(unknown)}")
    if not isinstance(name, str) or not _PARAMETER_NAME.match(name):
        raise QueryError(f"{where}: a name must be lowercase letters, digits and '_'")
    kind = item.get("type")
    if kind not in PARAMETER_TYPES:
        raise QueryError(f"{where}: type must be one of {', '.join(PARAMETER_TYPES)}")
    values = _enum_values(where, item.get("values")) if kind == "enum" else {}
    entity_class = item.get("class")
    if entity_class is not None and kind != "entity":
        raise QueryError(f"{where}: only entity parameters take a 'class'")
    values_from = item.get("values_from")
    if values_from is not None and kind != "string":
        raise QueryError(f"{where}: only string parameters take 'values_from'")
    default = item.get("default")
    return Parameter(
        name=name,
        type=kind,
        required=bool(item.get("required", False)),
        default=None if default is None else _yaml_text(default),
        description=str(item.get("description") or "").strip(),
        values=values,
        entity_class=None if entity_class is None else str(entity_class),
        values_from=None if values_from is None else str(values_from),
    )


def _enum_values(where: str, values: object) -> dict[str, EnumTerm]:
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        return {value: value for value in values}
    if isinstance(values, dict) and values:
        return {str(key): value for key, value in values.items()}
    raise QueryError(f"{where}: an enum needs 'values', a list of strings or a mapping")


def _check_parameters(path: Path, parameters: tuple[Parameter, ...], body: str) -> None:
    match = _PROJECTION.search(_without_comments(body))
    if match is None:
        raise QueryError(f"{path}: a named query must be a SELECT ... WHERE query")
    projection = match.group("projection")
    for parameter in parameters:
        # Oxigraph substitutes a bound variable only if the SELECT clause projects it.
        if projection.strip() != "*" and not re.search(rf"\?{parameter.name}\b", projection):
            raise QueryError(
                f"{path}: parameter {parameter.name!r} must appear as ?{parameter.name} "
                "in the SELECT clause (bindings apply to projected variables only)"
            )
        if parameter.required and parameter.default is not None:
            raise QueryError(f"{path}: parameter {parameter.name!r} is required but has a default")
        if parameter.type == "enum" and parameter.default is not None:
            _enum_term(parameter, parameter.default)


def _without_comments(body: str) -> str:
    return "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("#"))


# ---------------------------------------------------------------- binding and running


def run_named_query(
    backend: Backend,
    name: str | NamedQuery,
    values: Mapping[str, object] | None = None,
    directory: Path = QUERIES_DIR,
) -> QueryResult:
    """Run a named query with parameter values (names, CURIEs, IRIs, text or numbers).

    >>> from adcgraph.storage import store
    >>> backend = store.open_backend()                                 # doctest: +SKIP
    >>> result = run_named_query(backend, "cross-resistance-candidates",
    ...                          {"adc": "sacituzumab govitecan"})    # doctest: +SKIP
    """
    query = name if isinstance(name, NamedQuery) else load_query(name, directory)
    bindings = bind_parameters(backend, query, values or {})
    return backend.query(query.text, bindings)


def bind_parameters(
    backend: Backend, query: NamedQuery, values: Mapping[str, object]
) -> dict[str, Term]:
    """Check the values against the query's parameters and turn them into RDF terms.

    Defaults fill unset parameters; an optional parameter with neither stays unbound ("any").

    >>> query = load_query("adcs-by-linker-type")
    >>> bind_parameters(None, query, {"linker_type": "non-cleavable"})["linker_type"].value
    'false'
    """
    for name in values:
        query.parameter(name)
    bindings: dict[str, Term] = {}
    for parameter in query.parameters:
        value = values.get(parameter.name)
        if value is None or value == "":
            value = parameter.default
        if value is None:
            if parameter.required:
                raise QueryError(_missing_message(query, parameter))
            continue
        bindings[parameter.name] = parameter_term(backend, parameter, value)
    return bindings


def _missing_message(query: NamedQuery, parameter: Parameter) -> str:
    example = query.example.get(parameter.name)
    hint = f" (for example -p {parameter.name}={example!r})" if example else ""
    kind = _with_article(parameter.type)
    return f"query {query.name!r} needs parameter {parameter.name!r}, {kind}{hint}"


def parameter_term(backend: Backend | None, parameter: Parameter, value: object) -> Term:
    """The RDF term for one parameter value, checked against the parameter's type.

    >>> parameter_term(None, Parameter("year", "integer"), "2020").value
    '2020'
    >>> parameter_term(None, Parameter("xref", "iri"), "MESH:D064726").value
    'http://id.nlm.nih.gov/mesh/D064726'
    """
    text = str(value).strip()
    if parameter.type == "string" and parameter.values_from and backend is not None:
        return ox.Literal(_graph_value(backend, parameter, text))
    if parameter.type == "string":
        return ox.Literal(text)
    if parameter.type == "integer":
        return _integer_term(parameter, text)
    if parameter.type == "enum":
        return _enum_term(parameter, text)
    if parameter.type == "iri":
        return identifier_node(text, parameter.name)
    if backend is None:
        raise QueryError(f"parameter {parameter.name!r} needs a store to resolve {text!r}")
    return resolve_entity(backend, text, parameter.entity_class, parameter_name=parameter.name)


_VALUES_QUERY = "SELECT DISTINCT ?property ?value WHERE { ?node ?property ?value } ORDER BY ?value"


def text_key(text: str) -> str:
    """A value as a reader means it: case, spacing and plural endings ignored.

    >>> text_key("PARP Inhibitors") == text_key("PARP inhibitor")
    True
    """
    words = text.lower().split()
    return " ".join(word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words)


def _graph_value(backend: Backend, parameter: Parameter, text: str) -> str:
    """The value the graph holds for ``parameter.values_from`` that ``text`` names."""
    from adcgraph import vocab

    property_node = ox.NamedNode(vocab.expand(parameter.values_from or ""))
    known = [
        row["value"].value
        for row in backend.query(_VALUES_QUERY, {"property": property_node})
        if isinstance(row["value"], ox.Literal)
    ]
    by_key = {text_key(value): value for value in known}
    match = by_key.get(text_key(text))
    if match is None:
        raise QueryError(
            f"parameter {parameter.name!r}: no {parameter.values_from} value is {text!r}"
            f"{_suggestion(text, known)}; the graph has: {', '.join(known)}"
        )
    return match


def _integer_term(parameter: Parameter, text: str) -> ox.Literal:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise QueryError(f"parameter {parameter.name!r} expects an integer, got {text!r}")
    return ox.Literal(int(text))


def _enum_term(parameter: Parameter, text: str) -> ox.Literal:
    by_key = {key.lower(): key for key in parameter.values}
    key = by_key.get(text.lower())
    if key is None:
        allowed = list(parameter.values)
        raise QueryError(
            f"parameter {parameter.name!r} must be one of {', '.join(allowed)}; "
            f"got {text!r}{_suggestion(text, allowed)}"
        )
    return ox.Literal(parameter.values[key])


def identifier_node(text: str, parameter_name: str = "value") -> ox.NamedNode:
    """A named node for an IRI or a CURIE with a known prefix; QueryError otherwise.

    >>> identifier_node("doid:0060081").value
    'http://purl.obolibrary.org/obo/DOID_0060081'
    """
    if not is_identifier(text):
        raise QueryError(
            f"parameter {parameter_name!r} expects a CURIE (PREFIX:ID) or an IRI, got {text!r}"
        )
    try:
        return iri(text)
    except AdcGraphError as error:
        raise QueryError(f"parameter {parameter_name!r}: {error.message}") from None
    except ValueError as error:
        raise QueryError(f"parameter {parameter_name!r}: invalid IRI {text!r}: {error}") from None


def is_identifier(text: str) -> bool:
    """True for an IRI or a CURIE whose prefix the project knows (else it is a name).

    >>> is_identifier("MONDO:0005494"), is_identifier("T-DM1"), is_identifier("FOO:1")
    (True, False, False)
    """
    if text.startswith(("http://", "https://", "urn:")):
        return True
    prefix, colon, local = text.partition(":")
    return bool(colon and local and " " not in text) and prefix.lower() in vocab.written_prefixes()


# ---------------------------------------------------------------- entity resolution

_TYPED_NAME_LIST = """
SELECT DISTINCT ?name ?class WHERE {
  ?entity a ?type . ?type rdfs:subClassOf* ?class .
  { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
}"""
_ANY_NAME_LIST = """
SELECT DISTINCT ?name WHERE {
  { ?entity rdfs:label ?name } UNION { ?entity skos:altLabel ?name }
}"""
_TYPED_ENTITY = """
SELECT ?entity ?class WHERE { ?entity a ?type . ?type rdfs:subClassOf* ?class } LIMIT 1"""
_ANY_ENTITY = "SELECT ?entity WHERE { ?entity ?predicate ?object } LIMIT 1"
_CLASS_LABEL = "SELECT ?class ?label WHERE { ?class rdfs:label ?label } LIMIT 1"


@dataclass(frozen=True)
class Match:
    """An entity a name resolved to."""

    iri: str
    label: str


def resolve_entity(
    backend: Backend,
    text: str,
    entity_class: str | None = None,
    *,
    parameter_name: str = "entity",
) -> ox.NamedNode:
    """The entity that a name, CURIE or IRI denotes, optionally of a class (a CURIE).

    Names go through :func:`adcgraph.resolving.resolve` (labels, synonyms, brand names,
    codes, aliases). Raises ResolutionError, with the nearest names, when nothing (or more
    than one entity) matches.

    >>> from adcgraph.storage import store
    >>> resolve_entity(store.open_backend(), "Trodelvy", "adco:ADC").value  # doctest: +SKIP
    'http://identifiers.org/drugbank/DB12893'
    """
    text = text.strip()
    class_node = iri(entity_class) if entity_class else None
    if is_identifier(text):
        node = identifier_node(text, parameter_name)
        if _exists(backend, node, class_node):
            return node
        raise ResolutionError(
            f"{text} is not {_kind_phrase(backend, class_node)} in the graph"
            + _suggestion(text, _names(backend, class_node))
        )
    matches = _name_matches(backend, text, class_node)
    if len(matches) == 1:
        return ox.NamedNode(matches[0].iri)
    if not matches:
        raise ResolutionError(
            f"no {_kind_phrase(backend, class_node, article=False)} is named {text!r}"
            + _unknown_prefix_note(text)
            + _suggestion(text, _names(backend, class_node))
        )
    listed = "; ".join(f"{vocab.compress(m.iri)} ({m.label})" for m in matches)
    raise ResolutionError(f"{text!r} is ambiguous: {listed}; give a CURIE instead")


def _unknown_prefix_note(text: str) -> str:
    prefix, colon, local = text.partition(":")
    if colon and local and re.fullmatch(r"[A-Za-z][\w.]*", prefix) and " " not in text:
        return f" (and {prefix!r} is not a known CURIE prefix)"
    return ""


def _name_matches(backend: Backend, text: str, class_node: ox.NamedNode | None) -> list[Match]:
    from dataclasses import replace

    from adcgraph.resolving import resolve

    candidates = resolve(backend, text)
    if class_node is not None and class_node.value == vocab.ONTOLOGY + "Disease":
        # A population name (HER2-low breast cancer, R/R AML) stands for its disease here.
        candidates = [
            replace(c, iri=vocab.expand(c.disease)) if c.kind == "population" and c.disease else c
            for c in candidates
        ]
    return _best_matches(backend, candidates, class_node)


def _best_matches(
    backend: Backend, candidates: Iterable[Candidate], class_node: ox.NamedNode | None
) -> list[Match]:
    # Only confident candidates of the requested class; a tie at the top is ambiguity.
    typed = [
        candidate
        for candidate in candidates
        if candidate.score >= MIN_NAME_SCORE
        and _exists(backend, ox.NamedNode(candidate.iri), class_node)
    ]
    if not typed:
        return []
    best = max(candidate.score for candidate in typed)
    top = {c.iri: Match(c.iri, c.label) for c in typed if c.score == best}
    return list(top.values())


def _exists(backend: Backend, node: ox.NamedNode, class_node: ox.NamedNode | None) -> bool:
    if class_node is None:
        return bool(_select(backend, _ANY_ENTITY, {"entity": node}))
    return bool(_select(backend, _TYPED_ENTITY, {"entity": node, "class": class_node}))


def _names(backend: Backend, class_node: ox.NamedNode | None) -> list[str]:
    if class_node is None:
        found = _select(backend, _ANY_NAME_LIST, {})
    else:
        found = _select(backend, _TYPED_NAME_LIST, {"class": class_node})
    return sorted({row["name"].value for row in found})


def _kind_phrase(backend: Backend, class_node: ox.NamedNode | None, article: bool = True) -> str:
    if class_node is None:
        return "an entity" if article else "entity"
    found = _select(backend, _CLASS_LABEL, {"class": class_node})
    label = found[0]["label"].value if found else vocab.compress(class_node.value)
    return _with_article(label) if article else label


def _with_article(noun: str) -> str:
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def _select(backend: Backend, query: str, bindings: Mapping[str, Term]) -> list[dict[str, Term]]:
    result = backend.query(query, dict(bindings))
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected SELECT results")
    names = [variable.value for variable in result.variables]
    return [
        {name: solution[name] for name in names if solution[name] is not None}
        for solution in result
    ]


def _suggestion(text: str, names: Iterable[str]) -> str:
    """``; did you mean: a, b`` for the names nearest to ``text`` (case-insensitive)."""
    by_key: dict[str, str] = {}
    for name in names:
        by_key.setdefault(name.lower(), name)
    nearest = difflib.get_close_matches(text.lower(), list(by_key), n=5, cutoff=0.6)
    return f"; did you mean: {', '.join(by_key[key] for key in nearest)}?" if nearest else ""


# ---------------------------------------------------------------- command-line values and rows


def parse_assignments(pairs: Iterable[str]) -> dict[str, str]:
    """Parse ``-p name=value`` options into a mapping; QueryError for a malformed one.

    >>> parse_assignments(["adc=T-DM1", "disease=HER2 positive breast carcinoma"])
    {'adc': 'T-DM1', 'disease': 'HER2 positive breast carcinoma'}
    """
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise QueryError(f"expected -p NAME=VALUE, got {pair!r}")
        if name.strip() in values:
            raise QueryError(f"parameter {name.strip()!r} is given twice")
        values[name.strip()] = value.strip()
    return values


def result_rows(result: QueryResult) -> list[dict[str, str]]:
    """SELECT results as rows of readable text (CURIEs for IRIs; '' for unbound).

    >>> query = "SELECT ?x WHERE { BIND(<http://purl.obolibrary.org/obo/MONDO_1> AS ?x) }"
    >>> result_rows(ox.Store().query(query))
    [{'x': 'MONDO:1'}]
    """
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError("expected SELECT results")
    names = [variable.value for variable in result.variables]
    return [{name: results.short(solution[name]) for name in names} for solution in result]


def missing_rows(
    rows: Iterable[Mapping[str, str]], expected: Iterable[Mapping[str, str]]
) -> list[Mapping[str, str]]:
    """The expected (partial) rows that no result row matches on every column they name.

    >>> missing_rows([{"a": "1", "b": "2"}], [{"a": "1"}, {"a": "3"}])
    [{'a': '3'}]
    """
    table = list(rows)
    return [
        wanted
        for wanted in expected
        if not any(all(row.get(key) == value for key, value in wanted.items()) for row in table)
    ]


def present_rows(
    rows: Iterable[Mapping[str, str]], forbidden: Iterable[Mapping[str, str]]
) -> list[Mapping[str, str]]:
    """The forbidden (partial) rows that some result row does match.

    >>> present_rows([{"a": "1", "b": "2"}], [{"a": "1"}, {"a": "3"}])
    [{'a': '1'}]
    """
    table = list(rows)
    unexpected = set(map(_key, missing_rows(table, forbidden)))
    return [row for row in forbidden if _key(row) not in unexpected]


def _key(row: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(row.items()))
