"""OR-Library capacitated facility location (CFLP) instances as gpnopt instances.

Beasley's OR-Library ``cap*`` files (J.E. Beasley, EJOR 33 (1988) 314-325) hold the classic
capacitated warehouse location problem with splittable customers. With warehouses
:math:`i = 1..m` (capacity :math:`s_i`, fixed cost :math:`f_i`) and customers
:math:`j = 1..n` (demand :math:`d_j`, cost :math:`c_{ij}` of serving *all* of customer
:math:`j`'s demand from warehouse :math:`i`), the CFLP is::

    min   sum_i f_i y_i + sum_ij (c_ij / d_j) q_ij
    s.t.  sum_i q_ij = d_j                 for every customer j   (all demand served)
          sum_j q_ij <= s_i y_i            for every warehouse i  (capacity when open)
          q_ij >= 0,  y_i in {0, 1}

where :math:`q_{ij}` is the quantity warehouse :math:`i` ships to customer :math:`j`.

The mapping onto gpnopt's schema (:func:`cap_to_instance`) is:

* one country ``X`` and one firm ``F`` (home country ``X``, so no line is foreign);
* one product ``good`` (tier ``low``, firm ``F``, no bill of materials);
* warehouse ``i`` is plant ``W001``, ``W002``, ... in ``X``, owned wholly by ``F``, with
  ``fixed_cost = f_i`` and one line for ``good`` with ``capacity = s_i``. The line's binary
  ``z_i`` then carries every row of the CFLP (the per-lane rows ``q_ij <= d_j z_i`` and the
  capacity row ``sum_j q_ij <= s_i z_i``), and the plant's ``y_i`` only its fixed cost and
  ``z_i <= y_i`` (``line_requires_plant``), so ``y_i = z_i`` wherever ``f_i > 0``. With the
  capacity on the plant (``assembly_capacity``) instead, the capacity row reads ``y_i`` and
  the per-lane rows ``z_i``: two binaries with rows of their own per warehouse, which doubled
  HiGHS's time on capc (``docs/performance.md``, "capc to its optimum");
* customer ``j`` is market ``C0001``, ``C0002``, ... in ``X`` with demand
  ``{good: {quantity: d_j, price: 0, min_served: 1}}`` (every unit must be served, at no
  revenue); customers of zero demand are left out, as they cost nothing;
* no ``channels`` section, so every plant sells directly into every market;
* the per-unit cost ``c_ij / d_j`` of each lane is a ``trade.transport`` entry
  ``{from_plant: W.., to_market: C.., goods: machine, unit_cost: c_ij / d_j}``.

The default objective (alliance profit) is then revenue 0 minus fixed and allocation cost,
so the CFLP optimum cost equals minus the gpnopt objective.

File format: ``m n``; ``m`` records ``capacity fixed_cost``; then per customer its demand
followed by ``m`` costs. Records may wrap across lines, so a file is read as one stream of
whitespace-separated tokens. In ``capa``/``capb``/``capc`` every capacity is the literal
word ``capacity``; the value to use comes from the ``capacity`` column of ``optima.csv``.

No Pyomo here.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gpnopt.errors import InstanceError
from gpnopt.io import instance_from_dict
from gpnopt.schema import Instance

ENV_DIR = "GPNOPT_ORLIB_DIR"
"""Environment variable naming the folder of the OR-Library files and ``optima.csv``."""

OPTIMA_FILE = "optima.csv"
"""Name of the table of instances and published optima in the benchmark folder."""

CAPACITY_WORD = "capacity"
"""Placeholder for the capacity in the capa/capb/capc files."""

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest OR-Library file read (bytes)."""

COUNTRY = "X"
FIRM = "F"
PRODUCT = "good"


