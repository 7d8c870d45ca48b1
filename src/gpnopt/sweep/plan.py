"""The sweep plan: a spec checked against its instance, with every pattern resolved.

:func:`make_plan` reads the instance (scenario applied) into its raw mapping, resolves each
perturbation and grid pattern to the places (paths in the mapping) it touches, fixes the
draws, chunks and the table's columns; :class:`SweepPlan` is what every worker receives.
The raw-path helpers (:func:`numeric_leaves`, :func:`get_place`, :func:`seed_of`) live here.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gpnopt.errors import GpnoptWarning
from gpnopt.schema import Instance
from gpnopt.sweep.spec import WILDCARD, SweepError, SweepSpec
from gpnopt.timeseries import is_growth

SKIPPED_SECTIONS = frozenset(
    {"name", "description", "units", "objective", "expectations", "overrides", "scenarios",
     "imports", "periods"}
)
"""Top-level sections whose numbers are never perturbed (they are not parameters; the
periods' years and lengths are the horizon, not a number to draw)."""

SKIPPED_KEYS = frozenset({"provenance", "name", "description"})
"""Keys whose subtrees are never perturbed anywhere (texts)."""

FORMAT_VERSION = 1
"""Version of the folder layout written in the manifest."""

# --- paths of the raw mapping -----------------------------------------------------------------

Place = tuple[Any, ...]
"""A place in the raw mapping: keys (str) and list positions (int)."""


def _dotted(path: Place) -> str:
    """'plants.JP_TM.fixed_cost' (list positions as numbers)."""
    return ".".join(str(p) for p in path)


def numeric_leaves(raw: Mapping[str, Any]) -> list[Place]:
    """Every number of an instance mapping that a perturbation may touch, in file order.

    Numbers under :data:`SKIPPED_SECTIONS` and under :data:`SKIPPED_KEYS` (texts) are left
    out; booleans are not numbers.
    """
    out: list[Place] = []

    def walk(node: Any, path: Place) -> None:
        if isinstance(node, Mapping):
            for k, v in node.items():
                if (not path and k in SKIPPED_SECTIONS) or k in SKIPPED_KEYS:
                    continue
                walk(v, (*path, k))
        elif isinstance(node, list):
            for j, v in enumerate(node):
                walk(v, (*path, j))
        elif isinstance(node, int | float) and not isinstance(node, bool):
            out.append(path)

    walk(raw, ())
    return out


def growth_leaves(raw: Mapping[str, Any], leaves: list[Place]) -> set[Place]:
    """The places of ``leaves`` that are growth rates: the ``growth`` of a per-period value
    ``{value: x, growth: g}`` (:func:`gpnopt.timeseries.is_growth`)."""
    return {leaf for leaf in leaves
            if leaf and leaf[-1] == "growth" and is_growth(get_place(raw, leaf[:-1]))}


def matching(
    pattern: str, leaves: list[Place], dotted: list[str], growth: set[Place]
) -> list[Place]:
    """The leaves whose dotted path matches ``pattern`` (fnmatch, whole path).

    A growth rate (``plants.P.fixed_cost.growth``) matches only a pattern that names
    ``growth``: ``*fixed_cost*`` scales the value (every period's), ``*growth*`` or
    ``*fixed_cost.growth`` the rate.
    """
    names_growth = "growth" in pattern
    return [leaf for leaf, d in zip(leaves, dotted, strict=True)
            if fnmatch.fnmatchcase(d, pattern) and (names_growth or leaf not in growth)]


def get_place(raw: Any, path: Place) -> Any:
    """The value at ``path`` in the mapping ``raw``."""
    node = raw
    for p in path:
        node = node[p]
    return node


def _resolve_place(raw: Mapping[str, Any], dotted: str) -> Place | None:
    """The place an exact dotted path names (its parent must exist), or None."""
    parts = dotted.split(".")
    node: Any = raw
    path: list[Any] = []
    for j, part in enumerate(parts):
        last = j == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                return None
            key: Any = int(part)
        elif isinstance(node, Mapping):
            key = part
            if key not in node and not last:
                return None
        else:
            return None
        path.append(key)
        if not last:
            node = node[key]
    return tuple(path)


def seed_of(seed: int, *keys: int) -> int:
    """A 64-bit seed from the sweep's seed and integer keys (stable across processes)."""
    text = ":".join(str(k) for k in (seed, *keys)).encode()
    return int.from_bytes(hashlib.sha256(text).digest()[:8], "little")


# --- the plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """Preset factors instead of seeded draws (an experimental design such as a SALib sample).

    Draw ``d`` multiplies the number at ``places[j]`` by ``factors[d][j]``; a plan with a
    design has as many draws as ``factors`` has rows, and no grid.

    Attributes:
        places: the numbers the design varies.
        factors: one row of multipliers per draw, one per place.
        about: what made the design (method, groups, ...), written in the manifest with
            :attr:`digest`, so that another design in the same folder is another sweep.
    """

    places: tuple[Place, ...]
    factors: tuple[tuple[float, ...], ...]
    about: dict[str, Any] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        """SHA-256 of the places and factors."""
        text = json.dumps([[_dotted(p) for p in self.places], self.factors])
        return hashlib.sha256(text.encode()).hexdigest()

    def manifest(self) -> dict[str, Any]:
        """The manifest's ``design`` entry."""
        return {**self.about, "numbers": len(self.places), "draws": len(self.factors),
                "digest": self.digest}


@dataclass
class SweepPlan:
    """A checked spec with what the workers need: the resolved mapping and the places.

    Attributes:
        spec: the spec.
        raw: the instance mapping with the scenario applied (no overrides, scenarios).
        name: the instance's name in messages (the file).
        digest: SHA-256 of ``raw`` (a changed instance file is another sweep).
        perturb_places: for each perturbation, the places it multiplies.
        grid_places: for each grid axis, the places it sets.
        n_points, per_point, total, chunk: grid points, draws per point, draws, draws per
            part.
        firms, plants, lines, make, entities, expectations: the record's entities (from the
            base instance; a multi-period instance: of every period), ``expectations`` as
            (id, description) pairs.
        columns: the table's columns with their dtypes, in order.
        periods: the period ids of a multi-period instance, in order (empty for a
            one-period instance): each per-plant, line, in-house and open column is then one
            column per period, named ``COLUMN@PERIOD`` (:func:`period_column`), and the
            column ``events`` lists the draw's timeline events (:func:`event_column`,
            ``;``-separated).
        design: preset factors (:class:`Design`) instead of the seeded draws of
            ``spec.perturb`` (``spec.samples`` is then the design's number of rows).
    """

    spec: SweepSpec
    raw: dict[str, Any]
    name: str
    digest: str
    perturb_places: list[list[Place]]
    grid_places: list[list[Place]]
    n_points: int
    per_point: int
    total: int
    chunk: int
    firms: list[str]
    plants: list[str]
    lines: list[tuple[str, str]]
    make: list[tuple[str, str]]
    entities: list[str]
    expectations: list[tuple[str, str]]
    columns: dict[str, str] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    design: Design | None = None

    @property
    def n_chunks(self) -> int:
        """Number of parts."""
        return -(-self.total // self.chunk)

    def chunk_draws(self, c: int) -> range:
        """The draws of chunk ``c``."""
        return range(c * self.chunk, min(self.total, (c + 1) * self.chunk))

    def point_values(self, point: int) -> list[Any]:
        """The grid values of a point (mixed radix, last axis fastest)."""
        vals = []
        for axis in reversed(self.spec.grid):
            point, j = divmod(point, len(axis.values))
            vals.append(axis.values[j])
        return vals[::-1]

    def manifest(self) -> dict[str, Any]:
        """The content of ``manifest.json``."""
        from gpnopt import __version__

        return {
            "format": FORMAT_VERSION,
            "gpnopt": __version__,
            "spec": self.spec.as_dict(),
            "instance_digest": self.digest,
            "draws": self.total,
            "chunk": self.chunk,
            "points": self.n_points,
            "per_point": self.per_point,
            "numbers": {p.text: len(pl) for p, pl in zip(self.spec.perturb, self.perturb_places, strict=True)},
            "expectations": [{"id": i, "description": d} for i, d in self.expectations],
            "grid_columns": [a.column for a in self.spec.grid],
            "firms": self.firms,
            "plants": self.plants,
            **({"periods": self.periods} if self.periods else {}),
            **({"design": self.design.manifest()} if self.design is not None else {}),
        }


def _scenario_raw(spec: SweepSpec) -> tuple[dict[str, Any], Instance]:
    """The instance mapping of ``spec`` with its scenario applied, and the base instance.

    Uses :func:`gpnopt.io.resolve_raw`, so every error is the InstanceError ``load`` would
    raise.
    """
    from gpnopt import io

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", GpnoptWarning)
        data = io.resolve_raw(
            spec.instance,
            scenario=spec.scenario,
            scenario_files=spec.scenario_files,
            allow_imports_outside=spec.allow_imports_outside,
        )
        base = io.instance_from_dict(data, name=spec.instance)
    return data, base


def _default_chunk(total: int) -> int:
    """Draws per part: about 40 parts, 5 to 50 draws each."""
    return max(5, min(50, -(-total // 40)))


def make_plan(spec: SweepSpec) -> SweepPlan:
    """Check ``spec`` against its instance and resolve every pattern.

    Raises:
        InstanceError: the instance or scenario is invalid, or has periods (CLI exit 1).
        SweepError: a pattern matches no number, a grid path names no place, an expectation
            id is unknown (CLI exit 2).
    """
    raw, base = _scenario_raw(spec)
    if spec.objective and spec.objective.startswith("firm:") and spec.objective[5:] not in base.firms:
        msg = f"--objective {spec.objective!r}: no firm {spec.objective[5:]!r} (firms: {', '.join(base.firms)})"
        raise SweepError(msg)
    leaves = numeric_leaves(raw)
    dotted = [_dotted(p) for p in leaves]
    growth = growth_leaves(raw, leaves)
    perturb_places = []
    for p in spec.perturb:
        places = matching(p.pattern, leaves, dotted, growth)
        if not places:
            msg = (
                f"--perturb {p.text!r}: the pattern matches no number of {spec.instance} "
                "(patterns match whole dotted paths such as "
                "plants.JP_TM.lines.tm_lathe_high.unit_cost; use '*unit_cost' for a key anywhere)"
            )
            raise SweepError(msg)
        perturb_places.append(places)
    grid_places = []
    for a in spec.grid:
        if WILDCARD.search(a.pattern):
            places = matching(a.pattern, leaves, dotted, growth)
        else:
            place = _resolve_place(raw, a.pattern)
            places = [place] if place is not None else []
            if place is not None and a.scale:
                try:
                    v = get_place(raw, place)
                except (KeyError, IndexError):
                    v = None
                if not (isinstance(v, int | float) and not isinstance(v, bool)):
                    places = []
        if not places:
            msg = (
                f"--grid {a.text!r}: {a.pattern!r} names no "
                + ("number" if a.scale or WILDCARD.search(a.pattern) else "place")
                + f" of {spec.instance} (a dotted path such as "
                "plants.CN_FFG.components.casting.min_quantity, whose parent exists)"
            )
            raise SweepError(msg)
        grid_places.append(places)
    n_points = math.prod(len(a.values) for a in spec.grid) if spec.grid else 1
    per_point = max(1, spec.samples)
    total = n_points * per_point
    chunk = spec.chunk or _default_chunk(total)
    digest = hashlib.sha256(
        json.dumps(raw, sort_keys=True, default=str).encode()
    ).hexdigest()
    periods, plants, lines, make, entities = _entities(base)
    plan = SweepPlan(
        spec=spec,
        raw=raw,
        name=spec.instance,
        digest=digest,
        perturb_places=perturb_places,
        grid_places=grid_places,
        n_points=n_points,
        per_point=per_point,
        total=total,
        chunk=chunk,
        firms=list(base.firms),
        plants=plants,
        lines=lines,
        make=make,
        entities=entities,
        expectations=[(e.id, e.description) for e in base.expectations],
        periods=periods,
    )
    plan.columns = _columns(plan)
    return plan


def period_column(column: str, period: str | None) -> str:
    """The column of a per-period value: ``line.CN_FT.t1@2008`` (``period`` None: ``column``)."""
    return column if period is None else f"{column}@{period}"


def _entities(base: Instance) -> tuple[list[str], list[str], list[tuple[str, str]],
                                       list[tuple[str, str]], list[str]]:
    """Periods, plants, lines, make options and non-plant entities of the record.

    A multi-period instance: the union over its periods, in order of first appearance.
    """
    from gpnopt.data import build_data

    if not base.periods:
        data = build_data(base)
        return ([], list(base.plants), list(data.lines), list(data.make),
                [e for e, k in data.entity_kind.items() if k != "plant"])
    from gpnopt.horizon_data import build_horizon_data

    hdata = build_horizon_data(base)
    plants: dict[str, None] = {}
    lines: dict[tuple[str, str], None] = {}
    make: dict[tuple[str, str], None] = {}
    entities: dict[str, None] = {}
    for data in hdata.data.values():
        plants.update(dict.fromkeys(e for e, k in data.entity_kind.items() if k == "plant"))
        lines.update(dict.fromkeys(data.lines))
        make.update(dict.fromkeys(data.make))
        entities.update(dict.fromkeys(e for e, k in data.entity_kind.items() if k != "plant"))
    return list(hdata.horizon.ids), list(plants), list(lines), list(make), list(entities)


def _columns(plan: SweepPlan) -> dict[str, str]:
    """Column -> pandas dtype of the table."""
    cols: dict[str, str] = {"draw": "int64", "point": "int64", "sample": "int64"}
    for a in plan.spec.grid:
        cols[a.column] = "float64" if a.numeric else "object"
    cols.update({"status": "object", "error": "object", "objective": "float64",
                 "bound": "float64", "mip_gap": "float64", "pattern": "boolean"})
    for f in plan.firms:
        cols[f"profit.{f}"] = "float64"
    for eid, _ in plan.expectations:
        cols[f"holds.{eid}"] = "boolean"
    for t in plan.periods or [None]:
        for p in plan.plants:
            cols[period_column(f"role.{p}", t)] = "object"
        for key in ("h", "supply_share", "vs_share", "export_share", "plant_profit"):
            for p in plan.plants:
                cols[period_column(f"{key}.{p}", t)] = "float64"
        for p, i in plan.lines:
            cols[period_column(f"line.{p}.{i}", t)] = "Int8"
        for p, i in plan.lines:
            cols[period_column(f"production.{p}.{i}", t)] = "float64"
        for p, k in plan.make:
            cols[period_column(f"in_house.{p}.{k}", t)] = "Int8"
        for e in plan.entities:
            cols[period_column(f"open.{e}", t)] = "Int8"
    if plan.periods:
        cols["events"] = "object"
    return cols


def event_column(event: str, entity: str, period: str) -> str:
    """The name of a timeline event of a draw: ``event.built.CN_FT@2005``,
    ``event.line_opened.CN_FT.tm_lathe_medium@2005`` (spaces and ``/`` as in columns)."""
    name = event.replace(" ", "_").replace("-", "_")
    return period_column(f"event.{name}.{entity.replace('/', '.')}", period)

