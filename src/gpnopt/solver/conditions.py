"""Conditions imposed on a model: ``sum coef * component[index]`` compared with a number.

A :class:`Condition` names the model's own variables and named expressions (``v_line_open``,
``v_flow``, ``technicians``, ...; see :mod:`gpnopt.model.variables`), so the layers above
the solver can state "the line is closed" or "at least one unit flows" without Pyomo.
:mod:`gpnopt.solver.forced` turns a condition into column bounds or a row of a kept HiGHS
object; :func:`add_conditions` adds it to a Pyomo model (the elastic diagnosis).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyomo.core as pyo


@dataclass(frozen=True)
class Condition:
    """``sum(coef * model.<component>[index]) <sense> rhs``.

    Attributes:
        terms: (component name, index, coefficient) triples; the component is a variable
            or a named expression of the model.
        sense: ``<=`` or ``>=``.
        rhs: the number on the right.
    """

    terms: tuple[tuple[str, Any, float], ...]
    sense: str
    rhs: float

    def __post_init__(self) -> None:
        if self.sense not in ("<=", ">="):
            msg = f"condition sense {self.sense!r}: use <= or >="
            raise ValueError(msg)


def condition_body(m: pyo.ConcreteModel, cond: Condition) -> Any:
    """The Pyomo expression ``sum coef * component[index]`` of ``cond`` on ``m``.

    Raises:
        KeyError: a component or an index that ``m`` does not have.
    """
    body: Any = 0
    for name, index, coef in cond.terms:
        comp = getattr(m, name, None)
        if comp is None:
            msg = f"the model has no component {name!r}"
            raise KeyError(msg)
        body = body + coef * comp[index]
    return body


def add_conditions(m: pyo.ConcreteModel, conditions: tuple[Condition, ...]) -> None:
    """Add ``conditions`` to ``m`` as hard rows (``m.imposed``)."""
    if not conditions:
        return
    m.imposed = pyo.ConstraintList()
    for c in conditions:
        body = condition_body(m, c)
        if isinstance(body, int | float):
            continue
        m.imposed.add(body <= c.rhs if c.sense == "<=" else body >= c.rhs)
