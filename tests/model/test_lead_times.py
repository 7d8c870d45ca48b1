"""Family 20, transport per item and lead times: hand-derived optima, binding and not.

Two countries unless stated: market M lies in B and buys 10 units of m at 30 (the base
micro-instance moved to B). Plant P in A makes m at 10 (margin 20 before transport), plant
PB in B at 12 (margin 18, no border, no entry: free and instant).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pyomo.environ as pyo
import pytest

import gpnopt
from gpnopt.data import build_data
from gpnopt.errors import GpnoptWarning
from gpnopt.model import build_model
from gpnopt.model.lead_times import derive_lead_times

from .conftest import flow, micro, produced, solve
from .showcase import raw_only

TWO_COUNTRIES = {
    "countries": {"B": {}},
    "plants": {
        "PB": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 12}}},
    },
    "markets": {"M": {"country": "B"}},
}


def _two(*patches) -> dict:
    return micro(TWO_COUNTRIES, *patches)


def _lane(**entry) -> dict:
    return {"from_country": "A", "to_country": "B", **entry}


def _lead(res, plant: str, table: str = "production") -> set[float]:
    df = res.tables[table]
    key = "plant" if table == "production" else "source"
    return set(df.loc[df[key] == plant, "lead_time"])


# --- per-item and value-based costs --------------------------------------------------------

TWO_PRODUCTS = {
    "products": {"n": {"tier": "medium", "firm": "F"}},
    "plants": {"P": {"lines": {"n": {"unit_cost": 10}}}, "PB": {"lines": {"n": {"unit_cost": 12}}}},
    "markets": {"M": {"demand": {"n": {"quantity": 10, "price": 30}}}},
}


def test_a_per_product_cost_moves_one_product_and_not_the_other():
    # Machines A -> B cost 1, but n costs 3 (its entry names it and wins on the same lane).
    # m: P's margin 30 - 10 - 1 = 19 > PB's 18: P serves m. n: 30 - 10 - 3 = 17 < 18: PB
    # serves n. Objective 10 * 19 + 10 * 18 = 370.
    res = solve(_two(TWO_PRODUCTS, {"trade": {"transport": [
        _lane(goods="machine", unit_cost=1),
        _lane(products=["n"], unit_cost=3),
    ]}}))
    assert res.objective == pytest.approx(370)
    assert produced(res, "P", product="m") == pytest.approx(10)
    assert produced(res, "PB", product="n") == pytest.approx(10)
    assert produced(res, "P", product="n") == pytest.approx(0)


def test_without_the_item_entry_both_products_stay_at_the_cheap_plant():
    # Not binding: the class entry alone (1): both margins 19 > 18, P serves both: 380.
    res = solve(_two(TWO_PRODUCTS, {"trade": {"transport": [_lane(goods="machine", unit_cost=1)]}}))
    assert res.objective == pytest.approx(380)
    assert produced(res, "P") == pytest.approx(20)


@pytest.mark.parametrize(("rate", "objective", "server"), [(0.1, 180, "PB"), (0.05, 185, "P")])
def test_a_value_based_cost_is_a_share_of_the_market_price(rate, objective, server):
    # value_rate * price: 0.1 * 30 = 3: P's margin 17 < 18: PB serves, 180 (binding);
    # 0.05 * 30 = 1.5: margin 18.5 > 18: P serves, 185 (not binding).
    res = solve(_two({"trade": {"transport": [_lane(unit_cost=0, value_rate=rate)]}}))
    assert res.objective == pytest.approx(objective)
    assert produced(res, server) == pytest.approx(10)


# P in A needs one casting per machine (market M back in A): supplier SB in B sells it at
# 20, supplier SA in A at 21.5. Without transport SB is cheaper: 10 * (30 - 10 - 20) = 0.
CASTING = {
    "components": {"c": {}},
    "products": {"m": {"bom": {"c": 1}}},
    "countries": {"B": {}},
    "suppliers": {
        "SB": {"country": "B", "components": {"c": {"unit_price": 20}}},
        "SA": {"country": "A", "components": {"c": {"unit_price": 21.5}}},
    },
    "markets": {"M": {"demand": {"m": {"quantity": 10, "price": 40}}}},
}


def test_a_value_based_component_cost_is_a_share_of_the_supplier_price():
    # Components B -> A at unit_cost 0.5 + 0.1 * 20 = 2.5: SB costs 22.5 > SA's 21.5: SA
    # supplies: 10 * (40 - 10 - 21.5) = 85.
    lane = {"from_country": "B", "to_country": "A", "components": ["c"], "unit_cost": 0.5,
            "value_rate": 0.1}
    res = solve(micro(CASTING, {"trade": {"transport": [lane]}}))
    assert res.objective == pytest.approx(85)
    assert flow(res, "SA") == pytest.approx(10)
    # not binding: 0.5 + 0.02 * 20 = 0.9: SB at 20.9 < 21.5: 10 * (40 - 10 - 20.9) = 91
    res = solve(micro(CASTING, {"trade": {"transport": [{**lane, "value_rate": 0.02}]}}))
    assert res.objective == pytest.approx(91)
    assert flow(res, "SB") == pytest.approx(10)


# --- the default lane --------------------------------------------------------------------


def test_the_default_prices_an_unlisted_cross_border_lane():
    # No entry covers A -> B: the default's 3 applies, P's margin 17 < 18: PB serves, 180.
    # PB -> M stays inside B: free, 0 days (the default is for cross-border lanes only).
    res = solve(_two({"trade": {"default_transport": {"unit_cost": 3, "lead_time": 20}}}))
    assert res.objective == pytest.approx(180)
    assert produced(res, "PB") == pytest.approx(10)
    assert _lead(res, "PB") == {0.0}


def test_an_entry_wins_over_the_default_and_inherits_its_lead_time():
    # Not binding: the entry A -> B (1) wins over the default's 3: P serves, 190; the entry
    # states no lead time, so the lane takes the default's 20 days.
    res = solve(_two({"trade": {
        "default_transport": {"unit_cost": 3, "lead_time": 20},
        "transport": [_lane(unit_cost=1)],
    }}))
    assert res.objective == pytest.approx(190)
    assert produced(res, "P") == pytest.approx(10)
    assert _lead(res, "P") == {20.0}


def test_an_item_entry_without_a_lead_time_takes_the_class_entrys():
    # m's entry (cost 2) wins; its lead time comes from the class entry of the same lane (15).
    data = build_data(gpnopt.instance_from_dict(_two({"trade": {"transport": [
        _lane(goods="machine", unit_cost=1, lead_time=15),
        _lane(products=["m"], unit_cost=2),
    ]}})))
    arc = data.sales["P", "m", "direct", "M"]
    assert (arc.transport_cost, arc.lead_time) == (2.0, 15.0)
    assert data.sales["PB", "m", "direct", "M"].lead_time == 0.0


def test_the_lane_is_more_specific_than_the_item():
    # A plant-to-market class entry (1, 4 days) beats a country item entry (3, 9 days):
    # origins and destinations are matched first, the item decides on one lane.
    data = build_data(gpnopt.instance_from_dict(_two({"trade": {"transport": [
        _lane(products=["m"], unit_cost=3, lead_time=9),
        {"from_plant": "P", "to_market": "M", "unit_cost": 1, "lead_time": 4},
    ]}})))
    arc = data.sales["P", "m", "direct", "M"]
    assert (arc.transport_cost, arc.lead_time) == (1.0, 4.0)


# --- maximum lead times ------------------------------------------------------------------

SLOW = {"trade": {"transport": [_lane(unit_cost=0, lead_time=15)]}}


def test_a_market_max_lead_time_removes_a_slow_lane():
    # Binding: A -> B takes 15 days, M accepts 10: P's arc is not offered; PB serves, 180.
    raw = _two(SLOW, {"markets": {"M": {"max_lead_time": 10}}})
    assert ("P", "m", "direct", "M") not in build_data(gpnopt.instance_from_dict(raw)).sales
    res = solve(raw)
    assert res.objective == pytest.approx(180)
    assert produced(res, "PB") == pytest.approx(10)


def test_a_market_max_lead_time_above_the_lane_keeps_it():
    # Not binding: M accepts 20 days: P serves, 200; its rows show the lane's 15 days.
    res = solve(_two(SLOW, {"markets": {"M": {"max_lead_time": 20}}}))
    assert res.objective == pytest.approx(200)
    assert produced(res, "P") == pytest.approx(10)
    assert _lead(res, "P") == {15.0}


def test_the_average_lead_time_binds_a_mix_of_fast_dear_and_slow_cheap_supply():
    # A -> B takes 20 days (free), PB's local supply 0. M's average must be at most 5:
    # 20 x_P + 0 x_PB <= 5 (x_P + x_PB), i.e. x_P <= x_PB / 3. Each unit of PB (18) lets a
    # third of a unit of P (20) in: x_PB = 7.5, x_P = 2.5, objective 2.5*20 + 7.5*18 = 185
    # (all from PB: 180).
    lane = {"trade": {"transport": [_lane(unit_cost=0, lead_time=20)]}}
    res = solve(_two(lane, {"markets": {"M": {"max_average_lead_time": 5}}}))
    assert res.objective == pytest.approx(185)
    assert produced(res, "P") == pytest.approx(2.5)
    assert produced(res, "PB") == pytest.approx(7.5)
    df = res.tables["production"]
    assert (df["lead_time"] * df["quantity"]).sum() / df["quantity"].sum() == pytest.approx(5)


def test_an_average_lead_time_above_every_lane_adds_no_row():
    # Not binding: 25 days >= the slowest lane (20): no row at all, P serves, 200.
    lane = {"trade": {"transport": [_lane(unit_cost=0, lead_time=20)]}}
    raw = _two(lane, {"markets": {"M": {"max_average_lead_time": 25}}})
    data = build_data(gpnopt.instance_from_dict(raw))
    assert derive_lead_times(data) == {}
    assert not hasattr(build_model(data), "lead_time_average")
    assert solve(raw).objective == pytest.approx(200)


def test_the_average_row_is_named_by_market():
    lane = {"trade": {"transport": [_lane(unit_cost=0, lead_time=20)]}}
    data = build_data(gpnopt.instance_from_dict(
        _two(lane, {"markets": {"M": {"max_average_lead_time": 5}}})
    ))
    m = build_model(data)
    row = m.lead_time_average["M"]
    assert pyo.value(row.upper) == 0
    assert sorted(str(v) for v in pyo.expr.identify_variables(row.body)) == [
        "v_sales[P,m,direct,M]", "v_sales[PB,m,direct,M]",
    ]


def test_a_just_in_time_component_limit_at_a_plant():
    # Castings from B take 30 days into A. P accepts at most 7 days of c: SB's flow is not
    # offered, SA supplies: 10 * (40 - 10 - 21.5) = 85 (binding). Accepting 40 days: SB
    # supplies at 20: 10 * (40 - 10 - 20) = 100 (not binding), and its flow shows 30 days.
    lane = {"trade": {"transport": [
        {"from_country": "B", "to_country": "A", "goods": "component", "unit_cost": 0,
         "lead_time": 30},
    ]}}
    res = solve(micro(CASTING, lane, {"plants": {"P": {"max_lead_time": {"c": 7}}}}))
    assert res.objective == pytest.approx(85)
    assert flow(res, "SA") == pytest.approx(10)
    res = solve(micro(CASTING, lane, {"plants": {"P": {"max_lead_time": {"c": 40}}}}))
    assert res.objective == pytest.approx(100)
    assert flow(res, "SB") == pytest.approx(10)
    assert _lead(res, "SB", "component_flows") == {30.0}


def test_the_average_lead_time_per_period():
    # Two one-year periods at a 0% discount rate: the limit is 5 days in T1 (185, as the
    # binding test) and 25 in T2 (200): net present value 385.
    lane = {"trade": {"transport": [_lane(unit_cost=0, lead_time=20)]}}
    raw = _two(lane, {
        "periods": [{"id": "T1", "start": 2000}, {"id": "T2", "start": 2001, "length": 1}],
        "finance": {"discount_rate": 0.0},
        "markets": {"M": {"max_average_lead_time": {"T1": 5, "T2": 25}}},
    })
    res = solve(raw)
    assert res.objective == pytest.approx(385)
    t1 = res.in_period("T1")
    assert produced(t1, "P") == pytest.approx(2.5)
    assert produced(res.in_period("T2"), "P") == pytest.approx(10)


def test_no_lead_time_key_no_rows_and_zero_lead_times():
    data = build_data(gpnopt.instance_from_dict(_two({"trade": {"transport": [_lane(unit_cost=1)]}})))
    assert {a.lead_time for a in data.sales.values()} == {0.0}
    assert "lead_time" not in repr(data.sales)  # the pinned digests of such instances stay


# --- the showcase instance -----------------------------------------------------------------

SHOWCASE = Path(__file__).resolve().parents[2] / "instances" / "showcase.yaml"


def test_the_showcase_shows_the_keys_and_the_average_binds():
    # JP receives 70 lathes from JP_TM (0 days) and mc_medium from TW_FFG (8 days): an
    # average of at most 1 day allows 8 x <= 70 + x, x = 10 of the 20 JP buys (binding).
    # (the showcase with family 20's keys alone: tests/model/showcase.py)
    raw = raw_only("lead_times")
    inst = gpnopt.instance_from_dict(raw, name="showcase.yaml")
    data = build_data(inst)
    # CN accepts 10 days, JP's lane takes 20: JP_TM's lathes are not offered in CN
    assert not [a for a in data.sales if a[0] == "JP_TM" and a[3] == "CN"]
    # castings CN -> TW by value: 0.5 + 0.05 * 4.0, 5 days (within TW_FFG's 7)
    arc = data.flows["casting", "CN_JV", "TW_FFG"]
    assert (arc.transport_cost, arc.lead_time) == (pytest.approx(0.7), 5.0)
    res = gpnopt.solve(inst)
    jp = res.tables["production"].query("market == 'JP'")
    assert float(jp.query("plant == 'TW_FFG'")["quantity"].sum()) == pytest.approx(10)
    assert (jp["lead_time"] * jp["quantity"]).sum() / jp["quantity"].sum() == pytest.approx(1)
    raw["markets"]["JP"].pop("max_average_lead_time")
    free = gpnopt.solve(gpnopt.instance_from_dict(raw, name="showcase.yaml"))
    jp = free.tables["production"].query("market == 'JP' and plant == 'TW_FFG'")
    assert float(jp["quantity"].sum()) > 10
    assert free.objective > res.objective


# --- checks ------------------------------------------------------------------------------


def test_validate_says_what_the_default_covers(caplog):
    # A -> B carries machines (P sells in B) and no entry lists the lane: the default does.
    raw = _two({"trade": {"default_transport": {"unit_cost": 3, "lead_time": 20}}})
    with caplog.at_level(logging.INFO, logger="gpnopt.checks"):
        gpnopt.instance_from_dict(raw)  # no warning (warnings are errors in this suite)
    said = [r.getMessage() for r in caplog.records]
    assert any(
        "trade.default_transport covers 1 cross-border machine lane(s) without an entry "
        "(unit_cost 3, value_rate 0, lead_time 20 days): A -> B" in s
        for s in said
    ), said


def test_the_lane_warning_names_the_default():
    # Machines priced, the casting lane B -> A not, no default: warned, naming the default.
    raw = micro(CASTING, {"trade": {"transport": [_lane(goods="machine", unit_cost=1)]}})
    with pytest.warns(GpnoptWarning, match=r"or a trade\.default_transport to cover them"):
        gpnopt.instance_from_dict(raw)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"components": ["c"], "to_market": "M", "from_plant": "P"},
         "trade.transport.0.components: components never travel to the entry's to_market"),
        ({"products": ["m"], "to_plant": "P", "from_country": "B"},
         "trade.transport.0.products: products never travel to the entry's to_plant"),
        ({"products": [], "from_country": "A", "to_country": "B"},
         "trade.transport.0.products: the list is empty"),
        ({"components": ["c"], "goods": "machine", "from_country": "A", "to_country": "B"},
         "trade.transport.0.components: components are goods: component, but the entry "
         "says goods: machine"),
        ({"products": ["mm"], "from_country": "A", "to_country": "B"},
         "trade.transport.0.products: unknown product 'mm' (did you mean 'm'?)"),
    ],
)
def test_item_entries_that_could_never_apply_are_refused(entry, message):
    raw = micro(CASTING, {"trade": {"transport": [{**entry, "unit_cost": 1}]}})
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="x.yaml")
    assert any(message in p for p in info.value.problems), info.value.problems


def test_a_persistent_resolve_reprices_item_entries_and_rebuilds_on_lead_times():
    # The per-product entry's unit cost only enters the objective: the model is re-used and
    # the re-solve equals a fresh one (n: 30 - 10 - 1.5 = 18.5 > 18, P serves both: 375). A
    # lead time is structure (it decides which arcs exist): the model is rebuilt.
    from gpnopt.solver import ScenarioSolver

    def inst(cost: float, lead: float | None = None):
        entry = _lane(products=["n"], unit_cost=cost, **({} if lead is None else {"lead_time": lead}))
        return gpnopt.instance_from_dict(_two(TWO_PRODUCTS, {
            "trade": {"transport": [_lane(goods="machine", unit_cost=1), entry]},
            "markets": {"M": {"max_lead_time": 10}},
        }))

    solver = ScenarioSolver(mip_gap=1e-9)
    assert solver.solve(inst(3)).objective == pytest.approx(370)
    again = solver.solve(inst(1.5))
    assert (solver.rebuilt, solver.persistent) == (1, 1)
    assert again.objective == pytest.approx(375)
    assert again.objective == pytest.approx(gpnopt.solve(inst(1.5), mip_gap=1e-9).objective)
    slow = solver.solve(inst(1.5, lead=12))  # n's lane now too slow for M: PB serves n, 370
    assert (solver.rebuilt, solver.persistent) == (2, 1)
    assert slow.objective == pytest.approx(370)


def test_own_use_takes_no_time_even_with_a_domestic_lead_time():
    # P casts c in-house (cost 1) and needs it just in time (0 days): a domestic entry of 3
    # days applies to flows within A, not to P's own use, which stays offered. The entry's
    # cost 0.5 is paid on the casting (as in family 10) and on the machine sold in A:
    # 10 * (40 - 10 - 1 - 0.5 - 0.5) = 280.
    raw = micro(CASTING, {
        "suppliers": None,
        "plants": {"P": {"components": {"c": {"unit_cost": 1}}, "max_lead_time": {"c": 0}}},
        "trade": {"transport": [{"from_country": "A", "to_country": "A", "unit_cost": 0.5,
                                 "lead_time": 3}]},
    })
    res = solve(raw)
    assert res.objective == pytest.approx(280)
    assert _lead(res, "P", "component_flows") == {0.0}


def test_a_limit_on_a_component_the_plant_does_not_use_is_warned_of():
    raw = _two({"components": {"c": {}}, "suppliers": {"S": {"country": "A", "components": {
        "c": {"unit_price": 1}}}}, "plants": {"PB": {"max_lead_time": {"c": 3}}}})
    with pytest.warns(GpnoptWarning, match=r"plants\.PB\.max_lead_time\.c: no line or make "
                      "option of the plant uses c"):
        gpnopt.instance_from_dict(raw)
