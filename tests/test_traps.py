"""Traps refused or warned (issue 14, "Also"): channels without owners, markets no channel
reaches, overrides that would create a record by a typo (``gpnopt.checks.traps``,
``gpnopt.patches.patch_adds``)."""

from __future__ import annotations

import logging
import warnings

import pytest

import gpnopt
from gpnopt.errors import GpnoptWarning
from gpnopt.io import read_yaml
from model.conftest import merge, micro, solve


@pytest.fixture
def tiny(tiny_path):
    return read_yaml(tiny_path)


def _channels(**channels) -> dict:
    return micro({"channels": channels})


def test_channel_without_owners_with_costs_is_refused():
    raw = _channels(C={"markets": ["M"], "investment_cost": 50})
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.instance_from_dict(raw, name="f.yaml")
    assert "f.yaml: channels.C.owners: the channel has costs (investment_cost 50) but no " \
        "owners" in str(info.value)


def test_channel_without_owners_keeping_a_margin_is_warned_of():
    raw = _channels(C={"markets": ["M"], "margin_rate": 0.1})
    with pytest.warns(GpnoptWarning, match=r"channels\.C\.owners: the channel has no owners, "
                      r"so what it earns \(margin_rate 0\.1\) counts for no firm"):
        gpnopt.instance_from_dict(raw, name="f.yaml")


@pytest.mark.parametrize(
    "channel",
    [
        {"markets": ["M"], "margin_rate": 0.1, "owners": {}},  # an independent distributor
        {"markets": ["M"], "margin_rate": 0.1, "owners": {}, "unit_cost": 2},  # with costs
        {"markets": ["M"]},  # a route filter: earns and spends nothing
        {"markets": ["M"], "margin_rate": 0.1, "owners": {"F": 1.0}, "fixed_cost": 5},
    ],
)
def test_channels_that_are_fine(channel):
    with warnings.catch_warnings():
        warnings.simplefilter("error", GpnoptWarning)
        gpnopt.instance_from_dict(_channels(C=channel), name="f.yaml")


def test_independent_distributor_solves():
    # The plant receives 90% of the price through the owner-less distributor: 10 * (27 - 10)
    # = 170 for the plant, the distributor's 30 counts for no firm (it is in the alliance
    # sum of entities, as every channel's profit).
    res = solve(_channels(C={"markets": ["M"], "margin_rate": 0.1, "owners": {}}))
    firm = res.tables["firm_profit"]
    assert float(firm.loc[firm["firm"] == "F", "profit"].iloc[0]) == pytest.approx(170)


def test_market_no_channel_lists_is_logged_not_warned_of(caplog):
    # N buys m, but the only channel reaches M: a common way to leave a market unserved (a
    # counterfactual removing its only channel, a sparse generated network), so information
    raw = merge(_channels(C={"markets": ["M"], "owners": {"F": 1.0}}),
                {"markets": {"N": {"country": "A", "demand": {"m": {"quantity": 5, "price": 30}}}}})
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, logger="gpnopt.checks"):
        warnings.simplefilter("error", GpnoptWarning)
        gpnopt.instance_from_dict(raw, name="f.yaml")
    assert "markets.N: no channel lists the market" in caplog.text


def test_market_listed_but_filtered_out_is_warned_of():
    # Channel D lists N but carries only high-tier products; m is medium
    raw = merge(
        _channels(C={"markets": ["M"], "owners": {"F": 1.0}},
                  D={"markets": ["N"], "owners": {"F": 1.0}, "tiers": ["high"]}),
        {"markets": {"N": {"country": "A", "demand": {"m": {"quantity": 5, "price": 30}}}}},
    )
    with pytest.warns(GpnoptWarning, match=r"markets\.N: the market has demand, but the "
                      r"channels that list it \(D\) carry no line of a product it buys"):
        gpnopt.instance_from_dict(raw, name="f.yaml")


