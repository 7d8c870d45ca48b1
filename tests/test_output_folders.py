"""Output folders: links that loop, every file a command writes in its manifest, ``schema
--out`` through the same machinery, and stale files of an earlier run."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import gpnopt.atomic as atomic
from gpnopt.cli import app

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "instances" / "tiny.yaml"
runner = CliRunner()


def looping(folder: Path) -> Path:
    """``folder`` holding two links that point at each other."""
    folder.mkdir()
    (folder / "l2").symlink_to("l1")
    (folder / "l1").symlink_to("l2")
    return folder


# --- links that loop --------------------------------------------------------------------------


def test_looping_links_are_foreign_entries(tmp_path):
    assert atomic.inspect_folder(looping(tmp_path / "lp")).foreign == ["l1", "l2"]


def test_looping_links_in_the_output_folder_are_refused_then_left_alone(tmp_path):
    out = looping(tmp_path / "lp")
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "lp holds files gpnopt did not write (l1, l2)" in res.output
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert (out / "l1").is_symlink()
    assert (out / "l2").is_symlink()
    assert "l1" not in atomic.read_manifest(out)["files"]


def test_an_output_folder_through_a_looping_link_is_an_error(tmp_path):
    (tmp_path / "loop").symlink_to("loop")
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(tmp_path / "loop" / "x")])
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit)
    assert "Too many levels of symbolic links" in res.output


def test_a_looping_link_named_as_a_subfolder_is_named(tmp_path):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / "base").symlink_to("base")
    res = runner.invoke(app, ["compare", str(TINY), "-S", "base", "--out", str(out), "--force"])
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit)
    assert "cannot write into 'base'" in res.output


# --- every file a command writes is in its manifest -------------------------------------------


def manifest_lists_every_file(out: Path) -> None:
    files = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert sorted(atomic.read_manifest(out)["files"]) == files
    assert atomic.inspect_folder(out).foreign == []


def test_a_report_rerun_into_its_folder_replaces_it(tmp_path):
    out = tmp_path / "rep1"
    for _ in range(2):
        res = runner.invoke(app, ["report", str(TINY), "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert "report.html" in atomic.read_manifest(out)["files"]
        manifest_lists_every_file(out)


def test_solve_plots_rerun_into_its_folder_replaces_it(tmp_path):
    out = tmp_path / "P"
    for _ in range(2):
        res = runner.invoke(app, ["solve", str(TINY), "--plots", str(out)])
        assert res.exit_code == 0, res.output
        manifest_lists_every_file(out)


def test_a_report_with_a_comparison_lists_every_picture(tmp_path):
    out = tmp_path / "rep"
    res = runner.invoke(app, ["report", str(TINY), "-S", "base,dear_china", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "comparison.png" in atomic.read_manifest(out)["files"]
    manifest_lists_every_file(out)


# --- schema --out -----------------------------------------------------------------------------


def test_schema_out_refuses_a_users_reference_unless_forced(tmp_path):
    out = tmp_path / "s"
    out.mkdir()
    (out / "reference.md").write_text("my notes\n")
    res = runner.invoke(app, ["schema", "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "reference.md" in res.output
    assert "--force" in res.output
    assert (out / "reference.md").read_text() == "my notes\n"
    assert sorted(p.name for p in out.iterdir()) == ["reference.md"]  # nothing written
    res = runner.invoke(app, ["schema", "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert (out / "reference.md").read_text() != "my notes\n"
    manifest_lists_every_file(out)


def test_schema_out_writes_a_manifest_and_reruns(tmp_path):
    out = tmp_path / "s"
    for _ in range(2):
        res = runner.invoke(app, ["schema", "--out", str(out)])
        assert res.exit_code == 0, res.output
        assert sorted(atomic.read_manifest(out)["files"]) == [
            "gpnopt-instance.schema.json", "reference.md",
        ]
        manifest_lists_every_file(out)


# --- an earlier run's files -------------------------------------------------------------------


def test_a_later_run_removes_the_earlier_runs_stale_files(tmp_path):
    out = tmp_path / "st"
    assert runner.invoke(app, ["solve", str(TINY), "--out", str(out)]).exit_code == 0
    res = runner.invoke(
        app, ["solve", str(TINY), "-s", "dear_china", "--out", str(out), "--format", "parquet"]
    )
    assert res.exit_code == 0, res.output
    assert not (out / "firm_profit.csv").exists()
    assert (out / "firm_profit.parquet").is_file()
    assert not [p for p in out.iterdir() if p.suffix == ".csv"]
    manifest_lists_every_file(out)


def test_only_unchanged_files_of_the_earlier_run_are_removed(tmp_path):
    out = tmp_path / "st"
    assert runner.invoke(app, ["solve", str(TINY), "--out", str(out)]).exit_code == 0
    (out / "lines.csv").write_text("edited by hand\n")
    (out / "mine.txt").write_text("mine\n")
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out), "--format", "parquet"])
    assert res.exit_code == 1, res.output  # the edited table and mine.txt are the user's
    res = runner.invoke(
        app, ["solve", str(TINY), "--out", str(out), "--format", "parquet", "--force"]
    )
    assert res.exit_code == 0, res.output
    assert (out / "lines.csv").read_text() == "edited by hand\n"
    assert (out / "mine.txt").read_text() == "mine\n"
    assert not (out / "production.csv").exists()
    assert "lines.csv" not in atomic.read_manifest(out)["files"]


def test_a_planned_file_not_written_again_is_removed(tmp_path):
    out = tmp_path / "o"
    with atomic.OutputFolder(out, files=["a.txt", "b.txt"]) as folder:
        folder.write("a.txt", "a")
        folder.write("b.txt", "b")
    with atomic.OutputFolder(out, files=["a.txt", "b.txt"]) as folder:
        folder.write("a.txt", "a2")
    assert sorted(p.name for p in out.iterdir()) == [".gpnopt-manifest.json", "a.txt"]
    assert sorted(atomic.read_manifest(out)["files"]) == ["a.txt"]


def test_a_manifest_naming_a_path_outside_removes_nothing_there(tmp_path):
    out = tmp_path / "o"
    (tmp_path / "victim.txt").write_text("v")
    with atomic.OutputFolder(out, files=["a.txt"]) as folder:
        folder.write("a.txt", "a")
    manifest = atomic.read_manifest(out)
    manifest["files"]["../victim.txt"] = {"sha256": atomic.sha256_of(tmp_path / "victim.txt"),
                                          "size": 1}
    atomic.write_text(out / atomic.MANIFEST, json.dumps(manifest))
    with atomic.OutputFolder(out, files=["b.txt"]) as folder:
        folder.write("b.txt", "b")
    assert (tmp_path / "victim.txt").read_text() == "v"
    assert sorted(p.name for p in out.iterdir()) == [".gpnopt-manifest.json", "b.txt"]


def test_solve_refuses_one_folder_for_tables_and_pictures(tmp_path):
    out = tmp_path / "same"
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out), "--plots", f"{out}/"])
    assert res.exit_code == 2, res.output
    assert "other than --out" in res.output
    assert not out.exists()


# --- another command's output inside ----------------------------------------------------------


def test_another_runs_output_folder_inside_is_left_alone(tmp_path):
    # the README's order: `make run` (solve --out out/tm_ffg), the pictures into
    # out/tm_ffg/plots, then `make run` again: the pictures' folder is gpnopt's own output
    out = tmp_path / "out"
    for args in (["--out", str(out)], ["--plots", str(out / "plots")], ["--out", str(out)]):
        res = runner.invoke(app, ["solve", str(TINY), "-q", *args])
        assert res.exit_code == 0, res.output
    assert (out / "plots" / "report.html").is_file()
    assert "plots" not in json.loads((out / ".gpnopt-manifest.json").read_text())["files"]
    # a folder without a complete manifest of its own is still foreign
    (out / "mine").mkdir()
    res = runner.invoke(app, ["solve", str(TINY), "-q", "--out", str(out)])
    assert res.exit_code == 1
    assert "mine/" in res.output
