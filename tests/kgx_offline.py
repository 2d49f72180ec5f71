"""Run the real ``kgx`` command line without network access.

kgx reads the Biolink Model, its predicate map and three JSON-LD contexts from the web. This
wrapper points each at an installed package instead: the schema and prefix map of the
``biolink-model`` package, and the Monarch and OBO contexts of ``prefixmaps``. A JSON-LD
context given with ``--context FILE`` (the export's own, registering the project's prefix)
is added to the Biolink context, as a consumer loading the export would do.

    python tests/kgx_offline.py [--context FILE] validate -i tsv nodes.tsv edges.tsv \
        --then transform -i tsv -f nt -o out.nt nodes.tsv edges.tsv

Commands joined by ``--then`` run in one process (the Biolink Model is loaded once); each
prints ``kgx-exit COMMAND CODE`` and the wrapper exits with the largest code.
"""

from __future__ import annotations

import json
import sys
from importlib.resources import files


def _patch(context_file: str | None) -> None:
    import bmt.toolkit
    import prefixmaps

    model = files("biolink_model")
    schema = str(model / "schema" / "biolink_model.yaml")
    bmt.toolkit.Toolkit.__init__.__defaults__ = (schema, {"predicate mappings": []})

    import kgx.config
    import kgx.utils.kgx_utils

    biolink = json.loads((model / "prefixmaps" / "biolink-model-prefix-map.json").read_text())
    if context_file:
        with open(context_file, encoding="utf-8") as stream:
            extra = json.load(stream)["@context"]
        biolink.update({k: v for k, v in extra.items() if isinstance(v, str)})
    kgx.config.jsonld_context_map["biolink"] = {"@vocab": biolink["biolink"], **biolink}
    for name, context in (("monarch_context", "merged.monarch"), ("obo_context", "obo")):
        kgx.config.jsonld_context_map[name] = {
            e.prefix: e.namespace
            for e in prefixmaps.load_context(context).prefix_expansions
            if e.canonical()
        }
    kgx.utils.kgx_utils.get_biolink_model_schema = lambda release=None: schema  # type: ignore[assignment]


def main(argv: list[str]) -> None:
    context = None
    if argv[:1] == ["--context"]:
        context, argv = argv[1], argv[2:]
    _patch(context)
    from kgx.cli import cli

    commands: list[list[str]] = [[]]
    for word in argv:
        if word == "--then":
            commands.append([])
        else:
            commands[-1].append(word)
    worst = 0
    for command in commands:
        try:
            cli.main(args=command, prog_name="kgx", standalone_mode=False)
            code = 0
        except SystemExit as stop:
            code = int(stop.code or 0)
        sys.stdout.write(f"\nkgx-exit {command[0]} {code}\n")
        worst = max(worst, code)
    sys.exit(worst)


if __name__ == "__main__":
    main(sys.argv[1:])
