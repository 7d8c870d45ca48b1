"""Analysis of solved networks, from Result tables or Solution rows only (never the Pyomo model).

:func:`analyse` is the analysis step of ``gpnopt.solve`` (and of a sweep's ``rebuild`` mode):
it evaluates the instance's expectations and adds the ``specialization`` table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gpnopt.analysis.expectations import evaluate_expectations
from gpnopt.analysis.specialization import (
    SPECIALIZATION_COLUMNS,
    specialization_rows,
    specialization_table,
)
from gpnopt.results import solution_of
from gpnopt.results.tables import Tables, records_frame

if TYPE_CHECKING:
    from gpnopt.results import Result
    from gpnopt.schema import Instance

__all__ = ["analyse"]


def analyse(instance: Instance, result: Result) -> Result:
    """Evaluate ``instance``'s expectations on ``result`` and add its ``specialization``
    table (both from the same rows of the Result's tables); returns ``result``."""
    rows = solution_of(result)
    result.expectations = evaluate_expectations(instance, rows)
    if isinstance(result.tables, Tables):  # made a DataFrame when first read
        result.tables.set_rows(
            "specialization", specialization_rows(instance, rows), SPECIALIZATION_COLUMNS,
            records_frame,
        )
    else:
        result.tables["specialization"] = specialization_table(instance, rows)
    return result
