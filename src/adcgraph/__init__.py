"""adcgraph: an open knowledge graph of resistance to antibody-drug conjugates."""

__version__ = "0.1.0"
