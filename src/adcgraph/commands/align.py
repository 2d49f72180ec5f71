"""Alignment commands: `xref`, `resolve`, `align match`, `align evaluate`."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
