"""A self-contained HTML page picturing ranked candidates and their explanation paths (SVG)."""

from __future__ import annotations

import html

from adcgraph.combos import Ranking

BOX_WIDTH = 170
BOX_HEIGHT = 38
GAP = 70
ROW_HEIGHT = 70
COLOURS = {
    "ADC": "#f4c7a1",
    "Drug": "#b9d7ea",
    "Gene": "#c9e4c5",
    "Mechanism": "#f6e3a1",
    "Strategy": "#e0c9ea",
    "PayloadClass": "#f2b8b8",
    "Disease": "#d5d5d5",
}


def ranking_html(ranking: Ranking, title: str) -> str:
    """Render a ranking as one HTML page with an SVG drawing of each candidate's paths.

    >>> from adcgraph.combos import Ranking
    >>> "<svg" in ranking_html(Ranking({"adc": "X"}, [], 0), "empty")
    False
    """
    parts = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'>",
        f"<title>{html.escape(title)}</title>",
        "<style>body{font-family:sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}"
        "svg text{font-size:11px}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
        f"<p>Degree-weighted path counts against {ranking.permutations} degree-preserving "
        "permutations; adjusted score = score minus the mean permuted score.</p>",
    ]
    for number, candidate in enumerate(ranking.candidates, start=1):
        parts.append(
            f"<h2>{number}. {html.escape(candidate.label)} <small>({html.escape(candidate.id)},"
            f" {candidate.kind})</small></h2><p>score {candidate.score:.3f}, adjusted "
            f"{candidate.adjusted_score:.3f}, p = {candidate.p_value:.3f}</p>"
        )
        if candidate.trials:
            trials = "; ".join(
                f"{html.escape(str(t['label']))} ({html.escape(str(t['phase']))}"
                f"{': ' + ', '.join(map(str, t['trial_ids'])) if t['trial_ids'] else ''})"
                for t in candidate.trials
            )
            parts.append(f"<p>Tested: {trials}</p>")
        if candidate.paths:
            parts.append(_paths_svg(candidate.paths))
        for path in candidate.paths:
            cited = ", ".join(html.escape(str(c)) for c in path["citations"]) or "structure only"
            parts.append(f"<p><i>{html.escape(str(path['reading']))}</i>: {cited}</p>")
    parts.append("</body></html>")
    return "\n".join(parts)


def _paths_svg(paths: list[dict[str, object]]) -> str:
    longest = max(len(path["nodes"]) for path in paths)  # type: ignore[arg-type]
    width = longest * (BOX_WIDTH + GAP)
    height = len(paths) * ROW_HEIGHT + 10
    shapes = [
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}'>",
        "<defs><marker id='arrow' markerWidth='8' markerHeight='8' refX='8' refY='4' "
        "orient='auto'><path d='M0,0 L8,4 L0,8 z' fill='#555'/></marker></defs>",
    ]
    for row, path in enumerate(paths):
        y = 10 + row * ROW_HEIGHT
        labels: list[str] = path["labels"]  # type: ignore[assignment]
        steps: list[dict[str, object]] = path["steps"]  # type: ignore[assignment]
        for column, label in enumerate(labels):
            x = column * (BOX_WIDTH + GAP)
            kind = _kind_of(path, column)
            shapes.append(
                f"<rect x='{x}' y='{y}' width='{BOX_WIDTH}' height='{BOX_HEIGHT}' rx='6' "
                f"fill='{COLOURS.get(kind, '#eee')}' stroke='#555'/>"
                f"<text x='{x + 6}' y='{y + 23}'>{html.escape(label[:28])}</text>"
            )
        for column, step in enumerate(steps):
            x1 = column * (BOX_WIDTH + GAP) + BOX_WIDTH
            x2 = x1 + GAP
            forward = not str(path["predicates"][column]).startswith("^")  # type: ignore[index]
            start, end = (x1, x2) if forward else (x2, x1)
            shapes.append(
                f"<line x1='{start}' y1='{y + 19}' x2='{end}' y2='{y + 19}' stroke='#555' "
                f"marker-end='url(#arrow)'/><text x='{x1 + 2}' y='{y + 14}'>"
                f"{html.escape(str(step['predicate'])[:14])}</text>"
            )
    shapes.append("</svg>")
    return "".join(shapes)


def _kind_of(path: dict[str, object], column: int) -> str:
    return str(path["types"][column])  # type: ignore[index]
