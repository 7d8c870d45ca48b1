"""The persistent draw's lighter path (issue 22, item 5): what a draw skips and why it may.

A draw changes numbers only, so the checks no number can fail are not run again on it
(``instance_from_dict(numbers_changed=True)``), the mapping is copied by hand
(``plain_copy``) and the garbage collector leaves the kept model alone while draws are
solved (``frozen_collector``). Each gives the same instance, the same record, or the same
errors as the full path.
"""

from __future__ import annotations

import copy
import datetime
import gc
import warnings
from pathlib import Path

import pytest
import yaml

import gpnopt
from gpnopt.errors import GpnoptWarning, InstanceError
from gpnopt.io import plain_copy
from gpnopt.sweep import SweepSpec, draw_record, make_plan
from gpnopt.sweep.worker import Worker, frozen_collector

ROOT = Path(__file__).resolve().parents[1]
CASE = ROOT / "instances" / "tm_ffg.yaml"
TINY = ROOT / "instances" / "tiny.yaml"


def test_plain_copy_equals_deepcopy_and_shares_nothing():
    raw = yaml.safe_load(CASE.read_text())
    raw["when"] = {"day": datetime.date(2005, 1, 1)}  # a non-plain leaf: deep-copied
    got = plain_copy(raw)
    assert got == copy.deepcopy(raw)
    got["plants"][next(iter(got["plants"]))]["country"] = "XX"
    assert raw != got  # nested mappings are new objects
    assert got["when"]["day"] == raw["when"]["day"]


def test_numbers_changed_gives_the_instance_of_the_full_path():
    plan = make_plan(SweepSpec.build(str(CASE), samples=3))
    w = Worker(plan, mode="fresh")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        base = w.build_instance().model_dump()
        for d in range(3):
            undo = w.apply_draw(d)
            full = w.build_instance()
            light = w.build_instance(numbers_changed=True)
            w.restore(undo)
            assert light.model_dump() == full.model_dump()
            assert light.model_dump() != base  # the draw's numbers are in


def test_numbers_changed_still_reports_what_a_number_can_break():
    raw = yaml.safe_load(TINY.read_text())
    raw["plants"]["CN_TM"]["fixed_cost"] = -5.0  # a meaning check: still run
    with pytest.raises(InstanceError, match="fixed_cost"):
        gpnopt.instance_from_dict(raw, name="x.yaml", numbers_changed=True)
    timed = yaml.safe_load(TINY.read_text())
    timed["periods"] = [{"id": "P1", "start": 2005}, {"id": "P2", "start": 2006}]
    timed["markets"]["CN"]["demand"]["lathe_medium"]["quantity"] = {"value": 80, "growth": 5.0}
    with pytest.raises(InstanceError, match="growth"):  # with periods: a growth is a number
        gpnopt.instance_from_dict(timed, name="x.yaml", numbers_changed=True)


def test_numbers_changed_skips_only_the_texts_and_shapes_a_draw_cannot_change():
    raw = yaml.safe_load(TINY.read_text())
    raw["plants"]["CN_TM"]["provenance"] = "a guess"  # names no kind
    with pytest.raises(InstanceError, match="must begin with its kind"):
        gpnopt.instance_from_dict(raw, name="x.yaml")
    inst = gpnopt.instance_from_dict(raw, name="x.yaml", numbers_changed=True)
    assert inst.plants["CN_TM"].fixed_cost == raw["plants"]["CN_TM"]["fixed_cost"]


def test_frozen_collector_freezes_while_solving_and_restores():
    assert gc.get_freeze_count() == 0
    with frozen_collector():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def test_only_numeric_grids_take_the_light_path(tmp_path):
    numeric = make_plan(SweepSpec.build(str(TINY), samples=1,
                                        grid=["plants.CN_TM.fixed_cost=10,20"]))
    assert Worker(numeric, mode="fresh").numbers_only
    flags = make_plan(SweepSpec.build(str(TINY), samples=1,
                                      grid=["trade.cross_firm_supply=true,false"]))
    assert not Worker(flags, mode="fresh").numbers_only