@dataclass(frozen=True, eq=False)
class CapData:
    """The data of one CFLP instance, as read from an OR-Library ``cap*`` file.

    Arrays are read-only.

    Attributes:
        capacities: capacity of each warehouse, shape ``(m,)`` (units).
        fixed_costs: fixed cost of opening each warehouse, shape ``(m,)`` (money).
        demands: demand of each customer, shape ``(n,)`` (units).
        costs: ``costs[i, j]`` is the cost of serving *all* of customer ``j``'s demand from
            warehouse ``i``, shape ``(m, n)`` (money).
        source: the file read (for messages).
    """

    capacities: np.ndarray
    fixed_costs: np.ndarray
    demands: np.ndarray
    costs: np.ndarray
    source: str = "<data>"

    @property
    def m(self) -> int:
        """Number of warehouses."""
        return int(self.capacities.shape[0])

    @property
    def n(self) -> int:
        """Number of customers."""
        return int(self.demands.shape[0])

    def unit_costs(self) -> np.ndarray:
        """Per-unit costs ``costs[i, j] / demands[j]``, shape ``(m, n)``; 0 for zero demand."""
        out = np.zeros_like(self.costs, dtype=float)
        pos = self.demands > 0
        out[:, pos] = self.costs[:, pos] / self.demands[pos]
        return out


@dataclass(frozen=True)
class CapEntry:
    """One row of ``optima.csv``.

    Attributes:
        instance: instance name (``cap41``, ``capa-8000``).
        file: data file name inside the benchmark folder.
        capacity: capacity to substitute for the word ``capacity`` (``None`` if not needed).
        optimal_cost: published optimal total cost (fixed + allocation).
    """

    instance: str
    file: str
    capacity: float | None
    optimal_cost: float


