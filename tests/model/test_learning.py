"""Family 15, learning and unlocks: one-period instances (cumulative output before is 0).

In a one-period instance no learning step is reached and no output requirement is met
(nothing was made before the one period); a training programme of lag 0 can unlock an
option, and its cost is charged as an annuity, like capital. Multi-period micro-instances
(steps reached by early output, quality learned, unlocks by output and by training with a
lag, myopic versus perfect foresight) are in ``tests/model/test_learning_periods.py``.
"""

from __future__ import annotations

import pytest

from gpnopt.dynamics import annuity

from .conftest import flow, in_house, micro, plant_profit, solve

# The base micro-instance (P's line of m: unit cost 10; M buys 10 at 30; optimum 200) with
# a bill of materials: m needs 1 casting. S sells castings at 2; P may cast at 0.5 a unit
# (no fixed cost, no MPQ). Money at a 0% discount rate, assets last 10 years, so the annuity
# of a one-off cost C is C / 10.
CASTING = {
    "finance": {"discount_rate": 0.0, "asset_lifetime": 10},
    "components": {"casting": {"transfer_price": 1}},
    "products": {"m": {"bom": {"casting": 1}}},
    "plants": {"P": {"components": {"casting": {"unit_cost": 0.5}}}},
    "suppliers": {"S": {"country": "A", "components": {"casting": {"unit_price": 2}}}},
}


def training(cost: float, lag: int = 0) -> dict:
    """P's in-house casting needs a training programme of ``cost`` and ``lag``."""
    req = {"training": {"cost": cost, "lag": lag}}
    return {"plants": {"P": {"components": {"casting": {"requires": req}}}}}


def test_without_learning_p_casts():
    # Reference: casting in-house costs 10 * 0.5 = 5 < 20 buying: 300 - 100 - 5 = 195.
    res = solve(micro(CASTING))
    assert res.objective == pytest.approx(195)
    assert in_house(res, "P", "casting")


def test_a_cost_step_is_never_reached_in_one_period():
    # Binding: the line's unit cost would fall from 10 to 2 after 5 units, but nothing was
    # made before the one period: the cost stays 10, 10 * (30 - 10) = 200 (not 280).
    step = {"plants": {"P": {"lines": {"m": {"learning": [{"after": 5, "unit_cost": 2}]}}}}}
    res = solve(micro(step))
    assert res.objective == pytest.approx(200)
    assert plant_profit(res, "P") == pytest.approx(200)


def test_an_output_requirement_is_never_met_in_one_period():
    # Binding: in-house casting requires 1 unit of m made before; none was: P buys 10 at 2,
    # 300 - 100 - 20 = 180 (195 without the requirement).
    req = {"output": {"plant": "P", "product": "m", "quantity": 1}}
    res = solve(micro(CASTING, {"plants": {"P": {"components": {"casting": {"requires": req}}}}}))
    assert res.objective == pytest.approx(180)
    assert not in_house(res, "P", "casting")
    assert flow(res, "S", "P", "casting") == pytest.approx(10)


def test_a_cheap_training_of_lag_0_pays():
    # Not binding: training costs 50, a yearly charge of 50 / 10 = 5; casting in-house then
    # costs 5 + 5 = 10 < 20: 300 - 100 - 10 = 190, all in P's profit.
    res = solve(micro(CASTING, training(50)))
    assert res.objective == pytest.approx(190)
    assert in_house(res, "P", "casting")
    assert plant_profit(res, "P") == pytest.approx(190)


def test_a_dear_training_does_not_pay():
    # Binding: training costs 200, a charge of 20; 5 + 20 = 25 > 20 buying: P buys, 180.
    res = solve(micro(CASTING, training(200)))
    assert res.objective == pytest.approx(180)
    assert not in_house(res, "P", "casting")


def test_a_training_with_a_lag_never_unlocks_in_one_period():
    # Binding: lag 1, the first usable period is after the one period: P buys, 180.
    res = solve(micro(CASTING, training(0, lag=1)))
    assert res.objective == pytest.approx(180)
    assert not in_house(res, "P", "casting")


def test_the_training_charge_is_the_annuity_at_the_discount_rate():
    # At 8% over a lifetime of 5 years the charge is 50 * annuity(0.08, 5) = 12.52;
    # 5 + 12.52 < 20, so P trains: 300 - 100 - 5 - 12.52 = 182.48.
    life = {"plants": {"P": {"components": {"casting": {"lifetime": 5}}}}}
    res = solve(micro(CASTING, training(50), life, {"finance": {"discount_rate": 0.08}}))
    charge = 50 * annuity(0.08, 5)
    assert charge == pytest.approx(12.5228, abs=1e-4)
    assert res.objective == pytest.approx(195 - charge)
    assert in_house(res, "P", "casting")


