"""Read ontologies (OBO, OWL as RDF/XML or Turtle, OBO Graphs JSON) into one small term model.

Only what ontology matching and lookups need is kept: id, label, synonyms with their scope,
is_a parents, definition and the deprecated flag.

OBO is read by a small hand parser rather than pronto: on the 10,037-class NCIt neoplasm
subset (6 MB) pronto takes about 2.3 s to load and list names and synonyms, this parser
about 0.4 s (2-core machine), and it can name the line of a malformed clause.

>>> from pathlib import Path
>>> terms = read_ontology(Path("tests/fixtures/tiny-a.obo"))  # doctest: +SKIP
>>> terms["NCIT:C4872"].label  # doctest: +SKIP
'Breast Carcinoma'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adcgraph.errors import OntologyFileError

SynonymScope = Literal["EXACT", "NARROW", "BROAD", "RELATED"]
SYNONYM_SCOPES: tuple[SynonymScope, ...] = ("EXACT", "NARROW", "BROAD", "RELATED")

OBO_PURL = "http://purl.obolibrary.org/obo/"


@dataclass(frozen=True)
class Synonym:
    """A synonym and its scope, e.g. ``Synonym("Breast Cancer", "EXACT")``."""

    text: str
    scope: SynonymScope


@dataclass(frozen=True)
class Term:
    """One ontology class, identified by a CURIE such as ``"NCIT:C4872"``.

    >>> Term("DOID:1612", "breast cancer", (), ("DOID:3093",), None, False).parents
    ('DOID:3093',)
    """

    id: str
    label: str | None
    synonyms: tuple[Synonym, ...]
    parents: tuple[str, ...]
    definition: str | None
    deprecated: bool


def read_ontology(path: Path) -> dict[str, Term]:
    """Read an ontology file into ``{curie: Term}``, choosing the reader by suffix or content.

    ``.obo`` is OBO 1.4; ``.json`` is OBO Graphs JSON; ``.owl``, ``.rdf``, ``.xml``, ``.ttl``
    are RDF read with rdflib. Other suffixes are sniffed from the first bytes.

    >>> read_ontology(Path("doid-cancer-2018.obo"))["DOID:1612"].label  # doctest: +SKIP
    'breast cancer'
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise OntologyFileError(f"{path}: file not found") from error
    except UnicodeDecodeError as error:
        raise OntologyFileError(f"{path}: not UTF-8 text ({error.reason})") from error
    except OSError as error:
        raise OntologyFileError(f"{path}: cannot read ({error.strerror})") from error
    file_format = _detect_format(path, text)
    if file_format == "obo":
        return parse_obo(text, source=str(path))
    if file_format == "json":
        return parse_obographs_json(text, source=str(path))
    return parse_rdf(text, source=str(path), rdf_format=file_format)


def _detect_format(path: Path, text: str) -> str:
    suffix = path.suffix.lower()
    by_suffix = {
        ".obo": "obo",
        ".json": "json",
        ".owl": "xml",
        ".rdf": "xml",
        ".xml": "xml",
        ".ttl": "turtle",
    }
    if suffix in by_suffix:
        if by_suffix[suffix] == "xml" and not text.lstrip().startswith("<"):
            # Some .owl files are Turtle or functional syntax; trust the content.
            return "turtle"
        return by_suffix[suffix]
    head = text.lstrip()[:200]
    if head.startswith("{"):
        return "json"
    if head.startswith("<"):
        return "xml"
    if head.startswith("@prefix") or head.startswith("PREFIX"):
        return "turtle"
    if head.startswith("format-version:") or head.startswith("[Term]"):
        return "obo"
    raise OntologyFileError(f"{path}: cannot tell the ontology format (suffix {suffix!r})")


# --- OBO -----------------------------------------------------------------------------------

_OBO_ESCAPES = re.compile(r"\\(.)")


def parse_obo(text: str, *, source: str = "<string>") -> dict[str, Term]:
    """Parse OBO 1.4 text; only ``[Term]`` stanzas are kept.

    >>> terms = parse_obo('[Term]\\nid: X:1\\nname: thing\\nsynonym: "stuff" EXACT []\\n')
    >>> terms["X:1"].synonyms
    (Synonym(text='stuff', scope='EXACT'),)
    """
    terms: dict[str, Term] = {}
    for stanza_line, clauses in _obo_term_stanzas(text, source):
        term = _term_from_obo_clauses(clauses, source, stanza_line)
        if term.id in terms:
            raise OntologyFileError(f"{source}:{stanza_line}: duplicate term id {term.id!r}")
        terms[term.id] = term
    return terms


