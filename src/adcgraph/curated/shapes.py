"""The only home of pyshacl: check a graph against ``ontology/shapes.ttl``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from adcgraph import vocab
from adcgraph.errors import ValidationError

SH = "http://www.w3.org/ns/shacl#"
MAX_REPORTED = 20


@dataclass(frozen=True)
class Violation:
    """One SHACL violation, in words a curator can act on."""

    focus: str
    path: str
    message: str

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        return f"{self.focus}{path}: {self.message}"


def shacl_violations(triples: Iterable[ox.Triple], shapes_file: Path) -> list[Violation]:
    """Validate triples (data plus ontology, for subclass reasoning) against a shapes file.

    >>> from adcgraph.curated.ontology import SHAPES_FILE
    >>> shacl_violations([], SHAPES_FILE)
    []
    """
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    data.parse(data=text.decode("utf-8"), format="nt")
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=False, allow_warnings=False
    )
    if conforms:
        return []
    violations = []
    for result in report.subjects(rdflib.RDF.type, rdflib.URIRef(SH + "ValidationResult")):
        focus = report.value(result, rdflib.URIRef(SH + "focusNode"))
        path = report.value(result, rdflib.URIRef(SH + "resultPath"))
        message = report.value(result, rdflib.URIRef(SH + "resultMessage"))
        violations.append(Violation(_short(focus), _short(path), str(message)))
    return sorted(violations, key=str)


def check_shapes(triples: Iterable[ox.Triple], shapes_file: Path) -> None:
    """Raise ValidationError listing the violations, if any."""
    violations = shacl_violations(triples, shapes_file)
    if violations:
        lines = [str(v) for v in violations[:MAX_REPORTED]]
        if len(violations) > MAX_REPORTED:
            lines.append(f"... and {len(violations) - MAX_REPORTED} more")
        raise ValidationError(
            f"the graph breaks {len(violations)} SHACL constraint(s) in "
            f"{shapes_file.name}:\n" + "\n".join(lines)
        )


def _short(node: object) -> str:
    return vocab.compress(str(node)) if node is not None else ""
