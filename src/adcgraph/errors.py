"""One exception family for everything a user can get wrong.

Every message names what was wrong and where (file, line, value, expected form), so the CLI
can print it as is and exit non-zero without a traceback.
"""

from __future__ import annotations


class AdcGraphError(Exception):
    """Base class of every error adcgraph reports to a user.

    >>> str(AdcGraphError("graph/sources/adcs.tsv:3: unknown prefix 'FOO'"))
    "graph/sources/adcs.tsv:3: unknown prefix 'FOO'"
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputFileError(AdcGraphError):
    """A curated source or imported file is malformed (names file, line, column and value)."""


class OntologyFileError(AdcGraphError):
    """An OBO, OWL or OBO Graphs file could not be read."""


class MappingError(AdcGraphError):
    """A mapping set (SSSOM) is malformed or conflicts with curated identifiers."""


class ValidationError(AdcGraphError):
    """The built graph breaks a SHACL shape or the ontology is inconsistent."""


class QueryError(AdcGraphError):
    """A SPARQL query or a named query's parameters are invalid."""


class StoreError(AdcGraphError):
    """The store or a remote endpoint cannot be opened or reached."""


class ResolutionError(AdcGraphError):
    """A name, CURIE or IRI does not resolve to an entity of the graph."""
