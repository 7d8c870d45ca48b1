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