def _obo_term_stanzas(text: str, source: str) -> Iterator[tuple[int, list[tuple[int, str, str]]]]:
    """Yield (line of the stanza header, [(line, tag, value)]) for each [Term] stanza."""
    stanza_kind: str | None = None
    stanza_line = 0
    clauses: list[tuple[int, str, str]] = []
    for line_number, raw_line in enumerate(text.splitlines(), start=1):
        line = raw_line.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            if not line.endswith("]"):
                raise OntologyFileError(f"{source}:{line_number}: malformed stanza header {line!r}")
            if stanza_kind == "Term":
                yield stanza_line, clauses
            stanza_kind, stanza_line, clauses = line[1:-1].strip(), line_number, []
            continue
        tag, separator, value = line.partition(":")
        if not separator or not tag or " " in tag:
            raise OntologyFileError(
                f"{source}:{line_number}: expected 'tag: value', got {raw_line!r}"
            )
        if stanza_kind == "Term":
            clauses.append((line_number, tag, value.strip()))
    if stanza_kind == "Term":
        yield stanza_line, clauses


def _term_from_obo_clauses(
    clauses: list[tuple[int, str, str]], source: str, stanza_line: int
) -> Term:
    term_id: str | None = None
    label: str | None = None
    definition: str | None = None
    deprecated = False
    synonyms: list[Synonym] = []
    parents: list[str] = []
    for line_number, tag, value in clauses:
        where = f"{source}:{line_number}"
        if tag == "id":
            term_id = _strip_obo_comment(value)
        elif tag == "name":
            label = _strip_obo_comment(value)
            label = _unescape_obo(label) if "\\" in label else label
        elif tag == "def":
            definition = _quoted_obo_value(value, where, tag)
        elif tag == "synonym":
            synonyms.append(_synonym_from_obo(value, where))
        elif tag == "is_a":
            parent = _strip_obo_comment(value).split()[0] if value.strip() else ""
            if not parent:
                raise OntologyFileError(f"{where}: is_a without a parent id")
            parents.append(parent)
        elif tag == "is_obsolete":
            deprecated = _strip_obo_comment(value).lower() == "true"
    if not term_id:
        raise OntologyFileError(f"{source}:{stanza_line}: [Term] stanza without an id")
    return Term(
        id=term_id,
        label=label,
        synonyms=tuple(synonyms),
        parents=tuple(parents),
        definition=definition,
        deprecated=deprecated,
    )


def _synonym_from_obo(value: str, where: str) -> Synonym:
    text, rest = _split_quoted(value, where, "synonym")
    words = rest.split()
    # OBO 1.2 files may leave the scope out; it then defaults to RELATED.
    scope = words[0] if words and not words[0].startswith("[") else "RELATED"
    if scope not in SYNONYM_SCOPES:
        raise OntologyFileError(
            f"{where}: synonym scope must be one of {', '.join(SYNONYM_SCOPES)}, got {scope!r}"
        )
    return Synonym(text=text, scope=scope)


def _quoted_obo_value(value: str, where: str, tag: str) -> str:
    return _split_quoted(value, where, tag)[0]


def _split_quoted(value: str, where: str, tag: str) -> tuple[str, str]:
    """Split ``"text" rest`` into (unescaped text, rest); a plain scan beats a regex here."""
    if not value.startswith('"'):
        raise OntologyFileError(f"{where}: {tag} must start with a quoted text, got {value!r}")
    end = value.find('"', 1)
    while end != -1 and _is_escaped(value, end):
        end = value.find('"', end + 1)
    if end == -1:
        raise OntologyFileError(f"{where}: {tag} text has no closing quote: {value!r}")
    text = value[1:end]
    return (_unescape_obo(text) if "\\" in text else text), value[end + 1 :]


