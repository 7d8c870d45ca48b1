"""Family 24, exchange rates: money in other currencies is converted once, on input
(``gpnopt/currency.py``, ``docs/formulation.md`` section 24).

Micro-instances on the base of ``tests/model/conftest.py``: firm F (home A) designs m; P in
A makes m at a unit cost; market M (in A) buys 10 units of m at 30. Country A's currency is
JPY: at 0.01 model money per yen, 1500 yen are 15.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import gpnopt
from gpnopt.currency import is_money_field, to_model_money
from gpnopt.errors import GpnoptWarning
from gpnopt.schema import Instance
from model.conftest import MIP_GAP, micro, produced

ROOT = Path(__file__).resolve().parents[1]

YEN = {
    "countries": {"A": {"currency": "JPY"}},
    "currencies": {"JPY": {"rate": 0.01}},
}


def _jpy_plant(**line) -> dict:
    return micro(YEN, {"plants": {"P": {"currency": "local", "lines": {"m": line}}}})


def _load(raw: dict, **kw) -> Instance:
    return gpnopt.instance_from_dict(raw, name="micro", **kw)


def _problems(raw: dict) -> str:
    with pytest.raises(gpnopt.InstanceError) as info:
        _load(raw)
    return "\n".join(info.value.problems)


def test_money_fields_are_found_by_name():
    for name in ("unit_cost", "fixed_cost", "investment_cost", "closure_cost", "price",
                 "unit_price", "transfer_price", "transfer_prices", "support_cost",
                 "support_fee", "cost"):
        assert is_money_field(name), name
    for name in ("capacity", "quantity", "min_served", "margin_rate", "rate", "lifetime",
                 "min_quantity", "owners", "assembly_capacity", "after"):
        assert not is_money_field(name), name


def test_a_jpy_plant_has_its_costs_converted():
    # Every money number of P and of what it holds (line, learning step, make option) is
    # times 0.01; quantities, capacities and shares are not. The supplier states JPY by id,
    # the market stays in the model's money.
    raw = micro(YEN, {
        "components": {"k": {}},
        "products": {"m": {"bom": {"k": 1}}},
        "plants": {"P": {
            "currency": "local", "fixed_cost": 1000, "investment_cost": 5000,
            "closure_cost": 300, "assembly_capacity": 40,
            "lines": {"m": {"unit_cost": 1500, "fixed_cost": 200, "capacity": 25,
                            "learning": [{"after": 100, "unit_cost": 1200}]}},
            "components": {"k": {"unit_cost": 300, "fixed_cost": 100, "min_quantity": 5}},
        }},
        "suppliers": {"S": {"country": "A", "currency": "JPY",
                            "components": {"k": {"unit_price": 250, "capacity": 70}}}},
    })
    inst = _load(raw)
    p = inst.plants["P"]
    assert (p.fixed_cost, p.investment_cost, p.closure_cost) == pytest.approx((10, 50, 3))
    assert p.assembly_capacity == 40
    line = p.lines["m"]
    assert (line.unit_cost, line.fixed_cost, line.capacity) == pytest.approx((15, 2, 25))
    assert line.learning[0].unit_cost == pytest.approx(12)
    assert line.learning[0].after == 100
    make = p.components["k"]
    assert (make.unit_cost, make.fixed_cost, make.min_quantity) == pytest.approx((3, 1, 5))
    offer = inst.suppliers["S"].components["k"]
    assert (offer.unit_price, offer.capacity) == pytest.approx((2.5, 70))
    assert inst.markets["M"].demand["m"].price == 30
    assert p.currency is None
    assert inst.suppliers["S"].currency is None
    # P buys k from S at 2.5 (cheaper than making it at 3 a unit + 1): 10 * (30 - 15 - 2.5)
    # - 2 (the line's fixed cost) - 10 (P's) - 50 * annuity(8%, 10) (its investment).
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    annuity = 0.08 / (1 - 1.08 ** -10)
    assert res.objective == pytest.approx(125 - 2 - 10 - 50 * annuity)


def test_a_market_in_yen_has_its_prices_converted():
    raw = micro(YEN, {"markets": {"M": {"currency": "JPY",
                                        "demand": {"m": {"price": 3000, "min_served": 0.5}}}}})
    entry = _load(raw).markets["M"].demand["m"]
    assert (entry.price, entry.quantity, entry.min_served) == pytest.approx((30, 10, 0.5))


def test_a_strong_yen_moves_production_abroad():
    # P (in A, yen) makes m at 1500 yen, Q (in B, model money) at 18. T1, 0.01 per yen: P's
    # cost is 15 < 18, P makes the 10 units (10 * 15 = 150). T2, the yen strong at 0.014:
    # P's cost is 21 > 18, Q makes them (10 * 12 = 120). No discounting, one year each: 270.
    raw = micro(_jpy_plant(unit_cost=1500), {
        "countries": {"B": {}},
        "plants": {"Q": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 18}}}},
        "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2021, "length": 1}],
        "finance": {"discount_rate": 0.0, "salvage": False},
        "currencies": {"JPY": {"rate": {"T1": 0.01, "T2": 0.014}}},
    })
    inst = _load(raw)
    res = gpnopt.solve(inst, mip_gap=MIP_GAP)
    assert res.status == "optimal"
    assert res.objective == pytest.approx(270)
    assert produced(res, "P", period="T1") == pytest.approx(10)
    assert produced(res, "Q", period="T1") == pytest.approx(0)
    assert produced(res, "P", period="T2") == pytest.approx(0)
    assert produced(res, "Q", period="T2") == pytest.approx(10)
    # without the strong yen P makes m in both periods: 150 + 150
    flat = micro(raw, {"currencies": {"JPY": {"rate": 0.01}}})
    assert gpnopt.solve(_load(flat), mip_gap=MIP_GAP).objective == pytest.approx(300)


@pytest.mark.parametrize("rate", [0, -0.01])
def test_rates_of_zero_or_below_are_refused(rate):
    text = _problems(micro(_jpy_plant(), {"currencies": {"JPY": {"rate": rate}}}))
    assert "currencies.JPY.rate: Input should be greater than 0" in text


def test_a_negative_rate_in_one_period_is_located():
    raw = micro(_jpy_plant(), {
        "periods": [{"id": "T1", "start": 2020}, {"id": "T2", "start": 2021}],
        "currencies": {"JPY": {"rate": {"T1": 0.01, "T2": -0.01}}},
    })
    text = _problems(raw)
    assert "currencies.JPY.rate.T2: Input should be greater than 0" in text


def test_local_in_a_country_without_currency_is_refused():
    raw = micro(_jpy_plant(), {"countries": {"A": {"currency": None}}})
    text = _problems(raw)  # (JPY is unused then, but the fault is what is reported)
    assert "plants.P.currency: 'local', but country A names no currency" in text


def test_unknown_currencies_are_refused():
    raw = micro(YEN, {
        "countries": {"B": {"currency": "EUR"}},
        "plants": {"P": {"currency": "JPN"}},
        "channels": {"H": {"markets": ["M"], "owners": {"F": 1}, "currency": "local"}},
    })
    text = _problems(raw)
    assert "countries.B.currency: unknown currency 'EUR'" in text
    assert "plants.P.currency: unknown currency 'JPN'" in text
    assert "did you mean 'JPY'" in text
    assert "channels.H.currency: 'local' needs the record's country" in text


def test_an_unused_currency_is_warned_of():
    raw = micro(YEN, {"currencies": {"EUR": {"rate": 1.1}}})
    with pytest.warns(GpnoptWarning, match="currencies.EUR: no country or record uses"):
        _load(raw)


def _written(tmp_path: Path, raw: dict) -> Path:
    path = tmp_path / "yen.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_conversion_happens_once(tmp_path):
    raw = _jpy_plant(unit_cost=1500)
    raw["plants"]["P"]["fixed_cost"] = 1000
    raw["overrides"] = {"dear": {"plants": {"P": {"fixed_cost": 2000}}}}
    raw["scenarios"] = {"dear_p": ["dear"]}
    path = _written(tmp_path, raw)
    inst = gpnopt.load(path)
    assert inst.plants["P"].fixed_cost == pytest.approx(10)
    assert gpnopt.load(path, scenario="dear_p").plants["P"].fixed_cost == pytest.approx(20)
    assert gpnopt.load(path, overrides={"currencies": {"JPY": {"rate": 0.02}}}).plants[
        "P"].lines["m"].unit_cost == pytest.approx(30)
    # converting a converted instance, or validating its dump again, changes nothing
    assert to_model_money(inst) is inst
    again = _load(inst.model_dump())
    assert again.plants["P"].fixed_cost == pytest.approx(10)
    assert Instance.model_validate(inst.model_dump()).plants["P"].fixed_cost == pytest.approx(10)
    # an instance built in Python as written (not through instance_from_dict) is refused
    raw_inst = Instance.model_validate({k: v for k, v in raw.items()
                                        if k not in ("overrides", "scenarios")})
    with pytest.raises(gpnopt.InstanceError, match="plants.P.currency: the record's money"):
        gpnopt.solve(raw_inst)
    assert gpnopt.solve(to_model_money(raw_inst)).objective == pytest.approx(140)


def test_a_sweep_over_the_rate_converts_once(tmp_path):
    # One period, Q abroad at 18: rate 0.01 -> P at 15 makes the 10 units (150); 0.014 ->
    # P at 21, Q makes them (120); each as a load with that rate gives.
    from gpnopt.sweep import SweepSpec, run_sweep

    raw = micro(_jpy_plant(unit_cost=1500), {
        "countries": {"B": {}},
        "plants": {"Q": {"country": "B", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 18}}}},
    })
    path = _written(tmp_path, raw)
    spec = SweepSpec.build(str(path), grid=["currencies.JPY.rate=0.01,0.014"])
    table = run_sweep(spec, tmp_path / "out", workers=1).table
    assert list(table["objective"]) == pytest.approx([150, 120])
    for rate, value in ((0.01, 150), (0.014, 120)):
        inst = gpnopt.load(path, overrides={"currencies": {"JPY": {"rate": rate}}})
        assert gpnopt.solve(inst).objective == pytest.approx(value)


def test_showcase_states_the_mother_plant_in_yen():
    # JP is in JPY (0.01 model money per yen) and JP_TM states its money in local currency:
    # its fixed cost of 6000 yen is 60 after loading.
    raw = yaml.safe_load((ROOT / "instances" / "showcase.yaml").read_text())
    assert raw["countries"]["JP"]["currency"] == "JPY"
    assert raw["plants"]["JP_TM"]["currency"] == "local"
    inst = gpnopt.load(ROOT / "instances" / "showcase.yaml")
    jp = inst.plants["JP_TM"]
    assert jp.currency is None
    assert jp.fixed_cost == pytest.approx(raw["plants"]["JP_TM"]["fixed_cost"] * 0.01)
    assert jp.lines["lathe_high"].unit_cost == pytest.approx(
        raw["plants"]["JP_TM"]["lines"]["lathe_high"]["unit_cost"] * 0.01)
