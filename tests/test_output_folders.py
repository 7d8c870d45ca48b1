"""Output folders: links that loop, every file a command writes in its manifest, ``schema
--out`` through the same machinery, and stale files of an earlier run."""

from __future__ import annotations

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