def _is_escaped(value: str, index: int) -> bool:
    backslashes = 0
    while index - backslashes - 1 >= 0 and value[index - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _strip_obo_comment(value: str) -> str:
    if "!" not in value:
        return value.strip()
    # " ! " starts a trailing comment; an escaped "\!" does not.
    comment_at = re.search(r"(?<!\\)\s!\s?", value)
    return (value[: comment_at.start()] if comment_at else value).strip()


def _unescape_obo(text: str) -> str:
    return _OBO_ESCAPES.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


# --- RDF (OWL) -----------------------------------------------------------------------------

_OBO_IN_OWL = "http://www.geneontology.org/formats/oboInOwl#"
_SCOPE_BY_PREDICATE: dict[str, SynonymScope] = {
    _OBO_IN_OWL + "hasExactSynonym": "EXACT",
    _OBO_IN_OWL + "hasNarrowSynonym": "NARROW",
    _OBO_IN_OWL + "hasBroadSynonym": "BROAD",
    _OBO_IN_OWL + "hasRelatedSynonym": "RELATED",
}
_DEFINITION = OBO_PURL + "IAO_0000115"
_OBO_PURL_CURIE = re.compile(re.escape(OBO_PURL) + r"([A-Za-z][A-Za-z0-9]*)_([^/#]+)$")


def iri_to_curie(iri: str) -> str:
    """Compress an OBO PURL to a CURIE; other IRIs are returned unchanged.

    >>> iri_to_curie("http://purl.obolibrary.org/obo/NCIT_C4872")
    'NCIT:C4872'
    >>> iri_to_curie("http://purl.obolibrary.org/obo/doid#part_of")
    'http://purl.obolibrary.org/obo/doid#part_of'
    """
    match = _OBO_PURL_CURIE.match(iri)
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    return iri


def parse_rdf(text: str, *, source: str = "<string>", rdf_format: str = "xml") -> dict[str, Term]:
    """Parse OWL serialised as RDF/XML (``"xml"``) or Turtle (``"turtle"``) with rdflib.

    Named ``owl:Class`` resources become terms; anonymous superclasses (restrictions) are
    skipped.

    >>> ttl = '''@prefix owl: <http://www.w3.org/2002/07/owl#> .
    ... @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    ... <http://purl.obolibrary.org/obo/X_1> a owl:Class ; rdfs:label "thing" .'''
    >>> parse_rdf(ttl, rdf_format="turtle")["X:1"].label
    'thing'
    """
    import rdflib
    from rdflib.namespace import OWL, RDF, RDFS

    graph = rdflib.Graph()
    try:
        graph.parse(data=text, format=rdf_format)
    except Exception as error:  # rdflib raises many unrelated types for syntax errors
        line = _line_of_rdf_error(error)
        where = f"{source}:{line}" if line else source
        raise OntologyFileError(f"{where}: invalid {rdf_format} RDF ({error})") from error

    terms: dict[str, Term] = {}
    seen_iris: dict[str, set[str]] = {}
    for subject in sorted(set(graph.subjects(RDF.type, OWL.Class))):
        if not isinstance(subject, rdflib.URIRef):
            continue
        labels = sorted(str(o) for o in graph.objects(subject, RDFS.label))
        synonyms = tuple(
            Synonym(text=str(o), scope=_SCOPE_BY_PREDICATE[str(p)])
            for p, o in sorted(graph.predicate_objects(subject))
            if str(p) in _SCOPE_BY_PREDICATE
        )
        parents = tuple(
            sorted(
                iri_to_curie(str(o))
                for o in graph.objects(subject, RDFS.subClassOf)
                if isinstance(o, rdflib.URIRef)
            )
        )
        definitions = sorted(str(o) for o in graph.objects(subject, rdflib.URIRef(_DEFINITION)))
        deprecated = any(str(o).lower() == "true" for o in graph.objects(subject, OWL.deprecated))
        curie = iri_to_curie(str(subject))
        if curie in terms:
            _refuse_two_iris(text, source, curie, sorted(seen_iris[curie] | {str(subject)}))
        seen_iris.setdefault(curie, set()).add(str(subject))
        terms[curie] = Term(
            id=curie,
            label=labels[0] if labels else None,
            synonyms=synonyms,
            parents=parents,
            definition=definitions[0] if definitions else None,
            deprecated=deprecated,
        )
    return terms


def _refuse_two_iris(text: str, source: str, curie: str, iris: list[str]) -> None:
    """Two classes of one file read as one id: the second would silently replace the first."""
    line = {iri: line_of_id(text, iri, as_written=True) for iri in iris}
    first, second = sorted(iris, key=line.__getitem__)
    raise OntologyFileError(
        f"{source}:{line[second]}: classes {second!r} and {first!r} "
        f"(line {line[first]}) both read as id {curie!r}; give each class one IRI"
    )


def line_of_id(text: str, identifier: str, *, as_written: bool = False) -> int:
    """The line where an ontology file defines a class (else first names it; else 1).

    A CURIE is also looked for as its OBO PURL (``DOID:162`` as ``.../obo/DOID_162``), since
    OWL files write PURLs, unless ``as_written`` (an IRI read from the file, such as ``X:1``).
    Only used to word errors, so a plain scan is enough.

    >>> line_of_id("format-version: 1.2\\n[Term]\\nid: DOID:162\\n", "DOID:162")
    3
    >>> line_of_id('<owl:Class rdf:about="http://purl.obolibrary.org/obo/X_1"/>', "X:1")
    1
    """
    spellings = [identifier]
    if not as_written and ":" in identifier and not identifier.startswith(("http:", "https:")):
        prefix, _, local = identifier.partition(":")
        spellings.append(f"{OBO_PURL}{prefix}_{local}")
    local_names = {re.split(r"[/#]", spelling)[-1] for spelling in spellings[1:]}
    local_names |= {re.split(r"[/#]", identifier)[-1]} if "/" in identifier else set()
    definitions = [
        re.compile(rf"^\s*id:\s*{re.escape(spellings[0])}\s*(!|$)"),
        *(re.compile(rf"about=\"{re.escape(s)}\"") for s in spellings),
        *(re.compile(rf"\"id\"\s*:\s*\"{re.escape(s)}\"") for s in spellings),
        *(re.compile(rf"^\s*<{re.escape(s)}>") for s in spellings),
        *(re.compile(rf"^\s*[\w-]*:{re.escape(name)}\s") for name in local_names),
    ]
    mention = re.compile("|".join(rf"{re.escape(s)}(?![\w.:-])" for s in spellings))
    first_mention: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if any(pattern.search(line) for pattern in definitions):
            return number
        if first_mention is None and mention.search(line):
            first_mention = number
    return first_mention or 1


def _line_of_rdf_error(error: Exception) -> int | None:
    line = getattr(error, "lineNumber", None) or getattr(error, "lines", None)
    if isinstance(line, int):
        return line
    getter = getattr(error, "getLineNumber", None)
    if callable(getter):
        return getter()
    match = re.search(r"line (\d+)", str(error))
    return int(match.group(1)) if match else None


# --- OBO Graphs JSON -----------------------------------------------------------------------

_SCOPE_BY_OBOGRAPH_PRED: dict[str, SynonymScope] = {
    "hasExactSynonym": "EXACT",
    "hasNarrowSynonym": "NARROW",
    "hasBroadSynonym": "BROAD",
    "hasRelatedSynonym": "RELATED",
}


def parse_obographs_json(text: str, *, source: str = "<string>") -> dict[str, Term]:
    """Parse OBO Graphs JSON (``{"graphs": [{"nodes": [...], "edges": [...]}]}``).

    >>> doc = '{"graphs": [{"nodes": [{"id": "http://purl.obolibrary.org/obo/X_1",'
    >>> doc += ' "type": "CLASS", "lbl": "thing"}], "edges": []}]}'
    >>> parse_obographs_json(doc)["X:1"].label
    'thing'
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise OntologyFileError(f"{source}:{error.lineno}: invalid JSON ({error.msg})") from error
    if not isinstance(document, dict) or not isinstance(document.get("graphs"), list):
        raise OntologyFileError(f"{source}: OBO Graphs JSON needs a top-level 'graphs' list")
    terms: dict[str, Term] = {}
    seen_iris: dict[str, set[str]] = {}
    for graph in document["graphs"]:
        parents_by_child = _obograph_is_a(graph.get("edges", []), source)
        for node in graph.get("nodes", []):
            term = _term_from_obograph_node(node, parents_by_child, source)
            if term is None:
                continue
            if term.id in terms:
                iris = sorted(seen_iris[term.id] | {node["id"]})
                if len(iris) > 1:
                    _refuse_two_iris(text, source, term.id, iris)
                raise OntologyFileError(
                    f"{source}:{line_of_id(text, node['id'])}: duplicate node id {node['id']!r}"
                )
            seen_iris.setdefault(term.id, set()).add(node["id"])
            terms[term.id] = term
    return terms


def _obograph_is_a(edges: Iterable[dict], source: str) -> dict[str, list[str]]:
    parents_by_child: dict[str, list[str]] = {}
    for edge in edges:
        if not isinstance(edge, dict) or not {"sub", "pred", "obj"} <= edge.keys():
            raise OntologyFileError(f"{source}: edge needs 'sub', 'pred' and 'obj': {edge!r}")
        if edge["pred"] in ("is_a", "rdfs:subClassOf"):
            child, parent = iri_to_curie(edge["sub"]), iri_to_curie(edge["obj"])
            parents_by_child.setdefault(child, []).append(parent)
    return parents_by_child


def _term_from_obograph_node(
    node: dict, parents_by_child: dict[str, list[str]], source: str
) -> Term | None:
    if not isinstance(node, dict) or not isinstance(node.get("id"), str):
        raise OntologyFileError(f"{source}: node without a string 'id': {node!r}")
    if node.get("type", "CLASS") != "CLASS":
        return None
    meta = node.get("meta") or {}
    synonyms = []
    for synonym in meta.get("synonyms", []):
        scope = _SCOPE_BY_OBOGRAPH_PRED.get(synonym.get("pred", ""))
        if scope is None or not isinstance(synonym.get("val"), str):
            raise OntologyFileError(f"{source}: malformed synonym on {node['id']}: {synonym!r}")
        synonyms.append(Synonym(text=synonym["val"], scope=scope))
    curie = iri_to_curie(node["id"])
    definition = (meta.get("definition") or {}).get("val")
    return Term(
        id=curie,
        label=node.get("lbl"),
        synonyms=tuple(synonyms),
        parents=tuple(parents_by_child.get(curie, ())),
        definition=definition,
        deprecated=bool(meta.get("deprecated", False)),
    )
