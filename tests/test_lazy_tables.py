"""The Result tables made DataFrames when first read (``gpnopt.results.tables.Tables``).

``gpnopt solve`` prints its summary from the tables' rows, without pandas (issue 22, the
case end to end); every table, the analysis and the printed summary are the same as with
the DataFrames made at once.
"""

from __future__ import annotations

import contextlib
import copy
import io
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

import gpnopt
from gpnopt.analysis import specialization as sp
from gpnopt.analysis.expectations import evaluate_expectations
from gpnopt.cli import solve as cli_solve
from gpnopt.results import COLUMNS, TABLE_NAMES, solution_of
from gpnopt.results.tables import Tables

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"


@pytest.fixture(scope="module")
def case():
    inst = gpnopt.load(CASE)
    return inst, gpnopt.solve(inst)


def eager(result):
    """The same Result with every table a DataFrame in a plain dict (the tables before)."""
    return replace(result, tables={n: result.tables[n] for n in result.tables})


def printed(result, inst) -> str:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        cli_solve.print_summary(result, inst)
    return buf.getvalue()


def test_tables_stay_rows_until_read(case):
    inst, _ = case
    result = gpnopt.solve(inst)
    tables = result.tables
    assert isinstance(tables, Tables)
    assert all(tables.pending(n) for n in tables)
    df = tables["production"]
    assert isinstance(df, pd.DataFrame)
    assert not tables.pending("production")
    assert tables["production"] is df
    assert tables.pending("plant_profit")


def test_each_table_is_the_frame_of_its_rows(case):
    inst, _ = case
    result = gpnopt.solve(inst)
    for name in TABLE_NAMES:
        rows = result.tables.rows(name)
        expected = pd.DataFrame({c: [r[c] for r in rows] for c in COLUMNS[name]}, columns=COLUMNS[name])
        pd.testing.assert_frame_equal(result.tables[name], expected)
        assert result.tables.rows(name) == expected.to_dict("records")
    assert len(result.tables["production"]) > 0


def test_specialization_rows_match_the_role_frame(case):
    """The specialization table takes the open plants' rows of plant_roles as they are
    (values and dtypes as through the role frame's records)."""
    inst, result = case
    spec = result.tables["specialization"]
    assert list(spec.columns) == sp.SPECIALIZATION_COLUMNS
    opened = spec[spec["open"] == 1][sp.ROLE_COLUMNS].reset_index(drop=True)
    roles = sp.plant_roles(inst, result)
    pd.testing.assert_frame_equal(opened, roles)
    pd.testing.assert_frame_equal(spec, sp.specialization_table(inst, eager(result)))


def test_analysis_is_the_same_on_rows_and_on_frames(case):
    inst, _ = case
    lazy = gpnopt.solve(inst)
    frames = eager(gpnopt.solve(inst))
    assert evaluate_expectations(inst, solution_of(lazy)) == evaluate_expectations(
        inst, solution_of(frames)
    )
    assert lazy.expectations == frames.expectations
    for level in ("plant", "firm", "country"):
        pd.testing.assert_frame_equal(
            pd.DataFrame(sp.index_rows(inst, lazy, level), columns=[level, *sp.INDEX_COLUMNS]),
            sp.specialization_indices(inst, frames, level),
        )


def test_printed_summary_is_the_same_from_rows(case):
    inst, _ = case
    lazy = gpnopt.solve(inst)
    text = printed(lazy, inst)
    assert all(lazy.tables.pending(n) for n in lazy.tables)
    assert "Plant roles" in text
    assert "Indices by country" in text
    assert text == printed(eager(lazy), inst)


def test_pickled_and_copied_tables_are_dicts_of_frames(case):
    _, result = case
    for back in (pickle.loads(pickle.dumps(result.tables)), copy.deepcopy(result.tables)):
        assert type(back) is dict
        assert list(back) == list(result.tables)
        for name, df in back.items():
            pd.testing.assert_frame_equal(df, result.tables[name])


def test_rows_of_a_set_frame_follow_it():
    tables = Tables()
    tables.set_rows("t", [{"a": 1, "b": "x", "extra": 0}], ["a", "b"])
    assert tables.rows("t") == [{"a": 1, "b": "x"}]
    tables["t"] = pd.DataFrame({"a": [2], "b": ["y"]})
    assert tables.rows("t") == [{"a": 2, "b": "y"}]
    del tables["t"]
    assert "t" not in tables
    assert len(tables) == 0


def test_solve_command_does_not_import_pandas():
    code = (
        "import sys\n"
        "from gpnopt.cli import app\n"
        f"try:\n    app([ 'solve', {str(CASE)!r} ])\n"
        "except SystemExit as e:\n    assert not e.code, e.code\n"
        "print('PANDAS' if 'pandas' in sys.modules else 'NOPANDAS')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip().endswith("NOPANDAS"), run.stdout[-300:] + run.stderr[-2000:]
    assert "Profit by plant" in run.stdout
