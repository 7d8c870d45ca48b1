"""The ``learning`` table and the learning events of the timeline (results.learning).

Same micro-instances as ``test_learning_periods.py`` (periods of one year, 0% discount
rate): a cost step after 10 units of m, and a casting training programme.
"""

from __future__ import annotations

import pytest

from .conftest import micro
from .test_learning_periods import THREE, TWO, cost_step, result, training


def test_the_table_tracks_cumulative_output_and_the_cost_in_force():
    # P runs its line in both years (10 units a year): before T2 it has made 10 units, so
    # the step (after 10 units: unit cost 10 -> 2) is in force in T2.
    res = result(micro(TWO, cost_step(10)))
    rows = res.tables["learning"].to_dict("records")
    assert [(r["period"], r["output"], r["cumulative"], r["step"], r["unit_cost"])
            for r in rows] == [("T1", 10, 0, 0, 10), ("T2", 10, 10, 1, 2)]
    tl = res.tables["timeline"]
    learned = tl[tl["event"] == "learned"].to_dict("records")
    assert learned == [{"period": "T2", "event": "learned", "kind": "line", "entity": "P/m",
                        "detail": "unit cost 10 -> 2 after 10 units"}]


def test_a_step_out_of_reach_is_never_learned():
    # After 11 units the step cannot be reached before T2: the line stays shut (NPV 0), no
    # output, no step, no event.
    res = result(micro(TWO, cost_step(11)))
    rows = res.tables["learning"].to_dict("records")
    assert [r["step"] for r in rows] == [0, 0]
    assert "learned" not in set(res.tables["timeline"]["event"])


def test_a_training_start_is_a_row_and_an_event():
    # The training (cost 20, lag 1) starts in T1; casting is usable from T2.
    res = result(micro(THREE, training(20, lag=1)))
    rows = res.tables["learning"]
    assert rows[rows["entity"] == "P/casting"]["trained"].tolist() == [1, 0, 0]
    tl = res.tables["timeline"]
    started = tl[tl["event"] == "training started"].to_dict("records")
    assert started == [{"period": "T1", "event": "training started", "kind": "make",
                        "entity": "P/casting", "detail": "cost 20, usable from T2"}]
    assert res.objective == pytest.approx(550)


def test_no_learning_no_rows():
    res = result(micro(TWO))
    assert res.tables["learning"].empty
    assert list(res.tables["learning"].columns)[:3] == ["kind", "entity", "period"]
