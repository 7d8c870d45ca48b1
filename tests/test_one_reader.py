"""One reader, one evaluator: the sweep's per-draw record and ``make_result`` + analysis agree.

A solved model is read once by :func:`gpnopt.results.read_solution`; ``make_result`` wraps
that Solution into the Result tables, :func:`gpnopt.analysis.analyse` evaluates the
expectations and the specialization table on the tables, and the sweep's record
(:func:`gpnopt.sweep.draw_record`) evaluates them on the Solution's rows. Here both are
computed from the same solved model, on the case (base and scenarios) and on a small
generated network, with expectations of every kind of :class:`gpnopt.schema.Expectation`
added to each instance programmatically (many of them false, so both truth values are
checked), and they must agree on the objective, every firm's profit, every expectation and
every plant's role and indices.
"""

from __future__ import annotations

import math
import typing
import warnings
from pathlib import Path
from typing import Any

import pytest

import gpnopt
from gpnopt.analysis import analyse
from gpnopt.analysis.expectations import evaluate_expectations
from gpnopt.errors import GpnoptWarning
from gpnopt.generate import generate
from gpnopt.io import resolve_raw
from gpnopt.results import make_result, read_solution, solution_of, tables_of
from gpnopt.schema import Expectation, Instance
from gpnopt.solver import ScenarioSolver
from gpnopt.sweep import draw_record, result_record

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"
KINDS = set(typing.get_args(Expectation.model_fields["kind"].annotation))
SMALL = dict(countries=4, firms=2, plants=6, products=5, components=6, suppliers=8, markets=8)


def every_kind(inst: Instance) -> list[dict[str, Any]]:
    """Expectations of every kind over the instance's entities (true ones and false ones)."""
    out: list[dict[str, Any]] = []

    def add(kind: str, **fields: Any) -> None:
        out.append({"id": f"x{len(out):04d}_{kind}", "kind": kind, **fields})

    countries = sorted({pl.country for pl in inst.plants.values()})
    for p, pl in inst.plants.items():
        add("open", plant=p)
        add("open", plant=p, holds=False)
        add("margin", plant=p, min=0.05, max=0.5)
        add("sales_share", plant=p, markets=sorted(inst.markets)[:2], min=0.3)
        add("largest", plant=p)
        for f in sorted(pl.owners):
            add("largest", plant=p, source_firm=f, basis="revenue")
        for i in pl.lines:
            add("makes", plant=p, product=i)
        for tier in ("high", "medium", "low"):
            add("makes", plant=p, tier=tier)
        for k in pl.components:
            add("in_house", plant=p, component=k)
        for k in inst.components:
            add("flow", component=k, destination=p)
        for c in countries:
            add("flow", source_country=c, destination=p)
            add("share", destination=p, source_country=c, min=0.2, max=0.8)
            add("share", destination=p, source_country=c, max=0.5,
                components=sorted(inst.components)[:2])
        for f in inst.firms:
            add("share", destination=p, source_firm=f, min=0.5)
            add("flow", source_firm=f, destination=p)
        for src in sorted(inst.plants)[:3]:
            add("flow", source=src, destination=p)
    for ch in inst.channels or {}:
        add("open", channel=ch)
        for mk in sorted(inst.markets)[:4]:
            add("sells", market=mk, channel=ch, only_channel=True)
            add("makes", market=mk, channel=ch)
    for mk in inst.markets:
        add("sells", market=mk)
        for f in inst.firms:
            add("sells", market=mk, firm=f, min_quantity=5)
    for f in inst.firms:
        add("binding", firm=f)
        add("margin", firm=f, min=0.1)
        add("sales_share", source_firm=f, markets=sorted(inst.markets)[:3], basis="quantity",
            max=0.6)
    for ch in inst.channels or {}:
        add("margin", channel=ch, max=0.2)
    for g in inst.purchasing_pools:
        add("discount", pool=g)
        add("discount", pool=g, min=0.5)
    return out


