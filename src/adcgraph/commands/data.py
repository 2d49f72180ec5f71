"""Data movement commands: `import` and the extra export formats."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
