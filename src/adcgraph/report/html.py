"""Render a dossier or a ranking as one self-contained, offline HTML page.

No scripts, no external files: styles inline, pictures as inline SVG, links to PubMed,
doi.org and ClinicalTrials.gov. Tables wrap their cells and pictures scale, so the page reads
at 900 px without sideways scrolling.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence

from adcgraph import vocab
from adcgraph.combos import Candidate, Ranking
from adcgraph.report.dossier import Dossier
from adcgraph.report.svg import ARROW_DEFS, COLOURS, path_svg

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1em;max-width:1100px;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:.5em 0 1em;table-layout:auto}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top;
font-size:14px;hyphens:auto;overflow-wrap:break-word}
td a{overflow-wrap:anywhere}
.nowrap{white-space:nowrap}
th{background:#f3f3f3}
.muted{color:#666;font-size:13px}
.tag{display:inline-block;padding:0 5px;border-radius:4px;font-size:12px;margin:1px}
.verified{background:#d8f0d8}.unverified{background:#f8e1c8}
.against{background:#f6cfcf}.supports{background:#e3ecf8}
.swatch{display:inline-block;width:12px;height:12px;border:1px solid #555;margin-right:4px;
vertical-align:middle}
svg.path{display:block;margin:.3em 0 .8em}
footer{margin-top:2em;border-top:1px solid #ccc;padding-top:.5em}
""".replace("\n", "")


def link(curie: str) -> str:
    """A citation or trial CURIE as a link to its record.

    >>> link("PMID:34404686")
    "<a href='https://pubmed.ncbi.nlm.nih.gov/34404686/'>PMID:34404686</a>"
    >>> link("NCT:NCT02574455")
    "<a href='https://clinicaltrials.gov/study/NCT02574455'>NCT02574455</a>"
    """
    prefix, _, local = curie.partition(":")
    if prefix == "PMID":
        url, text = f"https://pubmed.ncbi.nlm.nih.gov/{local}/", curie
    elif prefix == "DOI":
        url, text = f"https://doi.org/{local}", curie
    elif prefix == "NCT":
        url, text = f"https://clinicaltrials.gov/study/{local}", local
    else:
        return html.escape(curie)
    return f"<a href='{html.escape(url, quote=True)}'>{html.escape(text)}</a>"


def links(curies: Iterable[str]) -> str:
    return ", ".join(link(curie) for curie in curies)


def _e(value: object) -> str:
    return html.escape(str(value))


def _status(value: str) -> str:
    return f"<span class='tag {_e(value)}'>{_e(value)}</span>" if value else ""


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def legend() -> str:
    """The key to colours and tags used on the page."""
    swatches = " ".join(
        f"<span><span class='swatch' style='background:{colour}'></span>{_e(kind)}</span>"
        for kind, colour in COLOURS.items()
    )
    return (
        "<section id='legend'><h2>Legend</h2>"
        f"<p>Boxes in path pictures: {swatches}. An arrow points along the relation as the "
        "graph states it; hover a box or arrow for its full name.</p>"
        f"<p>{_status('verified')} a curator read the source and it supports the row; "
        f"{_status('unverified')} cited but not confirmed. "
        "<span class='tag against'>does not support</span> a study that looked and did not find "
        "the association. Evidence types: clinical, preclinical in vivo / in vitro, regulatory, "
        "review, inferred (an extrapolation, never tested as stated).</p></section>"
    )


def _footer(version: str, built: str) -> str:
    parts = ["adcgraph"]
    if version:
        parts.append(f"store version {_e(version)}")
    if built:
        parts.append(f"generated {_e(built)}")
    return (
        f"<footer class='muted'>{' · '.join(parts)}. Every row cites its source; "
        "scores are evidence-weighted path counts, not predictions of benefit.</footer>"
    )


def _page(title: str, body: Sequence[str], version: str, built: str) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
            "<meta name='viewport' content='width=device-width, initial-scale=1'>",
            f"<title>{_e(title)}</title><style>{STYLE}</style></head><body>",
            ARROW_DEFS,
            *body,
            _footer(version, built),
            "</body></html>",
        ]
    )


def _candidate_rows(ranking: Ranking, anchor: str) -> list[list[str]]:
    rows = []
    for number, c in enumerate(ranking.candidates, start=1):
        trials = "; ".join(
            f"{_e(t['label'])} ({_e(t['phase'])}) {links(map(str, t['trial_ids']))}".strip()
            for t in c.trials
        )
        rows.append(
            [
                str(number),
                f"<a href='#{anchor}-{number}'>{_e(c.label)}</a>",
                _e(c.kind),
                f"{c.score:.3f}",
                f"{c.adjusted_score:.3f}",
                f"{c.p_value:.3f}",
                _e(", ".join(c.metapath_scores)),
                trials,
                _e("; ".join(c.notes)),
            ]
        )
    return rows


