"""Exception hierarchy for adcgraph: every error the package raises on purpose."""


class AdcGraphError(Exception):
    """Base class of every error adcgraph raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputFileError(AdcGraphError):
    """An input file is missing, unreadable or malformed."""


class OntologyFileError(AdcGraphError):
    """An ontology file (OBO, OWL, OBO Graphs JSON) cannot be read or parsed."""


class MappingError(AdcGraphError):
    """A mapping (for example an SSSOM row) is invalid or inconsistent."""


class QueryError(AdcGraphError):
    """A query against the knowledge graph is invalid or failed."""


class StoreError(AdcGraphError):
    """The graph store cannot be opened, loaded or written."""


class ResolutionError(AdcGraphError):
    """An identifier or name cannot be resolved to a known entity."""
