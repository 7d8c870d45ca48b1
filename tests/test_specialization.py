"""Specialization analysis: roles, horizontal index, Hummels-Ishii-Yi VS, intra/inter-firm flows.

Each micro-instance is solved to optimality and its indices are worked out by hand in the
comments (values: machines at their market price, components at their unit value).
The last tests check the TM/FFG case's reading (case-facts 1.1 and 2): FT-China horizontal,
FFG-China and FFG Taiwan vertical suppliers of other plants.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import gpnopt
from gpnopt.analysis import specialization as sp

CASE = Path(__file__).resolve().parents[1] / "instances" / "tm_ffg.yaml"


def solve(raw):
    inst = gpnopt.instance_from_dict(raw, name="micro")
    res = gpnopt.solve(inst, mip_gap=1e-9)
    assert res.status == "optimal"
    return inst, res


def row(df, key, value):
    hit = df[df[key] == value]
    assert len(hit) == 1, f"{key}={value}: {len(hit)} rows"
    return hit.iloc[0]


# --- a vertical network -----------------------------------------------------------------------
#
# Q (country B, JV of F and G 50/50) makes parts (transfer price 4) from ore bought from SA in
# A (1 each); P (A, F) assembles m from 2 parts + 1 bolt (SA, 2 each) and sells 10 in MA (A) and
# 5 in MB (B) at 50; R (B, firm H) assembles n from 1 part and sells 5 in MB at 30. Every sale
# has a positive margin, so all demand is served: 15 m, 5 n; parts 2*15 + 5 = 35; ore 35;
# bolts 15.
#
# Flows (value = quantity * unit value):
#   ore  SA(A) -> Q(B)   35 units,  35   cross-border, supplier: inter-firm
#   part Q(B)  -> P(A)   30 units, 120   cross-border, Q and P share F: intra-firm
#   part Q(B)  -> R(B)    5 units,  20   domestic, no shared owner: inter-firm
#   bolt SA(A) -> P(A)   15 units,  30   domestic, supplier: inter-firm
#
# Q: output 140 (components only), exports 120 (to P), inputs 35 all imported:
#    VS = 35/140 * 120 = 30, VS share 30/120 = 0.25; supply share 1: vertical.
# P: output 15*50 = 750, exports 5*50 = 250 (MB), inputs 150 of which 120 imported:
#    cross-border input share 0.8, VS = 120/750 * 250 = 40, VS share 0.16;
#    cells (medium, A) 500, (medium, B) 250: H = (2/3)^2 + (1/3)^2 = 5/9: horizontal.
# R: output 150, exports 0, inputs 20 domestic: VS 0, VS share undefined; H = 1.

VERTICAL = {
    "name": "vertical",
    "countries": {"A": {}, "B": {}},
    "firms": {"F": {}, "G": {}, "H": {}},
    "components": {"ore": {}, "part": {"transfer_price": 4, "bom": {"ore": 1}}, "bolt": {}},
    "products": {
        "m": {"tier": "medium", "firm": "F", "bom": {"part": 2, "bolt": 1}},
        "n": {"tier": "low", "firm": "H", "bom": {"part": 1}},
    },
    "plants": {
        "Q": {
            "country": "B",
            "owners": {"F": 0.5, "G": 0.5},
            "components": {"part": {"unit_cost": 1}},
        },
        "P": {"country": "A", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}}},
        "R": {"country": "B", "owners": {"H": 1.0}, "lines": {"n": {"unit_cost": 5}}},
    },
    "suppliers": {
        "SA": {
            "country": "A",
            "components": {"ore": {"unit_price": 1}, "bolt": {"unit_price": 2}},
        }
    },
    "markets": {
        "MA": {"country": "A", "demand": {"m": {"quantity": 10, "price": 50}}},
        "MB": {
            "country": "B",
            "demand": {"m": {"quantity": 5, "price": 50}, "n": {"quantity": 5, "price": 30}},
        },
    },
    "trade": {"cross_firm_supply": True},
}


@pytest.fixture(scope="module")
def vertical():
    return solve(VERTICAL)


def test_vertical_plant_roles_and_hiy(vertical):
    inst, res = vertical
    roles = sp.plant_roles(inst, res)
    assert list(roles.columns) == sp.ROLE_COLUMNS
    assert list(roles["plant"]) == ["P", "Q", "R"]

    q = row(roles, "plant", "Q")
    assert q["role_type"] == "vertical"
    assert q["stage"] == "components"
    assert q["role"] == "vertical: part supplier to P and R"
    assert q["owners"] == "F:0.5;G:0.5"
    assert q["output"] == pytest.approx(140)
    assert q["component_sales"] == pytest.approx(140)
    assert q["exports"] == pytest.approx(120)
    assert q["export_share"] == pytest.approx(120 / 140)
    assert q["cross_border_input_share"] == pytest.approx(1.0)
    assert q["vs"] == pytest.approx(30)
    assert q["vs_share"] == pytest.approx(0.25)
    assert q["supply_share"] == pytest.approx(1.0)
    assert q["intra_firm_supply_share"] == pytest.approx(120 / 140)
    assert math.isnan(q["horizontal_index"])
    assert q["supplies"] == "part>P;part>R"
    assert q["inputs_from"] == "ore<SA"

    p = row(roles, "plant", "P")
    assert p["role_type"] == "horizontal"
    assert p["stage"] == "assembly"
    assert p["role"] == "horizontal: medium tier for A (MA) and B (MB)"
    assert p["output"] == pytest.approx(750)
    assert p["exports"] == pytest.approx(250)
    assert p["export_share"] == pytest.approx(1 / 3)
    assert p["inputs"] == pytest.approx(150)
    assert p["imported_inputs"] == pytest.approx(120)
    assert p["cross_border_input_share"] == pytest.approx(0.8)
    assert p["vs"] == pytest.approx(40)
    assert p["vs_share"] == pytest.approx(0.16)
    assert p["horizontal_index"] == pytest.approx(5 / 9)

    r = row(roles, "plant", "R")
    assert r["role"] == "horizontal: low tier for B (MB)"
    assert r["vs"] == pytest.approx(0)
    assert math.isnan(r["vs_share"])
    assert r["horizontal_index"] == pytest.approx(1.0)
    assert r["cross_border_input_share"] == pytest.approx(0.0)


def test_firm_indices_are_equity_weighted(vertical):
    # F: all of P and half of Q. output 750 + 70 = 820, exports 250 + 60 = 310,
    #    VS 40 + 15 = 55, VS share 55/310; imported 120 + 17.5 of inputs 150 + 17.5;
    #    H from P's cells only: 5/9.
    # G: half of Q: output 70, exports 60, VS 15, VS share 0.25, no sales: H undefined.
    # H: R: VS 0, no exports.
    inst, res = vertical
    firms = sp.specialization_indices(inst, res, "firm")
    assert list(firms.columns) == ["firm", *sp.INDEX_COLUMNS]
    f = row(firms, "firm", "F")
    assert f["plants"] == 2
    assert f["output"] == pytest.approx(820)
    assert f["exports"] == pytest.approx(310)
    assert f["vs"] == pytest.approx(55)
    assert f["vs_share"] == pytest.approx(55 / 310)
    assert f["cross_border_input_share"] == pytest.approx(137.5 / 167.5)
    assert f["horizontal_index"] == pytest.approx(5 / 9)
    g = row(firms, "firm", "G")
    assert g["output"] == pytest.approx(70)
    assert g["vs"] == pytest.approx(15)
    assert g["vs_share"] == pytest.approx(0.25)
    assert math.isnan(g["horizontal_index"])
    h = row(firms, "firm", "H")
    assert h["vs"] == pytest.approx(0)
    assert math.isnan(h["vs_share"])


def test_country_indices_add_plant_vs(vertical):
    # A: P alone: VS 40, exports 250, VS share 0.16.
    # B: Q and R: output 140 + 150 = 290, exports 120, VS 30 + 0 = 30, VS share 0.25;
    #    supply share 140/290; H from R's one cell: 1.
    inst, res = vertical
    countries = sp.specialization_indices(inst, res, "country")
    a = row(countries, "country", "A")
    assert a["vs"] == pytest.approx(40)
    assert a["vs_share"] == pytest.approx(0.16)
    b = row(countries, "country", "B")
    assert b["plants"] == 2
    assert b["output"] == pytest.approx(290)
    assert b["exports"] == pytest.approx(120)
    assert b["vs"] == pytest.approx(30)
    assert b["vs_share"] == pytest.approx(0.25)
    assert b["supply_share"] == pytest.approx(140 / 290)
    assert b["horizontal_index"] == pytest.approx(1.0)
    plants = sp.specialization_indices(inst, res, "plant")
    assert row(plants, "plant", "Q")["vs"] == pytest.approx(30)
    with pytest.raises(ValueError, match="level"):
        sp.specialization_indices(inst, res, "region")


def test_flow_classes_intra_and_inter_firm(vertical):
    # Between entities: value 35 + 120 + 20 + 30 = 205, quantity 35 + 30 + 5 + 15 = 85.
    # Intra-firm (Q -> P through F): 120 of value (120/205), 30 units (30/85).
    # Inter-firm from a plant (Q -> R): 20 and 5; from the supplier: 65 and 50.
    inst, res = vertical
    fc = sp.flow_classes(inst, res)
    qp = fc[(fc["source"] == "Q") & (fc["destination"] == "P")].iloc[0]
    assert bool(qp["intra_firm"])
    assert qp["shared_owners"] == "F"
    assert qp["value"] == pytest.approx(120)
    assert bool(qp["cross_border"])
    qr = fc[(fc["source"] == "Q") & (fc["destination"] == "R")].iloc[0]
    assert qr["flow_class"] == "inter-firm"
    assert not fc[fc["source_type"] == "supplier"]["intra_firm"].any()

    summ = sp.flow_summary(inst, res)
    intra = summ[summ["flow_class"] == "intra-firm"].iloc[0]
    assert intra["value"] == pytest.approx(120)
    assert intra["value_share"] == pytest.approx(120 / 205)
    assert intra["quantity_share"] == pytest.approx(30 / 85)
    inter_sup = summ[(summ["flow_class"] == "inter-firm") & (summ["source_type"] == "supplier")]
    assert inter_sup["value"].iloc[0] == pytest.approx(65)
    assert inter_sup["cross_border_value"].iloc[0] == pytest.approx(35)
    assert summ["value_share"].sum() == pytest.approx(1.0)


# --- own use and a small supply side ----------------------------------------------------------
#
# P (A, firm F) makes parts in-house (unit cost 1, transfer price 4), uses 10 for its own 10 m
# (sold in MA, A, at 50) and ships 5 to R (B, firm H), which sells 5 n in MA at 30.
# P's own use is in-plant: neither input nor output. P: final sales 500, component sales 20,
# output 520, supply share 20/520 = 0.038 < ROLE_MIN_SHARE: horizontal only; exports 20
# (parts to B), no inputs: VS 0.
# R: output 150, all exported (MA is in A), inputs 20 all imported:
# VS = 20/150 * 150 = 20, VS share 20/150.

OWN_USE = {
    "name": "own_use",
    "countries": {"A": {}, "B": {}},
    "firms": {"F": {}, "H": {}},
    "components": {"part": {"transfer_price": 4}},
    "products": {
        "m": {"tier": "medium", "firm": "F", "bom": {"part": 1}},
        "n": {"tier": "low", "firm": "H", "bom": {"part": 1}},
    },
    "plants": {
        "P": {
            "country": "A",
            "owners": {"F": 1.0},
            "lines": {"m": {"unit_cost": 10}},
            "components": {"part": {"unit_cost": 1}},
        },
        "R": {"country": "B", "owners": {"H": 1.0}, "lines": {"n": {"unit_cost": 5}}},
    },
    "markets": {
        "MA": {
            "country": "A",
            "demand": {"m": {"quantity": 10, "price": 50}, "n": {"quantity": 5, "price": 30}},
        }
    },
    "trade": {"cross_firm_supply": True},
}


def test_own_use_is_inside_the_plant_and_small_supply_is_no_role():
    inst, res = solve(OWN_USE)
    fc = sp.flow_classes(inst, res)
    own = fc[(fc["source"] == "P") & (fc["destination"] == "P")].iloc[0]
    assert own["flow_class"] == "in-plant"
    assert own["quantity"] == pytest.approx(10)
    roles = sp.plant_roles(inst, res)
    p = row(roles, "plant", "P")
    assert p["stage"] == "both"
    assert p["component_sales"] == pytest.approx(20)
    assert p["output"] == pytest.approx(520)
    assert p["supply_share"] == pytest.approx(20 / 520)
    assert p["inputs"] == pytest.approx(0)
    assert p["exports"] == pytest.approx(20)
    assert p["vs"] == pytest.approx(0)
    assert p["role_type"] == "horizontal"
    assert p["role"] == "horizontal: medium tier for A (MA)"
    assert p["supplies"] == "part>R"
    r = row(roles, "plant", "R")
    assert r["vs"] == pytest.approx(20)
    assert r["vs_share"] == pytest.approx(20 / 150)
    assert r["export_share"] == pytest.approx(1.0)
    summ = sp.flow_summary(inst, res)
    inside = summ[summ["flow_class"] == "in-plant"].iloc[0]
    assert inside["value"] == pytest.approx(40)
    assert math.isnan(inside["value_share"])


# --- horizontal index: specialist and generalist ----------------------------------------------
#
# One plant P in A (no components), direct sales. Markets A and B (their own countries).
# Specialist: high 10 in A and 10 in B at 30, low 30 in A at 10: cells (high, A) 300,
# (high, B) 300, (low, A) 300: H = 3 * (1/3)^2 = 1/3 >= 0.25: horizontal.
# Generalist: add medium 10 in A and 10 in B at 30: five cells of 300: H = 5 * (1/5)^2 = 0.2
# < 0.25: no role. Z (B, fixed cost 10,000) stays closed.

HORIZONTAL = {
    "name": "horizontal",
    "countries": {"A": {}, "B": {}},
    "firms": {"F": {}},
    "products": {"hi": {"tier": "high"}, "lo": {"tier": "low"}},
    "plants": {
        "P": {"country": "A", "owners": {"F": 1.0}, "lines": {"hi": {}, "lo": {}}},
        "Z": {"country": "B", "owners": {"F": 1.0}, "fixed_cost": 10000, "lines": {"hi": {}}},
    },
    "markets": {
        "A": {
            "country": "A",
            "demand": {"hi": {"quantity": 10, "price": 30}, "lo": {"quantity": 30, "price": 10}},
        },
        "B": {"country": "B", "demand": {"hi": {"quantity": 10, "price": 30}}},
    },
}


def test_specialist_is_horizontal_and_closed_plant_is_listed():
    inst, res = solve(HORIZONTAL)
    roles = sp.plant_roles(inst, res)
    assert list(roles["plant"]) == ["P"]  # open plants only
    p = row(roles, "plant", "P")
    assert p["horizontal_index"] == pytest.approx(1 / 3)
    assert p["role_type"] == "horizontal"
    # tiers high to low; countries by value: A 600, B 300
    assert p["role"] == "horizontal: high and low tiers for A and B"
    assert p["tiers"] == "high;low"
    assert p["export_share"] == pytest.approx(300 / 900)
    assert math.isnan(p["cross_border_input_share"])
    assert p["vs"] == pytest.approx(0)
    assert p["vs_share"] == pytest.approx(0)

    table = sp.specialization_table(inst, res)
    assert list(table.columns) == [*sp.ROLE_COLUMNS, "open", "profit"]
    z = row(table, "plant", "Z")
    assert z["open"] == 0
    assert z["role"] == "closed"
    assert z["role_type"] == "none"
    assert z["output"] == 0
    lines = sp.format_roles(table)
    assert len(lines) == 2  # header and P; the closed plant is left out
    assert "horizontal: high and low tiers for A and B" in lines[1]


def test_generalist_has_no_horizontal_role():
    raw = {
        **HORIZONTAL,
        "products": {**HORIZONTAL["products"], "md": {"tier": "medium"}},
        "plants": {
            "P": {"country": "A", "owners": {"F": 1.0}, "lines": {"hi": {}, "lo": {}, "md": {}}}
        },
        "markets": {
            "A": {"country": "A", "demand": {
                "hi": {"quantity": 10, "price": 30},
                "lo": {"quantity": 30, "price": 10},
                "md": {"quantity": 10, "price": 30},
            }},
            "B": {"country": "B", "demand": {
                "hi": {"quantity": 10, "price": 30},
                "md": {"quantity": 10, "price": 30},
            }},
        },
    }
    inst, res = solve(raw)
    p = row(sp.plant_roles(inst, res), "plant", "P")
    assert p["horizontal_index"] == pytest.approx(0.2)
    assert p["role_type"] == "none"
    assert p["role"] == "generalist: high, medium and low tiers for A and B"


def test_nothing_made_gives_empty_tables_and_undefined_ratios():
    # Unit costs 40 exceed every price (30 and 10): nothing is made, and P (fixed cost 1)
    # stays closed.
    dear = {"hi": {"unit_cost": 40}, "lo": {"unit_cost": 40}}
    raw = {
        **HORIZONTAL,
        "plants": {"P": {"country": "A", "owners": {"F": 1.0}, "fixed_cost": 1, "lines": dear}},
    }
    inst, res = solve(raw)
    assert sp.plant_roles(inst, res).empty
    assert sp.flow_summary(inst, res).empty
    table = sp.specialization_table(inst, res)
    assert list(table["role"]) == ["closed"]
    firm = row(sp.specialization_indices(inst, res, "firm"), "firm", "F")
    assert firm["plants"] == 0
    assert firm["vs"] == 0.0
    assert math.isnan(firm["vs_share"])
    assert sp.format_roles(table)[1:] == []


@pytest.mark.parametrize(
    ("final", "supply", "h", "expected"),
    [
        (1.0, 0.0, 0.25, "horizontal"),  # at both thresholds
        (1.0, 0.0, 0.2499, "none"),  # spread: generalist
        (0.9, 0.1, 1.0, "both"),  # 10% supplied to other plants is a role
        (0.91, 0.09, 1.0, "horizontal"),
        (0.0, 1.0, math.nan, "vertical"),
        (0.09, 0.91, 1.0, "vertical"),
        (0.0, 0.0, math.nan, "none"),
    ],
)
def test_role_thresholds(final, supply, h, expected):
    assert sp.ROLE_MIN_SHARE == 0.10
    assert sp.HORIZONTAL_MIN_INDEX == 0.25
    assert sp.classify(final, supply, h) == expected


def test_compare_roles_marks_changes(vertical):
    inst, res = vertical
    own_inst, own_res = solve(OWN_USE)
    cmp = sp.compare_roles(
        {"v": sp.specialization_table(inst, res), "own": sp.specialization_table(own_inst, own_res)}
    )
    q = cmp[(cmp["plant"] == "Q") & (cmp["scenario"] == "own")].iloc[0]
    assert q["role_type"] == "absent"
    assert bool(q["changed"])
    p = cmp[(cmp["plant"] == "P") & (cmp["scenario"] == "own")].iloc[0]
    assert p["role_type"] == "horizontal"
    assert not bool(p["changed"])
    assert len(sp.format_compare_roles(cmp)) == 3


# --- the TM/FFG case ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def case():
    inst = gpnopt.load(CASE)
    return inst, gpnopt.solve(inst)


def _part(role: str, kind: str) -> str:
    """The ``kind:`` part of a role text ('' if absent)."""
    for piece in role.split("; "):
        if piece.startswith(kind + ":"):
            return piece
    return ""


def test_case_reading_holds(case):
    inst, res = case
    roles = sp.plant_roles(inst, res)
    ft = row(roles, "plant", "CN_FT")
    assert ft["role_type"] in ("horizontal", "both")
    assert _part(ft["role"], "horizontal").startswith("horizontal: medium tier for CN")
    ffg_cn = row(roles, "plant", "CN_FFG")
    assert ffg_cn["role_type"] in ("vertical", "both")
    vert = _part(ffg_cn["role"], "vertical")
    assert "casting supplier to" in vert
    assert "CN_FT" in vert
    ffg_tw = row(roles, "plant", "TW_FFG")
    assert ffg_tw["role_type"] in ("vertical", "both")
    vert = _part(ffg_tw["role"], "vertical")
    assert "core supplier to" in vert
    assert "CN_FT" in vert
    assert "CN_FFG" in vert
    tm = row(roles, "plant", "JP_TM")
    assert tm["role_type"] == "horizontal"
    assert tm["tiers"] == "high"


def test_case_flows_and_indices(case):
    inst, res = case
    fc = sp.flow_classes(inst, res)
    # FFG Taiwan's core units to FT-China: intra-firm through FFG's 40% of the JV.
    tw_ft = fc[(fc["source"] == "TW_FFG") & (fc["destination"] == "CN_FT")]
    assert tw_ft["intra_firm"].all()
    assert set(tw_ft["shared_owners"]) == {"FFG"}
    # FFG-China's castings to TM Japan cross firms (case: FFG-China supplies TM Japan).
    ffg_tm = fc[(fc["source"] == "CN_FFG") & (fc["destination"] == "JP_TM")]
    assert len(ffg_tm) > 0
    assert (ffg_tm["flow_class"] == "inter-firm").all()
    for level in ("plant", "firm", "country"):
        df = sp.specialization_indices(inst, res, level)
        assert (df["vs"] >= 0).all()
        ok = df["vs_share"].dropna()
        assert ((ok >= 0) & (ok <= 1 + 1e-9)).all()
    lines = sp.format_roles(sp.specialization_table(inst, res))
    assert any(line.startswith("CN_FT") for line in lines)
