"""Path analysis commands: `paths`, `combos`, `cross-resistance`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
