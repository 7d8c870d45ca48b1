"""Family 15, learning and unlocks: unit costs that fall and quality that rises with
cumulative output, and options unlocked by output elsewhere or by a training programme.

Indices: x an option that states ``learning`` or ``requires``: a line ``("line", p, i)`` or
a make option ``("make", p, k)``; s = 1..S_x its steps (step s is ``learning[s-1]``, with
threshold A_s); t a period, tau an earlier one, L_t its length in years, pos(t) its
position (0 for the first); d a plant supplied, q a quality level. In period t,
out[x,t] is the option's output (``production[p,i]`` of a line, ``v_output[p,k]`` of a
make option) and u[x,t] its binary (``v_line_open[p,i]``, ``v_in_house[p,k]``).
Cumulative output before t (0 in the first period, and in the one period of a one-period
instance):

    cum[x,t] = sum_{tau < t} L_tau * out[x,tau]

Variables, in the block of period t like every variable (``m.period[t].v_step[x,s]`` is
v_step[x,s,t]; a one-period model holds them itself):

    v_step[x,s]               binary  step s of x is reached
    v_saving[x,s]             >= 0    output of x made at step s's lower unit cost
    v_quality_flow[k,p,d,q]   >= 0    flow of k from p to d that counts at quality q
    v_unlocked[x]             binary  the output x requires has been made
    v_train[x]                binary  x's training programme starts in the period

Rows of the steps (each step a named row; with ``learning_from`` the steps count the
cumulative output of that other option z_x instead, cum[z_x,t]: a spillover, such as a
subsidiary's output lowering its parent's cost):

    learning_step[x,s,t]:       A_s * v_step[x,s,t] <= cum[x,t]    (cum[z_x,t] with learning_from)
    learning_step_kept[x,s,t]:  v_step[x,s,t-1] <= v_step[x,s,t]    (t after the first)
    learning_step_order[x,s]:   v_step[x,s] <= v_step[x,s-1]          (s >= 2, in each period)

A cost step s (``unit_cost`` c_s) lowers the unit cost from c_{s-} (the cost before it: the
last earlier cost step's, or the option's ``unit_cost``) on all output once reached, with
U_x the option's output bound (``max_production[p,i]``, ``max_output[p,k]``):

    learning_saving_output[x,s]:   v_saving[x,s] <= out[x]
    learning_saving_reached[x,s]:  v_saving[x,s] <= U_x * v_step[x,s]
    learning_saving_floor[x,s]:    v_saving[x,s] >= out[x] - U_x * (1 - v_step[x,s])

so v_saving[x,s] = out[x] * v_step[x,s], and the cost of x is c_s * out[x] at the highest
cost step reached. A quality step of a make option (``quality``, never lower) lets the
option's output count at that quality in family 7 (quality q above the option's own, for
every lane (k,p,d) and level q that a use at d asks for; s(q) the first step of quality at
least q):

    learning_quality_flow[k,p,d,q]:     v_quality_flow[k,p,d,q] <= v_flow[k,p,d]
    learning_quality_reached[k,p,d,q]:  v_quality_flow[k,p,d,q] <= max_need[d,k] * v_step[x,s(q)]

and ``quality_cover[d,k,q]`` counts sum_p v_quality_flow[k,p,d,q] among its good supply.

Unlocks. ``requires.output`` (R_x units of option y_x) and ``requires.training`` (cost C_x,
lag l_x periods); either unlocks x:

    unlock_output[x,t]:  R_x * v_unlocked[x,t] <= cum[y_x,t]
    unlock[x,t]:         u[x,t] <= v_unlocked[x,t] + sum_{tau: pos(tau) + l_x <= pos(t)} v_train[x,tau]
    training_once[x]:    sum_t v_train[x,t] <= 1                     (multi-period)

(a term is there only if x states that condition). A training programme started in t
unlocks x from the period l_x positions later (lag 0: t itself).

Money. In every period the plant's yearly cost (family 11) gains

    learning_cost[p] = - sum_{x at p, cost steps s} (c_{s-} - c_s) * v_saving[x,s]
                       + training charge

so the savings enter the plant's profit, its owners' firm profits and (weighted by W_t)
the NPV. The training charge: in a one-period instance, the annuity of the programme's
cost, ``annuity(r, n_x) * C_x * v_train[x]`` with n_x the option's ``lifetime`` or
``finance.asset_lifetime`` (like the capital charge: the one period is a typical year);
in a multi-period instance none: the programme is an outlay of the plant in the period it
starts, ``learning_outlay[p,t] = sum_{x at p} C_x * v_train[x,t]``, part of the period
builder's ``outlay[p,t]`` (the NPV subtracts D_t times it, each owner its equity share in
t). The training cost is not in capital budgets.

One-period instances: cum is 0, so no step is reached (the option keeps its own cost and
quality), an output requirement is never met, and a training of lag 0 can unlock (its
annuity paid); a lag of 1 or more never unlocks. v_step is 1 only where the objective
gains by it: a step whose saving no objective term counts (a plant outside the equity of a
``firm:F`` objective) may be reported unreached, its plant's cost then at the higher unit
cost (a one-period ``firm:F`` solve's second stage, over all profits, takes it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo
from pyomo.core.expr.numeric_expr import SumExpression

from gpnopt.data import ModelData
from gpnopt.dynamics import ONE_PERIOD, Learnable, annuity
from gpnopt.errors import InstanceError
from gpnopt.horizon_data import HorizonData
from gpnopt.model.bounds import states_upper
from gpnopt.model.quality import quality_cover_terms, quality_levels
from gpnopt.model.variables import le, linear, production_term, term, var_tables
from gpnopt.schema import TIER_RANK, Instance

LINE = "line"
"""Kind of an option that is a product line (p, i)."""
MAKE = "make"
"""Kind of an option that is a make option (p, k)."""

Option = tuple[str, str, str]
"""An option that learns or is gated: (kind, plant, product or component)."""


def learning_options(inst: Instance) -> list[Option]:
    """The lines and make options of ``inst`` that state ``learning`` or ``requires``."""
    out: list[Option] = []
    for p, plant in inst.plants.items():
        for i, line in plant.lines.items():
            if line.learning or line.requires is not None:
                out.append((LINE, p, i))
        for k, opt in plant.components.items():
            if opt.learning or opt.requires is not None:
                out.append((MAKE, p, k))
    return out


def states_learning(inst: Instance) -> bool:
    """Whether any line or make option of ``inst`` states ``learning`` or ``requires``."""
    return bool(learning_options(inst))


def option_spec(inst: Instance, x: Option) -> Learnable:
    """The line or make option record of option ``x``."""
    kind, p, item = x
    plant = inst.plants[p]
    return plant.lines[item] if kind == LINE else plant.components[item]


@dataclass(frozen=True)
class _Period:
    """One period as the cross-period rows see it: its block, data and length."""

    id: str
    block: Any
    data: ModelData
    length: float


def _present(data: ModelData, x: Option) -> bool:
    """Whether option ``x`` is in the period's index sets (a line within the plant's tier)."""
    kind, p, item = x
    return (p, item) in (data.max_production if kind == LINE else data.max_output)


def _out_term(b: Any, x: Option, coef: float) -> Any:
    """``coef * out[x]`` in block ``b``."""
    kind, p, item = x
    if kind == LINE:
        return production_term(b, coef, p, item)
    return term(coef, var_tables(b).output[p, item])


def _binary(b: Any, x: Option) -> Any:
    kind, p, item = x
    v = var_tables(b)
    return v.line_open[p, item] if kind == LINE else v.in_house[p, item]


def _bound(data: ModelData, x: Option) -> float:
    kind, p, item = x
    u = data.max_production[p, item] if kind == LINE else data.max_output[p, item]
    if not math.isfinite(u):
        msg = f"plants.{p}: the output of {item} has no finite bound; learning needs one"
        raise InstanceError(msg)
    return u


def _required(inst: Instance, x: Option) -> Option | None:
    """The option whose cumulative output unlocks ``x`` (None without such a requirement)."""
    req = option_spec(inst, x).requires
    if req is None or req.output is None:
        return None
    o = req.output
    return (LINE, o.plant, o.product) if o.product is not None else (MAKE, o.plant, o.component)


def _learning_source(inst: Instance, x: Option) -> Option:
    """The option whose cumulative output the steps of ``x`` count: ``learning_from`` if
    stated (another line or make option), else ``x`` itself."""
    src = option_spec(inst, x).learning_from
    if src is None:
        return x
    return (LINE, src.plant, src.product) if src.product is not None else (MAKE, src.plant, src.component)


def add_learning_block(b: Any, data: ModelData, *, annuity_training: bool) -> None:
    """Add the per-period part of learning to block (or one-period model) ``b``.

    The step, saving, quality-flow, unlock and training variables, the rows inside the
    period and ``b.learning_cost[p]`` (:func:`add_learning_cost`). Call before the profits
    (family 11) are built; the quality rows (family 7) must exist already.

    Args:
        b: the block of one period, or a one-period model.
        data: the period's derived data.
        annuity_training: charge each training programme's annuity in the yearly cost (a
            one-period instance); false leaves it out (an outlay in the NPV).
    """
    inst = data.instance
    xs = [x for x in learning_options(inst) if _present(data, x)]
    if not xs:
        return
    steps = [(*x, s) for x in xs for s in range(1, len(option_spec(inst, x).learning) + 1)]
    if steps:
        b.learning_steps = pyo.Set(initialize=steps, dimen=4, ordered=True, doc="steps (x, s)")
        b.v_step = pyo.Var(b.learning_steps, domain=pyo.Binary, doc="step s of x reached")
    step = dict(b.v_step.items()) if steps else {}
    _add_savings(b, data, xs, step)
    _add_quality_steps(b, data, xs, step)
    ordered = [(*x, s) for (*x, s) in steps if s >= 2]
    if ordered:

        @b.Constraint(ordered, doc="v_step[x,s] <= v_step[x,s-1]")
        def learning_step_order(b, kind, p, item, s):
            return le([step[kind, p, item, s], term(-1, step[kind, p, item, s - 1])], 0)

    gated_out = [x for x in xs if _required(inst, x) is not None]
    if gated_out:
        b.gated_output = pyo.Set(initialize=gated_out, dimen=3, ordered=True)
        b.v_unlocked = pyo.Var(b.gated_output, domain=pyo.Binary, doc="requirement met")
    trained = [x for x in xs if (r := option_spec(inst, x).requires) and r.training]
    if trained:
        b.trained = pyo.Set(initialize=trained, dimen=3, ordered=True)
        b.v_train = pyo.Var(b.trained, domain=pyo.Binary, doc="training starts")
        b.training_cost = pyo.Param(
            b.trained,
            initialize={x: option_spec(inst, x).requires.training.cost for x in trained},
            doc="C_x, the one-off cost of x's training programme",
        )
    add_learning_cost(b, data, annuity_training=annuity_training)


def _drops(inst: Instance, x: Option) -> dict[int, float]:
    """Step -> c_{s-} - c_s, the fall of the unit cost at each cost step of ``x``."""
    spec = option_spec(inst, x)
    before = spec.unit_cost
    out: dict[int, float] = {}
    for s, st in enumerate(spec.learning, start=1):
        if st.unit_cost is not None:
            out[s] = before - st.unit_cost
            before = st.unit_cost
    return out


def add_learning_cost(b: Any, data: ModelData, *, annuity_training: bool) -> None:
    """``b.learning_cost[p]``: the change of plant p's yearly cost from learning.

    Minus the savings of the cost steps, plus (``annuity_training``, one-period instances)
    each training programme's annuity; built from the variables :func:`add_learning_block`
    added, so that a re-solve with new costs can rebuild it alone.
    """
    inst = data.instance
    cost: dict[str, list] = {}
    if b.component("v_saving") is not None:
        drops: dict[Option, dict[int, float]] = {}
        for key, var in b.v_saving.items():
            x = key[:3]
            if x not in drops:
                drops[x] = _drops(inst, x)
            cost.setdefault(x[1], []).append(term(-drops[x][key[3]], var))
    if annuity_training and b.component("v_train") is not None:
        for x, var in b.v_train.items():
            spec = option_spec(inst, x)
            n = spec.lifetime or inst.finance.asset_lifetime
            rate = annuity(inst.finance.discount_rate, n) * spec.requires.training.cost
            cost.setdefault(x[1], []).append(term(rate, var))
    if cost:
        b.learning_cost = pyo.Expression(
            list(cost), rule=lambda b, p: linear(cost[p]), doc="learning change of cost[p]"
        )


def _add_savings(b: Any, data: ModelData, xs: list[Option], step: dict) -> None:
    """Cost steps: ``v_saving`` and its three rows."""
    inst = data.instance
    saving_keys = [(*x, s) for x in xs for s in _drops(inst, x)]
    if not saving_keys:
        return
    b.saving_steps = pyo.Set(initialize=saving_keys, dimen=4, ordered=True)
    b.v_saving = pyo.Var(b.saving_steps, domain=pyo.NonNegativeReals, doc="output at step cost")
    saving = dict(b.v_saving.items())
    bound = {x: _bound(data, x) for x in xs}

    @b.Constraint(b.saving_steps, doc="v_saving[x,s] <= out[x]")
    def learning_saving_output(b, kind, p, item, s):
        x = (kind, p, item)
        return le([saving[kind, p, item, s], _out_term(b, x, -1)], 0, general=True)

    @b.Constraint(b.saving_steps, doc="v_saving[x,s] <= U_x * v_step[x,s]")
    def learning_saving_reached(b, kind, p, item, s):
        u = bound[kind, p, item]
        return le([saving[kind, p, item, s], term(-u, step[kind, p, item, s])], 0)

    @b.Constraint(b.saving_steps, doc="v_saving[x,s] >= out[x] - U_x * (1 - v_step[x,s])")
    def learning_saving_floor(b, kind, p, item, s):
        # out - saving + U*step <= U
        x = (kind, p, item)
        u = bound[x]
        terms = [_out_term(b, x, 1), term(-1, saving[kind, p, item, s])]
        return le([*terms, term(u, step[kind, p, item, s])], u, general=True)


def _add_quality_steps(b: Any, data: ModelData, xs: list[Option], step: dict) -> None:
    """Quality steps of make options: ``v_quality_flow``, its rows, and the quality rows
    of family 7 amended to count it."""
    inst = data.instance
    levels = quality_levels(data)
    out_of = data.flows_out_of()
    keys: dict[tuple[str, str, str, int], tuple[str, str, str, int]] = {}  # (k,p,d,q) -> step
    for x in xs:
        kind, p, k = x
        if kind != MAKE:
            continue
        spec = option_spec(inst, x)
        own = TIER_RANK[spec.quality]
        first: dict[int, int] = {}  # level -> first step reaching it
        for s, st in enumerate(spec.learning, start=1):
            if st.quality is not None:
                for q in range(own + 1, TIER_RANK[st.quality] + 1):
                    first.setdefault(q, s)
        if not first:
            continue
        for a in out_of.get((p, k), ()):
            d = a[2]
            for q in levels.get((d, k), ()):
                if q in first:
                    keys[k, p, d, q] = (*x, first[q])
    if not keys:
        return
    b.quality_arcs = pyo.Set(initialize=list(keys), dimen=4, ordered=True)
    b.v_quality_flow = pyo.Var(b.quality_arcs, domain=pyo.NonNegativeReals, doc="learned quality")
    qflow = dict(b.v_quality_flow.items())
    flow = var_tables(b).flow
    need = data.max_need

    @b.Constraint(b.quality_arcs, doc="v_quality_flow[k,p,d,q] <= v_flow[k,p,d]")
    def learning_quality_flow(b, k, p, d, q):
        return le([qflow[k, p, d, q], term(-1, flow[k, p, d])], 0)

    @b.Constraint(b.quality_arcs, doc="v_quality_flow[k,p,d,q] <= max_need[d,k] * v_step[x,s(q)]")
    def learning_quality_reached(b, k, p, d, q):
        return le([qflow[k, p, d, q], term(-need.get((d, k), 0.0), step[keys[k, p, d, q]])], 0)

    extra: dict[tuple[str, str, int], list] = {}
    for (k, _p, d, q), x in qflow.items():
        extra.setdefault((d, k, q), []).append(term(-1, x))
    into = data.flows_into()
    for key, terms in extra.items():
        row = b.quality_cover[key]
        row.set_value(le([*quality_cover_terms(b, data, key, into), *terms], 0, general=True))


def add_learning_rows(b_top: Any, periods: list[_Period]) -> None:
    """The rows across periods (``learning_step``, ``learning_step_kept``, ``unlock_output``,
    ``unlock``, ``training_once``) on ``b_top``, over ``periods`` in order."""
    pos = {per.id: n for n, per in enumerate(periods)}
    step_rows: dict[tuple, list] = {}
    kept_rows: dict[tuple, list] = {}
    unlock_out: dict[tuple, list] = {}
    unlock_rows: dict[tuple, list] = {}
    trains: dict[Option, list] = {}
    for n, per in enumerate(periods):
        b, inst = per.block, per.data.instance
        if all(b.component(c) is None for c in ("learning_steps", "gated_output", "trained")):
            continue
        earlier = periods[:n]
        if b.component("learning_steps") is not None:
            for key, z in b.v_step.items():
                x = key[:3]
                a = option_spec(inst, x).learning[key[3] - 1].after
                source = _learning_source(inst, x)
                step_rows[(*key, per.id)] = [term(a, z), *_cum_terms(earlier, source)]
                prev = periods[n - 1].block if n else None
                if prev is not None and prev.component("v_step") is not None and key in prev.v_step:
                    kept_rows[(*key, per.id)] = [prev.v_step[key], term(-1, z)]
        if b.component("gated_output") is not None:
            for x, z in b.v_unlocked.items():
                req = option_spec(inst, x).requires.output
                unlock_out[(*x, per.id)] = [
                    term(req.quantity, z),
                    *_cum_terms(earlier, _required(inst, x)),
                ]
        for x in learning_options(inst):
            spec = option_spec(inst, x)
            if spec.requires is None or not _present(per.data, x):
                continue
            terms = [_binary(b, x)]
            if spec.requires.output is not None:
                terms.append(term(-1, b.v_unlocked[x]))
            if spec.requires.training is not None:
                trains.setdefault(x, []).append(b.v_train[x])
                lag = spec.requires.training.lag
                for tau in periods[: n + 1]:
                    t_b = tau.block
                    if (
                        pos[tau.id] + lag <= n
                        and t_b.component("v_train") is not None
                        and x in t_b.v_train
                    ):
                        terms.append(term(-1, t_b.v_train[x]))
            unlock_rows[(*x, per.id)] = terms
    _add_rows(b_top, step_rows, kept_rows, unlock_out, unlock_rows, trains, len(periods))


def _cum_terms(earlier: list[_Period], y: Option | None) -> list:
    """``- cum[y,t]``: minus the output of y in the periods before t, times their lengths."""
    if y is None:
        return []
    return [_out_term(tau.block, y, -tau.length) for tau in earlier if _present(tau.data, y)]


def _add_rows(b, step_rows, kept_rows, unlock_out, unlock_rows, trains, n_periods) -> None:
    if step_rows:

        @b.Constraint(list(step_rows), doc="A_s * v_step[x,s,t] <= cum[x,t]")
        def learning_step(b, *key):
            return le(step_rows[key], 0, general=True)

    if kept_rows:

        @b.Constraint(list(kept_rows), doc="v_step[x,s,t-1] <= v_step[x,s,t]")
        def learning_step_kept(b, *key):
            return le(kept_rows[key], 0)

    if unlock_out:

        @b.Constraint(list(unlock_out), doc="R_x * v_unlocked[x,t] <= cum[y_x,t]")
        def unlock_output(b, *key):
            return le(unlock_out[key], 0, general=True)

    if unlock_rows:

        @b.Constraint(list(unlock_rows), doc="u[x,t] <= v_unlocked[x,t] + trainings by t - lag")
        def unlock(b, *key):
            return le(unlock_rows[key], 0)

    many = {x: v for x, v in trains.items() if len(v) > 1}
    if n_periods > 1 and many:

        @b.Constraint(list(many), doc="sum_t v_train[x,t] <= 1")
        def training_once(b, *x):
            return le(many[x], 1)


def add_learning_single(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Learning and unlocks of a one-period model (module docstring): cumulative output
    before the one period is 0; training is charged as an annuity."""
    if not states_learning(data.instance):
        return
    add_learning_block(m, data, annuity_training=True)
    add_learning_rows(m, [_Period(ONE_PERIOD, m, data, 1.0)])


