"""SVG pictures of explanation paths that fit the page: wrapped labels, rows of boxes, tooltips.

A path is drawn left to right, at most :data:`PER_ROW` nodes per row; a longer path continues
on the next row. The picture has a ``viewBox`` and scales to the width of the page, so it never
scrolls sideways. Labels wrap at word boundaries; one that still does not fit is shortened with
an ellipsis and the whole label is kept in a ``<title>`` tooltip.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

BOX_WIDTH = 150
BOX_HEIGHT = 54
GAP = 86
ROW_GAP = 40
PER_ROW = 4
BOX_CHARS = 20
EDGE_CHARS = 13
MAX_LINES = 3
#: The arrow head every picture refers to, defined once per page (element ids are unique).
ARROW_DEFS = (
    "<svg xmlns='http://www.w3.org/2000/svg' width='0' height='0' style='position:absolute'>"
    "<defs><marker id='arrow' markerWidth='8' markerHeight='8' refX='8' refY='4' "
    "orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#555'/></marker></defs></svg>"
)
#: Fill colour per node type (the legend of the report uses the same table).
COLOURS = {
    "ADC": "#f4c7a1",
    "Drug": "#b9d7ea",
    "Gene": "#c9e4c5",
    "Mechanism": "#f6e3a1",
    "Strategy": "#e0c9ea",
    "PayloadClass": "#f2b8b8",
    "Disease": "#d5d5d5",
    "Pathway": "#cfe8e0",
}


def wrap(text: str, width: int, max_lines: int = MAX_LINES) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters at spaces and camelCase joins.

    A word longer than the line is cut with an ellipsis; so is a text needing more lines.

    >>> wrap("sacituzumab govitecan", 12)
    ['sacituzumab', 'govitecan']
    >>> wrap("confersResistanceTo", 13)
    ['confers', 'Resistance To']
    >>> wrap("a b c d e f g h", 3, 2)
    ['a b', 'c …']
    """
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).split()
    lines: list[str] = []
    for word in words:
        if len(word) > width:
            word = word[: width - 1] + "…"
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = [*lines[: max_lines - 1], (last[: width - 2] + " …") if last else "…"]
    return lines


def _text_block(x: float, y: float, lines: Sequence[str], size: int, anchor: str) -> str:
    spans = "".join(
        f"<tspan x='{x:.0f}' dy='{0 if i == 0 else size + 2}'>{html.escape(line)}</tspan>"
        for i, line in enumerate(lines)
    )
    return f"<text x='{x:.0f}' y='{y:.0f}' font-size='{size}' text-anchor='{anchor}'>{spans}</text>"


def path_svg(path: dict[str, object]) -> str:
    """One explanation path as a responsive SVG picture.

    >>> svg = path_svg({"labels": ["sacituzumab govitecan", "TOP1"], "types": ["ADC", "Gene"],
    ...                 "predicates": ["^confersResistanceTo"]})
    >>> "viewBox" in svg and "<title>sacituzumab govitecan (ADC)</title>" in svg
    True
    """
    labels = [str(label) for label in path["labels"]]  # type: ignore[attr-defined]
    types = [str(kind) for kind in path["types"]]  # type: ignore[attr-defined]
    predicates = [str(p) for p in path["predicates"]]  # type: ignore[attr-defined]
    rows = (len(labels) + PER_ROW - 1) // PER_ROW
    width = min(len(labels), PER_ROW) * (BOX_WIDTH + GAP) - GAP + 2
    height = rows * (BOX_HEIGHT + ROW_GAP) - ROW_GAP + 2

    def origin(index: int) -> tuple[float, float]:
        row, column = divmod(index, PER_ROW)
        return 1 + column * (BOX_WIDTH + GAP), 1 + row * (BOX_HEIGHT + ROW_GAP)

    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' class='path' viewBox='0 0 {width} {height}' "
        f"width='{width}' style='max-width:100%;height:auto' role='img'>",
    ]
    for index, (label, kind) in enumerate(zip(labels, types, strict=True)):
        x, y = origin(index)
        lines = wrap(label, BOX_CHARS)
        top = y + BOX_HEIGHT / 2 - (len(lines) - 1) * 7 + 4
        parts.append(
            f"<g><title>{html.escape(label)} ({html.escape(kind)})</title>"
            f"<rect x='{x:.0f}' y='{y:.0f}' width='{BOX_WIDTH}' height='{BOX_HEIGHT}' rx='6' "
            f"fill='{COLOURS.get(kind, '#eee')}' stroke='#555'/>"
            + _text_block(x + BOX_WIDTH / 2, top, lines, 11, "middle")
            + "</g>"
        )
    for index, predicate in enumerate(predicates):
        forward = not predicate.startswith("^")
        name = predicate.lstrip("^")
        (x1, y1), (x2, y2) = origin(index), origin(index + 1)
        if y1 == y2:
            start, end = (x1 + BOX_WIDTH, x2) if forward else (x2, x1 + BOX_WIDTH)
            mid_y = y1 + BOX_HEIGHT / 2
            line = (
                f"<line x1='{start:.0f}' y1='{mid_y:.0f}' x2='{end:.0f}' y2='{mid_y:.0f}' "
                "stroke='#555' marker-end='url(#arrow)'/>"
            )
            label = _text_block(
                x1 + BOX_WIDTH + GAP / 2, mid_y - 20, wrap(name, EDGE_CHARS, 2), 10, "middle"
            )
        else:
            cx1, cx2 = x1 + BOX_WIDTH / 2, x2 + BOX_WIDTH / 2
            points = [
                (cx1, y1 + BOX_HEIGHT),
                (cx1, y2 - ROW_GAP / 2),
                (cx2, y2 - ROW_GAP / 2),
                (cx2, y2),
            ]
            if not forward:
                points.reverse()
            line = (
                "<polyline fill='none' stroke='#555' marker-end='url(#arrow)' points='"
                + " ".join(f"{px:.0f},{py:.0f}" for px, py in points)
                + "'/>"
            )
            label = _text_block((cx1 + cx2) / 2, y2 - ROW_GAP / 2 - 4, [name], 10, "middle")
        parts.append(f"<g><title>{html.escape(name)}</title>{line}{label}</g>")
    parts.append("</svg>")
    return "".join(parts)
