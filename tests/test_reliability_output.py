"""Output reliability (issue 20, output side) and --format (issue 21): each finding's regression.

3 ``--out /`` answered at once, never a walk; 4 files of a user never replaced without --force;
5 no write outside --out; 7 no process outlives a killed sweep; 8 a thread count HiGHS cannot
start is refused; 11 files follow the umask; 17 a manifest written last, leftovers removed, an
interrupted write reported as incomplete. The kill and signal tests run gpnopt in a subprocess
with bounded waits.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import gpnopt
import gpnopt.atomic as atomic
from gpnopt.cli import app
from gpnopt.errors import GpnoptError
from gpnopt.results import TABLE_NAMES

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "instances" / "tiny.yaml"
GPNOPT = [sys.executable, "-m", "gpnopt"]
runner = CliRunner()


def run_cli(*args: str, timeout: float = 120, **kw) -> subprocess.CompletedProcess:
    """gpnopt in a subprocess, bounded in time."""
    return subprocess.run(
        [*GPNOPT, *args], capture_output=True, text=True, timeout=timeout, cwd=ROOT, **kw
    )


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# --- finding 3: --out / and large folders ------------------------------------------------------


def test_out_root_is_refused_at_once():
    started = time.monotonic()
    res = run_cli("solve", str(TINY), "--out", "/", timeout=60)
    assert res.returncode == 1, res.stderr
    assert "/ holds files gpnopt did not write" in res.stderr
    assert "Traceback" not in res.stderr
    assert time.monotonic() - started < 60


def test_only_the_folders_own_entries_are_read(tmp_path):
    out = tmp_path / "out"
    (out / "notes" / "deep").mkdir(parents=True)
    for i in range(50):
        (out / "notes" / "deep" / f"{i}.txt").write_text("x")
    # the subfolder is named as one entry; its insides are not walked
    assert atomic.inspect_folder(out).foreign == ["notes/"]


# --- finding 4: a user's file of gpnopt's name ------------------------------------------------


def test_a_users_file_named_like_a_table_is_not_replaced(tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    (out / "production.csv").write_text("my,plan\n")
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "production.csv" in res.output
    assert "--force" in res.output
    assert (out / "production.csv").read_text() == "my,plan\n"
    assert listing(out) == ["production.csv"]  # nothing written


def test_a_table_edited_after_gpnopt_wrote_it_is_the_users(tmp_path):
    out = tmp_path / "d"
    assert runner.invoke(app, ["solve", str(TINY), "--out", str(out)]).exit_code == 0
    (out / "lines.csv").write_text("edited by hand\n")
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out)])
    assert res.exit_code == 1
    assert "lines.csv" in res.output
    assert (out / "lines.csv").read_text() == "edited by hand\n"
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out), "--force"])
    assert res.exit_code == 0, res.output
    assert (out / "lines.csv").read_text().startswith("plant,product")


def test_files_of_an_earlier_run_not_rewritten_are_removed(tmp_path, solved_tiny):
    out = tmp_path / "d"
    solved_tiny.write(out, formats=("csv", "xlsx"))
    solved_tiny.write(out)  # csv only: the earlier run's tables.xlsx is stale, removed
    assert atomic.inspect_folder(out).foreign == []
    assert "tables.xlsx" not in atomic.read_manifest(out)["files"]
    assert not (out / "tables.xlsx").exists()


def test_compare_subfolders_are_checked_not_walked(tmp_path):
    out = tmp_path / "cmp"
    assert runner.invoke(app, ["compare", str(TINY), "-S", "base", "--out", str(out)]).exit_code == 0
    assert atomic.inspect_folder(out).foreign == []
    (out / "base" / "mine.txt").write_text("x")
    assert atomic.inspect_folder(out).foreign == ["base/mine.txt"]
    res = runner.invoke(app, ["compare", str(TINY), "-S", "base", "--out", str(out)])
    assert res.exit_code == 1
    assert "base/mine.txt" in res.output


# --- finding 5: nothing outside --out ---------------------------------------------------------


@pytest.mark.filterwarnings("ignore:'str' is not supported as a fill value")  # the odd ".."
def test_a_scenario_folder_may_not_leave_the_output_folder(tmp_path):
    comp = gpnopt.compare(TINY, ["base"])
    comp.results[".."] = comp.results["base"]
    comp.instances[".."] = comp.instances["base"]
    outer = tmp_path / "X"
    with pytest.raises(GpnoptError, match="inside the output folder"):
        comp.write(outer / "inner")
    assert not outer.exists()  # refused before anything is written


def test_a_symlinked_subfolder_leading_out_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "base").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(atomic.FolderError, match="inside the output folder"):
        atomic.OutputFolder(out, files=[], folders={"base": None})
    assert list((tmp_path / "elsewhere").iterdir()) == []


# --- finding 8: threads -----------------------------------------------------------------------


def test_too_many_threads_is_a_usage_error():
    res = run_cli("solve", str(TINY), "--threads", "100000", timeout=60)
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "--threads" in res.stderr


def test_too_many_threads_in_the_library_is_an_error_not_an_abort():
    code = f"""