def _candidate_detail(number: int, candidate: Candidate, anchor: str) -> str:
    parts = [
        f"<div class='candidate' id='{anchor}-{number}'>"
        f"<h3>{number}. {_e(candidate.label)} "
        f"<span class='muted'>{_e(candidate.id)} · {_e(candidate.kind)}</span></h3>"
    ]
    for note in candidate.notes:
        parts.append(f"<p class='muted'>{_e(note)}</p>")
    for path in candidate.paths:
        cited = links(map(str, path.get("citations", []))) or "structure only"  # type: ignore[arg-type]
        parts.append(path_svg(path))
        parts.append(f"<p class='muted'><i>{_e(path.get('reading', ''))}</i> — {cited}</p>")
    parts.append("</div>")
    return "".join(parts)


def ranking_section(ranking: Ranking, heading: str, anchor: str) -> str:
    """A ranked list of candidates: a summary table, then each candidate's path pictures."""
    headers = ["#", "candidate", "type", "score", "adjusted", "p", "why", "tested", "notes"]
    intro = (
        f"<p class='muted'>Degree-weighted path counts against {ranking.permutations} "
        "degree-preserving permutations; adjusted = score minus the mean permuted score.</p>"
    )
    if ranking.query.get("filter", "none") != "none":
        intro += (
            f"<p class='muted'>filter: {_e(ranking.query['filter'])} "
            "(only claims passing it are scored and shown)</p>"
        )
    cut = "".join(f"<p class='muted'>cut short: {_e(t)}</p>" for t in ranking.truncated)
    details = "".join(
        _candidate_detail(number, c, anchor) for number, c in enumerate(ranking.candidates, start=1)
    )
    if not ranking.candidates:
        return f"<section id='{anchor}'><h2>{_e(heading)}</h2><p>No candidate found.</p></section>"
    return (
        f"<section id='{anchor}'><h2>{_e(heading)}</h2>{intro}"
        f"{_table(headers, _candidate_rows(ranking, anchor))}{cut}{details}</section>"
    )


def ranking_html(ranking: Ranking, title: str, version: str = "", built: str = "") -> str:
    """A page holding only a ranking (what ``combos --html`` writes).

    >>> page = ranking_html(Ranking({"adc": "X"}, [], 0), "empty")
    >>> "class='path'" in page, "id='legend'" in page
    (False, True)
    """
    body = [
        f"<h1>{_e(title)}</h1>",
        ranking_section(ranking, "Candidates", "combinations"),
        legend(),
    ]
    return _page(title, body, version, built)


def _summary(dossier: Dossier) -> str:
    c = dossier.components
    own = sum(1 for claim in dossier.claims if claim.own)
    steps = ", ".join(f"{s.label} ({len(s.claims)})" for s in dossier.steps) or "none"
    approvals = [a for a in dossier.approvals if "approval" in a.status or a.status == "approved"]
    rows = [
        ["target", _e(", ".join(c.targets))],
        ["payload (class)", _e(f"{c.payload} ({', '.join(c.payload_classes)})")],
        [
            "linker",
            _e(
                c.linker
                + (
                    " (cleavable)"
                    if c.cleavable
                    else " (non-cleavable)"
                    if c.cleavable is False
                    else ""
                )
            ),
        ],
        ["status", _e(c.status)],
        ["approvals and label changes", str(len(approvals))],
        [
            "resistance claims",
            f"{len(dossier.claims)} ({own} on this ADC, "
            f"{len(dossier.claims) - own} on its payload classes)",
        ],
        ["mechanisms by step", _e(steps)],
        ["curated strategies", str(len(dossier.strategies))],
    ]
    if dossier.combinations and dossier.combinations.candidates:
        top = ", ".join(x.label for x in dossier.combinations.candidates[:3])
        rows.append([f"top candidates in {dossier.disease_label}", _e(top)])
    if dossier.cross_resistance and dossier.cross_resistance.candidates:
        rows.append(["most shared weaknesses", _e(dossier.cross_resistance.candidates[0].label)])
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<section id='summary'><h2>Summary</h2><table>{body}</table></section>"


def _components(dossier: Dossier) -> str:
    c = dossier.components
    rows = [
        ["names", _e(", ".join(c.synonyms))],
        ["antibody", _e(c.antibody)],
        ["payload", _e(c.payload)],
        ["payload classes", _e(" › ".join(reversed(c.payload_classes)))],
        ["linker", _e(f"{c.linker}; cleavage: {c.cleavage or 'unknown'}")],
        ["DAR", _e(c.dar or "not recorded")],
        ["identifiers", _e(", ".join([vocab.compress(dossier.adc), *c.xrefs]))],
    ]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return f"<section id='components'><h2>Components</h2><table>{body}</table></section>"


