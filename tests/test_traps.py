"""Traps refused or warned (issue 14, "Also"): channels without owners, markets no channel
reaches, overrides that would create a record by a typo (``gpnopt.checks.traps``,
``gpnopt.patches.patch_adds``)."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path

import pytest
import yaml

import gpnopt
from gpnopt.errors import GpnoptWarning
from gpnopt.io import read_yaml
from model.conftest import merge, micro, solve

INSTANCES = Path(__file__).resolve().parents[1] / "instances"


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


def _unlisted() -> dict:
    # N buys m, but the only channel lists M only
    return merge(_channels(C={"markets": ["M"], "owners": {"F": 1.0}}),
                 {"markets": {"N": {"country": "A", "demand": {"m": {"quantity": 5, "price": 30}}}}})


def test_market_no_channel_lists_is_warned_of_in_the_file_as_written():
    with pytest.warns(GpnoptWarning, match=r"markets\.N: the market has demand, but no channel "
                      r"lists it in its markets, so it can never be served"):
        gpnopt.instance_from_dict(_unlisted(), name="f.yaml")


def test_market_no_channel_lists_under_a_scenario_is_logged_not_warned_of(caplog):
    # A counterfactual that removes the only channel to a market means to leave it unserved
    raw = merge(_unlisted(), {"markets": {"N": {"demand": {"m": {"quantity": 0}}}}})
    raw["overrides"] = {"grow_n": {"markets": {"N": {"demand": {"m": {"quantity": 5}}}}}}
    with warnings.catch_warnings(), caplog.at_level(logging.INFO, logger="gpnopt.checks"):
        warnings.simplefilter("error", GpnoptWarning)
        gpnopt.instance_from_dict(raw, name="f.yaml")  # as written: N has no demand
        gpnopt.instance_from_dict(raw, name="f.yaml", scenario="grow_n")
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


# --- gpnopt validate applies every scenario a file names ------------------------------------

def _validate(tmp_path, raw, *args):
    from typer.testing import CliRunner

    from gpnopt.cli import app

    path = tmp_path / "f.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path, CliRunner().invoke(app, ["validate", str(path), *args])


def test_validate_refuses_a_typo_in_a_named_scenario(tiny, tmp_path):
    # The file as written is sound; the typo shows only when the scenario is applied
    tiny["overrides"]["grow_china"] = {"markets": {"CNN": {"demand": {"lathe_medium": {"quantity": 90}}}}}
    tiny["scenarios"]["boom"] = ["grow_china"]
    path, res = _validate(tmp_path, tiny)
    assert res.exit_code == 1, res.output
    assert f"{path}: overrides.grow_china.markets.CNN: there is no 'CNN' to patch (did you " \
        "mean 'CN'?)" in " ".join(res.output.split())
    path, res = _validate(tmp_path, tiny, "--scenario", "base")  # the file as written only
    assert res.exit_code == 0, res.output
    assert "and its" not in res.output


def test_validate_checks_a_scenario_as_a_whole(tiny, tmp_path):
    # The second override patches the plant the first adds: fine together, and neither alone
    # is checked (both are named by the scenario)
    tiny["overrides"]["vietnam"] = {"countries": {"+VN": {"name": "Vietnam"}},
                                    "plants": {"+VN_TM": {"country": "VN", "owners": {"TM": 1.0}}}}
    tiny["overrides"]["vn_line"] = {"plants": {"VN_TM": {"lines": {"+lathe_medium": {"unit_cost": 5}}}}}
    tiny["scenarios"]["vietnam"] = ["vietnam", "vn_line"]
    _, res = _validate(tmp_path, tiny)
    assert res.exit_code == 0, res.output
    assert "and its 2 scenarios" in res.output  # expensive_china and vietnam


def test_validate_warns_of_an_override_no_scenario_names_that_fails_alone(tiny, tmp_path):
    tiny["overrides"]["vn_line"] = {"plants": {"VN_TM": {"lines": {"+lathe_medium": {"unit_cost": 5}}}}}
    _, res = _validate(tmp_path, tiny)
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "and its 1 scenario, 1 override alone" in text
    assert "overrides.vn_line.plants.VN_TM: there is no 'VN_TM' to patch" in text
    assert "(applied alone; if it is meant only together with another override, name a " \
        "scenario that combines them)" in text


@pytest.mark.parametrize("name", ["tiny.yaml", "tm_ffg.yaml", "tm_ffg_timeline.yaml",
                                  "ems_sme.yaml", "global_smes.yaml", "ns_casting.yaml"])
def test_every_scenario_of_the_instances_is_valid(name):
    from gpnopt.named_scenarios import scenario_problems

    problems, lone, (named, _alone) = scenario_problems(INSTANCES / name)
    assert (problems, lone) == ([], [])
    assert named > 0
