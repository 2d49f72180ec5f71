"""Never touch what is not ours; survive a crash at every publish step (issue 13)."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from fault import crashes

from adcgraph.cli import cli
from adcgraph.curated.build import BuildPaths, build, ensure_store
from adcgraph.errors import StoreError
from adcgraph.graphdata import cache_directory
from adcgraph.storage import publish, store


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def user_directory(tmp_path: Path) -> Path:
    directory = tmp_path / "photos"
    directory.mkdir()
    (directory / "holiday.jpg").write_bytes(b"\xff\xd8 not ours")
    return directory


@pytest.mark.parametrize("command", [["stats"], ["sparql", "ASK {}"], ["export", "-o", "x.ttl"]])
def test_a_read_command_never_builds_over_a_directory_that_is_not_a_store(user_directory, command):
    result = invoke(*command, "--store", str(user_directory))
    assert result.exit_code == 1
    assert "is not an adcgraph store" in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in user_directory.parent.iterdir()) == ["photos"]
    assert (user_directory / "holiday.jpg").read_bytes() == b"\xff\xd8 not ours"


def test_a_regular_file_given_as_store_is_left_alone(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine", encoding="utf-8")
    for command in (["stats"], ["build", "--no-reason"]):
        result = invoke(*command, "--store", str(notes))
        assert result.exit_code == 1, result.output
        assert "not a directory" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert notes.read_text(encoding="utf-8") == "mine"


def test_build_refuses_a_non_empty_directory_but_takes_an_empty_one(tmp_path, user_directory):
    paths = BuildPaths(
        store=user_directory, release=tmp_path / "r.ttl", inferred_release=tmp_path / "ri.ttl"
    )
    with pytest.raises(StoreError, match="not an adcgraph store"):
        build(paths, run_reasoner=False)
    assert [p.name for p in user_directory.iterdir()] == ["holiday.jpg"]
    empty = tmp_path / "empty"
    empty.mkdir()
    build(BuildPaths(store=empty, release=None, inferred_release=None), run_reasoner=False)
    assert (empty / publish.MARKER_FILE).is_file() and publish.is_store(empty)
    assert not publish.sidecar(empty, "staging").exists()


def test_a_second_writer_is_refused_while_the_first_holds_the_lock(built, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    with publish.writer(target):
        with pytest.raises(StoreError, match="another adcgraph process"), publish.writer(target):
            pass
        assert publish.writing_now(target)
    assert not publish.writing_now(target)


@pytest.mark.parametrize(
    "point", ["swap.retired", "replace.written", "bulk.loading", "bulk.loaded", "commit.written"]
)
def test_a_crash_at_a_publish_step_loses_nothing_and_leaves_nothing(built, tmp_path, point):
    # The long run (tests/fault/run.py) crashes at every point; these are the riskiest.
    outcome = crashes.crash_case(built.paths.store, point, tmp_path)
    assert outcome.verdict == "ok", outcome


def test_an_interrupted_swap_is_finished_not_rebuilt_over(built, tmp_path):
    # Before the fix, the next command found no store, built a curated-only one and
    # deleted the complete new store waiting in the hidden staging directory.
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    result = crashes.run(crashes.operation_command("import-bulk", target, tmp_path))
    assert result.returncode == 0, result.stderr
    imported = crashes.state(target)
    staged = tmp_path / "staged"
    target.rename(staged)
    retired = publish.sidecar(target, "retired")
    publish.begin(target, {"kind": "swap", "staged": str(staged), "retired": str(retired)})
    assert ensure_store(target) == target
    assert crashes.state(target) == imported
    assert not staged.exists() and publish.read_journal(target) is None


def test_readers_work_on_a_read_only_filesystem(built, tmp_path):
    source = tmp_path / "data"
    shutil.copytree(built.paths.store, source / "store")
    mount = tmp_path / "ro"
    mount.mkdir()
    bound = subprocess.run(["mount", "--bind", "-o", "ro", str(source), str(mount)], check=False)
    if bound.returncode != 0:
        pytest.skip("cannot make a read-only bind mount here")
    try:
        location = mount / "store"
        assert not cache_directory(location, "v").is_relative_to(mount)
        for command in (
            ["paths", "T-DM1", "tucatinib", "--format", "json"],
            ["combos", "T-DM1", "breast cancer", "--format", "json", "--permutations", "2"],
            ["query", "adcs-by-target", "-p", "target=HER2"],
        ):
            result = invoke(*command, "--store", str(location))
            assert result.exit_code == 0, (command, result.output, result.exc_info)
        result = invoke("build", "--no-reason", "--store", str(location))
        assert result.exit_code == 1 and "Read-only file system" in result.output
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_store_version_damage_is_a_clear_error(built, tmp_path):
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    (target / "adcgraph-version.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(StoreError, match="damaged version record"):
        store.store_version(target)
    assert json.loads((built.paths.store / "adcgraph-version.json").read_text())["version"]


def test_a_full_disk_is_a_clear_error_and_the_store_is_kept(built, tmp_path):
    mount = tmp_path / "full"
    mount.mkdir()
    # Room for the copied store (allocated blocks, counted twice for per-file rounding) plus
    # 4 MiB; the filler then takes what is left, so the build meets a full disk however the
    # graph grows.
    files = [f for f in built.paths.store.rglob("*") if f.is_file()]
    store_kib = sum(f.stat().st_blocks * 512 for f in files) // 1024 + 4 * len(files)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={2 * store_kib + 4096}k", "tmpfs", str(mount)],
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        target = mount / "store"
        shutil.copytree(built.paths.store, target)
        before = crashes.state(target)
        # Unbuffered, so the write that meets the full disk fails inside suppress and closing
        # the file has nothing left to flush (a buffered close raised ENOSPC now and then).
        with (mount / "filler").open("wb", buffering=0) as filler, contextlib.suppress(OSError):
            while True:
                filler.write(b"\0" * 65536)
        result = invoke("build", "--no-reason", "--store", str(target))
        assert result.exit_code == 1 and "No space left on device" in result.output
        assert "Traceback" not in result.output
        (mount / "filler").unlink()
        assert crashes.state(target) == before
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_readers_never_fail_while_the_store_is_rebuilt(built, tmp_path):
    # Before: "Corruption ... MANIFEST may be corrupted" tracebacks (3 in 839 reads), and
    # "Sst file size mismatch" while reading a store opened before a swap reused its path.
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER_LOOP, str(target), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    paths = BuildPaths(store=target, release=None, inferred_release=None)
    started = time.monotonic()
    builds = 0
    try:
        while builds < 3 or time.monotonic() - started < 5:  # 3 rebuilds at least, however slow
            build(paths, run_reasoner=False)
            builds += 1
    finally:
        stop.touch()
    output, errors = reader.communicate(timeout=300)
    assert reader.returncode == 0, errors[-2000:]
    reads, failures = map(int, output.split())
    assert reads > 0 and failures == 0, errors[-2000:]


READER_LOOP = """
import sys
from pathlib import Path
from adcgraph.storage import store
from adcgraph.errors import AdcGraphError
reads = failures = 0
stop = Path(sys.argv[2])
while not stop.exists():
    try:
        opened = store.open_store(Path(sys.argv[1]))
        len(list(opened.named_graphs()))
        len(list(opened.quads_for_pattern(None, None, None)))
        reads += 1
    except AdcGraphError as error:
        failures += 1
        print(error.message, file=sys.stderr)
print(reads, failures)
"""


def test_a_reader_keeps_its_generation_through_a_rebuild_until_it_closes(built, tmp_path):
    # The mechanism behind the reader test above: a rebuild publishes a new generation and
    # never modifies or reuses the one a reader holds; it is deleted once nobody holds it.
    target = tmp_path / "store"
    shutil.copytree(built.paths.store, target)
    reader = store.open_store(target)
    held = reader.directory
    count_before = len(reader)
    crashes.run(crashes.operation_command("import-bulk", target, tmp_path)).check_returncode()
    assert store.open_store(target).directory != held
    assert held.is_dir() and len(reader) == count_before  # still the snapshot it opened
    assert len(store.open_store(target)) == count_before + 3000
    del reader
    paths = BuildPaths(store=target, release=None, inferred_release=None)
    build(paths, run_reasoner=False)
    assert not held.exists()
    assert [p.name for p in target.iterdir() if p.name.startswith("g-")] == [
        store.open_store(target).directory.name
    ]