def _approvals(dossier: Dossier) -> str:
    headers = [
        "date",
        "agency",
        "status",
        "disease",
        "label population",
        "line",
        "trials",
        "evidence",
        "status of row",
    ]
    rows = [
        [
            f"<span class='nowrap'>{_e(a.date)}</span>",
            _e(a.agency),
            _e(a.status),
            _e(a.disease),
            _e(a.population)
            + (f"<br><span class='muted'>{_e(a.biomarkers)}</span>" if a.biomarkers else "")
            + (f"<br><span class='muted'>{_e(a.criteria)}</span>" if a.criteria else ""),
            _e(a.line_of_therapy),
            links(a.trials),
            f"{_e(a.evidence_type)}: {links(a.citations)}",
            _status(a.curation_status),
        ]
        for a in dossier.approvals
    ]
    content = _table(headers, rows) if rows else "<p>No approval or development record.</p>"
    return f"<section id='approvals'><h2>Approvals and development</h2>{content}</section>"


def _mechanisms(dossier: Dossier) -> str:
    parts = [
        "<section id='mechanisms'><h2>Resistance mechanisms along the ADC's journey</h2>",
        "<p class='muted'>Claims on this ADC and on its payload classes (a class claim applies "
        "to every ADC carrying that payload).</p>",
    ]
    headers = ["mechanism", "applies to", "disease / population", "evidence", "finding", "sources"]
    for step in dossier.steps:
        rows = [
            [
                _e(claim.mechanism)
                + (f"<br><span class='muted'>{_e(claim.genes)}</span>" if claim.genes else ""),
                _e(claim.applies_to) + ("" if claim.own else " <span class='muted'>(class)</span>"),
                _e(claim.population or claim.disease),
                _e(claim.evidence_type)
                + (f"; {_e(claim.model_system)}" if claim.model_system else "")
                + (f"; n = {_e(claim.n)}" if claim.n else "")
                + (
                    " <span class='tag against'>does not support</span>"
                    if not claim.supports
                    else ""
                ),
                _e(claim.finding)
                + (f" <b>{_e(claim.effect_size)}</b>" if claim.effect_size else ""),
                links(claim.citations) + " " + _status(claim.curation_status),
            ]
            for claim in step.claims
        ]
        parts.append(f"<h3 id='step-{_e(step.code)}'>{_e(step.label)}</h3>{_table(headers, rows)}")
    if not dossier.steps:
        parts.append("<p>No resistance claim applies to this ADC yet.</p>")
    parts.append("</section>")
    return "".join(parts)


def _strategies(dossier: Dossier) -> str:
    headers = [
        "strategy",
        "type",
        "with",
        "disease",
        "phase",
        "outcome",
        "result",
        "trials",
        "sources",
    ]
    rows = [
        [
            _e(s.label),
            _e(s.strategy_type),
            _e(s.partners),
            _e(s.disease),
            _e(s.phase),
            _e(s.outcome),
            _e(s.result) + (f" <b>{_e(s.effect_size)}</b>" if s.effect_size else ""),
            links(s.trials),
            f"{_e(s.evidence_type)}: {links(s.citations)} {_status(s.curation_status)}",
        ]
        for s in dossier.strategies
    ]
    content = _table(headers, rows) if rows else "<p>No curated strategy uses this ADC.</p>"
    heading = "<h2>Curated strategies and their outcomes</h2>"
    return f"<section id='strategies'>{heading}{content}</section>"


def dossier_html(dossier: Dossier) -> str:
    """The whole dossier page of one ADC."""
    name = dossier.components.label
    title = f"{name}: resistance dossier"
    chosen = (
        " (chosen as the disease with most of its evidence; pass --disease to change it)"
        if dossier.disease_chosen
        else ""
    )
    sections = [
        f"<h1>{_e(title)}</h1>",
        f"<p class='muted'>{_e(vocab.compress(dossier.adc))} · combinations ranked for "
        f"{_e(dossier.disease_label or 'no disease')}{_e(chosen)}</p>",
        *(
            [
                f"<p class='muted'>filter: {_e(dossier.evidence_filter)} (mechanisms, strategies"
                " and rankings use only the claims passing it; approvals are all shown)</p>"
            ]
            if dossier.evidence_filter != "none"
            else []
        ),
        "<nav class='muted'><a href='#summary'>summary</a> · <a href='#components'>components</a>"
        " · <a href='#approvals'>approvals</a> · <a href='#mechanisms'>mechanisms</a> · "
        "<a href='#strategies'>strategies</a> · <a href='#cross-resistance'>cross-resistance</a>"
        " · <a href='#combinations'>combinations</a> · <a href='#legend'>legend</a></nav>",
        _summary(dossier),
        _components(dossier),
        _approvals(dossier),
        _mechanisms(dossier),
        _strategies(dossier),
    ]
    if dossier.cross_resistance is not None:
        sections.append(
            ranking_section(
                dossier.cross_resistance, "Cross-resistance with other ADCs", "cross-resistance"
            )
        )
    if dossier.combinations is not None:
        sections.append(
            ranking_section(
                dossier.combinations,
                f"Combinations and next ADCs in {dossier.disease_label}",
                "combinations",
            )
        )
    else:
        sections.append(
            "<section id='combinations'><h2>Combinations and next ADCs</h2>"
            "<p>No disease to rank for: pass --disease.</p></section>"
        )
    sections.append(legend())
    return _page(title, sections, dossier.version, dossier.built)