def test_light_draws_record_what_full_draws_record():
    plan = make_plan(SweepSpec.build(str(CASE), samples=4))
    w = Worker(plan)
    with warnings.catch_warnings(), frozen_collector():
        warnings.simplefilter("ignore", GpnoptWarning)
        for d in range(4):
            light = w.run(d)
            undo = w.apply_draw(d)
            inst = w.build_instance()
            w.restore(undo)
            full = draw_record(inst, w.solver.solve_model(inst))
            assert light == {**{k: light[k] for k in ("draw", "point", "sample")}, **full}


# --- numbers replaced by numbers: the checks that read no number, the shallow copy -----------


def _map_numbers(x, leaf):
    """``x`` with every number (booleans kept) replaced by ``leaf(number)``."""
    if isinstance(x, dict):
        return {k: _map_numbers(v, leaf) for k, v in x.items()}
    if isinstance(x, list):
        return [_map_numbers(v, leaf) for v in x]
    if isinstance(x, bool) or not isinstance(x, int | float):
        return x
    return leaf(x)


def _scaled(x, rng):
    """Every float scaled down (0.5 to 0.99 times: shares stay shares), every int doubled."""
    return x * 2 if isinstance(x, int) else x * rng.uniform(0.5, 0.99)


def _scaled_numbers(x, rng):
    """``x`` with every number as :func:`_scaled` makes it."""
    return _map_numbers(x, lambda v: _scaled(v, rng))


def _zeroed_numbers(x, rng):
    """``x`` with about a third of its numbers set to zero, the others as in
    :func:`_scaled_numbers` (a check that reads whether a number is positive sees a change)."""
    return _map_numbers(x, lambda v: 0 * v if rng.random() < 0.3 else _scaled(v, rng))


def _shape_valid(data):
    """The instance of ``data`` after pydantic and the currency conversion, or None."""
    from pydantic import ValidationError

    from gpnopt.currency import to_model_money
    from gpnopt.schema import Instance

    data = {k: v for k, v in data.items() if k not in ("imports", "overrides", "scenarios")}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            return to_model_money(Instance.model_validate(data))
    except (ValidationError, ValueError, TypeError):
        return None


def test_number_free_checks_find_the_same_whatever_the_numbers():
    """Every check of NUMBER_FREE finds the same on an instance and on the same instance
    with its numbers replaced (scaled, or some set to zero; the instances and the bad
    instances that pass pydantic), so that skipping them on a draw that only replaces
    numbers loses nothing. Checks that read numbers fail this (check_channel_owners,
    check_demand, check_staffing do on these files)."""
    import random

    from gpnopt.checks import CHECKS, NUMBER_FREE, NUMBER_PARTS

    assert NUMBER_FREE <= set(CHECKS)
    assert set(NUMBER_PARTS) <= set(CHECKS) - NUMBER_FREE

    def rest(check, part, x):  # what ``check`` finds beside its numbers' part, in order
        found, numbers = check(x), part(x)
        it = iter(found)
        assert all(p in it for p in numbers)  # the part's findings, in the check's order
        return [p for p in found if p not in numbers]

    files = sorted((ROOT / "instances").glob("*.yaml"))
    files += sorted((ROOT / "tests" / "bad_instances").glob("*.yaml"))
    rng = random.Random(3)
    compared = found = 0
    for f in files:
        try:
            raw = yaml.safe_load(f.read_text())
        except (yaml.YAMLError, UnicodeDecodeError):
            continue
        if not isinstance(raw, dict) or raw.get("periods") or raw.get("imports"):
            continue
        base = _shape_valid(raw)
        if base is None:
            continue
        for replace in (_scaled_numbers, _zeroed_numbers) * 3:
            other = _shape_valid(replace(raw, rng))
            if other is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", GpnoptWarning)
                for check in NUMBER_FREE:
                    got = check(base)
                    assert check(other) == got, (f.name, check.__name__)
                    found += bool(got)
                for check, part in NUMBER_PARTS.items():
                    got = rest(check, part, base)
                    assert rest(check, part, other) == got, (f.name, check.__name__)
                    found += bool(got)
            compared += 1
    assert compared >= 200  # the instances and most bad instances, several times each
    assert found >= 20  # the bad instances of these checks are among them: they can fail


