"""Click command modules; `adcgraph.cli` registers each module's ``COMMANDS``."""
