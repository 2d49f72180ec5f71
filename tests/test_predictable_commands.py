"""Commands behave as a user predicts: '-' is standard output, files are readable by others,
a build without the reasoner leaves the committed release alone, the old alias still works."""

from __future__ import annotations

import os
import stat

from click.testing import CliRunner

from adcgraph.cli import cli
from adcgraph.curated.build import INFERRED_RELEASE_FILE, RELEASE_FILE


def _invoke(built, *args: str):
    return CliRunner().invoke(cli, [*args, "--store", str(built.paths.store)])


def test_export_to_a_dash_writes_standard_output_and_no_file(built, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = _invoke(built, "export", "--format", "ntriples", "-o", "-")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<") and " .\n" in result.stdout
    assert "wrote" in result.stderr and "wrote" not in result.stdout
    assert not (tmp_path / "-").exists()


def test_kgx_to_a_dash_is_refused_with_the_reason(built):
    result = _invoke(built, "export", "--format", "kgx", "-o", "-")
    assert result.exit_code == 1
    assert "kgx writes two files" in result.output


def test_exported_files_follow_the_umask(built, tmp_path):
    previous = os.umask(0o022)
    try:
        for fmt, name in (("turtle", "a.ttl"), ("sssom", "a.sssom.tsv"), ("graphml", "a.graphml")):
            result = _invoke(built, "export", "--format", fmt, "-o", str(tmp_path / name))
            assert result.exit_code == 0, result.output
            mode = stat.S_IMODE((tmp_path / name).stat().st_mode)
            assert mode == 0o644, (fmt, oct(mode))
    finally:
        os.umask(previous)


def test_export_mappings_is_a_deprecated_alias_of_export_sssom(built, tmp_path):
    old, new = tmp_path / "old.sssom.tsv", tmp_path / "new.sssom.tsv"
    alias = _invoke(built, "export-mappings", "-o", str(old))
    assert alias.exit_code == 0, alias.output
    assert "deprecated" in alias.stderr
    assert _invoke(built, "export", "--format", "sssom", "-o", str(new)).exit_code == 0
    assert old.read_bytes() == new.read_bytes()


def test_build_without_the_reasoner_leaves_the_committed_release_unchanged(tmp_path):
    before = {path: path.read_bytes() for path in (RELEASE_FILE, INFERRED_RELEASE_FILE)}
    result = CliRunner().invoke(cli, ["build", "--no-reason", "--store", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    assert "release files left unchanged" in result.output
    assert {path: path.read_bytes() for path in before} == before


def test_long_work_shows_a_transient_status_on_a_terminal_only(capsys):
    from adcgraph.progress import status

    with status("filling the caches", terminal=False):
        pass
    assert capsys.readouterr().err == ""
    with status("filling the caches", terminal=True):
        pass
    assert "filling the caches" in capsys.readouterr().err


def test_piped_commands_print_no_status_line(built):
    result = _invoke(built, "combos", "SG", "TNBC", "--permutations", "2", "--no-explain")
    assert result.exit_code == 0, result.output
    assert "ranking candidates" not in result.stderr