def test_numbers_replaced_gives_the_instance_of_the_full_path():
    plan = make_plan(SweepSpec.build(str(CASE), samples=3))
    w = Worker(plan, mode="fresh")
    assert w.numbers_replaced
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        for d in range(3):
            undo = w.apply_draw(d)
            full = w.build_instance()
            light = w.build_instance(numbers_changed=True, numbers_replaced=True)
            w.restore(undo)
            assert light.model_dump() == full.model_dump()
    assert w.raw == plan.raw  # the shallow copy left the worker's mapping as it was


def test_numbers_replaced_keeps_notes_apart_from_the_mapping():
    raw = yaml.safe_load(TINY.read_text())
    raw["notes"] = {"budget": {"cost": 5.0}}
    inst = gpnopt.instance_from_dict(raw, name="x.yaml", numbers_replaced=True)
    raw["notes"]["budget"]["cost"] = 7.0
    assert inst.notes["budget"]["cost"] == 5.0


def _errors_as_on_the_full_path(plan):
    """Each draw's error on the light path, checked against the full path's first problem."""
    w = Worker(plan)
    assert w.numbers_replaced
    errors = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        for d in range(plan.total):
            light = w.run(d)
            undo = w.apply_draw(d)
            try:
                w.build_instance()
                full = ""
            except InstanceError as exc:
                full = exc.problems[0]
            w.restore(undo)
            assert light.get("error", "") == full
            assert (light["status"] == "invalid") == bool(full)
            errors.append(full)
    return errors


def test_invalid_draws_are_reported_as_on_the_full_path():
    """Draws that break pydantic (a discount above 1) or a meaning check that reads numbers
    (the pool's tiers out of order; an expectation's min above its max, the numbers' part of
    check_expectations) give the full path's first problem as their error."""
    tiers = "purchasing_pools.TMFFG_MATERIALS.tiers.1"
    plan = make_plan(SweepSpec.build(str(CASE), grid=[f"{tiers}.discount=0.125,1.5",
                                                      f"{tiers}.from=8000,-1"]))
    errors = _errors_as_on_the_full_path(plan)
    assert errors[0] == ""
    assert sum(bool(e) for e in errors) == 3
    raw = yaml.safe_load(CASE.read_text())
    n = next(j for j, e in enumerate(raw["expectations"]) if e["id"] == "ft_key_parts_japan")
    plan = make_plan(SweepSpec.build(str(CASE), grid=[f"expectations.{n}.min=0.25,0.5"]))
    errors = _errors_as_on_the_full_path(plan)
    assert errors[0] == ""
    assert errors[1].endswith(f"expectations.{n}: min 0.5 exceeds max 0.35")


def test_value_grids_that_add_keys_or_set_texts_are_not_replacements():
    added = make_plan(SweepSpec.build(str(TINY), samples=1,
                                      grid=["plants.CN_TM.new_cost=10,20"]))
    w = Worker(added, mode="fresh")
    assert w.numbers_only
    assert not w.numbers_replaced
    text = make_plan(SweepSpec.build(str(TINY), samples=1, grid=["plants.CN_TM.country=1,2"]))
    assert not Worker(text, mode="fresh").numbers_replaced


def _frame_as_before(plan, records):
    """records_frame as it was: dtypes inferred, then each column converted."""
    import pandas as pd

    df = pd.DataFrame({c: [r.get(c) for r in records] for c in plan.columns},
                      columns=list(plan.columns))
    for c, dtype in plan.columns.items():
        df[c] = df[c].astype(object if dtype == "object" else dtype)
    return df


def test_records_frame_equals_the_frame_made_as_before():
    import pandas as pd

    from gpnopt.sweep.store import records_frame

    for plan in (
        make_plan(SweepSpec.build(str(CASE), samples=6, perturb=["*cost*:uniform:0.4"])),
        make_plan(SweepSpec.build(str(TINY), grid=["plants.CN_TM.fixed_cost=30,-5",
                                                   "plants.JP_TM.fixed_cost=x1,x2"])),
    ):
        w = Worker(plan)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", GpnoptWarning)
            records = w.run_chunk(0)
        got, want = records_frame(plan, records), _frame_as_before(plan, records)
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.to_parquet(index=False) == want.to_parquet(index=False)
    assert {r["status"] for r in records} >= {"optimal", "invalid"}