import gpnopt
from gpnopt.errors import GpnoptError
try:
    gpnopt.solve(gpnopt.load({str(TINY)!r}), threads=100000)
except GpnoptError as exc:
    print("refused:", exc)
"""
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, (res.returncode, res.stderr)
    assert "refused: threads 100000: use 1 to" in res.stdout


# --- finding 11: the umask --------------------------------------------------------------------


def test_written_files_follow_the_umask(tmp_path):
    out, pics, yml = tmp_path / "out", tmp_path / "pics", tmp_path / "gen.yaml"

    def umask027() -> None:
        os.umask(0o027)

    for args in (
        ["solve", str(TINY), "--out", str(out), "--format", "csv,parquet,xlsx",
         "--plots", str(pics)],
        ["generate", str(yml), "--plants", "3", "--markets", "3"],
    ):
        res = run_cli(*args, preexec_fn=umask027)
        assert res.returncode == 0, res.stderr
    files = [*out.iterdir(), *pics.iterdir(), yml]
    assert len(files) > 20
    for p in files:
        assert stat.S_IMODE(p.stat().st_mode) == 0o640, p


def test_written_files_follow_this_processs_umask(tmp_path, solved_tiny):
    old = os.umask(0o022)
    os.umask(old)
    for p in solved_tiny.write(tmp_path / "t"):
        assert stat.S_IMODE(p.stat().st_mode) == 0o666 & ~old, p


# --- finding 17: the manifest, leftovers, interrupted writes ----------------------------------


def test_the_manifest_lists_every_file_with_its_hash(tmp_path, solved_tiny):
    import hashlib

    written = solved_tiny.write(tmp_path / "t")
    manifest = atomic.read_manifest(tmp_path / "t")
    assert manifest["complete"] is True
    assert manifest["tool"] == "gpnopt"
    assert manifest["version"] == gpnopt.__version__
    assert sorted(manifest["files"]) == sorted(p.name for p in written)
    for p in written:
        entry = manifest["files"][p.name]
        assert entry == {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
                         "size": p.stat().st_size}


KILLED_WRITE = """
import os, signal, sys
import gpnopt
import gpnopt.atomic as atomic

out = sys.argv[1]
result = gpnopt.solve(gpnopt.load(sys.argv[2]))
result.write(out, timings=False)           # a whole earlier run
count = [0]
real_replace = atomic.os.replace

def replace(src, dst):
    count[0] += 1
    if count[0] == 4:                      # killed with a temporary file not yet renamed
        os.kill(os.getpid(), signal.SIGKILL)
    real_replace(src, dst)