def test_reached_markets_and_zero_demand_are_not_warned_of():
    raw = merge(
        _channels(C={"markets": ["M"], "owners": {"F": 1.0}}),
        {"markets": {"N": {"country": "A", "demand": {"m": {"quantity": 0, "price": 30}}}}},
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", GpnoptWarning)
        gpnopt.instance_from_dict(raw, name="f.yaml")
        gpnopt.instance_from_dict(micro(), name="f.yaml")  # no channels: direct sales


# --- overrides that add ---------------------------------------------------------------------

def _load(raw, overrides):
    return gpnopt.instance_from_dict(raw, name="tiny.yaml", overrides=overrides)


def test_override_patching_a_missing_record_is_refused_with_the_closest(tiny):
    with pytest.raises(gpnopt.InstanceError) as info:
        _load(tiny, {"markets": {"CNN": {"demand": {"lathe_medium": {"quantity": 90}}}}})
    text = str(info.value)
    assert "tiny.yaml: overrides (argument).markets.CNN: there is no 'CNN' to patch (did you " \
        "mean 'CN'?); to add it, write '+CNN' (or give it whole: it lacks country)" in text


def test_override_deep_typo_is_refused(tiny):
    with pytest.raises(gpnopt.InstanceError, match=r"plants\.CN_TM\.lines\.lathe_medum: there "
                       r"is no 'lathe_medum' to patch \(did you mean 'lathe_medium'\?\)"):
        _load(tiny, {"plants": {"CN_TM": {"lines": {"lathe_medum": {"unit_cost": 3}}}}})


def test_override_marked_add_adds(tiny):
    inst = _load(tiny, {"countries": {"+VN": {"name": "Vietnam"}},
                        "plants": {"+VN_TM": {"country": "VN", "owners": {"+TM": 1.0},
                                              "lines": {"lathe_medium": {"unit_cost": 5}}}}})
    assert inst.countries["VN"].name == "Vietnam"
    assert inst.plants["VN_TM"].owners == {"TM": 1.0}  # marks inside an add are dropped too
    assert inst.plants["VN_TM"].lines["lathe_medium"].unit_cost == 5


def test_override_giving_a_whole_record_needs_no_mark(tiny):
    # every required field of a plant (country, owners): taken as meant (instances/tm_ffg.yaml's
    # cf_tm_alone_in_china adds a plant and a channel so)
    inst = _load(tiny, {"plants": {"JP_TM2": {"country": "JP", "owners": {"TM": 1.0}}}})
    assert "JP_TM2" in inst.plants


def test_override_record_without_required_fields_needs_the_mark(tiny):
    # a country has no required field, so a whole one cannot be told from a typo
    with pytest.raises(gpnopt.InstanceError, match=r"countries\.JPN: there is no 'JPN' to "
                       r"patch \(did you mean 'JP'\?\); to add it, write '\+JPN'$"):
        _load(tiny, {"countries": {"JPN": {"name": "Japan"}}})


def test_override_mark_on_an_existing_key_is_refused(tiny):
    with pytest.raises(gpnopt.InstanceError, match=r"plants\.JP_TM: adds 'JP_TM', which "
                       r"exists already"):
        _load(tiny, {"plants": {"+JP_TM": {"fixed_cost": 1}}})


def test_override_new_optional_field_and_removal_need_no_mark(tiny):
    # a field the base does not write, a list (sourcing_rules: lists replace), a removal
    inst = _load(tiny, {"plants": {"JP_TM": {"assembly_capacity": 500}},
                        "sourcing_rules": [{"plant": "CN_TM", "sources": {"countries": ["CN"]},
                                            "min_share": 0.5}]})
    assert inst.plants["JP_TM"].assembly_capacity == 500
    assert inst.sourcing_rules[0].plant == "CN_TM"
    inst = _load(tiny, {"plants": {"JP_TM": {"lines": {"lathe_medium": None}}}})
    assert "lathe_medium" not in inst.plants["JP_TM"].lines


def test_scenario_patch_is_checked_too(tiny):
    tiny["overrides"]["typo"] = {"suppliers": {"CN_POLL": {"components": {}}}}
    with pytest.raises(gpnopt.InstanceError, match=r"overrides\.typo\.suppliers\.CN_POLL: "
                       r"there is no 'CN_POLL' to patch \(did you mean 'CN_POOL'\?\)"):
        gpnopt.instance_from_dict(tiny, name="tiny.yaml", scenario="typo")


def test_override_adds_a_period_value(tiny):
    # keys of a per-period value are periods, never records
    tiny["periods"] = [{"id": "P1", "start": 2000, "length": 2},
                       {"id": "P2", "start": 2002, "length": 2}]
    inst = _load(tiny, {"markets": {"CN": {"demand": {"lathe_medium": {"quantity": {"P2": 90}}}}}})
    assert inst.markets["CN"].demand["lathe_medium"].quantity == 80  # the first period's