def _read_text(path: Path) -> str:
    """Read a text file, turning every failure into an :class:`InstanceError`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            msg = f"{path}: file is {size} bytes, larger than the limit of {MAX_FILE_BYTES}"
            raise InstanceError(msg)
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        msg = f"{path}: not a text file (byte {exc.start}: {exc.reason})"
        raise InstanceError(msg) from None
    except OSError as exc:
        msg = f"{path}: cannot read the file: {exc.strerror or exc}"
        raise InstanceError(msg) from None


def _role(index: int, m: int) -> str:
    """What the token at ``index`` (0-based, in the whole stream) stands for."""
    if index == 0:
        return "the number of warehouses m"
    if index == 1:
        return "the number of customers n"
    k = index - 2
    if k < 2 * m:
        field = "capacity" if k % 2 == 0 else "fixed cost"
        return f"the {field} of warehouse {k // 2 + 1}"
    k -= 2 * m
    j, r = divmod(k, m + 1)
    if r == 0:
        return f"the demand of customer {j + 1}"
    return f"the cost of customer {j + 1} from warehouse {r}"


def read_cap(path: str | Path, capacity: float | None = None) -> CapData:
    """Read an OR-Library capacitated warehouse location file.

    Args:
        path: the ``cap*`` file.
        capacity: the value of every warehouse capacity written as the word ``capacity``
            (capa/capb/capc); a number given in the file is kept as written.

    Returns:
        The instance data.

    Raises:
        InstanceError: the file cannot be read, is truncated or too long, or holds a token
            that is not a finite non-negative number where one is expected (the message
            names the file, the line and what the token stands for); or a capacity is the
            word ``capacity`` and ``capacity`` is not given.
    """
    path = Path(path)
    text = _read_text(path)
    tokens: list[str] = []
    lines: list[int] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        tokens += parts
        lines += [lineno] * len(parts)

    if capacity is not None and not (math.isfinite(capacity) and capacity >= 0):
        msg = f"{path}: capacity {capacity!r} must be a finite non-negative number"
        raise InstanceError(msg)
    if len(tokens) < 2:
        msg = f"{path}: expected 'm n' (numbers of warehouses and customers) at the start"
        raise InstanceError(msg)

    sizes = []
    for k in (0, 1):
        try:
            value = int(tokens[k])
        except ValueError:
            value = -1
        if value <= 0:
            msg = (
                f"{path}: line {lines[k]}: {_role(k, 0)} must be a positive integer, "
                f"not {tokens[k]!r}"
            )
            raise InstanceError(msg)
        sizes.append(value)
    m, n = sizes

    expected = 2 + 2 * m + n * (m + 1)
    if len(tokens) < expected:
        msg = (
            f"{path}: file ends early: {m} warehouses and {n} customers need {expected} "
            f"numbers, found {len(tokens)} (missing {_role(len(tokens), m)})"
        )
        raise InstanceError(msg)
    if len(tokens) > expected:
        msg = (
            f"{path}: line {lines[expected]}: {len(tokens) - expected} unexpected token(s) "
            f"after the last customer (starting with {tokens[expected]!r}); "
            f"the header says {m} warehouses and {n} customers"
        )
        raise InstanceError(msg)

    values = np.empty(expected, dtype=float)
    for k in range(2, expected):
        tok = tokens[k]
        is_capacity = k < 2 + 2 * m and k % 2 == 0
        if is_capacity and tok.lower() == CAPACITY_WORD:
            if capacity is None:
                msg = (
                    f"{path}: line {lines[k]}: {_role(k, m)} is the word 'capacity'; "
                    "give its value (the capacity column of optima.csv)"
                )
                raise InstanceError(msg)
            values[k] = capacity
            continue
        try:
            value = float(tok)
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value >= 0):
            msg = (
                f"{path}: line {lines[k]}: {_role(k, m)} must be a finite non-negative "
                f"number, not {tok!r}"
            )
            raise InstanceError(msg)
        values[k] = value

    head = values[2 : 2 + 2 * m]
    body = values[2 + 2 * m :].reshape(n, m + 1)
    arrays = {
        "capacities": head[0::2].copy(),
        "fixed_costs": head[1::2].copy(),
        "demands": body[:, 0].copy(),
        "costs": body[:, 1:].T.copy(),
    }
    for a in arrays.values():
        a.setflags(write=False)
    return CapData(**arrays, source=str(path))


def plant_id(i: int, m: int) -> str:
    """Plant id of warehouse ``i`` (0-based): ``W001``, ... (at least 3 digits)."""
    return f"W{i + 1:0{max(3, len(str(m)))}d}"


def market_id(j: int, n: int) -> str:
    """Market id of customer ``j`` (0-based): ``C0001``, ... (at least 4 digits)."""
    return f"C{j + 1:0{max(4, len(str(n)))}d}"


def cap_to_dict(data: CapData, name: str) -> dict[str, Any]:
    """The raw gpnopt instance mapping of a CFLP (see the module docstring for the mapping).

    Args:
        data: the CFLP data.
        name: the instance name.
    """
    m, n = data.m, data.n
    unit = data.unit_costs()
    plants = {
        plant_id(i, m): {
            "country": COUNTRY,
            "owners": {FIRM: 1.0},
            "fixed_cost": float(data.fixed_costs[i]),
            "lines": {PRODUCT: {"capacity": float(data.capacities[i])}},
        }
        for i in range(m)
    }
    served = [j for j in range(n) if data.demands[j] > 0]
    markets = {
        market_id(j, n): {
            "country": COUNTRY,
            "demand": {
                PRODUCT: {"quantity": float(data.demands[j]), "price": 0.0, "min_served": 1.0}
            },
        }
        for j in served
    }
    transport = [
        {
            "from_plant": plant_id(i, m),
            "to_market": market_id(j, n),
            "goods": "machine",
            "unit_cost": float(unit[i, j]),
        }
        for i in range(m)
        for j in served
    ]
    return {
        "name": name,
        "description": (
            f"OR-Library capacitated facility location instance {name} ({m} warehouses, "
            f"{n} customers) from {data.source}; optimum cost = -objective."
        ),
        "units": {"money": "cost units", "quantity": "units"},
        "countries": {COUNTRY: {"name": "CFLP"}},
        "firms": {FIRM: {"name": "CFLP operator", "home_country": COUNTRY}},
        "products": {PRODUCT: {"tier": "low", "firm": FIRM}},
        "plants": plants,
        "markets": markets,
        "trade": {"transport": transport},
        "notes": {"source": data.source, "orlib": "capacitated warehouse location"},
    }


def cap_to_instance(data: CapData, name: str) -> Instance:
    """A gpnopt instance whose optimum is the CFLP's (optimum cost = -objective).

    Args:
        data: the CFLP data (from :func:`read_cap`).
        name: the instance name.

    Raises:
        InstanceError: the mapped instance does not validate (a bug of this module or data
            the schema refuses).
    """
    return instance_from_dict(cap_to_dict(data, name), name=name)


def default_dir() -> Path | None:
    """The benchmark folder named by the ``GPNOPT_ORLIB_DIR`` environment variable, if any."""
    value = os.environ.get(ENV_DIR)
    return Path(value) if value else None


def read_optima(folder: str | Path) -> dict[str, CapEntry]:
    """Read ``optima.csv`` of a benchmark folder: instance name -> entry.

    Raises:
        InstanceError: the table is missing or malformed.
    """
    path = Path(folder) / OPTIMA_FILE
    text = _read_text(path)
    reader = csv.DictReader(text.splitlines())
    need = {"instance", "file", "capacity", "optimal_cost"}
    if reader.fieldnames is None or not need <= set(reader.fieldnames):
        msg = f"{path}: expected the columns {', '.join(sorted(need))}"
        raise InstanceError(msg)
    out: dict[str, CapEntry] = {}
    for row_no, row in enumerate(reader, start=2):
        try:
            cap = row["capacity"].strip()
            entry = CapEntry(
                instance=row["instance"].strip(),
                file=row["file"].strip(),
                capacity=float(cap) if cap else None,
                optimal_cost=float(row["optimal_cost"]),
            )
        except (TypeError, ValueError, AttributeError):
            msg = f"{path}: line {row_no}: malformed row {row!r}"
            raise InstanceError(msg) from None
        out[entry.instance] = entry
    return out


def load_cap(
    name_or_path: str | Path,
    folder: str | Path | None = None,
    capacity: float | None = None,
) -> Instance:
    """Load an OR-Library CFLP instance as a gpnopt instance.

    Args:
        name_or_path: an instance name of ``optima.csv`` (``cap41``, ``capa-8000``) or the
            path of a ``cap*`` file. An existing file path wins over a name.
        folder: the benchmark folder holding ``optima.csv`` and the files; defaults to the
            ``GPNOPT_ORLIB_DIR`` environment variable. Needed for names only.
        capacity: for a path: the value of capacities written as ``capacity``. For a name
            it overrides the ``capacity`` column of ``optima.csv``.

    Returns:
        The validated instance, named after the instance name (or the file's stem).

    Raises:
        InstanceError: the name is unknown, no folder is given for a name, or the file is
            malformed.
    """
    path = Path(name_or_path)
    if path.is_file():
        return cap_to_instance(read_cap(path, capacity=capacity), name=path.stem)
    base = Path(folder) if folder is not None else default_dir()
    if base is None:
        msg = (
            f"{name_or_path}: not a file; to look it up as an instance name give the "
            f"benchmark folder (folder argument or {ENV_DIR})"
        )
        raise InstanceError(msg)
    optima = read_optima(base)
    entry = optima.get(str(name_or_path))
    if entry is None:
        msg = (
            f"{name_or_path}: neither a file nor an instance of {base / OPTIMA_FILE} "
            f"(known: {', '.join(optima)})"
        )
        raise InstanceError(msg)
    cap = capacity if capacity is not None else entry.capacity
    data = read_cap(base / entry.file, capacity=cap)
    return cap_to_instance(data, name=entry.instance)