def test_a_quality_step_is_never_reached_in_one_period():
    # Binding: m asks for high-quality castings; P casts medium, high after 1 unit made
    # before: never in one period, so P buys high castings from S: 180.
    high = {
        "products": {"m": {"bom": {"casting": {"quantity": 1, "min_quality": "high"}}}},
        "suppliers": {"S": {"components": {"casting": {"quality": "high"}}}},
        "plants": {
            "P": {
                "components": {
                    "casting": {"quality": "medium", "learning": [{"after": 1, "quality": "high"}]}
                }
            }
        },
    }
    res = solve(micro(CASTING, high))
    assert res.objective == pytest.approx(180)
    assert flow(res, "S", "P", "casting") == pytest.approx(10)
    assert flow(res, "P", "P", "casting") == pytest.approx(0)
    # Not binding: cast high from the start: 195.
    res = solve(
        micro(CASTING, high, {"plants": {"P": {"components": {"casting": {"quality": "high"}}}}})
    )
    assert res.objective == pytest.approx(195)


def test_no_learning_no_learning_rows():
    # An instance that states no learning gets none of the family's components.
    import gpnopt
    from gpnopt.data import build_data
    from gpnopt.model import build_model

    inst = gpnopt.instance_from_dict(micro(CASTING), name="micro")
    m = build_model(build_data(inst))
    assert m.component("v_step") is None
    assert m.component("learning_cost") is None
    inst = gpnopt.instance_from_dict(micro(CASTING, training(50)), name="micro")
    m = build_model(build_data(inst))
    assert m.component("unlock") is not None
    assert ("make", "P", "casting", "P1") in m.unlock


def test_a_re_solve_with_another_training_cost_rebuilds_the_charge():
    # The kept model of the ScenarioSolver re-solves a new training cost (an objective-only
    # change) with the charge rebuilt: 50 -> 190 (trains), 200 -> 180 (buys), as fresh solves.
    import gpnopt
    from gpnopt.solver import ScenarioSolver

    s = ScenarioSolver(threads=1)
    cheap = gpnopt.instance_from_dict(micro(CASTING, training(50)), name="micro")
    dear = gpnopt.instance_from_dict(micro(CASTING, training(200)), name="micro")
    assert s.solve(cheap).objective == pytest.approx(190)
    assert s.solve(dear).objective == pytest.approx(180)
    assert s.solve(cheap).objective == pytest.approx(190)
    assert (s.rebuilt, s.persistent) == (1, 2)


def test_the_explain_solver_re_solves_another_training_cost():
    # The kept ForcedSolver model (gpnopt explain) costs a variant with training cost 200
    # through a cost vector with the charge rebuilt: P then buys, 180; the base is 190.
    import gpnopt
    from gpnopt.solver import ForcedSolver

    fs = ForcedSolver(gpnopt.instance_from_dict(micro(CASTING, training(50)), name="micro"))
    assert fs.solve().objective == pytest.approx(190)
    dear = gpnopt.instance_from_dict(micro(CASTING, training(200)), name="micro")
    costs = fs.cost_vector(dear)
    assert costs is not None
    assert fs.solve(costs=costs).objective == pytest.approx(180)


def test_validation_of_learning_steps_and_requirements():
    # A quality step below the option's quality, and an option that requires only its own
    # output, are errors naming the path; its own output or a training is allowed.
    import gpnopt

    lower = {"plants": {"P": {"components": {"casting": {"quality": "high", "learning": [
        {"after": 5, "quality": "medium"}]}}}}}
    with pytest.raises(gpnopt.InstanceError, match=r"casting\.learning\[0\]\.quality: medium"):
        gpnopt.instance_from_dict(micro(CASTING, lower), name="micro")
    own = {"output": {"plant": "P", "component": "casting", "quantity": 5}}
    alone = {"plants": {"P": {"components": {"casting": {"requires": own}}}}}
    with pytest.raises(gpnopt.InstanceError, match="requires its own output"):
        gpnopt.instance_from_dict(micro(CASTING, alone), name="micro")
    either = {"plants": {"P": {"components": {"casting": {"requires": {
        **own, "training": {"cost": 50, "lag": 0}}}}}}}
    res = solve(micro(CASTING, either))
    assert res.objective == pytest.approx(190)  # unlocked by the training (as above)
