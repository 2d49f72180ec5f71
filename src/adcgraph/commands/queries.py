"""Named SPARQL queries (`queries`, `query`) and the SPARQL endpoint (`serve`)."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
