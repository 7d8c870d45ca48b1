"""Results of a solve: the one reader of a solved model and the Result tables.

* :mod:`gpnopt.results.solution`: :func:`read_solution` reads a solved Pyomo model into a
  :class:`Solution` of plain rows (the only code that reads a solved model's values);
* :mod:`gpnopt.results.tables`: :class:`Result`, its DataFrames (:func:`make_result`, from a
  Solution) and writing them atomically.
"""

from gpnopt.atomic import write_text as atomic_write_text
from gpnopt.results.solution import (
    PROFIT_TYPES,
    ZERO,
    Solution,
    clean,
    profit_parts,
    read_solution,
)
from gpnopt.results.tables import (
    COLUMNS,
    TABLE_NAMES,
    Result,
    make_result,
    solution_of,
    tables_of,
)

__all__ = [
    "COLUMNS",
    "PROFIT_TYPES",
    "TABLE_NAMES",
    "ZERO",
    "Result",
    "Solution",
    "atomic_write_text",
    "clean",
    "make_result",
    "profit_parts",
    "read_solution",
    "solution_of",
    "tables_of",
]