def with_every_kind(raw: dict[str, Any], name: str) -> Instance:
    """The instance of ``raw`` with :func:`every_kind` expectations added to its own."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        inst = gpnopt.instance_from_dict(raw, name=name)
        raw = {**raw, "expectations": [*raw.get("expectations", []), *every_kind(inst)]}
        return gpnopt.instance_from_dict(raw, name=name)


def case(scenario: str | None) -> Instance:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        raw = resolve_raw(CASE, scenario=scenario)
    return with_every_kind(raw, str(CASE))


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or a == b
    return a == b


def check_agreement(inst: Instance, solver: ScenarioSolver) -> dict[str, Any]:
    """Solve ``inst`` once and compare the record with make_result + analyse (exactly)."""
    solved = solver.solve_model(inst)
    record = draw_record(inst, solved)
    solution = read_solution(solved.model, solved.data)
    result = analyse(inst, make_result(solved.model, solved.data, solved.outcome))

    # the tables are the Solution's rows, and reading them back gives the same rows
    for name, df in tables_of(solution).items():
        assert df.equals(result.tables[name]), name
    back = solution_of(result)
    for name in ("lines", "production", "make_or_buy", "component_flows", "plant_profit",
                 "channel_profit", "technicians"):
        assert getattr(back, name) == getattr(solution, name), name

    assert record["objective"] == result.objective == solved.outcome.objective
    assert solution.objective == pytest.approx(result.objective, rel=1e-7, abs=1e-3)
    assert result.firm_profit == solution.firm_profit
    for f, v in result.firm_profit.items():
        assert record[f"profit.{f}"] == v, f
    assert {e.id for e in inst.expectations} == {e["id"] for e in result.expectations}
    for e in result.expectations:
        assert record[f"holds.{e['id']}"] is bool(e["holds"]), e
    assert record["pattern"] == all(e["holds"] for e in result.expectations)
    spec = result.tables["specialization"].set_index("plant")
    assert set(spec.index) == set(inst.plants)
    for p in inst.plants:
        row = spec.loc[p]
        role = row["role_type"] if int(row["open"]) == 1 else "closed"
        assert record[f"role.{p}"] == role, p
        for key, col in (("h", "horizontal_index"), ("supply_share", "supply_share"),
                         ("vs_share", "vs_share"), ("export_share", "export_share")):
            assert same(record[f"{key}.{p}"], float(row[col])), (p, key)
        assert record[f"plant_profit.{p}"] == float(row["profit"]), p
    # the rebuild mode's record (from the Result) is the same record
    full = result_record(inst, result)
    assert full.keys() == record.keys()
    assert all(same(full[k], record[k]) for k in record), [
        k for k in record if not same(full[k], record[k])
    ]
    # the expectation evaluator gives the same details on the rows and on the Result
    assert evaluate_expectations(inst, solution) == result.expectations
    return record


def test_every_expectation_kind_is_covered():
    """Fails when the schema gains a kind that :func:`every_kind` does not produce."""
    inst = case(None)
    assert KINDS == {"makes", "in_house", "flow", "share", "sells", "binding", "open",
                     "sales_share", "margin", "largest", "discount"}
    assert {e.kind for e in inst.expectations} >= KINDS
    generated = with_every_kind(generate(3, **SMALL), "generated")
    # the generator writes no purchasing pools: `discount` is covered on the case
    assert {e.kind for e in generated.expectations} >= KINDS - {"discount"}


@pytest.mark.parametrize("scenario", [None, "entry_2005", "no_ttc", "more_technicians"])
def test_record_agrees_with_result_on_the_case(scenario):
    from gpnopt.io import scenario_names

    if scenario is not None and scenario not in scenario_names(CASE):
        pytest.fail(f"the case has no scenario {scenario!r}: {scenario_names(CASE)}")
    inst = case(scenario)
    record = check_agreement(inst, ScenarioSolver(threads=1))
    holds = [v for k, v in record.items() if k.startswith("holds.")]
    assert any(holds)  # both truth values are exercised
    assert not all(holds)
    roles = {v for k, v in record.items() if k.startswith("role.")}
    assert len(roles) > 1


@pytest.mark.parametrize("seed", [3, 11])
def test_record_agrees_with_result_on_a_generated_network(seed):
    inst = with_every_kind(generate(seed, **SMALL), f"generated-{seed}")
    record = check_agreement(inst, ScenarioSolver(threads=1))
    holds = [v for k, v in record.items() if k.startswith("holds.")]
    assert any(holds)
    assert not all(holds)


def test_record_agrees_on_re_solves_of_one_model():
    """The persistent path (a re-used model) reads the same way as a fresh build."""
    solver = ScenarioSolver(threads=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        raw = resolve_raw(CASE)
    for factor in (1.0, 0.7, 1.4):
        patched = {**raw, "markets": {
            m: {**md, "demand": {i: {**d, "price": d["price"] * factor}
                                 for i, d in md["demand"].items()}}
            for m, md in raw["markets"].items()
        }}
        check_agreement(with_every_kind(patched, str(CASE)), solver)
    assert solver.persistent >= 1


# Two plants for one market: P (fixed cost 10) and Q (fixed cost 1000), each making m at unit
# cost 10; M buys 10 units at 30. P alone serves M (profit 10 * 20 - 10 = 190); opening Q
# would cost more than the whole margin, so Q stays closed.
TWO_PLANTS = {
    "name": "two_plants",
    "countries": {"A": {}},
    "firms": {"F": {"home_country": "A"}},
    "products": {"m": {"tier": "medium", "firm": "F"}},
    "plants": {
        "P": {"country": "A", "owners": {"F": 1.0}, "fixed_cost": 10,
              "lines": {"m": {"unit_cost": 10}}},
        "Q": {"country": "A", "owners": {"F": 1.0}, "fixed_cost": 1000,
              "lines": {"m": {"unit_cost": 10}}},
    },
    "markets": {"M": {"country": "A", "demand": {"m": {"quantity": 10, "price": 30}}}},
    "expectations": [
        {"id": "p_open", "kind": "open", "plant": "P"},
        {"id": "q_open", "kind": "open", "plant": "Q"},
        {"id": "q_closed", "kind": "open", "plant": "Q", "holds": False},
        {"id": "p_makes", "kind": "makes", "plant": "P", "product": "m"},
        {"id": "q_makes", "kind": "makes", "plant": "Q", "tier": "medium"},
        {"id": "m_served", "kind": "sells", "market": "M", "firm": "F"},
        {"id": "no_pool", "kind": "binding", "firm": "F"},
    ],
}


def test_open_and_other_kinds_by_hand():
    inst = gpnopt.instance_from_dict(TWO_PLANTS)
    result = gpnopt.solve(inst, mip_gap=1e-9)
    assert result.objective == pytest.approx(190)
    got = {e["id"]: (e["holds"], e["detail"]) for e in result.expectations}
    assert got == {
        "p_open": (True, "open"),
        "q_open": (False, "closed"),
        "q_closed": (True, "closed"),
        "p_makes": (True, "10 units"),
        "q_makes": (False, "0 units"),
        "m_served": (True, "10 units"),
        "no_pool": (False, "firm has no technician limit in this model"),
    }
    record = check_agreement(inst, ScenarioSolver(threads=1, mip_gap=1e-9))
    assert record["role.Q"] == "closed"
    assert record["role.P"] == "horizontal"


def test_open_channel_on_the_case():
    """The case sells TM's high tier in China only through TM-Trading: that channel is open
    (``open`` with a channel true, its negation false)."""
    inst = gpnopt.load(CASE)
    extra = [
        Expectation(id="tmtrd_open", kind="open", channel="CN_TMTRD"),
        Expectation(id="tmtrd_closed", kind="open", channel="CN_TMTRD", holds=False),
    ]
    inst = inst.model_copy(update={"expectations": [*inst.expectations, *extra]})
    result = gpnopt.solve(inst)
    got = {e["id"]: (e["holds"], e["detail"]) for e in result.expectations}
    assert got["tmtrd_open"] == (True, "open")
    assert got["tmtrd_closed"] == (False, "open")
    ch = result.tables["channel_profit"].set_index("channel")
    assert int(ch.loc["CN_TMTRD", "open"]) == 1
