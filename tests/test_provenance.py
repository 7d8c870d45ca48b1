"""The provenance vocabulary: which text applies to which number, its kind, and the check."""

from __future__ import annotations

from pathlib import Path

import pytest

import gpnopt
from gpnopt.checks.provenance import check_provenance
from gpnopt.provenance import UNSTATED, kind_of, number_kinds, number_provenance


def test_kind_is_the_first_word():
    assert kind_of("case 1.10: two expatriates") == "case"
    assert kind_of("Source cs 7.5: 20% of a lathe") == "source"
    assert kind_of("  assumed: a round number") == "assumed"
    assert kind_of("cs 7.5: 20% of a lathe") is None
    assert kind_of("cases abound") is None  # a whole word, not a prefix
    assert kind_of("high 6 assumed") is None


INSTANCES = Path(__file__).parents[1] / "instances"
TINY = INSTANCES / "tiny.yaml"

RAW = {
    "plants": {
        "P": {
            "fixed_cost": 1,
            "lines": {"a": {"fixed_cost": 2, "unit_cost": 3}, "b": {"unit_cost": 4}},
            "components": {"k": {"unit_cost": 5, "capacity": 6}},
            "provenance": {
                "fixed_cost": "source cs 1: the plant",
                "lines": "assumed: the lines",
                "lines.b.unit_cost": "case 2: line b",
            },
        },
        "Q": {"fixed_cost": 7, "lines": {"a": {"unit_cost": 8, "provenance": "case 3"}},
              "provenance": "assumed: Q"},
    },
    "markets": {"M": {"demand": {"a": {"quantity": 9, "price": 10}},
                      "provenance": {"price": "source cs 4: prices"}}},
    "trade": {"transport": [{"unit_cost": 11, "provenance": "source cs 7.3"}, {"unit_cost": 12}]},
    "expectations": [{"id": "e", "kind": "makes", "at_least": 1, "provenance": "SF-H1"}],
}


def test_which_text_applies_to_which_number():
    """A record's text covers its subtree; a key nearest the record wins (the plant's
    ``lines``, not its ``fixed_cost``, covers ``lines.a.fixed_cost``); a dotted run from the
    record beats a shorter key there; a deeper record's own text wins; a number no key names
    takes the provenance above, or none."""
    kinds = number_kinds(RAW)
    assert kinds[("plants", "P", "fixed_cost")] == "source"
    assert kinds[("plants", "P", "lines", "a", "fixed_cost")] == "assumed"
    assert kinds[("plants", "P", "lines", "a", "unit_cost")] == "assumed"
    assert kinds[("plants", "P", "lines", "b", "unit_cost")] == "case"
    assert kinds[("plants", "P", "components", "k", "unit_cost")] == UNSTATED
    assert kinds[("plants", "Q", "fixed_cost")] == "assumed"
    assert kinds[("plants", "Q", "lines", "a", "unit_cost")] == "case"
    assert kinds[("markets", "M", "demand", "a", "price")] == "source"
    assert kinds[("markets", "M", "demand", "a", "quantity")] == UNSTATED
    assert kinds[("trade", "transport", 0, "unit_cost")] == "source"
    assert kinds[("trade", "transport", 1, "unit_cost")] == UNSTATED
    assert not any(p[0] == "expectations" for p in kinds)  # free-text provenances
    origin = number_provenance(RAW)[("plants", "P", "lines", "b", "unit_cost")]
    assert origin.where == ("plants", "P", "provenance", "lines.b.unit_cost")


def test_check_reports_each_text_once_where_it_is():
    raw = {"plants": {"P": {"fixed_cost": 1, "lines": {"a": {"unit_cost": 2}, "b": {"unit_cost": 3}},
                            "owners": {"F": 1.0}, "max_tier": "medium",
                            "provenance": {"lines": "cs 7.5: labour", "max_tier": "a rule",
                                           "fixed_cost": "assumed: small"}}},
           "expectations": [{"id": "e", "provenance": "SF-H1"}]}
    problems = check_provenance(raw)
    assert len(problems) == 1  # max_tier is no number; the expectation's text is free
    assert problems[0].startswith("plants.P.provenance.lines: the provenance 'cs 7.5: labour'")
    assert "(plants.P.lines.a.unit_cost and 1 more)" in problems[0]
    assert all(word in problems[0] for word in ("case", "source", "assumed"))


def test_overrides_are_checked_as_patches():
    raw = {"plants": {"P": {"fixed_cost": 1, "provenance": "assumed: x"}},
           "overrides": {"dear": {"plants": {"P": {"fixed_cost": 2, "provenance": "CF-1: dearer"}}},
                         "fine": {"plants": {"P": {"fixed_cost": 3, "provenance": "assumed: CF-2"}}}},
           "scenarios": {"s": ["dear"]}}
    problems = check_provenance(raw)
    assert [p.split(":")[0] for p in problems] == ["overrides.dear.plants.P.provenance"]


def test_a_file_refuses_a_number_without_kind(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text(TINY.read_text().replace('"assumed: round number"', '"round number"'))
    with pytest.raises(gpnopt.InstanceError) as info:
        gpnopt.load(path)
    assert info.value.problems == [
        f"{path}: components.casting.provenance: the provenance 'round number' of a number "
        "(components.casting.transfer_price) must begin with its kind: case (the case states "
        "the number), source (a public statistic: 'source cs 7.5: ...') or assumed "
        "('assumed: ... because ...')"
    ]


@pytest.mark.parametrize("name", ["tm_ffg.yaml", "tm_ffg_timeline.yaml"])
def test_the_case_states_a_kind_for_every_number(name):
    """Every number of the case's files has a provenance with a kind (the timeline inherits
    the rest from its base, tm_ffg.yaml)."""
    raw = gpnopt.io.read_yaml(INSTANCES / name)
    assert check_provenance(raw) == []
    kinds = number_kinds(raw)
    assert {"case", "source", "assumed"} <= set(kinds.values())
    if name == "tm_ffg.yaml":
        assert UNSTATED not in kinds.values()
