"""Family 27, regional supplier pools: one pool that delivers within several countries.

Micro-instances on the base of ``conftest.py`` (P in A makes m at unit cost 10; M in A buys
10 units at 30), where each unit of m needs one component c. Pool S (country B) sells c at 4;
every cross-border lane costs 5 a unit (``trade.default_transport``). With ``serves: [A]``
S delivers to P from within A: no transport. The pool stays one record: one capacity, one
price for every country it serves. (No rows of its own: the flow arcs' origin changes in the
derived data, ``gpnopt.data``; ``docs/formulation.md`` section 27.)
"""

from __future__ import annotations

import pytest

import gpnopt

from .conftest import flow, micro, produced, solve

BASE = {
    "countries": {"B": {}, "C": {}},
    "components": {"c": {}},
    "products": {"m": {"bom": {"c": 1}}},
    "suppliers": {"S": {"country": "B", "components": {"c": {"unit_price": 4}}}},
    "trade": {"default_transport": {"unit_cost": 5}},
}


def _serves(*countries: str, **offer) -> dict:
    return {"suppliers": {"S": {"serves": list(countries),
                                **({"components": {"c": {"unit_price": 4, **offer}}} if offer else {})}}}


def test_a_served_country_buys_without_the_cross_border_lane():
    # Without serves: c costs 4 + 5 = 9 at P: 10 * (30 - 10 - 9) = 110. Serving A: 4 at P,
    # 10 * (30 - 10 - 4) = 160; the flow's source country is A.
    assert solve(micro(BASE)).objective == pytest.approx(110)
    res = solve(micro(BASE, _serves("A")))
    assert res.objective == pytest.approx(160)
    df = res.tables["component_flows"]
    assert list(df.loc[df["source"] == "S", "source_country"]) == ["A"]


def test_an_unserved_country_still_buys_across_the_border():
    # Serving C only changes nothing for P in A: 110.
    assert solve(micro(BASE, _serves("C"))).objective == pytest.approx(110)


def test_one_pool_one_capacity_across_the_countries_it_serves():
    # Q in C (unit cost 10) serves N in C (10 units at 30). S serves A and C with a capacity
    # of 10 (binding): one plant buys S's 10 units at 4 (16 a machine), the other buys from
    # pool F (in B, not regional) at 4 + 5 (11 a machine): 160 + 110 = 270. Two copies of S,
    # one per country, would give 320: the shared capacity is what a copy per country loses.
    raw = micro(BASE, _serves("A", "C", capacity=10), {
        "plants": {"Q": {"country": "C", "owners": {"F": 1.0}, "lines": {"m": {"unit_cost": 10}}}},
        "markets": {"N": {"country": "C", "demand": {"m": {"quantity": 10, "price": 30}}}},
        "suppliers": {"F": {"country": "B", "components": {"c": {"unit_price": 4}}}},
    })
    res = solve(raw)
    assert res.objective == pytest.approx(270)
    assert flow(res, "S") == pytest.approx(10)
    assert flow(res, "F") == pytest.approx(10)
    assert produced(res, "P") + produced(res, "Q") == pytest.approx(20)


def test_a_local_content_rule_counts_the_pool_in_the_plant_country():
    # Rule: all of P's c from sources in A. Without serves S is in B: P cannot buy c, makes
    # nothing (0). Serving A, S counts as a source in A for P: 160.
    rule = {"sourcing_rules": [{"plant": "P", "sources": {"countries": ["A"]}, "min_share": 1.0}]}
    assert solve(micro(BASE, rule)).objective == pytest.approx(0)
    assert solve(micro(BASE, rule, _serves("A"))).objective == pytest.approx(160)


def test_an_unknown_served_country_is_refused():
    with pytest.raises(gpnopt.InstanceError, match=r"suppliers\.S\.serves: unknown country 'D'"):
        gpnopt.instance_from_dict(micro(BASE, _serves("D")), name="micro")