def training_outlays(m: pyo.ConcreteModel) -> list[tuple[str, str, float, Any]]:
    """The training programmes of multi-period model ``m``: (plant, period, C_x, v_train)
    rows; the NPV subtracts ``D_t * C_x * v_train[x,t]`` from the plant's NPV profit (and
    from its owners' by their equity in t)."""
    out: list[tuple[str, str, float, Any]] = []
    for t in m.period_ids:
        b = m.period[t]
        if b.component("v_train") is None:
            continue
        for x, var in b.v_train.items():
            out.append((x[1], t, float(b.training_cost[x]), var))
    return out


def add_learning(m: pyo.ConcreteModel, hdata: HorizonData) -> None:
    """Learning and unlocks of multi-period model ``m`` (module docstring).

    Called by the period builder after the blocks (families 1-11 per period) and the
    assets' state, before the net present value: adds each period's learning variables and
    rows to its block, adds ``learning_cost[p]`` to the block's ``cost[p]``, the rows across
    the periods to ``m``, and ``m.learning_outlay[p,t]`` (training started in t, undiscounted),
    which the outlays of the NPV include.
    """
    ids = list(m.period_ids)
    if not any(states_learning(hdata.data[t].instance) for t in ids):
        return
    periods = []
    for t in ids:
        b, data = m.period[t], hdata.data[t]
        add_learning_block(b, data, annuity_training=False)
        learned = b.component("learning_cost")
        if learned is not None:
            for p in learned:
                old = b.cost[p].expr
                args = list(old.args) if old.__class__ is SumExpression else [old]
                b.cost[p].set_value(SumExpression([*args, learned[p].expr]))
        periods.append(_Period(t, b, data, float(hdata.horizon.length[t])))
    add_learning_rows(m, periods)
    outlays: dict[tuple[str, str], list] = {}
    for p, t, cost, var in training_outlays(m):
        outlays.setdefault((p, t), []).append(term(cost, var))
    if outlays:
        m.learning_outlay = pyo.Expression(
            list(outlays),
            rule=lambda m, p, t: linear(outlays[p, t]),
            doc="learning_outlay[p,t] = sum_x C_x * v_train[x,t]",
        )


@states_upper("v_saving")
def _saving_upper(var: Any, data: ModelData) -> float:
    """Output made at a step's cost: at most the option's output bound."""
    kind, p, item, _s = var.index()
    return (data.max_production if kind == LINE else data.max_output)[p, item]