atomic.os.replace = replace
result.write(out)
"""


def test_a_killed_write_is_incomplete_and_cleaned_up_by_the_next(tmp_path):
    out = tmp_path / "d"
    res = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(out), str(TINY)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == -signal.SIGKILL, res.stderr
    state = atomic.inspect_folder(out)
    assert state.incomplete == ["."]
    assert state.foreign == []              # its files are gpnopt's: no --force needed
    assert state.leftovers, "the killed write leaves its temporary file"
    assert atomic.read_manifest(out)["complete"] is False
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "incomplete" in res.output
    assert not [n for n in listing(out) if n.endswith(".gpnopt-tmp")]
    state = atomic.inspect_folder(out)
    assert (state.incomplete, state.foreign, state.leftovers) == ([], [], [])


def test_the_manifest_is_written_first_as_incomplete(tmp_path, solved_tiny, monkeypatch):
    seen = []
    real = atomic.write_bytes

    def spy(path, data):
        manifest = atomic.read_manifest(Path(path).parent)
        seen.append((Path(path).name, manifest and manifest["complete"]))
        return real(path, data)

    monkeypatch.setattr(atomic, "write_bytes", spy)
    solved_tiny.write(tmp_path / "t")
    assert seen[0] == (atomic.MANIFEST, None)      # no manifest before the first one
    assert all(complete is False for _, complete in seen[1:])  # incomplete while writing
    assert seen[-1][0] == atomic.MANIFEST
    assert atomic.read_manifest(tmp_path / "t")["complete"] is True


# --- finding 7: a killed sweep leaves no process behind ---------------------------------------


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(procs: list) -> list:
    import psutil

    alive = []
    for p in procs:
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_sweep_leaves_no_process(tmp_path, sig):
    proc = subprocess.Popen(
        [*GPNOPT, "sweep", str(TINY), "--samples", "20000", "--workers", "2", "--quiet",
         "--out", str(tmp_path / "sw")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    children: list = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:  # both workers and the resource tracker up
            children = _descendants(proc.pid)
            workers = [c for c in children if "spawn_main" in " ".join(c.cmdline())]
            if len(workers) >= 2 and any((tmp_path / "sw" / "parts").glob("*.parquet")):
                break
            assert proc.poll() is None, proc.stderr.read()
            time.sleep(0.2)
        else:
            pytest.fail("the sweep's workers did not start within 90 s")
        children = _descendants(proc.pid)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=60)  # the output pipe is closed: tee would end
        if sig == signal.SIGTERM:
            assert proc.returncode == 130, err
            assert "interrupted" in err
            assert "Traceback" not in err
        deadline = time.monotonic() + 30
        while _alive(children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not _alive(children), [" ".join(p.cmdline()) for p in _alive(children)]
    finally:
        for p in [*_alive(children), *_alive(_descendants(proc.pid))]:
            p.kill()
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)


# --- a broken pipe, and the exit codes in README ----------------------------------------------


def test_a_closed_output_pipe_prints_no_traceback():
    proc = subprocess.Popen([*GPNOPT, "solve", str(TINY)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    proc.stdout.close()  # like | head -1 that has already exited
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == 1
    assert "Traceback" not in err
    assert "Exception ignored" not in err


def test_readme_lists_every_exit_code():
    text = (ROOT / "README.md").read_text()
    table = text.split("| exit code |", 1)[1].split("\n\n", 1)[0]
    for code, words in [("0", "solved"), ("1", "gpnopt did not write"), ("1", "pipe"),
                        ("2", "usage"), ("3", "infeasible"), ("4", "no solution"),
                        ("130", "interrupted")]:
        rows = [r for r in table.splitlines() if r.startswith(f"| {code} ")]
        assert any(words in r for r in rows), (code, words)


# --- --format (issue 21) ----------------------------------------------------------------------


def test_each_format_round_trips_the_tables(tmp_path, solved_tiny):
    written = solved_tiny.write(tmp_path / "t", formats=("xlsx", "csv", "parquet"))
    names = {p.name for p in written}
    tables = solved_tiny.tables
    assert {f"{n}.parquet" for n in tables} <= names
    assert {f"{n}.csv" for n in tables} <= names
    book = pd.read_excel(tmp_path / "t" / "tables.xlsx", sheet_name=None)
    assert list(book)[0] == "summary"
    assert list(book)[1:] == [*TABLE_NAMES, *sorted(set(tables) - set(TABLE_NAMES))]
    for name, df in tables.items():
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "t" / f"{name}.parquet"), df)
        # CSV and Excel cells cannot tell an empty text from a missing value
        expected = df.replace("", float("nan"))
        for back in (pd.read_csv(tmp_path / "t" / f"{name}.csv"), book[name]):
            if df.empty:
                assert list(back.columns) == list(df.columns)
                assert back.empty
            else:
                pd.testing.assert_frame_equal(back, expected, check_dtype=False,
                                              check_exact=True)
    summary = dict(zip(book["summary"]["item"], book["summary"]["value"], strict=True))
    assert summary["objective"] == solved_tiny.objective
    assert summary["status"] == "optimal"


def test_the_workbook_has_readable_columns(tmp_path, solved_tiny):
    from openpyxl import load_workbook

    solved_tiny.write(tmp_path / "t", formats=("xlsx",))
    book = load_workbook(tmp_path / "t" / "tables.xlsx")
    assert book.sheetnames[0] == "summary"
    ws = book["component_flows"]
    widths = [ws.column_dimensions[c].width for c in "ABCDEF"]
    assert all(w >= len("source_type") for w in widths[2:3])
    assert all(8 <= w <= 62 for w in widths)


def test_compare_writes_every_format(tmp_path):
    out = tmp_path / "cmp"
    res = runner.invoke(app, ["compare", str(TINY), "-S", "base,expensive_china", "--out",
                              str(out), "--format", "parquet,xlsx"])
    assert res.exit_code == 0, res.output
    assert {"kpis.parquet", "kpis_wide.parquet", "diff.parquet", "tables.xlsx",
            "comparison.md"} <= set(listing(out))
    assert not list(out.glob("*.csv"))
    assert (out / "expensive_china" / "tables.xlsx").exists()
    assert (out / "base" / "production.parquet").exists()
    book = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert list(book) == ["summary", "kpis", "kpis_wide", "diff"]
    assert list(book["summary"]["scenario"]) == ["base", "expensive_china"]
    diff = pd.read_parquet(out / "diff.parquet")
    assert len(diff) == len(book["diff"]) > 0


def test_an_unknown_format_is_a_usage_error(tmp_path):
    res = runner.invoke(app, ["solve", str(TINY), "--out", str(tmp_path / "o"),
                              "--format", "csv,json"])
    assert res.exit_code == 2
    assert "json" in res.output
    assert "csv, parquet, xlsx" in res.output
    assert not (tmp_path / "o").exists()
    with pytest.raises(ValueError, match="csv, parquet, xlsx"):
        gpnopt.compare(TINY, ["base"]).write(tmp_path / "c", formats=("docx",))


def test_a_sweep_writes_its_table_as_asked(tmp_path):
    out = tmp_path / "sw"
    res = runner.invoke(app, ["sweep", str(TINY), "-n", "4", "--quiet", "--out", str(out),
                              "--format", "csv,xlsx"])
    assert res.exit_code == 0, res.output
    table = pd.read_parquet(out / "draws.parquet")
    pd.testing.assert_frame_equal(pd.read_csv(out / "draws.csv"), table.replace("", float("nan")),
                                  check_dtype=False)
    book = pd.read_excel(out / "tables.xlsx", sheet_name=None)
    assert list(book)[:2] == ["summary", "draws"]
    assert len(book["draws"]) == 4
    assert atomic.inspect_folder(out).foreign == []


def test_a_sweep_refuses_a_folder_of_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "draws.csv").write_text("mine\n")
    res = runner.invoke(app, ["sweep", str(TINY), "-n", "4", "--quiet", "--out", str(out)])
    assert res.exit_code == 1, res.output
    assert "draws.csv" in res.output
    assert listing(out) == ["draws.csv"]


def test_a_sweep_folder_from_before_the_manifest_resumes(tmp_path):
    out = tmp_path / "sw"
    args = ["sweep", str(TINY), "-n", "4", "--quiet", "--out", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    (out / atomic.MANIFEST).unlink()  # as an earlier gpnopt left it
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    assert atomic.read_manifest(out)["complete"] is True
    (out / "notes.txt").write_text("mine")
    (out / atomic.MANIFEST).unlink()
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "notes.txt" in res.output


# --- --allow-imports-outside ------------------------------------------------------------------


TINY_PLANT = "JP_TM"  # a plant of instances/tiny.yaml


@pytest.fixture
def outside_import(tmp_path):
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "more.yaml").write_text(textwrap.dedent("""
        scenarios:
          dear: [dear_china]
    """))
    inst = tmp_path / "case" / "inst.yaml"
    inst.parent.mkdir()
    text = TINY.read_text()
    inst.write_text("imports: [../shared/more.yaml]\n" + text)
    return inst


@pytest.mark.parametrize("command", [["validate"], ["solve"], ["compare", "-S", "base"],
                                     ["report", "--out", "PICS"],
                                     ["sweep", "--samples", "1", "--workers", "1", "--out",
                                      "PICS"],
                                     ["explain", "-d", "plant:PLANT"]])
def test_imports_outside_need_the_option(outside_import, tmp_path, command):
    args = [a.replace("PICS", str(tmp_path / "pics")).replace("PLANT", TINY_PLANT)
            for a in command]
    args = [args[0], str(outside_import), *args[1:]]
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "allow_imports_outside" in res.output or "outside" in res.output
    res = runner.invoke(app, [*args, "--allow-imports-outside"])
    assert res.exit_code == 0, res.output


def test_compare_takes_allow_imports_outside(outside_import):
    with pytest.raises(GpnoptError):
        gpnopt.compare(outside_import, ["base"])
    comp = gpnopt.compare(outside_import, ["base", "dear"], allow_imports_outside=True)
    assert list(comp.results) == ["base", "dear"]


def test_summary_json_and_tables_are_unchanged_by_the_manifest(tmp_path, solved_tiny):
    solved_tiny.write(tmp_path / "a", timings=False)
    solved_tiny.write(tmp_path / "b", timings=False)
    for name in ["summary.json", *(f"{n}.csv" for n in solved_tiny.tables)]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["seconds"] == {}
